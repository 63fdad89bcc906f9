from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice as Choice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from academy.formatting import day, won
from academy.labels import label_for
from academy.models import ClaimStatus, PaymentMethod
from academy.parameters import MAX_YEAR, MIN_YEAR, DateField, IntegerField
from academy.subsidies.services import ROUNDS_FROM_YEAR, rounds_required

# Sanity bounds on typed figures (won): far above any real programme or exam.
MAX_BUDGET = 100_000_000_000
MAX_AMOUNT = 10_000_000
DEFAULT_CAP = 200_000  # the source: up to 200,000 KRW per person per year


def _won(label, minimum: int, maximum: int, required=True):
    message = _l(
        "Enter an amount from %(low)s to %(high)s won.", low=f"{minimum:,}", high=f"{maximum:,}"
    )
    first = InputRequired(_l("Enter an amount in won.")) if required else Optional()
    return IntegerField(label, validators=[first, NumberRange(minimum, maximum, message)])


class ProgrammeForm(FlaskForm):
    """A year's programme as an official sets it; the defaults are the source's."""

    year = IntegerField(
        _l("Year"),
        validators=[
            InputRequired(_l("Enter the year.")),
            NumberRange(MIN_YEAR, MAX_YEAR, _l("Enter a year from %(min)s to %(max)s.")),
        ],
    )
    name = StringField(
        _l("Programme name"), validators=[DataRequired(_l("Enter a name.")), Length(max=150)]
    )
    budget = _won(_l("Budget (won)"), 0, MAX_BUDGET)
    per_person_cap = _won(_l("Yearly limit per person (won)"), 1, MAX_AMOUNT)
    min_age = IntegerField(
        _l("Youngest age"),
        validators=[InputRequired(_l("Enter an age.")), NumberRange(15, 70, _l("Enter an age."))],
    )
    max_age = IntegerField(
        _l("Oldest age"),
        validators=[InputRequired(_l("Enter an age.")), NumberRange(15, 70, _l("Enter an age."))],
    )
    unemployed_only = BooleanField(_l("Only people who are not employed"), default=True)
    exclude_prior_year_recipients = BooleanField(_l("Exclude people supported the year before"))
    payment_method = SelectField(
        _l("Payment method"), default=PaymentMethod.LOCAL_GIFT_CERTIFICATE.value
    )
    first_opens_on = DateField(_l("First half opens"), validators=[Optional()])
    first_closes_on = DateField(_l("First half closes"), validators=[Optional()])
    second_opens_on = DateField(_l("Second half opens"), validators=[Optional()])
    second_closes_on = DateField(_l("Second half closes"), validators=[Optional()])
    closed_early_on = DateField(_l("Applications closed early on"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.payment_method.choices = [Choice(m.value, label_for(m)) for m in PaymentMethod]

    @classmethod
    def defaults_for(cls, year: int) -> dict:
        config = current_app.config
        return dict(
            year=year,
            name=_l("%(year)s exam-fee subsidy for young people", year=year),
            per_person_cap=DEFAULT_CAP,
            min_age=config["YOUTH_MIN_AGE"],
            max_age=config["YOUTH_MAX_AGE"],
            exclude_prior_year_recipients=rounds_required(year),
            first_opens_on=date(year, 1, 1) if rounds_required(year) else None,
            first_closes_on=date(year, 6, 30) if rounds_required(year) else None,
            second_opens_on=date(year, 7, 1) if rounds_required(year) else None,
            second_closes_on=date(year, 12, 31) if rounds_required(year) else None,
        )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.min_age.data and self.max_age.data and self.min_age.data > self.max_age.data:
            self.max_age.errors.append(_l("The oldest age cannot be below the youngest."))
            valid = False
        year = self.year.data
        if not year:
            return False
        rounds = [
            (self.first_opens_on, self.first_closes_on),
            (self.second_opens_on, self.second_closes_on),
        ]
        for opens, closes in rounds:
            if rounds_required(year) and not (opens.data and closes.data):
                field = opens if not opens.data else closes
                field.errors.append(
                    _l("From %(year)s both rounds need their dates.", year=ROUNDS_FROM_YEAR)
                )
                valid = False
            elif bool(opens.data) != bool(closes.data):
                (closes if opens.data else opens).errors.append(_l("Enter both dates."))
                valid = False
            elif opens.data and closes.data:
                if closes.data < opens.data:
                    closes.errors.append(_l("A round cannot close before it opens."))
                    valid = False
                if opens.data.year != year or closes.data.year != year:
                    closes.errors.append(_l("A round lies within the programme's year."))
                    valid = False
        first_close, second_open = self.first_closes_on.data, self.second_opens_on.data
        if first_close and second_open and second_open <= first_close:
            self.second_opens_on.errors.append(_l("The second half opens after the first closes."))
            valid = False
        return valid


class ApplicationForm(FlaskForm):
    """A trainee's claim for one exam's fee, with the receipt."""

    attempt_id = SelectField(
        _l("Exam"), coerce=int, validators=[DataRequired(_l("Choose the exam."))]
    )
    amount = IntegerField(
        _l("Amount asked (won)"),
        validators=[Optional(), NumberRange(1, MAX_AMOUNT, _l("Enter an amount above 0 won."))],
    )
    receipt = FileField(
        _l("Receipt of the exam fee"), validators=[FileRequired(_l("Attach the receipt."))]
    )
    not_employed = BooleanField(_l("I am not employed on the application date."))

    def __init__(self, *args, attempts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.attempt_id.choices = [Choice(0, _l("Choose the exam"))] + [
            Choice(a.id, f"{a.certification.name} · {day(a.sat_on)} · {won(a.fee_paid)}")
            for a in attempts
        ]


class ApproveForm(FlaskForm):
    amount = _won(_l("Amount to pay (won)"), 1, MAX_AMOUNT)
    paid_on = DateField(_l("Payment date"), validators=[DataRequired(_l("Enter the date."))])
    payment_method = SelectField(_l("Payment method"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.payment_method.choices = [Choice(m.value, label_for(m)) for m in PaymentMethod]


class RejectForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for the trainee"),
        validators=[DataRequired(_l("Say why the claim is rejected.")), Length(max=500)],
    )


class ProgrammeFilterForm(FlaskForm):
    """The programmes page's year, read from the query string: empty, the recent years."""

    class Meta:
        csrf = False

    year = IntegerField(_l("Year"), validators=[Optional(), NumberRange(MIN_YEAR, MAX_YEAR)])


class ClaimFilterForm(FlaskForm):
    class Meta:
        csrf = False

    status = SelectField(_l("Status"), default=ClaimStatus.SUBMITTED.value)
    year = SelectField(_l("Programme year"), coerce=int, validators=[Optional()])

    def __init__(self, *args, years=(), **kwargs):
        """`years`: the recent programmes' years; a year the query string names is offered
        too, so a link from an older programme's ledger keeps its year."""
        super().__init__(*args, **kwargs)
        asked = self.year.data
        if asked and MIN_YEAR <= asked <= MAX_YEAR and asked not in years:
            years = sorted([*years, asked], reverse=True)
        self.status.choices = [Choice("all", _l("All"))] + [
            Choice(s.value, label_for(s)) for s in ClaimStatus
        ]
        self.year.choices = [Choice(0, _l("All years"))] + [Choice(y, str(y)) for y in years]


class ConfirmForm(FlaskForm):
    """A button that changes something: the form carries only the CSRF token."""
