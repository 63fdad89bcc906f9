"""Closing a cohort: the completion rule decides who completed (수료), with overrides kept.

Completer: attended at least the course's threshold (80% by default, domain.md) of the
scheduled sessions. Someone who left early for a job (조기취업) counts as a completer for
outcomes and keeps their own status and line. A coordinator may override one trainee's result
with a written reason; the reason, who gave it and when are kept and shown.
"""

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from academy import audit
from academy.clock import seoul_today
from academy.cohorts.attendance import final_rates
from academy.cohorts.services import rules_for
from academy.errors import RuleRefused
from academy.extensions import db
from academy.kpi.attendance import AttendanceRate, meets_threshold
from academy.locking import lock_row
from academy.models import (
    NEVER_STARTED,
    AccessAction,
    Cohort,
    Enrolment,
    EnrolmentStatus,
    Trainee,
    User,
    utcnow,
)

MIN_REASON_LENGTH = 10


class CompletionRefused(RuleRefused):
    """A completion rule refused closing the cohort or changing a result."""


@dataclass
class Completion:
    """Who completes and who does not, by the rule (before closing: what closing would do)."""

    completers: list[tuple[Enrolment, AttendanceRate]] = field(default_factory=list)
    non_completers: list[tuple[Enrolment, AttendanceRate]] = field(default_factory=list)
    early_employed: list[tuple[Enrolment, AttendanceRate]] = field(default_factory=list)
    withdrawn: list[tuple[Enrolment, AttendanceRate]] = field(default_factory=list)

    @property
    def completed_count(self) -> int:
        """Completers for outcomes: early employment included, on its own line."""
        return len(self.completers) + len(self.early_employed)


def close_problem(cohort: Cohort, today: date) -> object | None:
    if cohort.closed_on:
        return _l("The cohort was closed on %(day)s.", day=cohort.closed_on.isoformat())
    if today < cohort.ends_on:
        return _l(
            "The cohort ends on %(day)s: it can be closed from that day.",
            day=cohort.ends_on.isoformat(),
        )
    return None


def completion_of(cohort: Cohort) -> Completion:
    """The rule applied to every enrolment; a closed cohort's recorded statuses (and overrides)
    are shown as they are."""
    rates = final_rates(cohort)
    enrolments = db.session.scalars(
        sa.select(Enrolment)
        .where(Enrolment.cohort_id == cohort.id, Enrolment.status.not_in(NEVER_STARTED))
        .options(
            selectinload(Enrolment.trainee).selectinload(Trainee.user),
            selectinload(Enrolment.completion_overridden_by),
        )
    ).all()
    return classify(enrolments, rates, rules_for(cohort))


def classify(enrolments, rates: dict[int, AttendanceRate], rules) -> Completion:
    """The rule applied to loaded enrolments (trainee and user loaded) with their final rates;
    the waitlist is left out. No query."""
    result = Completion()
    for enrolment in enrolments:
        if enrolment.status in NEVER_STARTED:
            continue
        rate = rates[enrolment.id]
        status = enrolment.status
        if status == EnrolmentStatus.ENROLLED:
            completed = meets_threshold(rate, rules)
            status = EnrolmentStatus.COMPLETED if completed else EnrolmentStatus.NOT_COMPLETED
        target = {
            EnrolmentStatus.COMPLETED: result.completers,
            EnrolmentStatus.NOT_COMPLETED: result.non_completers,
            EnrolmentStatus.EARLY_EMPLOYED: result.early_employed,
            EnrolmentStatus.WITHDRAWN: result.withdrawn,
        }[status]
        target.append((enrolment, rate))
    for group in (
        result.completers,
        result.non_completers,
        result.early_employed,
        result.withdrawn,
    ):
        group.sort(key=lambda pair: (pair[0].trainee.user.name, pair[0].id))
    return result


def close_cohort(cohort: Cohort, by: User | None, today: date | None = None) -> Completion:
    """Apply the completion rule to everyone still on the roster and close the cohort.

    The waitlist stays as it was: those people never held a seat and are not enrolled.
    """
    today = today or seoul_today()
    lock_row(Cohort, cohort.id)
    db.session.refresh(cohort)
    problem = close_problem(cohort, today)
    if problem:
        db.session.rollback()
        raise CompletionRefused(problem)
    result = completion_of(cohort)
    for enrolment, _ in result.completers:
        enrolment.status = EnrolmentStatus.COMPLETED
    for enrolment, _ in result.non_completers:
        enrolment.status = EnrolmentStatus.NOT_COMPLETED
    cohort.closed_on = today
    cohort.closed_by_id = by.id if by else None
    db.session.add(
        audit.entry(
            AccessAction.UPDATE,
            subject=("cohort", cohort.id),
            by=by,
            detail=f"closed {cohort.code}: {len(result.completers)} completed, "
            f"{len(result.non_completers)} not completed, "
            f"{len(result.early_employed)} early employment",
        )
    )
    db.session.commit()
    return result


def override_completion(
    enrolment: Enrolment, completed: bool, reason: str, by: User | None
) -> Enrolment:
    """One trainee's result set by the coordinator, with the reason kept beside it."""
    reason = " ".join((reason or "").split())
    cohort = enrolment.cohort
    lock_row(Cohort, cohort.id)
    db.session.refresh(cohort)
    db.session.refresh(enrolment)
    if not cohort.closed_on:
        db.session.rollback()
        raise CompletionRefused(
            _l("Close the cohort first: the rule decides, then you may override one result.")
        )
    if enrolment.status not in (EnrolmentStatus.COMPLETED, EnrolmentStatus.NOT_COMPLETED):
        db.session.rollback()
        raise CompletionRefused(_l("Only a completed or not-completed result can be overridden."))
    if len(reason) < MIN_REASON_LENGTH:
        db.session.rollback()
        raise CompletionRefused(
            _l("Write the reason in at least %(n)s characters.", n=MIN_REASON_LENGTH)
        )
    before = enrolment.status
    enrolment.status = EnrolmentStatus.COMPLETED if completed else EnrolmentStatus.NOT_COMPLETED
    enrolment.completion_override_reason = reason[:500]
    enrolment.completion_overridden_at = utcnow()
    enrolment.completion_overridden_by_id = by.id if by else None
    db.session.add(
        audit.entry(
            AccessAction.UPDATE,
            subject=("enrolment", enrolment.id),
            by=by,
            detail=f"completion override {before.value} -> {enrolment.status.value}",
        )
    )
    db.session.commit()
    return enrolment
