from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    EmailField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
)
from wtforms.fields.choices import SelectChoice as Choice
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from academy.instructors.services import describe_experience
from academy.labels import label_for
from academy.models import AssignmentRole, CareerField
from academy.parameters import DateField


class CareerForm(FlaskForm):
    """A career period with its evidence (경력증명서); the coordinator verifies it afterwards."""

    employer = StringField(
        _l("Employer"), validators=[DataRequired(_l("Enter the employer.")), Length(max=150)]
    )
    role_title = StringField(
        _l("Job title"), validators=[DataRequired(_l("Enter the job title.")), Length(max=100)]
    )
    field = SelectField(_l("Field"), validators=[DataRequired()])
    starts_on = DateField(_l("Start date"), validators=[DataRequired(_l("Enter the start date."))])
    ends_on = DateField(_l("End date"), validators=[Optional()])
    evidence = FileField(
        _l("Certificate of employment (경력증명서)"),
        validators=[FileRequired(_l("Attach the certificate of employment."))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.field.choices = [Choice(f.value, label_for(f)) for f in CareerField]

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The end date cannot be before the start date."))


class AssignmentForm(FlaskForm):
    cohort_id = HiddenField(validators=[DataRequired()])
    instructor_id = SelectField(
        _l("Instructor"), coerce=int, validators=[DataRequired(_l("Choose an instructor."))]
    )
    role = SelectField(_l("Role in the cohort"), default=AssignmentRole.LEAD.value)

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [Choice(r.value, label_for(r)) for r in AssignmentRole]
        self.instructor_id.choices = [
            Choice(c.instructor.id, candidate_label(c)) for c in candidates
        ]


def candidate_label(candidate) -> str:
    """'홍길동 · 자격 충족 (5년 2개월)' or '김철수 · 자격 미달 (1년 7개월, 5개월 부족)'."""
    status = _l("qualified") if candidate.experience.qualified else _l("not qualified")
    return f"{candidate.instructor.name} · {status} ({describe_experience(candidate.experience)})"


class ListFilterForm(FlaskForm):
    """The citywide list's campus filter, read from the query string."""

    class Meta:
        csrf = False

    campus = SelectField(_l("Campus"), coerce=int, validators=[Optional()])

    def __init__(self, *args, campuses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.campus.choices = [Choice(0, _l("All campuses"))] + [
            Choice(c.id, c.name) for c in campuses
        ]


class ConfirmForm(FlaskForm):
    """A button that changes something: the form carries only the CSRF token."""


class CareerEntryForm(Form):
    """One career period the coordinator knows of; a row left empty is skipped."""

    employer = StringField(_l("Employer"), validators=[Optional(), Length(max=150)])
    role_title = StringField(_l("Job title"), validators=[Optional(), Length(max=100)])
    field = SelectField(_l("Field"), validators=[Optional()])
    starts_on = DateField(_l("Start date"), validators=[Optional()])
    ends_on = DateField(_l("End date"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.field.choices = [Choice(f.value, label_for(f)) for f in CareerField]

    @property
    def filled(self) -> bool:
        return bool((self.employer.data or "").strip() or self.starts_on.data)

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if not self.filled:
            return ok
        if not (self.employer.data or "").strip():
            self.employer.errors.append(_l("Enter the employer."))
        if not (self.role_title.data or "").strip():
            self.role_title.errors.append(_l("Enter the job title."))
        if not self.starts_on.data:
            self.starts_on.errors.append(_l("Enter the start date."))
        if self.ends_on.data and self.starts_on.data and self.ends_on.data < self.starts_on.data:
            self.ends_on.errors.append(_l("The end date cannot be before the start date."))
        return ok and not any(f.errors for f in self)


class InstructorInvitationForm(FlaskForm):
    """A new instructor of the coordinator's campus: the account, the profile and what is known
    of their career. They get an e-mail with a link to choose a password."""

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
    careers = FieldList(FormField(CareerEntryForm), min_entries=3, max_entries=10)


class AttachInstructorForm(FlaskForm):
    email = EmailField(
        _l("E-mail of their instructor account"),
        filters=[lambda value: value.strip().lower() if value else value],
        validators=[
            DataRequired(_l("Enter the e-mail.")),
            Email(_l("Enter a valid e-mail.")),
            Length(max=254),
        ],
    )
