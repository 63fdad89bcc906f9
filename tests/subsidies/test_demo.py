"""The demo's instructors, certifications, internships and subsidy are linked as the app keeps them,
and this year's programme takes applications on the load date with budget left."""

from datetime import date
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
TODAY = date(2026, 12, 3)


def test_this_years_programme_has_a_round_open_and_budget_for_every_waiting_claim(app, db):
    load_demo(scale=SMALL, today=TODAY)
    programme = db.session.scalar(sa.select(SubsidyProgramme).where(SubsidyProgramme.year == 2026))
    waiting = db.session.scalars(
        sa.select(SubsidyClaim).where(SubsidyClaim.status == ClaimStatus.SUBMITTED)
    ).all()
    asked = sum(c.amount_requested for c in waiting)
    (open_round,) = [r for r in programme.rounds if r.opens_on <= TODAY <= r.closes_on]
    assert open_round.half == 2
    assert programme.closed_early_on is None
    assert programme.remaining > asked + 200_000  # the waiting claims and a newcomer's cap
    assert waiting and all(c.programme_id == programme.id for c in waiting)
    assert all(c.round_id in {r.id for r in programme.rounds} for c in waiting)
    folder = Path(app.config["UPLOAD_FOLDER"])
    assert all(c.receipt_path and (folder / c.receipt_path).exists() for c in waiting)


def test_deciding_every_waiting_claim_stays_within_the_budget(app, db):
    """With the real date: approving on the load day, as a coordinator signing in would."""
    load_demo(scale=SMALL)
    coordinator = db.session.scalar(sa.select(User).where(User.email == "coordinator@example.com"))
    waiting = db.session.scalars(
        sa.select(SubsidyClaim.id)
        .where(SubsidyClaim.status == ClaimStatus.SUBMITTED)
        .order_by(SubsidyClaim.applied_on, SubsidyClaim.id)
    ).all()
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
    assert "approved" in outcomes and "budget short" not in outcomes
    for programme in db.session.scalars(sa.select(SubsidyProgramme)):
        assert programme.spent <= programme.budget and programme.closed_early_on is None


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
