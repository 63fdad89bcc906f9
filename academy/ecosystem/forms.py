from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField
from wtforms.fields.choices import SelectChoice as Choice
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from academy.labels import label_for
from academy.models import AllianceKind, DonationKind
from academy.parameters import DateField, IntegerField


class AllianceMemberForm(FlaskForm):
    name = StringField(_l("Institution"), validators=[DataRequired(), Length(max=150)])
    kind = SelectField(_l("Kind"), validators=[DataRequired()])
    joined_on = DateField(_l("Joined on"), validators=[DataRequired()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [Choice(k.value, label_for(k)) for k in AllianceKind]


class AdvancedTrackForm(FlaskForm):
    email = EmailField(
        _l("Trainee's e-mail"), validators=[DataRequired(), Email(), Length(max=254)]
    )
    programme = StringField(
        _l("Research lab or degree course"), validators=[Optional(), Length(max=150)]
    )
    selected_on = DateField(_l("Selected on"), validators=[DataRequired()])


class DonationForm(FlaskForm):
    donor = StringField(_l("Donor"), validators=[DataRequired(), Length(max=150)])
    kind = SelectField(_l("Kind of donation"), validators=[DataRequired()])
    amount = IntegerField(_l("Amount (won)"), validators=[Optional(), NumberRange(1, 10**12)])
    description = StringField(_l("Description"), validators=[Optional(), Length(max=300)])
    received_on = DateField(_l("Received on"), validators=[DataRequired()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [Choice(k.value, label_for(k)) for k in DonationKind]

    def validate(self, extra_validators=None):
        # Here rather than inline: Optional() on a blank amount would stop an inline validator.
        valid = super().validate(extra_validators)
        if self.kind.data == DonationKind.MONEY.value and not self.amount.data:
            self.amount.errors = [*self.amount.errors, _l("A money donation needs its amount.")]
            return False
        if self.kind.data == DonationKind.TALENT.value and self.amount.data:
            message = _l("A talent donation has no amount: describe it instead.")
            self.amount.errors = [*self.amount.errors, message]
            return False
        return valid


class ScholarshipForm(FlaskForm):
    email = EmailField(
        _l("Trainee's e-mail"), validators=[DataRequired(), Email(), Length(max=254)]
    )
    amount = IntegerField(_l("Amount (won)"), validators=[DataRequired(), NumberRange(1, 10**9)])
    awarded_on = DateField(_l("Awarded on"), validators=[DataRequired()])
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=300)])
