from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SearchField, SelectField
from wtforms.validators import Length, Optional

from academy.labels import label_for
from academy.models import Role


class AccountFilterForm(FlaskForm):
    class Meta:
        csrf = False

    role = SelectField(_l("Role"), validators=[Optional()])
    q = SearchField(_l("Name or e-mail"), validators=[Optional(), Length(max=100)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [("", _l("All roles"))] + [(r.value, label_for(r)) for r in Role]
