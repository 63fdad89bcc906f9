from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SearchField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice as Choice
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from academy.labels import label_for
from academy.models import AccessAction, Role
from academy.parameters import DateField


class AccountFilterForm(FlaskForm):
    class Meta:
        csrf = False

    role = SelectField(_l("Role"), validators=[Optional()])
    q = SearchField(_l("Name or e-mail"), validators=[Optional(), Length(max=100)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [Choice("", _l("All roles"))] + [
            Choice(r.value, label_for(r)) for r in Role
        ]


class AccessLogFilterForm(FlaskForm):
    class Meta:
        csrf = False

    account = SearchField(_l("Account e-mail"), validators=[Optional(), Length(max=254)])
    person = SearchField(_l("Trainee name or number"), validators=[Optional(), Length(max=100)])
    action = SelectField(_l("Action"), validators=[Optional()])
    since = DateField(_l("From (Seoul date)"), validators=[Optional()])
    until = DateField(_l("To (Seoul date)"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.action.choices = [Choice("", _l("All actions"))] + [
            Choice(a.value, label_for(a)) for a in AccessAction
        ]


class AccountAccessForm(FlaskForm):
    """Role and campus of one account, with the reason that goes into the access log."""

    role = SelectField(_l("Role"), validators=[InputRequired()])
    campus = SelectField(_l("Campus"), validators=[Optional()])
    reason = TextAreaField(_l("Reason for the change"), validators=[Length(max=500)])

    def __init__(self, *args, roles=(), campuses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [Choice(r.value, label_for(r)) for r in roles]
        self.campus.choices = [Choice("", _l("No campus"))] + [
            Choice(str(c.id), c.name) for c in campuses
        ]


class AccountStatusForm(FlaskForm):
    """Disabling or enabling an account: the reason goes into the access log."""

    reason = TextAreaField(_l("Reason"), validators=[Length(max=500)])


class StaffInvitationForm(FlaskForm):
    """A new staff account: the person gets an e-mail with a link to choose a password."""

    name = StringField(
        _l("Name"),
        filters=[lambda value: value.strip() if value else value],
        validators=[DataRequired(_l("Enter the name.")), Length(max=100)],
    )
    email = EmailField(
        _l("E-mail"),
        filters=[lambda value: value.strip().lower() if value else value],
        validators=[
            DataRequired(_l("Enter the e-mail.")),
            Email(_l("Enter a valid e-mail.")),
            Length(max=254),
        ],
    )
    role = SelectField(_l("Role"), validators=[InputRequired()])
    campus = SelectField(_l("Campus (coordinators only)"), validators=[Optional()])
    reason = TextAreaField(_l("Reason"), validators=[Length(max=500)])

    def __init__(self, *args, roles=(), campuses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [Choice(r.value, label_for(r)) for r in roles]
        self.campus.choices = [Choice("", _l("No campus"))] + [
            Choice(str(c.id), c.name) for c in campuses
        ]
