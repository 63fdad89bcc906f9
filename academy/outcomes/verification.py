"""Verification: self-reported → evidence attached → verified by a coordinator who did not enter
it (four eyes), or sent back with a reason the trainee sees; the coordinator's queue. Headline
figures count verified outcomes only."""

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from academy.extensions import db
from academy.models import (
    AccessAction,
    Cohort,
    Enrolment,
    OutcomeCode,
    OutcomeRecord,
    Role,
    Trainee,
    User,
    Verification,
    utcnow,
)
from academy.outcomes.history import JobLine, job_histories
from academy.outcomes.recording import (
    NEEDS_EVIDENCE,
    PENDING,
    OutcomeRefused,
    is_current,
    log_access,
)


def _decide(record: OutcomeRecord, values: dict) -> None:
    """Move a pending current version to a decision; only one of two simultaneous decisions
    wins (a conditional UPDATE), the other is told the outcome was decided meanwhile."""
    if not is_current(record):
        raise OutcomeRefused(
            _l("The trainee has changed this outcome since. Review the newest version.")
        )
    done = db.session.execute(
        sa.update(OutcomeRecord)
        .where(OutcomeRecord.id == record.id, OutcomeRecord.verification.in_(PENDING))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        db.session.rollback()
        raise OutcomeRefused(_l("This outcome has been verified or sent back already."))


def entered_by(record: OutcomeRecord, user: User) -> bool:
    """Whether `user` entered this version of the outcome or a document behind it."""
    return record.reported_by_id == user.id or any(
        evidence.uploaded_by_id == user.id for evidence in record.evidence
    )


def verify(record: OutcomeRecord, by: User, ip_address: str | None = None) -> None:
    """The coordinator confirms the current version; jobs, companies and exclusions need a
    document first (CIRR: evidence for every positive outcome; domain.md: X with evidence).

    Four eyes: whoever entered the outcome or its evidence does not verify it (issue 13: a
    coordinator recorded an outcome with a 71-byte "evidence" file and verified it
    themself). Another coordinator of the campus, or a city official, does. An employment-
    insurance match verifies under its own reading of the rule: see academy.outcomes.matching."""
    if entered_by(record, by):
        raise OutcomeRefused(
            _l(
                "You entered this outcome or its evidence: another coordinator of the campus or "
                "a city official verifies it."
            )
        )
    if record.code in NEEDS_EVIDENCE and not record.evidence:
        raise OutcomeRefused(
            _l(
                "This outcome has no evidence yet. Send it back and ask for a document, or import "
                "it from an employment-insurance match."
            )
        )
    _decide(
        record, dict(verification=Verification.VERIFIED, verified_by_id=by.id, verified_at=utcnow())
    )
    log_access(by, AccessAction.UPDATE, "outcome_record", record.id, ip_address, "verified")
    db.session.commit()
    db.session.refresh(record)


def send_back(record: OutcomeRecord, reason: str, by: User, ip_address: str | None = None) -> None:
    """Return the current version to the trainee, who sees the reason on their record."""
    reason = " ".join(reason.split())
    if not reason:
        raise OutcomeRefused(_l("Say what the trainee should change."))
    _decide(
        record,
        dict(
            verification=Verification.RETURNED,
            returned_reason=reason[:500],
            returned_by_id=by.id,
            returned_at=utcnow(),
        ),
    )
    log_access(by, AccessAction.UPDATE, "outcome_record", record.id, ip_address, "sent back")
    db.session.commit()
    db.session.refresh(record)


@dataclass
class Queue:
    pending: list[OutcomeRecord]
    returned: list[OutcomeRecord]
    cohorts: list[tuple[Cohort, int]]  # cohorts with pending outcomes, and how many
    # Active coordinators of the campus: with one, what they enter goes to a city official.
    coordinators: int = 0
    jobs: dict[int, list[JobLine]] = field(default_factory=dict)  # by enrolment id

    def other_jobs(self, record: OutcomeRecord) -> list[JobLine]:
        """The person's other jobs, so the coordinator sees the history beside the report."""
        return [j for j in self.jobs.get(record.enrolment_id, []) if j.record.job != record.job]


def _current_at_campus(campus_id: int) -> sa.Subquery:
    """Each job's newest version at the campus: every job waits for its own decision."""
    return (
        sa.select(OutcomeRecord.enrolment_id, sa.func.max(OutcomeRecord.version).label("v"))
        .join(Enrolment, Enrolment.id == OutcomeRecord.enrolment_id)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .where(Cohort.campus_id == campus_id)
        .group_by(OutcomeRecord.enrolment_id, OutcomeRecord.job)
        .subquery()
    )


def verification_queue(campus_id: int, cohort_id: int | None = None) -> Queue:
    """Current outcomes waiting for the coordinator (evidence attached first), and those sent
    back that wait for the trainee, in a fixed number of queries."""
    latest = _current_at_campus(campus_id)
    records = db.session.scalars(
        sa.select(OutcomeRecord)
        .join(
            latest,
            sa.and_(
                OutcomeRecord.enrolment_id == latest.c.enrolment_id,
                OutcomeRecord.version == latest.c.v,
            ),
        )
        .where(
            OutcomeRecord.verification.in_([*PENDING, Verification.RETURNED]),
            OutcomeRecord.code != OutcomeCode.U,
        )
        .options(
            selectinload(OutcomeRecord.enrolment)
            .selectinload(Enrolment.trainee)
            .selectinload(Trainee.user),
            selectinload(OutcomeRecord.enrolment)
            .selectinload(Enrolment.cohort)
            .selectinload(Cohort.course),
            selectinload(OutcomeRecord.evidence),
            selectinload(OutcomeRecord.reported_by),
            selectinload(OutcomeRecord.returned_by),
        )
    ).all()
    pending = [r for r in records if r.verification in PENDING]
    counts: dict[int, list] = {}
    for record in pending:
        cohort = record.enrolment.cohort
        counts.setdefault(cohort.id, [cohort, 0])[1] += 1
    cohorts = sorted(((c, n) for c, n in counts.values()), key=lambda item: item[0].code)
    if cohort_id is not None:
        records = [r for r in records if r.enrolment.cohort_id == cohort_id]
    order = {Verification.EVIDENCE_ATTACHED: 0, Verification.SELF_REPORTED: 1}
    pending = sorted(
        (r for r in records if r.verification in PENDING),
        key=lambda r: (r.enrolment.cohort.code, order[r.verification], r.created_at),
    )
    returned = sorted(
        (r for r in records if r.verification == Verification.RETURNED),
        key=lambda r: (r.enrolment.cohort.code, r.returned_at or r.created_at),
    )
    coordinators = db.session.scalar(
        sa.select(sa.func.count()).where(
            User.role == Role.COORDINATOR, User.campus_id == campus_id, User.active.is_(True)
        )
    )
    enrolments = list({r.enrolment_id: r.enrolment for r in pending}.values())
    return Queue(pending, returned, cohorts, coordinators, job_histories(enrolments))
