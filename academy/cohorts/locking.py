"""Row locks that hold on PostgreSQL and on SQLite alike, for read-check-write rules.

A seat count read, compared with the capacity and then written races unless the writers take
turns. PostgreSQL locks the row with SELECT ... FOR UPDATE. SQLAlchemy renders FOR UPDATE as
nothing on SQLite and pysqlite starts its transaction late, so there a no-op UPDATE of the row
comes first: it opens the transaction and takes SQLite's write lock until the commit, and a second
writer waits (busy_timeout) and then reads what the first one wrote.
"""

import sqlalchemy as sa

from academy.extensions import db


def lock_row(model: type, row_id: int) -> None:
    """Take the write lock on one row for the rest of the current transaction."""
    table = model.__table__
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(
            sa.update(table).where(table.c.id == row_id).values(id=table.c.id),
            execution_options={"synchronize_session": False},
        )
        return
    db.session.execute(sa.select(table.c.id).where(table.c.id == row_id).with_for_update())
