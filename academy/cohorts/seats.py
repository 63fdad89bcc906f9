"""The seats of a cohort: how many are taken, and the waitlist that fills them.

A seat is held by an enrolled trainee (leavers free theirs); when seats free up, the first on
the waitlist takes them. Planning (a larger capacity) and enrolment (someone leaves) both fill
seats this way, so the rule lives here, below both.
"""

from datetime import date

import sqlalchemy as sa

from academy.clock import seoul_today
from academy.extensions import db
from academy.models import Cohort, Enrolment, EnrolmentStatus, utcnow


def seats_taken(cohort_id: int) -> int:
    """Places taken on the roster now: enrolled trainees (leavers free their seat)."""
    return db.session.scalar(
        sa.select(sa.func.count(Enrolment.id)).where(
            Enrolment.cohort_id == cohort_id, Enrolment.status == EnrolmentStatus.ENROLLED
        )
    )


def enrolment_date(cohort: Cohort) -> date:
    """Today for a cohort that has not ended (a late joiner joins today); a cohort entered after
    its end is recorded as joined on its first day."""
    today = seoul_today()
    return today if today <= cohort.ends_on else cohort.starts_on


def renumber_waitlist(cohort_id: int) -> None:
    waiting = db.session.scalars(
        sa.select(Enrolment)
        .where(Enrolment.cohort_id == cohort_id, Enrolment.status == EnrolmentStatus.WAITLISTED)
        .order_by(Enrolment.waitlist_position, Enrolment.id)
    ).all()
    for position, enrolment in enumerate(waiting, start=1):
        if enrolment.waitlist_position != position:
            enrolment.waitlist_position = position


def promote_waitlisted(cohort: Cohort) -> list[Enrolment]:
    """Fill free seats from the head of the waitlist. The caller holds the cohort's lock."""
    free = cohort.capacity - seats_taken(cohort.id)
    if free <= 0:
        return []
    promoted = db.session.scalars(
        sa.select(Enrolment)
        .where(Enrolment.cohort_id == cohort.id, Enrolment.status == EnrolmentStatus.WAITLISTED)
        .order_by(Enrolment.waitlist_position, Enrolment.id)
        .limit(free)
    ).all()
    now, joined = utcnow(), enrolment_date(cohort)
    for enrolment in promoted:
        enrolment.status = EnrolmentStatus.ENROLLED
        enrolment.waitlist_position = None
        enrolment.promoted_at = now
        enrolment.enrolled_on = max(joined, enrolment.enrolled_on)
    db.session.flush()
    renumber_waitlist(cohort.id)
    db.session.flush()
    return promoted
