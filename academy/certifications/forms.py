from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice as Choice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from academy.certifications.services import GroupBy
from academy.labels import label_for
from academy.models import CertificationKind, ExamResult
from academy.parameters import DateField, IntegerField

MAX_FEE = 10_000_000  # won: a sanity bound on a typed fee, far above any exam's price


def _fee_field(label):
    return IntegerField(
        label,
        validators=[
            InputRequired(_l("Enter the fee in won.")),
            NumberRange(0, MAX_FEE, _l("Enter a fee from 0 to %(max)s won.", max=f"{MAX_FEE:,}")),
        ],
    )


class CertificationForm(FlaskForm):
    name = StringField(
        _l("Certification"), validators=[DataRequired(_l("Enter the name.")), Length(max=150)]
    )
    issuer = StringField(
        _l("Issuer"), validators=[DataRequired(_l("Enter the issuer.")), Length(max=100)]
    )
    kind = SelectField(_l("Kind"))
    exam_fee = _fee_field(_l("Exam fee (won)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [Choice(k.value, label_for(k)) for k in CertificationKind]


class AttemptForm(FlaskForm):
    """An exam the trainee sat or booked: the fee from the receipt, the result when known."""

    certification_id = SelectField(
        _l("Certification"), coerce=int, validators=[DataRequired(_l("Choose a certification."))]
    )
    sat_on = DateField(_l("Exam date"), validators=[DataRequired(_l("Enter the exam date."))])
    fee_paid = IntegerField(
        _l("Fee paid (won)"),
        validators=[
            Optional(),
            NumberRange(0, MAX_FEE, _l("Enter a fee from 0 to %(max)s won.", max=f"{MAX_FEE:,}")),
        ],
    )
    result = SelectField(_l("Result"), default=ExamResult.PENDING.value)
    evidence = FileField(_l("Score report or certificate"))

    def __init__(self, *args, certifications=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.certification_id.choices = [Choice(0, _l("Choose a certification"))] + [
            Choice(c.id, f"{c.name} ({c.issuer})") for c in certifications
        ]
        self.result.choices = [Choice(r.value, label_for(r)) for r in ExamResult]


class ResultForm(FlaskForm):
    result = SelectField(_l("Result"))
    evidence = FileField(_l("Score report or certificate"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.result.choices = [Choice(r.value, label_for(r)) for r in ExamResult]


class MockExamForm(FlaskForm):
    trainee_id = SelectField(
        _l("Trainee"), coerce=int, validators=[DataRequired(_l("Choose a trainee."))]
    )
    certification_id = SelectField(
        _l("Certification"), coerce=int, validators=[DataRequired(_l("Choose a certification."))]
    )
    taken_on = DateField(_l("Date taken"), validators=[DataRequired(_l("Enter the date."))])
    score = IntegerField(
        _l("Score (0–100)"),
        validators=[
            InputRequired(_l("Enter the score.")),
            NumberRange(0, 100, _l("Enter a score from 0 to 100.")),
        ],
    )

    def __init__(self, *args, trainees=(), certifications=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.trainee_id.choices = [Choice(0, _l("Choose a trainee"))] + [
            Choice(t.id, t.user.name) for t in trainees
        ]
        self.certification_id.choices = [Choice(0, _l("Choose a certification"))] + [
            Choice(c.id, c.name) for c in certifications
        ]


class RateFilterForm(FlaskForm):
    class Meta:
        csrf = False

    by = SelectField(_l("Pass rate by"), default=GroupBy.CERTIFICATION.value)
    year = SelectField(_l("Year"), coerce=int, validators=[Optional()])

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.by.choices = [
            Choice(GroupBy.CERTIFICATION.value, _l("Certification")),
            Choice(GroupBy.CAMPUS.value, _l("Campus")),
            Choice(GroupBy.COHORT.value, _l("Cohort")),
        ]
        self.year.choices = [Choice(y, str(y)) for y in years]
