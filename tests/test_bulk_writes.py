"""academy.database's bulk writes: COPY on PostgreSQL, executemany on SQLite, the ORM's defaults
filled, the KPI facts told, and ids reserved that nobody else can take."""

import threading
from datetime import date

import pytest
import sqlalchemy as sa

from academy import database
from academy.extensions import db as _db
from academy.kpi import facts
from academy.locking import lock_row
from academy.models import Cohort, Enrolment, EnrolmentStatus, Role, Trainee, User
from tests import factories


def _users(ids, stem="bulk"):
    return [
        {"id": i, "email": f"{stem}{i}@example.org", "name": f"교육생{i}", "role": Role.TRAINEE}
        for i in ids
    ]


def test_bulk_insert_fills_python_defaults_and_every_named_column(db):
    cohort = factories.CohortFactory()
    db.session.commit()
    lock_row(Cohort, cohort.id)
    ids = database.reserve_ids(db.session, User, 3)
    rows = _users(ids)
    rows[2]["locale"] = "en"  # a key only one row names is not dropped, nor given to others
    rows[1]["password_hash"] = "x"
    written = database.bulk_insert(db.session, User, rows)
    db.session.commit()
    assert written == 3
    users = db.session.scalars(sa.select(User).where(User.id.in_(ids)).order_by(User.id)).all()
    assert [u.email for u in users] == [f"bulk{i}@example.org" for i in ids]
    assert all(u.created_at is not None for u in users)  # the ORM's default, filled
    assert all(u.session_version == 1 for u in users)
    assert [u.password_hash for u in users] == [None, "x", None]
    assert [u.locale for u in users] == [None, None, "en"]


def test_bulk_insert_of_enrolments_refreshes_the_cohort_facts(db):
    cohort = factories.CohortFactory(starts_on=date(2026, 3, 2), ends_on=date(2026, 7, 17))
    db.session.commit()
    facts.refresh_cohort_facts(db.session, [cohort.id])
    db.session.commit()
    lock_row(Cohort, cohort.id)
    user_ids = database.reserve_ids(db.session, User, 2)
    trainee_ids = database.reserve_ids(db.session, Trainee, 2)
    database.bulk_insert(db.session, User, _users(user_ids, "facts"))
    database.bulk_insert(
        db.session,
        Trainee,
        [
            {"id": t, "user_id": u, "birth_date": date(1999, 1, 1)}
            for t, u in zip(trainee_ids, user_ids, strict=True)
        ],
    )
    database.bulk_insert(
        db.session,
        Enrolment,
        [
            {
                "cohort_id": cohort.id,
                "trainee_id": t,
                "status": EnrolmentStatus.ENROLLED,
                "enrolled_on": date(2026, 2, 20),
            }
            for t in trainee_ids
        ],
    )
    db.session.commit()
    # Without the listener the stored facts would still say an empty roster.
    assert facts.check(db.session)[0] == []
    stored = db.session.execute(
        sa.select(facts.FACTS.c.rostered).where(facts.FACTS.c.cohort_id == cohort.id)
    ).scalar_one()
    assert stored == 2


def test_bulk_insert_rolls_back_with_its_transaction(db):
    cohort = factories.CohortFactory()
    db.session.commit()
    before = db.session.scalar(sa.select(sa.func.count()).select_from(User))
    lock_row(Cohort, cohort.id)
    database.bulk_insert(db.session, User, _users(database.reserve_ids(db.session, User, 5)))
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == before


def test_bulk_insert_of_nothing_writes_nothing(db):
    assert database.bulk_insert(db.session, User, []) == 0
    assert database.reserve_ids(db.session, User, 0) == []


def test_reserved_ids_are_new_and_in_order(db):
    factories.UserFactory.create_batch(3)
    cohort = factories.CohortFactory()
    db.session.commit()
    largest = db.session.scalar(sa.select(sa.func.max(User.id)))
    lock_row(Cohort, cohort.id)
    ids = database.reserve_ids(db.session, User, 4)
    assert ids == sorted(ids) and len(set(ids)) == 4
    assert min(ids) > largest
    db.session.rollback()


def test_reserving_ids_on_sqlite_needs_the_write_lock(db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL takes ids from the sequence: no lock is needed")
    db.session.commit()
    with pytest.raises(RuntimeError):
        database.reserve_ids(db.session, User, 2)


def test_ids_reserved_while_another_writer_inserts_do_not_collide(app, db):
    """PostgreSQL: a reservation and an ORM insert running at the same time get different ids
    (the sequence hands each out once); on SQLite the other writer waits for the lock."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs real concurrent connections (PostgreSQL)")
    cohort = factories.CohortFactory()
    db.session.commit()
    lock_row(Cohort, cohort.id)
    reserved = database.reserve_ids(db.session, User, 50)
    other: list[int] = []

    def insert_elsewhere():
        with app.app_context():
            user = User(email="other@example.org", name="다른 사람", role=Role.TRAINEE)
            _db.session.add(user)
            _db.session.commit()
            other.append(user.id)
            _db.session.remove()

    thread = threading.Thread(target=insert_elsewhere)
    thread.start()
    thread.join(10)
    database.bulk_insert(db.session, User, _users(reserved, "reserved"))
    db.session.commit()
    assert other and other[0] not in reserved
    assert db.session.scalar(sa.select(sa.func.count()).where(User.id.in_(reserved))) == 50
