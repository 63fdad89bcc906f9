import re
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice as Choice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from academy.clock import seoul_today
from academy.labels import label_for
from academy.models import (
    CONTRACT_MONTHS,
    MONTHLY_PAY,
    WEEKLY_HOURS,
    ContactChannel,
    ContactResult,
    EvidenceKind,
    ExclusionReason,
)
from academy.outcomes.services import (
    EARLIEST_START,
    JobKind,
    OutcomeAnswer,
    Situation,
    Window,
)
from academy.parameters import DateField, IntegerField, database_ids

# WTForms fills in %(min)s and %(max)s from the limits.
HOURS_MESSAGE = _l("Between %(min)s and %(max)s hours.")
MONTHS_MESSAGE = _l("Between %(min)s and %(max)s months.")
PAY_MESSAGE = _l("Check the amount.")
YES_NO = [Choice("yes", _l("Yes")), Choice("no", _l("No"))]

# The questions each answer needs, in the order the form asks them.
QUESTIONS = {
    Situation.EMPLOYED: (
        "employer",
        "starts_on",
        "job_kind",
        "contract_months",
        "insured",
        "weekly_hours",
        "in_field",
        "monthly_pay",
    ),
    Situation.FOUNDED: ("employer", "starts_on", "in_field"),
    Situation.EXCLUDED: ("exclusion_reason",),
    Situation.SEEKING: (),
    Situation.NOT_SEEKING: (),
}
EVIDENCE_KINDS = {
    Situation.EMPLOYED: (
        EvidenceKind.EMPLOYMENT_CERTIFICATE,
        EvidenceKind.INSURANCE_CERTIFICATE,
        EvidenceKind.CONTRACT,
        EvidenceKind.OTHER,
    ),
    Situation.FOUNDED: (EvidenceKind.BUSINESS_REGISTRATION, EvidenceKind.OTHER),
    Situation.EXCLUDED: (EvidenceKind.OTHER,),
}


def _strip(value):
    return " ".join(value.split()) if isinstance(value, str) else value


def _yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


def _yes_no_value(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


class WonField(StringField):
    """Whole won as people type it: 2800000, 2,800,000 or 280만 원 are all 2,800,000."""

    def process_formdata(self, valuelist):
        self.data = None
        raw = (valuelist[0] if valuelist else "").replace(",", "").replace(" ", "")
        raw = raw.removesuffix("원")
        if not raw:
            return
        match = re.fullmatch(r"(\d+)(만)?", raw)
        if not match:
            raise ValueError(_l("Write the amount in won with digits, for example 2800000."))
        self.data = int(match.group(1)) * (10_000 if match.group(2) else 1)

    def _value(self):
        return "" if self.data is None else str(self.data)


class OutcomeForm(FlaskForm):
    situation = RadioField(
        _l("What is your situation now?"),
        choices=[
            Choice(Situation.EMPLOYED.value, _l("I got a job")),
            Choice(Situation.FOUNDED.value, _l("I started a business")),
            Choice(Situation.SEEKING.value, _l("I am still looking for a job")),
            Choice(Situation.EXCLUDED.value, _l("Further study, military service and the like")),
            Choice(Situation.NOT_SEEKING.value, _l("I am not looking for a job")),
        ],
        validators=[InputRequired(_l("Choose the answer that fits you."))],
    )
    employer = StringField(
        _l("Employer"), filters=[_strip], validators=[Optional(), Length(max=150)]
    )
    starts_on = DateField(_l("First day at work"), validators=[Optional()])
    job_kind = RadioField(
        _l("Kind of contract"),
        choices=[
            Choice(JobKind.OPEN_ENDED.value, _l("Permanent (no end date)")),
            Choice(JobKind.FIXED_TERM.value, _l("Fixed term (with an end date)")),
            Choice(JobKind.INTERNSHIP.value, _l("Paid internship or apprenticeship")),
            Choice(JobKind.PART_TIME.value, _l("Part-time or freelance")),
        ],
        validators=[Optional()],
    )
    contract_months = IntegerField(
        _l("Contract length in months"),
        validators=[
            Optional(),
            NumberRange(CONTRACT_MONTHS.low, CONTRACT_MONTHS.high, MONTHS_MESSAGE),
        ],
    )
    insured = RadioField(
        _l("Does your employer pay employment insurance for you?"),
        choices=YES_NO,
        validators=[Optional()],
    )
    weekly_hours = IntegerField(
        _l("Working hours a week"),
        validators=[Optional(), NumberRange(WEEKLY_HOURS.low, WEEKLY_HOURS.high, HOURS_MESSAGE)],
    )
    monthly_pay = WonField(
        _l("Monthly base pay (optional)"),
        validators=[Optional(), NumberRange(MONTHLY_PAY.low, MONTHLY_PAY.high, PAY_MESSAGE)],
    )
    in_field = RadioField(
        _l("Is the work in the field of your course?"), choices=YES_NO, validators=[Optional()]
    )
    exclusion_reason = RadioField(_l("What are you doing now?"), validators=[Optional()])
    evidence = FileField(_l("Evidence file (PDF or photo)"))
    evidence_kind = SelectField(_l("What is the file?"), validators=[Optional()])
    kept_file = HiddenField(validators=[Optional(), Length(max=64)])
    kept_name = HiddenField(validators=[Optional(), Length(max=255)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.exclusion_reason.choices = [
            Choice(ExclusionReason.FURTHER_STUDY.value, _l("Further study (entered a school)")),
            Choice(ExclusionReason.MILITARY.value, _l("Military service")),
            Choice(ExclusionReason.ILLNESS.value, _l("Illness of three weeks or more")),
            Choice(ExclusionReason.EMIGRATION.value, _l("Moved abroad")),
        ]
        self.evidence_kind.choices = [Choice(k.value, label_for(k)) for k in EvidenceKind]
        self.adapt()

    @property
    def chosen(self) -> Situation | None:
        try:
            return Situation(self.situation.data)
        except ValueError:
            return None

    def questions(self) -> tuple[str, ...]:
        return QUESTIONS.get(self.chosen, ())

    def evidence_kinds(self) -> list[Choice]:
        kinds = EVIDENCE_KINDS.get(self.chosen, (EvidenceKind.OTHER,))
        return [Choice(k.value, label_for(k)) for k in kinds]

    def adapt(self) -> None:
        """A company has a name and a registration date rather than an employer and a first day."""
        if self.chosen == Situation.FOUNDED:
            self.employer.label.text = _l("Company name")
            self.starts_on.label.text = _l("Business registration date")
            self.in_field.label.text = _l("Is the business in the field of your course?")
        self.evidence_kind.choices = self.evidence_kinds()

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        self.adapt()
        needed = set(self.questions())
        if self.chosen == Situation.EMPLOYED and self.job_kind.data != JobKind.FIXED_TERM.value:
            needed.discard("contract_months")
        needed.discard("monthly_pay")
        for name in needed:
            field = self[name]
            if field.data in (None, "") and not field.errors:
                field.errors.append(_l("Answer this question."))
                ok = False
        latest = seoul_today() + timedelta(days=366)
        if self.starts_on.data and not EARLIEST_START <= self.starts_on.data <= latest:
            self.starts_on.errors.append(_l("Enter a date from 2000 up to a year from today."))
            ok = False
        return ok

    def answer(self) -> OutcomeAnswer:
        asked = set(self.questions())

        def value(name):
            return self[name].data if name in asked else None

        return OutcomeAnswer(
            situation=self.chosen,
            employer=value("employer") or None,
            starts_on=value("starts_on"),
            job_kind=JobKind(value("job_kind")) if value("job_kind") else None,
            contract_months=value("contract_months"),
            insured=_yes_no(value("insured")),
            weekly_hours=value("weekly_hours"),
            monthly_pay=value("monthly_pay"),
            in_field=_yes_no(value("in_field")),
            exclusion_reason=(
                ExclusionReason(value("exclusion_reason")) if value("exclusion_reason") else None
            ),
        )

    @classmethod
    def data_for(cls, answer: OutcomeAnswer | None) -> dict:
        """Form data that shows an earlier answer, for updating it."""
        if answer is None:
            return {}
        return dict(
            situation=answer.situation.value,
            employer=answer.employer,
            starts_on=answer.starts_on,
            job_kind=answer.job_kind.value if answer.job_kind else None,
            contract_months=answer.contract_months,
            insured=_yes_no_value(answer.insured),
            weekly_hours=answer.weekly_hours,
            monthly_pay=answer.monthly_pay,
            in_field=_yes_no_value(answer.in_field),
            exclusion_reason=answer.exclusion_reason.value if answer.exclusion_reason else None,
        )


class DecisionForm(FlaskForm):
    """Verify (no reason) or send back (with a reason the trainee reads)."""

    reason = TextAreaField(
        _l("What should the trainee change?"),
        filters=[_strip],
        validators=[Optional(), Length(max=500)],
    )


class ContactForm(FlaskForm):
    channel = SelectField(_l("How"), validators=[DataRequired()])
    result = SelectField(_l("Result"), validators=[DataRequired()])
    on = DateField(_l("Date"), validators=[Optional()])
    note = TextAreaField(
        _l("Note (optional)"), filters=[_strip], validators=[Optional(), Length(max=500)]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.channel.choices = [Choice(c.value, label_for(c)) for c in ContactChannel]
        self.result.choices = [Choice(r.value, label_for(r)) for r in ContactResult]


class FollowUpFilterForm(FlaskForm):
    class Meta:
        csrf = False

    window = SelectField(
        _l("180-day window"),
        choices=[
            Choice(Window.ALL.value, _l("All")),
            Choice(Window.OPEN.value, _l("Still open")),
            Choice(Window.CLOSED.value, _l("Closed")),
        ],
        default=Window.ALL.value,
        validators=[Optional()],
    )
    cohort = SelectField(_l("Cohort"), validators=[Optional()])


class ReminderForm(FlaskForm):
    enrolment_ids = SelectMultipleField(
        coerce=int, validate_choice=False, validators=[database_ids]
    )
    everyone = HiddenField()
    window = HiddenField()
    cohort = HiddenField()


class ImportUploadForm(FlaskForm):
    file = FileField(_l("Outcome file (.xlsx or .csv)"))


class ImportCommitForm(FlaskForm):
    token = HiddenField(validators=[DataRequired(), Length(max=64)])


class MatchUploadForm(FlaskForm):
    file = FileField(_l("Employment-insurance match (.xlsx or .csv)"))


class MatchApplyForm(FlaskForm):
    """The checked file's token, and the rows whose record the coordinator chose over the
    trainee's disagreeing report (their choices are the preview's conflicts)."""

    token = HiddenField(validators=[DataRequired(), Length(max=64)])
    take = SelectMultipleField(coerce=int, validate_choice=True)
