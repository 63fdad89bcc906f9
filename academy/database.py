"""Engine settings that SQLite needs to behave like the production database, and bulk writes
that go as fast on either."""

import enum
import sqlite3
from collections.abc import Callable, Iterable, Iterator

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # SQLite ignores foreign keys unless asked, and fails at once on a locked file.
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        # A file shared by the web process and the worker: in WAL mode readers never wait for
        # a writer, so pages stay up while the worker writes a 10,000-row import.
        database = cursor.execute("PRAGMA database_list").fetchone()[2]
        # Switching needs the file to itself: only when it is not in WAL mode already (the
        # mode is kept in the file), so a connection made during a long write does not wait.
        if database and cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


# Bulk writes -------------------------------------------------------------------------------

BulkListener = Callable[[Session, sa.Table, list[dict]], None]
_bulk_listeners: list[BulkListener] = []


def after_bulk_insert(listener: BulkListener) -> BulkListener:
    """Register a function told of every bulk_insert (the session, the table, the rows), as
    the ORM's own events are told of the writes that go through it."""
    _bulk_listeners.append(listener)
    return listener


def _table(target) -> sa.Table:
    return target if isinstance(target, sa.Table) else target.__table__


def _plain(value):
    return value.value if isinstance(value, enum.Enum) else value


def complete_rows(table: sa.Table, rows: list[dict]) -> tuple[list[str], Iterator[tuple]]:
    """The rows as tuples of the columns any of them names plus every column that has a Python-side
    default the ORM would have filled (a callable one, such as utcnow, called once for the
    whole batch); columns left out get the database's default (an id its sequence)."""
    given = set().union(*rows)
    defaults = {}
    for column in table.columns:
        default = column.default
        if column.name in given:
            defaults[column.name] = None
        elif default is not None:
            defaults[column.name] = default.arg(None) if default.is_callable else default.arg
    names = list(defaults)
    return names, (tuple(_plain(row.get(n, defaults[n])) for n in names) for row in rows)


def copy_rows(session: Session, table: sa.Table, names: list[str], rows: Iterable[tuple]) -> int:
    """Stream tuples into a table in the session's transaction: COPY on PostgreSQL (no SQL
    text per row for the driver to build and the server to parse), executemany in batches
    elsewhere. Returns how many rows. Tells no one: bulk_insert is the writer's call."""
    count = 0
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        quote = bind.dialect.identifier_preparer.quote
        columns = ", ".join(quote(n) for n in names)
        raw = session.connection().connection.driver_connection
        with raw.cursor() as cursor:
            with cursor.copy(f"COPY {quote(table.name)} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        return count
    statement = table.insert()
    batch: list[dict] = []
    for row in rows:
        batch.append(dict(zip(names, row, strict=True)))
        if len(batch) == COPY_BATCH:
            session.execute(statement, batch)
            count, batch = count + len(batch), []
    if batch:
        session.execute(statement, batch)
        count += len(batch)
    return count


COPY_BATCH = 20_000


def bulk_insert(session: Session, target, rows: list[dict]) -> int:
    """Insert many rows (dicts naming the same columns) into a model's table in the caller's
    transaction, for writers of thousands of rows (imports). Listeners registered with
    after_bulk_insert are told, as a flush would tell the ORM's."""
    if not rows:
        return 0
    table = _table(target)
    names, tuples = complete_rows(table, rows)
    count = copy_rows(session, table, names, tuples)
    for listener in _bulk_listeners:
        listener(session, table, rows)
    return count


def reserve_ids(session: Session, target, count: int) -> list[int]:
    """`count` new ids for a table, for rows written by bulk_insert that others point at.

    PostgreSQL takes them from the table's sequence (no other writer can get them). SQLite has
    no sequence: the caller must hold the database's write lock (locking.lock_row and the like),
    under which nobody else inserts, and the ids follow the largest in use.
    """
    if count <= 0:
        return []
    table = _table(target)
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        name = bind.dialect.identifier_preparer.quote(table.name)
        return sorted(
            session.scalars(
                sa.text(
                    "SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                    "FROM generate_series(1, :count)"
                ),
                {"table": name, "count": count},
            )
        )
    if not session.connection().connection.dbapi_connection.in_transaction:
        raise RuntimeError("reserve_ids on SQLite needs the write lock held")
    first = session.scalar(sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0))) + 1
    return list(range(first, first + count))
