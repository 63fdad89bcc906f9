"""The development fund is never overdrawn, however many officials award scholarships at once."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
import sqlalchemy as sa

from academy import create_app
from academy.ecosystem import services
from academy.extensions import db
from academy.models import DonationKind, FundDonation, Scholarship
from tests import factories
from tests.databases import config_for, fresh_database

THREADS = 12
AMOUNT = 500_000
FITS = 5


@pytest.fixture
def racing_app(tmp_path):
    with fresh_database(tmp_path) as url:
        pool = {"pool_size": THREADS + 2, "max_overflow": 0, "pool_timeout": 60}
        app = create_app(config_for(url, SQLALCHEMY_ENGINE_OPTIONS=pool))
        with app.app_context():
            db.create_all()
        try:
            yield app
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def test_concurrent_scholarships_never_overdraw_the_fund(racing_app):
    with racing_app.app_context():
        donation = FundDonation(
            donor="기부 기업",
            kind=DonationKind.MONEY,
            amount=FITS * AMOUNT + 100_000,
            received_on=date(2025, 3, 1),
        )
        db.session.add(donation)
        emails = []
        for _ in range(THREADS):
            trainee = factories.TraineeFactory(vulnerable=True)
            emails.append(trainee.user.email)
        db.session.commit()
    barrier = threading.Barrier(THREADS)

    def award(email: str) -> bool:
        with racing_app.app_context():
            barrier.wait()
            try:
                services.award_scholarship(email, AMOUNT, date(2025, 6, 1), "장학금")
                return True
            except services.EcosystemError:
                db.session.rollback()
                return False
            finally:
                db.session.remove()

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(award, emails))
    assert results.count(True) == FITS
    with racing_app.app_context():
        paid = db.session.scalar(sa.select(sa.func.sum(Scholarship.amount)))
        assert paid == FITS * AMOUNT
