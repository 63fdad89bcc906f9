from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice as Choice
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from academy.cohorts.completion import MIN_REASON_LENGTH
from academy.exchange.cells import CellError, parse_phone
from academy.labels import label_for
from academy.models import CampusKind, Level, Mark, Tier
from academy.parameters import MAX_YEAR, MIN_YEAR, DateField, IntegerField


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class CourseForm(FlaskForm):
    name = StringField(
        _l("Course title"),
        filters=[_strip],
        validators=[DataRequired(_l("Enter the course title.")), Length(max=150)],
    )
    level = SelectField(_l("Level"), validators=[DataRequired(_l("Choose the level."))])
    field = StringField(
        _l("Field"), default="AI", filters=[_strip], validators=[Optional(), Length(max=100)]
    )
    partner_company = StringField(
        _l("Partner company"), filters=[_strip], validators=[Optional(), Length(max=100)]
    )
    project_based = BooleanField(_l("Project-based field training with a company"))
    attendance_threshold_pct = IntegerField(
        _l("Attendance needed to complete (%)"),
        default=80,
        validators=[
            InputRequired(_l("Enter a percentage from 1 to 100.")),
            NumberRange(1, 100, _l("Enter a percentage from 1 to 100.")),
        ],
    )
    lates_per_absence = IntegerField(
        _l("Late or left-early marks that count as one absence"),
        default=3,
        validators=[
            InputRequired(_l("Enter 1 or more.")),
            NumberRange(1, 10, _l("Enter 1 to 10.")),
        ],
    )
    cancellation_grace_days = IntegerField(
        _l("Days after the start in which a place can still be cancelled"),
        default=3,
        validators=[Optional(), NumberRange(0, 30, _l("Enter 0 to 30 days."))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.level.choices = [Choice(level.value, label_for(level)) for level in Level]


class CohortForm(FlaskForm):
    code = StringField(
        _l("Cohort code"),
        filters=[_strip],
        validators=[DataRequired(_l("Enter the cohort code.")), Length(max=40)],
    )
    course_id = SelectField(
        _l("Course"),
        coerce=_optional_int,
        validators=[InputRequired(_l("Choose one of this campus's courses."))],
    )
    classroom_id = SelectField(_l("Classroom"), coerce=_optional_int, validators=[Optional()])
    starts_on = DateField(_l("First day"), validators=[InputRequired(_l("Enter the first day."))])
    ends_on = DateField(_l("Last day"), validators=[InputRequired(_l("Enter the last day."))])
    capacity = IntegerField(
        _l("Capacity"),
        validators=[
            InputRequired(_l("Enter how many trainees the cohort takes (1 or more).")),
            NumberRange(1, 500, _l("Enter how many trainees the cohort takes (1 or more).")),
        ],
    )

    def __init__(self, courses, classrooms, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.course_id.choices = [Choice("", _l("Choose a course"))] + [
            Choice(c.id, f"{c.name} ({label_for(c.level)})") for c in courses
        ]
        self.classroom_id.choices = [Choice("", _l("No classroom yet"))] + [
            Choice(r.id, _l("%(room)s (%(seats)s seats)", room=r.name, seats=r.seats))
            for r in classrooms
        ]


def _phone(form, field):
    if field.data:
        try:
            field.data = parse_phone(field.data)
        except CellError as error:
            raise ValidationError(str(error.args[0])) from None


class EnrolmentForm(FlaskForm):
    name = StringField(
        _l("Full name"),
        filters=[_strip],
        validators=[DataRequired(_l("Enter the trainee's name.")), Length(max=100)],
    )
    birth_date = DateField(
        _l("Date of birth"), validators=[InputRequired(_l("Enter the date of birth."))]
    )
    email = EmailField(
        _l("E-mail"),
        filters=[lambda v: v.strip().lower() if v else v],
        validators=[
            DataRequired(_l("Enter the trainee's e-mail.")),
            Email(_l("Enter a valid e-mail.")),
            Length(max=254),
        ],
    )
    phone = StringField(
        _l("Mobile phone"), filters=[_strip], validators=[Optional(), Length(max=20), _phone]
    )
    vulnerable = BooleanField(_l("From a vulnerable group (취약계층)"))
    employed_at_start = BooleanField(_l("Already employed when the cohort starts"))


class LeaveForm(FlaskForm):
    left_on = DateField(
        _l("Last day in the cohort"), validators=[InputRequired(_l("Enter the day they left."))]
    )
    reason = RadioField(
        _l("Reason"),
        choices=[
            Choice("withdrawn", _l("Withdrew (dropout: stays in the figures)")),
            Choice("early_employment", _l("Left early for a job (early employment)")),
            Choice(
                "cancelled",
                _l("Cancelled before the start or in the first days (out of the enrolled count)"),
            ),
        ],
        default="withdrawn",
        validators=[InputRequired(_l("Choose the reason."))],
    )


class UploadForm(FlaskForm):
    file = FileField(
        _l("File (.xlsx or .csv)"),
        validators=[
            FileRequired(_l("Choose a file to upload.")),
            FileAllowed(["xlsx", "csv"], _l("Upload an .xlsx or .csv file.")),
        ],
    )


class MarkForm(FlaskForm):
    mark = SelectField(
        _l("Mark"), choices=[Choice(m.value) for m in Mark], validators=[DataRequired()]
    )


class SessionForm(FlaskForm):
    held_on = DateField(_l("Day"), validators=[InputRequired(_l("Enter the day."))])


class ConfirmForm(FlaskForm):
    """A POST that only needs its CSRF token (close the cohort, remove a day, commit a file)."""


class CommitImportForm(ConfirmForm):
    """Commit a staged file; for a roster, also whether to correct known trainees' records
    where the file differs (shown in the preview). Off unless ticked: never silently."""

    apply_changes = BooleanField(_l("Also correct these trainees' records from the file"))


class OverrideForm(FlaskForm):
    result = RadioField(
        _l("Result"),
        choices=[
            Choice("completed", _l("Completed")),
            Choice("not_completed", _l("Did not complete")),
        ],
        validators=[InputRequired(_l("Choose the result."))],
    )
    reason = TextAreaField(
        _l("Reason (kept and shown with the result)"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Write the reason.")),
            Length(
                MIN_REASON_LENGTH, 500, _l("Write the reason in %(min)s to %(max)s characters.")
            ),
        ],
    )


STATES = ("upcoming", "running", "ended", "closed")


class CohortFilterForm(FlaskForm):
    """Filters read from the query string, so a filtered list is a shareable URL."""

    class Meta:
        csrf = False

    year = IntegerField(_l("Year"), validators=[Optional(), NumberRange(MIN_YEAR, MAX_YEAR)])
    kind = SelectField(_l("Campus kind"), validators=[Optional()])
    tier = SelectField(_l("Size tier"), validators=[Optional()])
    level = SelectField(_l("Level"), validators=[Optional()])
    state = SelectField(_l("State"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [Choice("", _l("All kinds"))] + [
            Choice(k.value, label_for(k)) for k in CampusKind
        ]
        self.tier.choices = [Choice("", _l("All tiers"))] + [
            Choice(t.value, label_for(t)) for t in Tier
        ]
        self.level.choices = [Choice("", _l("All levels"))] + [
            Choice(v.value, label_for(v)) for v in Level
        ]
        self.state.choices = [
            Choice("", _l("Any state")),
            Choice("upcoming", _l("Not started")),
            Choice("running", _l("In training")),
            Choice("ended", _l("Ended, not closed")),
            Choice("closed", _l("Closed")),
        ]
