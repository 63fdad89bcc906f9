"""The KPI definitions of domain.md ("KPIs"), one function each, over counted outcomes.

Every figure is derived from `OutcomeCounts`, the people of a group counted by category (one
grouped query in academy.kpi.engine classifies them). Counts add up, so a campus, a tier or the
city is the sum of its cohorts, and each rate is computed here once from the summed counts.
"""

import enum
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date, timedelta
from operator import attrgetter

from academy.kpi.rules import KNOWLEDGE_FLOOR, OUTCOME_DAYS, SMALL_NUMBER


@dataclass(frozen=True)
class OutcomeCounts:
    """People counted by category; each field is a count of enrolments.

    enrolled: on the roster (leavers included; the waitlist and cancelled places not).
    completers: completed or left early for a job (조기취업).
    early_employed: of the completers, those who left early for a job.
    excluded: completers whose current outcome is a verified X.
    employed_at_start: completers, not excluded, already employed when the cohort started.
    employed / quality_employed: in the denominator, E1–E6 starting within 180 days of the end
      (quality: also meeting every quality rule); verified outcomes only.
    *_incl_pending: the same, counting self-reported and evidence-attached outcomes too.
    employed_90d: verified, starting within 90 days of the end.
    unknown: in the denominator with no outcome or a U, and no job in the window.
    cancelled: places cancelled before the start or in the grace days (취소); not in enrolled.
    non_completers: enrolled people who started and did not complete (withdrawn or below the
      attendance rule: 중도 탈락, 미수료).
    non_completers_employed(_incl_pending): of them, those with a job that started inside the
      window (verified; with pending). Shown on their own line, in no rate.
    employed_insurance_match: of `employed`, those with a job in the window verified by an
      employment-insurance match (the record HRD-Net's official rates are built on).
    """

    enrolled: int = 0
    completers: int = 0
    early_employed: int = 0
    excluded: int = 0
    employed_at_start: int = 0
    employed: int = 0
    employed_incl_pending: int = 0
    employed_90d: int = 0
    quality_employed: int = 0
    quality_employed_incl_pending: int = 0
    unknown: int = 0
    cancelled: int = 0
    non_completers: int = 0
    non_completers_employed: int = 0
    non_completers_employed_incl_pending: int = 0
    employed_insurance_match: int = 0

    def __add__(self, other: "OutcomeCounts") -> "OutcomeCounts":
        return total([self, other])


_COUNT_FIELDS = tuple(f.name for f in fields(OutcomeCounts))
_count_values = attrgetter(*_COUNT_FIELDS)


def total(counts: Iterable[OutcomeCounts]) -> OutcomeCounts:
    """The sum of groups' counts, field by field (a dashboard sums hundreds of cohorts a few
    times over: the fields are read in C, a column at a time)."""
    rows = [_count_values(c) for c in counts]
    if not rows:
        return OutcomeCounts()
    return OutcomeCounts(*map(sum, zip(*rows, strict=True)))


@dataclass(frozen=True)
class Rate:
    """A rate with its numerator and denominator; None when the denominator is 0."""

    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    @property
    def small(self) -> bool:
        """Fewer than 10 people: shown with its counts and flagged."""
        return self.denominator < SMALL_NUMBER


def denominator(c: OutcomeCounts) -> int:
    """Completers − excluded − those already employed when the cohort started."""
    return c.completers - c.excluded - c.employed_at_start


def completion_rate(c: OutcomeCounts) -> Rate:
    return Rate(c.completers, c.enrolled)


def employment_rate(c: OutcomeCounts) -> Rate:
    return Rate(c.employed, denominator(c))


def employment_rate_incl_pending(c: OutcomeCounts) -> Rate:
    return Rate(c.employed_incl_pending, denominator(c))


def employment_rate_90d(c: OutcomeCounts) -> Rate:
    return Rate(c.employed_90d, denominator(c))


def insurance_confirmed_share(c: OutcomeCounts) -> Rate:
    """Verified employment confirmed by an employment-insurance match ÷ verified employment."""
    return Rate(c.employed_insurance_match, c.employed)


def quality_rate(c: OutcomeCounts) -> Rate:
    return Rate(c.quality_employed, denominator(c))


def quality_rate_incl_pending(c: OutcomeCounts) -> Rate:
    return Rate(c.quality_employed_incl_pending, denominator(c))


def knowledge_rate(c: OutcomeCounts) -> Rate:
    """(Denominator − those in it still unknown) ÷ denominator."""
    return Rate(denominator(c) - c.unknown, denominator(c))


def reliable(c: OutcomeCounts) -> bool:
    """NACE: a rate over a group whose outcomes are less than 65% known is not reliable."""
    rate = knowledge_rate(c).value
    return rate is not None and rate >= KNOWLEDGE_FLOOR


class Maturity(enum.StrEnum):
    IN_TRAINING = "in_training"
    IN_WINDOW = "in_window"  # under 180 days since the end: provisional
    FINAL = "final"


def cohort_maturity(ends_on: date, as_of: date) -> Maturity:
    """In training up to its last day; in its outcome window for the 180 days after; then final."""
    if as_of <= ends_on:
        return Maturity.IN_TRAINING
    if as_of < ends_on + timedelta(days=OUTCOME_DAYS):
        return Maturity.IN_WINDOW
    return Maturity.FINAL


def group_maturity(maturities: Iterable[Maturity]) -> Maturity | None:
    """A group's figures are final only when every cohort is; in training when none has ended;
    provisional (in window) otherwise. None for a group without cohorts."""
    found = set(maturities)
    if not found:
        return None
    if found == {Maturity.FINAL}:
        return Maturity.FINAL
    if found == {Maturity.IN_TRAINING}:
        return Maturity.IN_TRAINING
    return Maturity.IN_WINDOW


@dataclass(frozen=True)
class Figures:
    """Every outcome KPI of one group, computed from its counts by the functions above."""

    counts: OutcomeCounts
    maturity: Maturity | None
    cohorts: int = 0

    @property
    def denominator(self) -> int:
        return denominator(self.counts)

    @property
    def completion_rate(self) -> Rate:
        return completion_rate(self.counts)

    @property
    def employment_rate(self) -> Rate:
        return employment_rate(self.counts)

    @property
    def employment_rate_incl_pending(self) -> Rate:
        return employment_rate_incl_pending(self.counts)

    @property
    def employment_rate_90d(self) -> Rate:
        return employment_rate_90d(self.counts)

    @property
    def quality_rate(self) -> Rate:
        return quality_rate(self.counts)

    @property
    def insurance_confirmed_share(self) -> Rate:
        return insurance_confirmed_share(self.counts)

    @property
    def quality_rate_incl_pending(self) -> Rate:
        return quality_rate_incl_pending(self.counts)

    @property
    def knowledge_rate(self) -> Rate:
        return knowledge_rate(self.counts)

    @property
    def reliable(self) -> bool:
        return reliable(self.counts)

    @property
    def provisional(self) -> bool:
        """A provisional rate is never presented as final."""
        return self.maturity != Maturity.FINAL


def figures(parts: Iterable[tuple[OutcomeCounts, Maturity]]) -> Figures:
    """The figures of a group from its cohorts' counts and maturities."""
    parts = list(parts)
    return Figures(
        counts=total(c for c, _ in parts),
        maturity=group_maturity(m for _, m in parts),
        cohorts=len(parts),
    )


def ratio(numerator: int, denominator: int) -> Rate:
    """Any other rate of domain.md (pass rate, placement, budget use): numerator ÷ denominator."""
    return Rate(numerator, denominator)
