"""The budget is never overspent, however many coordinators approve at once.

Real concurrency: 50 threads, each with its own app context, session and database connection,
released together by a barrier. On the PostgreSQL run (DATABASE_URL) they hit a database of their
own on that server; otherwise a SQLite file, where the approval takes the write lock up front
(BEGIN IMMEDIATE). An in-memory database could not show a race at all.
"""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
import sqlalchemy as sa

from academy import create_app
from academy.extensions import db
from academy.models import ClaimStatus, EnrolmentStatus, Role, SubsidyClaim, SubsidyProgramme
from academy.subsidies import services
from tests import factories
from tests.databases import config_for, fresh_database

THREADS = 50
AMOUNT = 30_000
FITS = 17  # the budget pays 17 claims of 30,000 won, with 20,000 won to spare


@pytest.fixture
def racing_app(tmp_path):
    """An app on a database of its own, with a connection pool as large as the crowd."""
    with fresh_database(tmp_path) as url:
        pool = {"pool_size": THREADS + 5, "max_overflow": 0, "pool_timeout": 60}
        app = create_app(config_for(url, SQLALCHEMY_ENGINE_OPTIONS=pool))
        with app.app_context():
            db.create_all()
        try:
            yield app
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def seed(app, claims: int) -> tuple[int, list[int], int]:
    """A programme, a coordinator and `claims` claims of AMOUNT won by different trainees."""
    with app.app_context():
        campus = factories.CampusFactory()
        cohort = factories.CohortFactory(campus=campus, starts_on=date(2025, 3, 3))
        programme = factories.SubsidyProgrammeFactory(year=2025, budget=FITS * AMOUNT + 20_000)
        coordinator = factories.UserFactory(role=Role.COORDINATOR, campus=campus)
        ids = []
        for _ in range(claims):
            enrolment = factories.EnrolmentFactory(cohort=cohort, status=EnrolmentStatus.COMPLETED)
            attempt = factories.ExamAttemptFactory(
                trainee=enrolment.trainee, cohort=cohort, fee_paid=AMOUNT
            )
            claim = factories.SubsidyClaimFactory(
                programme=programme,
                exam_attempt=attempt,
                trainee=enrolment.trainee,
                amount_requested=AMOUNT,
                campus=campus,
                applied_on=date(2025, 6, 20),
            )
            ids.append(claim.id)
        db.session.commit()
        result = programme.id, ids, coordinator.id
        db.session.remove()
        return result


def race(app, claim_ids: list[int], approver_id: int) -> Counter:
    """Every claim id approved by its own thread and connection, all released at once."""
    barrier = threading.Barrier(len(claim_ids))

    def approve(claim_id: int) -> str:
        with app.app_context():
            try:
                db.session.connection()  # hold a connection of its own before the start
                barrier.wait(timeout=60)
                services.approve(claim_id, approver_id)
                return "approved"
            except services.BudgetShort:
                return "budget short"
            except services.AlreadyDecided:
                return "already decided"
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=len(claim_ids)) as pool:
        return Counter(pool.map(approve, claim_ids))


def programme_state(app, programme_id: int) -> tuple[int, int, int, int]:
    with app.app_context():
        programme = db.session.get(SubsidyProgramme, programme_id)
        total = sa.func.coalesce(sa.func.sum(SubsidyClaim.amount_approved), 0)
        approved = db.session.execute(
            sa.select(sa.func.count(), total).where(
                SubsidyClaim.programme_id == programme_id,
                SubsidyClaim.status == ClaimStatus.APPROVED,
            )
        ).one()
        state = programme.budget, programme.spent, approved[0], approved[1]
        db.session.remove()
        return state


def test_50_concurrent_approvals_approve_exactly_what_the_budget_fits(racing_app):
    programme_id, claim_ids, approver = seed(racing_app, THREADS)

    outcomes = race(racing_app, claim_ids, approver)

    budget, spent, approved, approved_sum = programme_state(racing_app, programme_id)
    assert outcomes == Counter({"approved": FITS, "budget short": THREADS - FITS})
    assert approved == FITS and spent == approved_sum == FITS * AMOUNT
    assert spent <= budget


def test_a_double_submit_pays_once_even_when_the_clicks_race(racing_app):
    programme_id, (claim_id,), approver = seed(racing_app, 1)

    outcomes = race(racing_app, [claim_id] * 10, approver)

    _, spent, approved, _ = programme_state(racing_app, programme_id)
    assert outcomes == Counter({"approved": 1, "already decided": 9})
    assert approved == 1 and spent == AMOUNT
