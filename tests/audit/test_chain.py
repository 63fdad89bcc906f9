"""The access log's rules without HTTP: the chain, tamper detection, append-only, retention."""

import threading
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from academy import audit
from academy.extensions import db as _db
from academy.models import AccessAction, AccessLog, AccessLogAnchor, Role
from academy.models.audit import postgresql_triggers, sqlite_triggers
from tests import factories


def dialect() -> str:
    return _db.engine.dialect.name


def entries() -> list[AccessLog]:
    return _db.session.scalars(sa.select(AccessLog).order_by(AccessLog.seq)).all()


def write(n: int, **fields) -> None:
    for i in range(n):
        audit.record(AccessAction.VIEW, subject=("trainee", i + 1), trainee_id=i + 1, **fields)
    _db.session.commit()


class TriggersDropped:
    """Take the append-only triggers away, as someone with the database owner's rights could,
    and put them back afterwards (the suite's schema lives for the whole session)."""

    def __enter__(self):
        # End the test session's transaction first: on PostgreSQL its read lock on the table
        # would make DROP TRIGGER, on another connection, wait for ever.
        _db.session.commit()
        with _db.engine.begin() as conn:
            for name in self.names():
                table = "access_log"
                if dialect() == "postgresql":
                    conn.exec_driver_sql(f"DROP TRIGGER {name} ON {table}")
                else:
                    conn.exec_driver_sql(f"DROP TRIGGER {name}")

    def __exit__(self, *exc):
        _db.session.commit()
        with _db.engine.begin() as conn:
            statements = (
                postgresql_triggers("access_log")
                if dialect() == "postgresql"
                else sqlite_triggers("access_log")
            )
            for statement in statements:
                conn.exec_driver_sql(statement)

    @staticmethod
    def names() -> list[str]:
        if dialect() == "postgresql":
            return ["access_log_append_only", "access_log_no_truncate"]
        return ["access_log_no_update", "access_log_no_delete"]


def test_entries_form_a_chain_from_the_genesis_hash(db):
    user = factories.UserFactory(role=Role.COORDINATOR, campus=factories.CampusFactory())
    db.session.commit()
    write(3, by=user, ip_address="10.0.0.7")
    first, second, third = entries()
    assert [e.seq for e in (first, second, third)] == [1, 2, 3]
    assert first.prev_hash == audit.GENESIS_HASH
    assert second.prev_hash == first.entry_hash and third.prev_hash == second.entry_hash
    assert (first.actor_email, first.actor_role, first.ip_address) == (
        user.email,
        "coordinator",
        "10.0.0.7",
    )
    assert audit.compute_hash(first) == first.entry_hash
    assert audit.verify_chain() is None


def test_a_list_is_one_entry_naming_everyone_shown(db):
    audit.record(AccessAction.VIEW, subject=("cohort", 4), trainee_ids=[9, 3, 9, 5])
    db.session.commit()
    (entry,) = entries()
    assert entry.detail == '{"trainees":[3,5,9]}' and entry.trainee_id is None


def test_entries_built_by_hand_are_chained_and_get_the_account_snapshot(db):
    user = factories.UserFactory(role=Role.ADMIN)
    db.session.commit()
    db.session.add(
        AccessLog(user_id=user.id, action=AccessAction.VIEW, subject_type="trainee", subject_id=12)
    )
    db.session.commit()
    (entry,) = entries()
    assert (entry.actor_email, entry.actor_role, entry.trainee_id) == (user.email, "admin", 12)
    assert audit.verify_chain() is None


def test_retention_is_two_years_and_three_for_role_changes():
    at = datetime(2025, 3, 31, 16, 0)  # 2025-04-01 01:00 in Seoul
    assert audit.keep_until(AccessAction.VIEW, at) == date(2027, 4, 1)
    assert audit.keep_until(AccessAction.ROLE_GRANT, at) == date(2028, 4, 1)
    assert audit.keep_until(AccessAction.ROLE_REVOKE, datetime(2024, 2, 29)) == date(2027, 2, 28)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE access_log SET reason = 'x'",
        "DELETE FROM access_log",
        "UPDATE access_log_anchor SET purged = 0",
        "DELETE FROM access_log_anchor",
    ],
)
def test_the_database_refuses_to_change_or_delete_entries(db, statement):
    write(2)
    db.session.add(
        AccessLogAnchor(first_seq=1, prev_hash="0" * 64, purged=0, purged_before=date(2020, 1, 1))
    )
    db.session.commit()
    with pytest.raises(sa.exc.DatabaseError, match="append-only"):
        db.session.execute(sa.text(statement))
        db.session.flush()
    db.session.rollback()
    assert len(entries()) == 2


def test_truncate_is_refused_on_postgresql(db):
    if dialect() != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    write(1)
    with pytest.raises(sa.exc.DatabaseError, match="append-only"):
        db.session.execute(sa.text("TRUNCATE access_log"))
    db.session.rollback()
    assert len(entries()) == 1


@pytest.mark.parametrize(
    ("tamper", "broken_seq", "problem"),
    [
        ("UPDATE access_log SET ip_address = '1.2.3.4' WHERE seq = 3", 3, "changed"),
        ("DELETE FROM access_log WHERE seq = 2", 3, "missing"),
        ("UPDATE access_log SET trainee_id = 99, entry_hash = 'f' WHERE seq = 4", 4, "changed"),
    ],
)
def test_verify_names_the_first_tampered_entry(db, tamper, broken_seq, problem):
    write(5)
    with TriggersDropped():
        with db.engine.begin() as conn:
            conn.exec_driver_sql(tamper)
    broken = audit.verify_chain()
    assert broken is not None and broken.seq == broken_seq and problem in broken.problem


def test_a_rewritten_entry_with_a_fresh_hash_breaks_the_next_link(db):
    write(3)
    second = entries()[1]
    second.reason = "forged"
    forged = audit.compute_hash(second)
    db.session.rollback()
    with TriggersDropped(), db.engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE access_log SET reason = 'forged', entry_hash = :h WHERE seq = 2"),
            {"h": forged},
        )
    broken = audit.verify_chain()
    assert (broken.seq, broken.problem) == (3, "does not link to the entry before it")


def test_purge_removes_only_expired_entries_and_keeps_the_chain_verifiable(db):
    write(4)
    role = audit.entry(AccessAction.ROLE_GRANT, subject=("user", 1))
    db.session.add(role)
    db.session.commit()
    write(2)
    # Two years and a day later: the four views have expired, the role grant (seq 5) has not.
    today = entries()[0].keep_until + timedelta(days=1)
    result = audit.purge(today=today)
    assert result.deleted == 4
    remaining = entries()
    assert [e.seq for e in remaining] == [5, 6, 7, 8]
    assert remaining[-1].action == AccessAction.PURGE
    assert audit.verify_chain() is None
    # The views after the grant wait for it: only the oldest run goes.
    assert audit.purge(today=today).deleted == 0

    # Removing the first kept entry as well is caught against the anchor.
    with TriggersDropped(), db.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM access_log WHERE seq = 5")
    assert audit.verify_chain().problem == "entry 5 is missing"


def test_purge_refuses_on_a_broken_chain(db):
    write(2)
    with TriggersDropped(), db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE access_log SET subject_id = 7 WHERE seq = 1")
    with pytest.raises(audit.PurgeRefused):
        audit.purge(today=date(2100, 1, 1))


def test_cli_verify_and_purge(runner, db):
    write(2)
    result = runner.invoke(args=["academy", "audit", "verify"])
    assert result.exit_code == 0 and "2 entries" in result.output
    result = runner.invoke(args=["academy", "audit", "purge"])
    assert result.exit_code == 0 and "purged 0" in result.output
    with TriggersDropped(), db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE access_log SET reason = 'x' WHERE seq = 2")
    result = runner.invoke(args=["academy", "audit", "verify"])
    assert result.exit_code == 1 and "broken at entry 2" in result.output


def test_concurrent_appends_keep_one_chain(app, db):
    if dialect() != "postgresql":
        pytest.skip("needs real concurrent connections (PostgreSQL)")
    start = threading.Barrier(20)
    errors = []

    def append(n: int) -> None:
        with app.app_context():
            try:
                start.wait()
                for _ in range(3):
                    audit.record(AccessAction.VIEW, subject=("trainee", n), trainee_id=n)
                    _db.session.commit()
            except Exception as error:  # noqa: BLE001  (reported below)
                errors.append(error)
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=append, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [e.seq for e in entries()] == list(range(1, 61))
    assert audit.verify_chain() is None
