"""The review page checks the chain from a remembered checkpoint; `flask academy audit verify`
still checks all of it."""

import re
from datetime import date

import sqlalchemy as sa

from academy import audit
from academy.models import AccessLog, AccessLogCheckpoint, Role
from tests.audit.test_chain import TriggersDropped, write


def checkpoint(db) -> AccessLogCheckpoint | None:
    db.session.expire_all()
    return db.session.get(AccessLogCheckpoint, audit.CHECKPOINT_ID)


def last_seq(db) -> int:
    return db.session.scalar(sa.select(sa.func.max(AccessLog.seq)))


def tamper(db, seq: int) -> None:
    db.session.rollback()  # on PostgreSQL an open read of the log would block DROP TRIGGER
    with TriggersDropped(), db.engine.begin() as conn:
        conn.exec_driver_sql(f"UPDATE access_log SET reason = 'edited' WHERE seq = {seq}")


def status_notice(html: str) -> str:
    match = re.search(
        r'<div class="notice notice--(?:success|danger)" role="(?:status|alert)">'
        r"(.*?)</div>",
        html,
        re.S,
    )
    assert match, "the page shows the chain's status"
    return match.group(1)


def test_the_check_starts_from_the_checkpoint_and_moves_it(db):
    write(30)
    first = audit.verify_since_checkpoint()
    assert first.broken is None and not first.from_checkpoint and first.checked == 30
    assert checkpoint(db).seq == 30
    write(4)
    second = audit.verify_since_checkpoint()
    assert second.from_checkpoint and second.broken is None
    assert second.checked == 5  # the checkpoint's own entry again, and the 4 new ones
    assert second.through_seq == 34 and checkpoint(db).seq == 34


def test_tampering_after_the_checkpoint_is_found_and_the_checkpoint_stays(db):
    write(10)
    audit.verify_since_checkpoint()
    write(5)
    tamper(db, 13)
    check = audit.verify_since_checkpoint()
    assert check.broken is not None and check.broken.seq == 13
    assert checkpoint(db).seq == 10  # not moved past a break


def test_tampering_with_the_checkpoint_entry_sends_the_page_back_to_a_full_check(db):
    write(10)
    audit.verify_since_checkpoint()
    tamper(db, 10)
    check = audit.verify_since_checkpoint()
    assert not check.from_checkpoint and check.broken.seq == 10


def test_entries_deleted_from_the_end_are_found_through_the_checkpoint(db):
    write(10)
    audit.verify_since_checkpoint()
    db.session.rollback()
    with TriggersDropped(), db.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM access_log WHERE seq >= 8")
    assert audit.verify_chain() is None  # the rest of the chain alone cannot show it
    check = audit.verify_since_checkpoint()
    assert check.broken is not None and check.broken.seq == 10


def test_tampering_before_the_checkpoint_is_left_to_the_full_check(db, runner):
    write(10)
    audit.verify_since_checkpoint()
    tamper(db, 3)
    assert audit.verify_since_checkpoint().broken is None  # the page's quick check
    result = runner.invoke(args=["academy", "audit", "verify"])
    assert result.exit_code == 1 and "entry 3" in result.output


def test_a_purge_past_the_checkpoint_restarts_from_the_anchor(db):
    write(5)
    audit.verify_since_checkpoint()
    assert audit.purge(today=date(2099, 1, 1)).deleted == 5  # everything has expired by then
    check = audit.verify_since_checkpoint()
    assert check.broken is None and not check.from_checkpoint
    assert checkpoint(db).seq == last_seq(db)  # the purge's own entry


def test_the_page_shows_the_status_and_finds_later_tampering(client, login_as, db):
    write(6)
    login_as(Role.ADMIN)
    first = status_notice(client.get("/admin/access-log").get_data(as_text=True))
    assert "audit verify" not in first  # the first check covers everything
    newest = last_seq(db)
    notice = status_notice(client.get("/admin/access-log").get_data(as_text=True))
    assert f" {newest}" in notice  # intact through the newest entry before this request
    assert "flask academy audit verify" in notice  # and where the full check is
    assert checkpoint(db).seq == newest
    write(2)
    tampered = last_seq(db)
    tamper(db, tampered)
    broken = client.get("/admin/access-log").get_data(as_text=True)
    assert 'role="alert"' in broken and f"{tampered}" in status_notice(broken)
    assert checkpoint(db).seq == newest
