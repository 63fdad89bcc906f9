from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.fields.choices import SelectChoice as Choice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from academy.labels import label_for
from academy.models import CampusKind, ReportFormat, Tier
from academy.parameters import MAX_YEAR, MIN_YEAR, DateField, IntegerField
from academy.progress_reports.scope import not_after_today


class ReportForm(FlaskForm):
    format = SelectField(_l("Format"), validators=[DataRequired()])
    year = IntegerField(_l("Year"), validators=[Optional(), NumberRange(MIN_YEAR, MAX_YEAR)])
    campus = SelectField(_l("Campus"), validators=[Optional()])
    tier = SelectField(_l("Size tier"), validators=[Optional()])
    kind = SelectField(_l("Campus kind"), validators=[Optional()])
    as_of = DateField(_l("Figures as of"), validators=[Optional(), not_after_today])
    include_personal = BooleanField(
        _l("Add the named lists (advanced-track selections and scholarships): personal data")
    )
    reason = StringField(
        _l("Why the named lists are needed"), validators=[Optional(), Length(max=500)]
    )

    def __init__(self, *args, campuses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.format.choices = [Choice(f.value, label_for(f)) for f in ReportFormat]
        self.campus.choices = [Choice("", _l("All campuses"))] + [
            Choice(str(c.id), c.name) for c in campuses
        ]
        self.tier.choices = [Choice("", _l("All tiers"))] + [
            Choice(t.value, label_for(t)) for t in Tier
        ]
        self.kind.choices = [Choice("", _l("All kinds"))] + [
            Choice(k.value, label_for(k)) for k in CampusKind
        ]

    def validate_include_personal(self, field):
        if field.data and self.format.data != ReportFormat.XLSX.value:
            raise ValidationError(_l("Named lists come only in the Excel workbook."))

    def validate(self, extra_validators=None):
        # Not an inline validator: Optional() on a blank reason would stop it from running.
        valid = super().validate(extra_validators)
        if self.include_personal.data and len((self.reason.data or "").strip()) < 5:
            self.reason.errors = [
                *self.reason.errors,
                _l("Say why the personal data are needed (at least 5 characters)."),
            ]
            return False
        return valid
