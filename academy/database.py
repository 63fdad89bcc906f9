"""Engine settings that SQLite needs to behave like the production database."""

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine


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
