"""The demo's outcome side: versions, pending and verified outcomes, evidence files that exist,
send-backs with reasons, and contact attempts with completers whose outcome is unknown."""

from collections import Counter
from pathlib import Path

import sqlalchemy as sa

from academy.cohorts.services import current_outcomes
from academy.demo import load_demo
from academy.models import (
    ContactAttempt,
    Enrolment,
    EnrolmentStatus,
    OutcomeCode,
    OutcomeEvidence,
    OutcomeRecord,
    User,
    Verification,
)
from academy.outcomes import services


def test_the_demo_shows_every_step_of_an_outcome(app, db):
    summary = load_demo(scale=0.05)

    records = db.session.scalars(sa.select(OutcomeRecord)).all()
    states = Counter(r.verification for r in records)
    assert states[Verification.VERIFIED] and states[Verification.EVIDENCE_ATTACHED]
    assert states[Verification.RETURNED]
    assert all(r.returned_reason for r in records if r.verification == Verification.RETURNED)
    versions = Counter(r.enrolment_id for r in records)
    assert max(versions.values()) >= 2
    evidence = db.session.scalars(sa.select(OutcomeEvidence)).all()
    assert len(evidence) == summary.evidence_files > 0
    folder = Path(app.config["UPLOAD_FOLDER"])
    assert all((folder / e.stored_name).read_bytes().startswith(b"%PDF-") for e in evidence)
    attached = [r for r in records if r.verification == Verification.EVIDENCE_ATTACHED]
    assert all(r.evidence for r in attached)  # the queue never shows an empty attachment


def test_demo_contacts_are_with_completers_whose_outcome_is_unknown(db):
    summary = load_demo(scale=0.05)

    attempts = db.session.scalars(sa.select(ContactAttempt)).all()
    assert len(attempts) == summary.contact_attempts > 0
    enrolments = {a.enrolment_id for a in attempts}
    current = current_outcomes(list(enrolments))
    assert all(current.get(e) is None or current[e].code == OutcomeCode.U for e in enrolments)
    statuses = set(
        db.session.scalars(sa.select(Enrolment.status).where(Enrolment.id.in_(enrolments)))
    )
    assert statuses <= set(services.COMPLETERS)


def test_the_demo_coordinator_finds_outcomes_waiting(db):
    load_demo(scale=0.05)
    coordinator = db.session.scalar(sa.select(User).where(User.email == "coordinator@example.com"))

    queue = services.verification_queue(coordinator.campus_id)

    attached = [r for r in queue.pending if r.verification == Verification.EVIDENCE_ATTACHED]
    assert attached and all(r.evidence for r in attached)
    assert {r.enrolment.status for r in queue.pending} <= {
        EnrolmentStatus.COMPLETED,
        EnrolmentStatus.EARLY_EMPLOYED,
    }
