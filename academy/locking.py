"""Write locks that hold on PostgreSQL and SQLite alike, for read-check-write rules.

A count read, compared with a limit and then written (seats, budgets) races unless the writers
take turns. SQLAlchemy renders FOR UPDATE as nothing on SQLite and pysqlite starts its
transaction late, so on SQLite the write lock is taken up front instead.
"""

import sqlalchemy as sa

from academy.extensions import db


def locked(query: sa.Select) -> sa.Result:
    """Run `query` holding the write lock on the rows it reads until the transaction ends.

    PostgreSQL: SELECT ... FOR UPDATE. SQLite renders no FOR UPDATE and pysqlite begins its
    transaction only at the first write, so BEGIN IMMEDIATE takes the database's write lock up
    front (a transaction that has written holds it already); other writers wait (busy_timeout).
    """
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        if not connection.connection.dbapi_connection.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        return db.session.execute(query)
    return db.session.execute(query.with_for_update())


def lock_row(model: type, row_id: int) -> None:
    """Take the write lock on one row for the rest of the current transaction.

    On SQLite a no-op UPDATE of the row opens the transaction and takes the write lock until the
    commit; a second writer waits (busy_timeout) and then reads what the first one wrote.
    """
    table = model.__table__
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(
            sa.update(table).where(table.c.id == row_id).values(id=table.c.id),
            execution_options={"synchronize_session": False},
        )
        return
    db.session.execute(sa.select(table.c.id).where(table.c.id == row_id).with_for_update())


def serialized(name: str) -> None:
    """Make writers of one shared total (a fund with no row of its own) take turns until the
    transaction ends: an advisory lock on PostgreSQL, the database write lock on SQLite."""
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        if not connection.connection.dbapi_connection.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        return
    db.session.execute(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext(name))))
