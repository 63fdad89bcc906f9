"""Backup and restore of the whole database, for `flask academy backup` and `flask academy restore`.

SQLite is copied page by page with SQLite's online backup API, which gives a consistent copy
while the app keeps serving. PostgreSQL is dumped with `pg_dump --format=custom`; a restore
turns the dump into SQL with `pg_restore --clean --if-exists --no-owner` and applies it with
`psql` in one transaction, after dropping the tables and types the backup does not have: the
database ends exactly at the backup's state, the schema revision (alembic_version) included, or,
if anything fails, stays as it was.

A backup holds trainees' personal data: the file is readable by its owner only.
"""

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory
from flask import current_app

from academy.extensions import db
from academy.kpi import facts

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


class BackupError(Exception):
    """The backup or restore cannot be done; args[0] says why, for the operator."""


@dataclass(frozen=True)
class BackupFile:
    path: Path
    kind: str  # "sqlite" or "postgresql"
    revisions: tuple[str, ...]  # alembic_version rows; empty for a schema made without Alembic


def backup(path: Path, overwrite: bool = False) -> str:
    """Write a consistent copy of the database to `path`; returns a line for the operator."""
    if path.exists() and not overwrite:
        raise BackupError(f"{path} exists already; choose another name or pass --overwrite")
    if path.exists() and path.is_dir():
        raise BackupError(f"{path} is a directory")
    if not path.parent.is_dir():
        raise BackupError(f"{path.parent} is not a directory")
    # Written next to the target and renamed, so a failed backup never leaves a half file.
    fd, tmp_name = tempfile.mkstemp(prefix=".academy-backup-", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    os.chmod(tmp, 0o600)
    try:
        if _kind() == "sqlite":
            _sqlite_backup(tmp)
        else:
            _pg_backup(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    info = inspect(path)
    revision = ", ".join(info.revisions) or "none"
    return (
        f"backed up the {info.kind} database to {path} ({path.stat().st_size:,} bytes, "
        f"schema revision {revision})"
    )


def inspect(path: Path) -> BackupFile:
    """What a backup file is, checked before anything is overwritten: a backup of this kind of
    database, readable, with its schema revision."""
    if not path.exists():
        raise BackupError(f"{path}: no such file")
    if not path.is_file():
        raise BackupError(f"{path} is not a file")
    with path.open("rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        kind = "sqlite"
    elif head.startswith(PG_DUMP_MAGIC):
        kind = "postgresql"
    else:
        raise BackupError(f"{path} is not a backup made by `flask academy backup`")
    if kind != _kind():
        raise BackupError(
            f"{path} is a {kind} backup, but this database is {_kind()}: restore it into "
            f"a {kind} database (DATABASE_URL)"
        )
    revisions = _sqlite_revisions(path) if kind == "sqlite" else _pg_revisions(path)
    return BackupFile(path, kind, revisions)


def check_restorable(info: BackupFile) -> None:
    """Refuse a backup from a newer version of the app: its schema is unknown to this one."""
    unknown = [r for r in info.revisions if r not in known_revisions()]
    if unknown:
        raise BackupError(
            f"{info.path} comes from a newer version of the app (schema revision "
            f"{', '.join(unknown)}); install that version before restoring it"
        )


def restore(info: BackupFile) -> str:
    """Replace the whole database with the backup; returns a line for the operator."""
    check_restorable(info)
    # Pooled connections would hold locks and cached state of the database being replaced.
    db.session.remove()
    if info.kind == "sqlite":
        _sqlite_restore(info.path)
    else:
        db.engine.dispose()
        _pg_restore(info.path)
    db.engine.dispose()
    revisions = current_revisions()
    line = f"restored {info.path}; schema revision {', '.join(revisions) or 'none'}"
    heads = set(_script().get_heads())
    if revisions and not heads <= set(revisions):
        line += "; run `flask academy init` to bring the schema up to this version of the app"
    else:
        # The backup's KPI facts are as old as its data, but they were counted by the app that
        # wrote it: count every cohort again with this one.
        facts.refresh_all(db.session)
        db.session.commit()
    return line


def describe_database() -> str:
    return db.engine.url.render_as_string(hide_password=True)


def known_revisions() -> set[str]:
    return {script.revision for script in _script().walk_revisions()}


def current_revisions() -> tuple[str, ...]:
    with db.engine.connect() as conn:
        if not sa.inspect(conn).has_table("alembic_version"):
            return ()
        return tuple(sorted(conn.scalars(sa.text("SELECT version_num FROM alembic_version"))))


def _script() -> ScriptDirectory:
    config = AlembicConfig()
    config.set_main_option("script_location", current_app.extensions["migrate"].directory)
    return ScriptDirectory.from_config(config)


def _kind() -> str:
    name = db.engine.dialect.name
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"backups of {name} databases are not supported")
    return name


# SQLite ----------------------------------------------------------------------------------------


def _sqlite_backup(target: Path) -> None:
    destination = sqlite3.connect(target)
    try:
        with db.engine.connect() as conn:
            conn.connection.driver_connection.backup(destination)
    except sqlite3.Error as error:
        raise BackupError(f"the SQLite backup failed: {error}") from error
    finally:
        destination.close()


def _sqlite_revisions(path: Path) -> tuple[str, ...]:
    try:
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise BackupError(f"{path} cannot be opened: {error}") from error
    try:
        if source.execute("PRAGMA quick_check").fetchone() != ("ok",):
            raise BackupError(f"{path} is damaged (SQLite quick_check failed)")
        has_version = source.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).fetchone()
        if not has_version:
            return ()
        return tuple(
            sorted(r[0] for r in source.execute("SELECT version_num FROM alembic_version"))
        )
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is damaged: {error}") from error
    finally:
        source.close()


def _sqlite_restore(path: Path) -> None:
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        with db.engine.connect() as conn:
            # The backup API replaces every page of the live database in one step, schema too.
            source.backup(conn.connection.driver_connection)
    except sqlite3.Error as error:
        raise BackupError(
            f"the restore failed and the database was left as it was: {error}"
        ) from error
    finally:
        source.close()


# PostgreSQL ------------------------------------------------------------------------------------


def _libpq_target() -> tuple[str, dict[str, str]]:
    """The database as a libpq URL for the client programs, and their environment.

    SQLAlchemy's `postgresql+psycopg://` becomes `postgresql://`; the password travels in
    PGPASSWORD, never on a command line that `ps` shows to every user of the machine.
    """
    url = db.engine.url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _server_major() -> int:
    with db.engine.connect() as conn:
        return int(conn.scalar(sa.text("SHOW server_version_num"))) // 10000


def _client(program: str, server_major: int | None = None) -> str:
    """The client program for the server's major version: Debian keeps each version under
    /usr/lib/postgresql/<major>/bin; otherwise the one on PATH, if it is recent enough."""
    if server_major is not None:
        versioned = Path(f"/usr/lib/postgresql/{server_major}/bin/{program}")
        if versioned.exists():
            return str(versioned)
    found = shutil.which(program)
    if found is None:
        raise BackupError(f"{program} is not installed: install the postgresql-client package")
    if server_major is not None:
        output = subprocess.run([found, "--version"], capture_output=True, text=True).stdout
        match = re.search(r"(\d+)(?:\.\d+)?", output)
        if match and int(match.group(1)) < server_major:
            raise BackupError(
                f"{found} is version {match.group(1)}, older than the PostgreSQL {server_major} "
                f"server: install postgresql-client-{server_major}"
            )
    return found


def _run(command: list[str], env: dict[str, str], what: str, **kwargs) -> str:
    result = subprocess.run(command, env=env, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        detail = result.stderr.strip().splitlines()
        raise BackupError(f"{what} failed: {detail[-1] if detail else result.returncode}")
    return result.stdout


def _pg_backup(target: Path) -> None:
    url, env = _libpq_target()
    pg_dump = _client("pg_dump", _server_major())
    _run([pg_dump, "--format=custom", f"--file={target}", f"--dbname={url}"], env, "pg_dump")


def _pg_revisions(path: Path) -> tuple[str, ...]:
    env = dict(os.environ)
    pg_restore = _client("pg_restore")
    listing = _run([pg_restore, "--list", str(path)], env, f"reading {path}")
    if not re.search(r"TABLE DATA public alembic_version ", listing):
        return ()
    data = _run(
        [pg_restore, "--data-only", "--table=alembic_version", "--file=-", str(path)],
        env,
        f"reading {path}",
    )
    match = re.search(
        r"COPY public\.alembic_version \(version_num\) FROM stdin;\n(.*?)\\\.", data, re.S
    )
    return tuple(sorted(match.group(1).split())) if match else ()


def _pg_objects_of_backup(pg_restore: str, path: Path) -> tuple[set[str], set[str]]:
    listing = _run([pg_restore, "--list", str(path)], dict(os.environ), f"reading {path}")
    tables = set(re.findall(r"^\d+; \d+ \d+ TABLE public (\S+) ", listing, re.M))
    types = set(re.findall(r"^\d+; \d+ \d+ TYPE public (\S+) ", listing, re.M))
    return tables, types


def _pg_extra_objects(tables: set[str], types: set[str]) -> list[str]:
    """DROP statements for what the database has and the backup lacks (a later migration's
    tables and enum types), so that the restore leaves nothing of the newer schema behind."""
    with db.engine.connect() as conn:
        others = conn.scalar(
            sa.text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
        if others:
            raise BackupError(
                f"{others} other connection(s) to the database are open: stop the app (and "
                "its workers) before restoring"
            )
        current_tables = set(
            conn.scalars(sa.text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
        )
        current_types = set(
            conn.scalars(
                sa.text(
                    "SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
                    "WHERE n.nspname = 'public' AND t.typtype = 'e'"
                )
            )
        )
    drops = [
        f'DROP TABLE IF EXISTS public."{name}" CASCADE;' for name in sorted(current_tables - tables)
    ]
    drops += [
        f'DROP TYPE IF EXISTS public."{name}" CASCADE;' for name in sorted(current_types - types)
    ]
    return drops


def _pg_restore(path: Path) -> None:
    url, env = _libpq_target()
    major = _server_major()
    pg_restore, psql = _client("pg_restore", major), _client("psql", major)
    drops = _pg_extra_objects(*_pg_objects_of_backup(pg_restore, path))
    db.engine.dispose()
    # pg_restore writes SQL to a pipe (never to a file: the data is personal); psql applies the
    # drops and that SQL in one transaction and stops at the first error, which rolls it back.
    producer = subprocess.Popen(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--file=-",
            str(path),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        consumer = subprocess.run(
            [
                psql,
                "--no-psqlrc",
                "--quiet",
                "--single-transaction",
                "--set=ON_ERROR_STOP=1",
                f"--dbname={url}",
                "--command=SET lock_timeout = '10s'",
                *(f"--command={drop}" for drop in drops),
                "--file=-",
            ],
            env=env,
            stdin=producer.stdout,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
    finally:
        producer.stdout.close()
        producer_error = producer.stderr.read().decode(errors="replace")
        producer.stderr.close()
        producer.wait()
    if producer.returncode != 0:
        detail = producer_error.strip().splitlines()
        raise BackupError(
            "pg_restore failed and the database was left as it was: "
            f"{detail[-1] if detail else producer.returncode}"
        )
    if consumer.returncode != 0:
        detail = [line for line in consumer.stderr.strip().splitlines() if line]
        raise BackupError(
            "the restore failed and the database was left as it was: "
            f"{detail[-1] if detail else consumer.returncode}"
        )
