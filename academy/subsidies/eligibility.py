"""Who may claim the exam-fee subsidy (응시료 지원), and how much: pure rules, no database.

The rules follow Dongdaemun's youth certification programme (the source's only worked example):
unemployed young people aged 19–39 by international age (만 나이) on the application date, up to
200,000 KRW per person per year (a partial amount up to what is left of the cap), a fixed budget
that closes applications early when spent (조기 마감), and from 2026 a first-half and a second-half
round, with those supported in one year excluded the next. Every figure comes from the
programme an official set; the defaults live on the SubsidyProgramme model.
"""

import enum
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _

from academy.formatting import day, won
from academy.models import ExamResult, age_on


class Reason(enum.StrEnum):
    NO_PROGRAMME = "no_programme"
    CLOSED_EARLY = "closed_early"
    OUTSIDE_ROUND = "outside_round"
    NOT_ENROLLED = "not_enrolled"
    AGE = "age"
    EMPLOYED = "employed"
    PRIOR_YEAR = "prior_year"
    CAP_USED = "cap_used"
    NOT_SAT = "not_sat"
    EXAM_DATE = "exam_date"
    CLAIMED = "claimed"


@dataclass(frozen=True)
class Round:
    half: int
    opens_on: date
    closes_on: date


@dataclass(frozen=True)
class ProgrammeRules:
    year: int
    per_person_cap: int
    min_age: int
    max_age: int
    unemployed_only: bool
    exclude_prior_year_recipients: bool
    rounds: tuple[Round, ...] = ()
    closed_early_on: date | None = None
    remaining: int = 0  # budget − approved


@dataclass(frozen=True)
class Applicant:
    birth_date: date
    enrolled: bool  # on a cohort's roster: the campus that decides the claim
    employed_since: date | None  # start of a job held on the date in question, if any
    approved_this_year: int = 0  # won approved in this programme
    pending_this_year: int = 0  # won requested by claims awaiting a decision
    supported_prior_year: bool = False


@dataclass(frozen=True)
class Attempt:
    sat_on: date
    result: ExamResult
    fee_paid: int
    claimed: bool = False


@dataclass(frozen=True)
class Refusal:
    reason: Reason
    params: dict = field(default_factory=dict)

    @property
    def message(self) -> str:
        """The reason in the reader's language, with the figures that decide it."""
        p = self.params
        match self.reason:
            case Reason.NO_PROGRAMME:
                return _("There is no exam-fee subsidy programme for %(year)s yet.", **p)
            case Reason.CLOSED_EARLY:
                return _(
                    "Applications closed early on %(date)s: the budget is spent (조기 마감).",
                    date=day(p["date"]),
                )
            case Reason.OUTSIDE_ROUND:
                rounds = ", ".join(f"{day(r.opens_on)} – {day(r.closes_on)}" for r in p["rounds"])
                return _("Applications are not open today. Rounds: %(rounds)s.", rounds=rounds)
            case Reason.NOT_ENROLLED:
                return _("Only trainees on a cohort's roster can apply.")
            case Reason.AGE:
                return _(
                    "Applicants must be %(min)s to %(max)s years old (international age) on the "
                    "application date; you are %(age)s.",
                    **p,
                )
            case Reason.EMPLOYED:
                return _(
                    "Only people who are not employed can apply; your record shows a job since "
                    "%(date)s.",
                    date=day(p["since"]),
                )
            case Reason.PRIOR_YEAR:
                return _("People supported in %(prior)s cannot be supported in %(year)s.", **p)
            case Reason.CAP_USED:
                return _(
                    "The yearly limit of %(cap)s per person is used: %(approved)s approved and "
                    "%(pending)s awaiting a decision.",
                    cap=won(p["cap"]),
                    approved=won(p["approved"]),
                    pending=won(p["pending"]),
                )
            case Reason.NOT_SAT:
                return _("An exam that was not sat (결시) is not supported.")
            case Reason.EXAM_DATE:
                return _(
                    "The exam must be sat in %(year)s and on or before the application date.", **p
                )
            case Reason.CLAIMED:
                return _("This exam has a claim already.")
        raise ValueError(self.reason)


@dataclass(frozen=True)
class Eligibility:
    refusals: tuple[Refusal, ...]
    payable: int  # what could be paid: the amount asked, up to what is left of the yearly cap
    round_half: int | None = None

    @property
    def eligible(self) -> bool:
        return not self.refusals

    @property
    def reasons(self) -> set[Reason]:
        return {r.reason for r in self.refusals}


def open_round(rules: ProgrammeRules, on: date) -> Round | None:
    """The round taking applications on `on`. Before rounds (2025) the whole year is one."""
    if not rules.rounds:
        return Round(0, date(rules.year, 1, 1), date(rules.year, 12, 31))
    return next((r for r in rules.rounds if r.opens_on <= on <= r.closes_on), None)


def is_closed(rules: ProgrammeRules, on: date) -> bool:
    """조기 마감: closed once the budget is spent, or from the day an official closed it."""
    return rules.remaining <= 0 or (
        rules.closed_early_on is not None and on >= rules.closed_early_on
    )


def window_refusals(rules: ProgrammeRules, on: date) -> list[Refusal]:
    if is_closed(rules, on):
        return [Refusal(Reason.CLOSED_EARLY, {"date": rules.closed_early_on or on})]
    if open_round(rules, on) is None:
        return [Refusal(Reason.OUTSIDE_ROUND, {"rounds": rules.rounds})]
    return []


def person_refusals(rules: ProgrammeRules, applicant: Applicant, on: date) -> list[Refusal]:
    """The person's own conditions on the application date: roster, age, work, last year."""
    refusals = []
    if not applicant.enrolled:
        refusals.append(Refusal(Reason.NOT_ENROLLED))
    age = age_on(applicant.birth_date, on)
    if not rules.min_age <= age <= rules.max_age:
        refusals.append(
            Refusal(Reason.AGE, {"min": rules.min_age, "max": rules.max_age, "age": age})
        )
    if rules.unemployed_only and applicant.employed_since is not None:
        refusals.append(Refusal(Reason.EMPLOYED, {"since": applicant.employed_since}))
    if rules.exclude_prior_year_recipients and applicant.supported_prior_year:
        refusals.append(Refusal(Reason.PRIOR_YEAR, {"prior": rules.year - 1, "year": rules.year}))
    return refusals


def attempt_refusals(rules: ProgrammeRules, attempt: Attempt, on: date) -> list[Refusal]:
    refusals = []
    if attempt.claimed:
        refusals.append(Refusal(Reason.CLAIMED))
    if attempt.result == ExamResult.ABSENT:
        refusals.append(Refusal(Reason.NOT_SAT))
    if attempt.sat_on.year != rules.year or attempt.sat_on > on:
        refusals.append(Refusal(Reason.EXAM_DATE, {"year": rules.year}))
    return refusals


def cap_room(rules: ProgrammeRules, applicant: Applicant) -> int:
    """What is left of the person's yearly cap, after approved and pending claims."""
    return rules.per_person_cap - applicant.approved_this_year - applicant.pending_this_year


def decision_refusals(
    rules: ProgrammeRules, applicant: Applicant, on: date
) -> tuple[list[Refusal], int]:
    """At the decision: the person's conditions on the application date (`on`), and what is left
    of the yearly cap after approved claims. Pending claims, the one decided among them, do not
    count against the cap here: each is decided in turn, under the programme's lock."""
    refusals = person_refusals(rules, applicant, on)
    room = rules.per_person_cap - applicant.approved_this_year
    if room <= 0:
        cap = {"cap": rules.per_person_cap, "approved": applicant.approved_this_year, "pending": 0}
        refusals.append(Refusal(Reason.CAP_USED, cap))
    return refusals, room


def check_application(
    rules: ProgrammeRules, applicant: Applicant, attempt: Attempt, requested: int, on: date
) -> Eligibility:
    """Every reason an application on `on` would be refused, and the amount it could pay."""
    refusals = window_refusals(rules, on)
    refusals += person_refusals(rules, applicant, on)
    room = cap_room(rules, applicant)
    if room <= 0:
        refusals.append(
            Refusal(
                Reason.CAP_USED,
                {
                    "cap": rules.per_person_cap,
                    "approved": applicant.approved_this_year,
                    "pending": applicant.pending_this_year,
                },
            )
        )
    refusals += attempt_refusals(rules, attempt, on)
    chosen = open_round(rules, on)
    return Eligibility(
        tuple(refusals),
        payable=max(min(requested, room), 0),
        round_half=chosen.half if chosen and chosen.half else None,
    )
