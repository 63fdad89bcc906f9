"""Write locks that hold on PostgreSQL and SQLite alike, for read-check-write rules."""

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
