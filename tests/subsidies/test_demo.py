"""The demo's instructors, certifications, internships and subsidy are linked as the app keeps them,
and the 2025 programme is near the end of its budget."""

from pathlib import Path

import sqlalchemy as sa

from academy.demo import load_demo
from academy.models import (
    CareerPeriod,
    ClaimStatus,
    ExamAttempt,
    InternshipOpening,
    InternshipPlacement,
    InternshipProgramme,
    SubsidyClaim,
    SubsidyProgramme,
    User,
)
from academy.subsidies import services

SMALL = 0.05


def test_the_2025_programme_has_less_left_than_its_waiting_claims_ask(app, db):
    load_demo(scale=SMALL)
    programme = db.session.scalar(sa.select(SubsidyProgramme).where(SubsidyProgramme.year == 2025))
    waiting = db.session.scalars(
        sa.select(SubsidyClaim).where(SubsidyClaim.programme_id == programme.id,
                                      SubsidyClaim.status == ClaimStatus.SUBMITTED)
    ).all()  # fmt: skip
    asked = sum(c.amount_requested for c in waiting)
    assert 0 < programme.remaining < asked
    assert programme.remaining < 0.05 * programme.budget  # near the end
    assert programme.closed_early_on is None
    folder = Path(app.config["UPLOAD_FOLDER"])
    assert all(c.receipt_path and (folder / c.receipt_path).exists() for c in waiting)


def test_deciding_the_waiting_claims_runs_the_budget_out_without_overspending(app, db):
    load_demo(scale=SMALL)
    programme = db.session.scalar(sa.select(SubsidyProgramme).where(SubsidyProgramme.year == 2025))
    coordinator = db.session.scalar(sa.select(User).where(User.email == "coordinator@example.com"))
    waiting = db.session.scalars(
        sa.select(SubsidyClaim.id).where(SubsidyClaim.programme_id == programme.id,
                                         SubsidyClaim.status == ClaimStatus.SUBMITTED)
        .order_by(SubsidyClaim.applied_on, SubsidyClaim.id)
    ).all()  # fmt: skip
    outcomes = []
    with app.test_request_context():
        for claim_id in waiting:
            try:
                services.approve(claim_id, coordinator.id)
                outcomes.append("approved")
            except services.BudgetShort:
                outcomes.append("budget short")
            except services.Ineligible:
                outcomes.append("ineligible")
    db.session.refresh(programme)
    assert "approved" in outcomes and "budget short" in outcomes
    assert programme.spent <= programme.budget


def test_exams_claims_and_placements_are_counted_where_the_trainee_studied(db):
    load_demo(scale=SMALL)
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(ExamAttempt)
            .where(ExamAttempt.cohort_id.is_(None))
        )
        == 0
    )
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(SubsidyClaim)
            .where(SubsidyClaim.campus_id.is_(None))
        )
        == 0
    )
    placements = db.session.scalars(sa.select(InternshipPlacement)).all()
    assert placements and all(p.campus_id for p in placements)
    programmes = set(
        db.session.scalars(
            sa.select(InternshipOpening.programme).join(
                InternshipPlacement, InternshipPlacement.opening_id == InternshipOpening.id
            )
        )
    )
    assert programmes == set(InternshipProgramme)


def test_periods_awaiting_verification_carry_their_certificate(app, db):
    load_demo(scale=SMALL)
    waiting = db.session.scalars(
        sa.select(CareerPeriod).where(CareerPeriod.verified_at.is_(None))
    ).all()
    folder = Path(app.config["UPLOAD_FOLDER"])
    assert waiting and all((folder / p.evidence_path).exists() for p in waiting)
    assert all(p.evidence_name.endswith(".pdf") for p in waiting)
