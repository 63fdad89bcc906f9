"""The head of the access log anchored outside the database (issue 13, "Partly"): deleting the
newest entries as the database owner leaves a shorter chain that verifies; the anchor finds it."""

import os
import secrets
import stat

import pytest
import redis
import sqlalchemy as sa

from academy import audit
from academy.audit import AnchorError, read_anchor, write_anchor
from academy.extensions import db as _db
from academy.models import AccessLog
from tests.audit.test_chain import write

REDIS_URL = "redis://127.0.0.1:6379/0"


def delete_newest(db, n: int) -> None:
    """What the review did: the owner of the database deletes the newest rows."""
    _db.session.commit()
    with db.engine.begin() as conn, audit.purge_allowed(conn):
        newest = conn.exec_driver_sql("SELECT max(seq) FROM access_log").scalar()
        conn.exec_driver_sql(f"DELETE FROM access_log WHERE seq > {newest - n}")


@pytest.fixture(params=["file", "redis"])
def target(request, app, tmp_path):
    if request.param == "file":
        yield str(tmp_path / "elsewhere" / "audit-anchor.json")
        return
    key = f"test:academy:audit:anchor:{secrets.token_hex(6)}"
    previous = app.config["AUDIT_ANCHOR_REDIS_KEY"]
    app.config["AUDIT_ANCHOR_REDIS_KEY"] = key
    try:
        yield REDIS_URL
    finally:
        redis.Redis.from_url(REDIS_URL).delete(key)
        app.config["AUDIT_ANCHOR_REDIS_KEY"] = previous


def test_deleting_the_newest_entries_verifies_without_the_anchor_but_not_with_it(
    runner, db, target
):
    write(5)
    result = runner.invoke(args=["academy", "audit", "anchor", "--to", target])
    assert result.exit_code == 0 and "anchored entry 5" in result.output, result.output
    assert read_anchor(target).seq == 5
    ok = runner.invoke(args=["academy", "audit", "verify", "--anchor", target])
    assert ok.exit_code == 0 and "anchored entry 5 present" in ok.output, ok.output
    delete_newest(db, 2)
    plain = runner.invoke(args=["academy", "audit", "verify"])
    assert plain.exit_code == 0 and "3 entries" in plain.output  # the chain alone cannot tell
    anchored = runner.invoke(args=["academy", "audit", "verify", "--anchor", target])
    assert anchored.exit_code == 1
    assert "entry 5" in anchored.output and "missing" in anchored.output
    # The next scheduled anchor refuses to paper over the deletion.
    again = runner.invoke(args=["academy", "audit", "anchor", "--to", target])
    assert again.exit_code == 1 and read_anchor(target).seq == 5


def test_the_anchor_moves_with_the_log_and_its_file_is_private(app, db, tmp_path):
    target = str(tmp_path / "anchor.json")
    write(2)
    assert write_anchor(target).seq == 2
    write(3)
    assert write_anchor(target).seq == 5
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    app.config["AUDIT_ANCHOR"] = target
    try:
        assert write_anchor().seq == 5  # the setting is the default target (the queue's call)
    finally:
        app.config["AUDIT_ANCHOR"] = None


def test_an_entry_rewritten_after_anchoring_is_found(runner, db, tmp_path):
    from tests.audit.test_chain import TriggersDropped

    target = str(tmp_path / "anchor.json")
    write(3)
    write_anchor(target)
    # Rewrite the newest entry and give it a fresh, self-consistent hash: the chain verifies.
    with TriggersDropped(), db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE access_log SET reason = 'rewritten' WHERE seq = 3")
        row = conn.execute(sa.select(*AccessLog.__table__.c).where(AccessLog.seq == 3)).one()
        conn.execute(
            sa.update(AccessLog.__table__)
            .where(AccessLog.seq == 3)
            .values(entry_hash=audit.compute_hash(row))
        )
    assert runner.invoke(args=["academy", "audit", "verify"]).exit_code == 0
    result = runner.invoke(args=["academy", "audit", "verify", "--anchor", target])
    assert result.exit_code == 1 and "no longer has the hash" in result.output


def test_an_unreadable_or_absent_anchor_is_an_error_not_a_pass(runner, db, tmp_path):
    write(1)
    missing = runner.invoke(
        args=["academy", "audit", "verify", "--anchor", str(tmp_path / "none.json")]
    )
    assert missing.exit_code == 1 and "no anchor found" in missing.output
    garbage = tmp_path / "garbage.json"
    garbage.write_text("not json")
    with pytest.raises(AnchorError):
        read_anchor(str(garbage))
    unset = runner.invoke(args=["academy", "audit", "verify", "--anchor"])
    assert unset.exit_code == 1 and "AUDIT_ANCHOR" in unset.output
