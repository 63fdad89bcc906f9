"""The cohort page's figures in one pass: the roster, the seats, the at-risk list and the
completion result from one load of the enrolments (trainee, user and overriding coordinator
joined), one count of the marks (so far and overall together) and one count of the sessions.

The figures are those of services.roster, services.seat_summary, attendance.at_risk and
completion.completion_of, which the other pages keep using;
tests/test_page_reads.py::test_overview_equals_the_functions_other_pages_use holds the two ways
equal.
"""

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from academy.clock import seoul_today
from academy.cohorts.attendance import (
    TraineeAttendance,
    mark_counts_held_and_all,
    outlooks,
    session_counts,
    worst_first,
)
from academy.cohorts.completion import Completion, classify
from academy.cohorts.services import (
    RosterLine,
    current_outcomes,
    roster_lines,
    rules_for,
    seats_of,
)
from academy.extensions import db
from academy.kpi.attendance import attendance_rate
from academy.models import Cohort, Enrolment, EnrolmentStatus, Trainee


@dataclass(frozen=True)
class CohortOverview:
    roster: list[RosterLine]
    seats: dict[str, int]
    at_risk: list[TraineeAttendance]
    completion: Completion | None  # closed cohorts only
    trainee_ids: list[int]  # everyone on the roster or the waitlist: who the page shows


def cohort_overview(cohort: Cohort, state: str) -> CohortOverview:
    """Everything the cohort page shows about its trainees, in four queries."""
    today = seoul_today()
    enrolments = db.session.scalars(
        sa.select(Enrolment)
        .where(Enrolment.cohort_id == cohort.id)
        .options(
            joinedload(Enrolment.trainee, innerjoin=True).joinedload(Trainee.user, innerjoin=True),
            joinedload(Enrolment.completion_overridden_by),
        )
    ).all()
    held, scheduled = session_counts(cohort.id, today)
    so_far, overall = mark_counts_held_and_all(cohort.id, today)
    outcomes = current_outcomes(sa.select(Enrolment.id).where(Enrolment.cohort_id == cohort.id))
    rules = rules_for(cohort)
    at_risk: list[TraineeAttendance] = []
    if state in ("running", "ended") and not cohort.closed_on:
        enrolled = [e for e in enrolments if e.status == EnrolmentStatus.ENROLLED]
        spare = current_app.config["AT_RISK_SPARE_ABSENCES"]
        at_risk = worst_first(outlooks(enrolled, so_far, held, scheduled, rules, spare))
    completion = None
    if cohort.closed_on:
        rates = {e.id: attendance_rate(overall[e.id], scheduled, rules) for e in enrolments}
        completion = classify(enrolments, rates, rules)
    return CohortOverview(
        roster=roster_lines(enrolments, so_far, held, outcomes, rules),
        seats=seats_of(cohort, enrolments),
        at_risk=at_risk,
        completion=completion,
        trainee_ids=[e.trainee_id for e in enrolments],
    )
