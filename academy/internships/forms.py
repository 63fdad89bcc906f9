from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.fields.choices import SelectChoice as Choice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from academy.labels import label_for
from academy.models import InternshipProgramme, PlacementStatus
from academy.parameters import DateField, IntegerField

MAX_WEEKLY_HOURS = 52  # the legal working week: 40 hours plus 12 of overtime


def _hours_field():
    return IntegerField(
        _l("Hours a week"),
        validators=[
            Optional(),
            NumberRange(1, MAX_WEEKLY_HOURS, _l("Enter 1 to %(max)s hours.", max=MAX_WEEKLY_HOURS)),
        ],
    )


class HostForm(FlaskForm):
    name = StringField(
        _l("Organisation"), validators=[DataRequired(_l("Enter the name.")), Length(max=150)]
    )
    public_sector = BooleanField(_l("Public sector (city administration)"))
    alliance_member_id = SelectField(_l("Seoul AI Alliance member"), coerce=int, default=0)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.alliance_member_id.choices = [Choice(0, _l("Not a member"))] + [
            Choice(m.id, m.name) for m in members
        ]


class OpeningForm(FlaskForm):
    host_id = SelectField(
        _l("Host organisation"), coerce=int, validators=[DataRequired(_l("Choose the host."))]
    )
    programme = SelectField(_l("Internship programme"))
    title = StringField(
        _l("Job title"), validators=[DataRequired(_l("Enter the job title.")), Length(max=150)]
    )
    starts_on = DateField(_l("Start date"), validators=[DataRequired(_l("Enter the start date."))])
    ends_on = DateField(_l("End date"), validators=[DataRequired(_l("Enter the end date."))])
    seats = IntegerField(
        _l("Places"),
        validators=[
            DataRequired(_l("Enter the number of seats.")),
            NumberRange(1, 500, _l("Enter 1 to 500 seats.")),
        ],
    )
    paid = BooleanField(_l("Paid internship"), default=True)
    weekly_hours = _hours_field()

    def __init__(self, *args, hosts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.host_id.choices = [Choice(0, _l("Choose the host"))] + [
            Choice(h.id, h.name) for h in hosts
        ]
        self.programme.choices = [Choice(p.value, label_for(p)) for p in InternshipProgramme]

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The end date cannot be before the start date."))


class PlacementForm(FlaskForm):
    trainee_id = SelectField(
        _l("Trainee"), coerce=int, validators=[DataRequired(_l("Choose a trainee."))]
    )
    starts_on = DateField(_l("Start date"), validators=[DataRequired(_l("Enter the start date."))])
    ends_on = DateField(_l("End date"), validators=[Optional()])
    paid = BooleanField(_l("Paid internship"), default=True)
    weekly_hours = _hours_field()

    def __init__(self, *args, trainees=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.trainee_id.choices = [Choice(0, _l("Choose a trainee"))] + [
            Choice(t.id, f"{t.user.name} · {c.code}") for t, c in trainees
        ]

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The end date cannot be before the start date."))


class PlacementStatusForm(FlaskForm):
    status = SelectField(_l("Status"))
    ends_on = DateField(_l("End date"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = [Choice(s.value, label_for(s)) for s in PlacementStatus]


class YearFilterForm(FlaskForm):
    class Meta:
        csrf = False

    year = SelectField(_l("Year"), coerce=int, validators=[Optional()])
    programme = SelectField(_l("Internship programme"), validators=[Optional()])

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.year.choices = [Choice(y, str(y)) for y in years]
        self.programme.choices = [Choice("", _l("All programmes"))] + [
            Choice(p.value, label_for(p)) for p in InternshipProgramme
        ]
