from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice as Choice
from wtforms.validators import NumberRange, Optional

from academy.labels import label_for
from academy.models import CampusKind, Tier
from academy.parameters import MAX_YEAR, MIN_YEAR, IntegerField


class OverviewFilterForm(FlaskForm):
    """Filters read from the query string, so a filtered view is a shareable URL."""

    class Meta:
        csrf = False

    year = IntegerField(_l("Year"), validators=[Optional(), NumberRange(MIN_YEAR, MAX_YEAR)])
    kind = SelectField(_l("Campus kind"), validators=[Optional()])
    tier = SelectField(_l("Size tier"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [Choice("", _l("All kinds"))] + [
            Choice(k.value, label_for(k)) for k in CampusKind
        ]
        self.tier.choices = [Choice("", _l("All tiers"))] + [
            Choice(t.value, label_for(t)) for t in Tier
        ]
