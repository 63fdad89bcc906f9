"""`flask academy backup` and `flask academy restore`: back up, change, restore, compare.

The round trip runs on a migrated database of its own (a SQLite file, or on the PostgreSQL run a
scratch database on the DATABASE_URL server: `tests.databases.fresh_database`), never on the
suite's database.
"""

import hashlib

import sqlalchemy as sa

from academy import create_app
from academy.extensions import db
from academy.models import Enrolment, EnrolmentStatus, OutcomeCode, User
from tests import factories
from tests.databases import config_for, fresh_database, preserve_logging


def snapshot() -> dict[str, tuple[int, str]]:
    """Every table (alembic_version included): its row count and a checksum of its rows in
    primary-key order."""
    db.session.remove()
    state = {}
    with db.engine.connect() as conn:
        for name in sa.inspect(conn).get_table_names():
            table = sa.Table(name, sa.MetaData(), autoload_with=conn)
            order = list(table.primary_key.columns) or list(table.columns)
            rows = conn.execute(sa.select(table).order_by(*order)).all()
            digest = hashlib.sha256(repr([tuple(row) for row in rows]).encode()).hexdigest()
            state[name] = (len(rows), digest)
    return state


def set_revision(*revisions: str) -> None:
    db.session.execute(sa.text("DELETE FROM alembic_version"))
    for revision in revisions:
        db.session.execute(sa.text("INSERT INTO alembic_version VALUES (:r)"), {"r": revision})
    db.session.commit()


def seed() -> None:
    cohort = factories.CohortFactory()
    enrolments = factories.EnrolmentFactory.create_batch(3, cohort=cohort)
    enrolments[0].status = EnrolmentStatus.COMPLETED
    factories.OutcomeRecordFactory(enrolment=enrolments[0], code=OutcomeCode.S1)
    db.session.commit()


def change() -> None:
    """Rows added, deleted and updated, and the schema revision moved."""
    enrolments = db.session.scalars(sa.select(Enrolment).order_by(Enrolment.id)).all()
    factories.EnrolmentFactory(cohort=enrolments[0].cohort)
    db.session.delete(enrolments[-1])
    user = db.session.scalars(sa.select(User).order_by(User.id)).first()
    user.name = "바뀐 이름"
    set_revision("0001")
    db.session.commit()


def test_restore_brings_back_the_backed_up_database_with_its_schema_revision(tmp_path):
    with fresh_database(tmp_path) as url, preserve_logging():
        app = create_app(config_for(url))
        runner = app.test_cli_runner()
        backup = tmp_path / "academy.backup"
        with app.app_context():
            try:
                result = runner.invoke(args=["academy", "init"])
                assert result.exit_code == 0, result.output
                seed()
                before = snapshot()
                revisions = db.session.scalars(
                    sa.text("SELECT version_num FROM alembic_version")
                ).all()
                assert before["alembic_version"][0] >= 1 and before["enrolment"][0] == 3

                result = runner.invoke(args=["academy", "backup", str(backup)])
                assert result.exit_code == 0, result.output
                assert "backed up" in result.output
                assert backup.stat().st_mode & 0o777 == 0o600  # personal data inside

                change()
                changed = snapshot()
                assert changed != before
                assert changed["enrolment"][0] == 3 and changed["enrolment"] != before["enrolment"]

                # Without --yes the operator is asked, and "no" changes nothing.
                db.session.remove()
                result = runner.invoke(args=["academy", "restore", str(backup)], input="n\n")
                assert result.exit_code == 1
                assert "nothing was changed" in result.output
                assert snapshot() == changed

                db.session.remove()
                result = runner.invoke(args=["academy", "restore", str(backup)], input="y\n")
                assert result.exit_code == 0, result.output
                assert "restored" in result.output
                assert snapshot() == before

                # The app works on the restored database.
                assert db.session.scalar(sa.select(sa.func.count()).select_from(Enrolment)) == 3

                # A backup from a newer version of the app is refused, and nothing changes.
                set_revision("9999")
                future = tmp_path / "future.backup"
                assert runner.invoke(args=["academy", "backup", str(future)]).exit_code == 0
                set_revision(*revisions)
                db.session.remove()
                result = runner.invoke(args=["academy", "restore", "--yes", str(future)])
                assert result.exit_code == 1
                assert "newer version of the app (schema revision 9999)" in result.output
                assert snapshot() == before
            finally:
                db.session.remove()
                db.engine.dispose()


def test_restore_refuses_what_is_not_a_backup_of_this_database(runner, tmp_path):
    missing = tmp_path / "missing.backup"
    result = runner.invoke(args=["academy", "restore", "--yes", str(missing)])
    assert result.exit_code == 1
    assert f"error: {missing}: no such file" in result.output

    text = tmp_path / "notes.txt"
    text.write_text("not a backup")
    result = runner.invoke(args=["academy", "restore", "--yes", str(text)])
    assert result.exit_code == 1
    assert "is not a backup made by `flask academy backup`" in result.output

    other = tmp_path / "other.backup"
    is_sqlite = db.engine.dialect.name == "sqlite"
    other.write_bytes(b"PGDMP\x01\x0f" if is_sqlite else b"SQLite format 3\x00" + b"\x00" * 84)
    result = runner.invoke(args=["academy", "restore", "--yes", str(other)])
    assert result.exit_code == 1
    expected = (
        "postgresql backup, but this database is sqlite"
        if is_sqlite
        else ("sqlite backup, but this database is postgresql")
    )
    assert expected in result.output


def test_backup_does_not_overwrite_a_file_unless_asked(runner, tmp_path):
    target = tmp_path / "academy.backup"
    target.write_text("yesterday's backup")
    result = runner.invoke(args=["academy", "backup", str(target)])
    assert result.exit_code == 1
    assert "exists already" in result.output
    assert target.read_text() == "yesterday's backup"
    result = runner.invoke(args=["academy", "backup", "--overwrite", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_bytes()[:5] in (b"SQLit", b"PGDMP")
