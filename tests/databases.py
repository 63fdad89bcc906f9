"""Throwaway databases for tests that need a schema built by the migrations, not by create_all.

The session-scoped `app` fixture owns the suite's database (create_all/drop_all); these helpers
never touch it: they make a separate SQLite file, or a separate PostgreSQL database on the server
DATABASE_URL names.
"""

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from config import TestConfig


def config_for(database_url: str, **settings) -> TestConfig:
    config = TestConfig()
    config.SQLALCHEMY_DATABASE_URI = database_url
    for name, value in settings.items():
        setattr(config, name, value)
    return config


@contextmanager
def fresh_database(tmp_dir: Path, purpose: str = "migrations") -> Iterator[str]:
    """The URL of an empty database of the kind this run targets, removed afterwards.

    With DATABASE_URL set (the PostgreSQL run), a database of its own on that server; otherwise a
    SQLite file under `tmp_dir`.
    """
    server_url = os.environ.get("DATABASE_URL")
    if not server_url:
        yield f"sqlite:///{tmp_dir / f'{purpose}.sqlite'}"
        return
    server = sa.make_url(TestConfig.SQLALCHEMY_DATABASE_URI)
    name = f"test_{purpose}_{os.getpid()}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@contextmanager
def preserve_logging() -> Iterator[None]:
    """Undo what migrations/env.py's fileConfig() does to logging.

    fileConfig replaces the root handlers (pytest's capture among them) and disables every logger
    that exists already, which would silence the app's loggers for the rest of the session.
    """
    root = logging.getLogger()
    root_state = (root.level, root.handlers[:])
    loggers = {
        name: (logger.disabled, logger.level, logger.handlers[:], logger.propagate)
        for name, logger in logging.root.manager.loggerDict.items()
        if isinstance(logger, logging.Logger)
    }
    try:
        yield
    finally:
        root.setLevel(root_state[0])
        root.handlers[:] = root_state[1]
        for name, (disabled, level, handlers, propagate) in loggers.items():
            logger = logging.getLogger(name)
            logger.disabled, logger.propagate = disabled, propagate
            logger.setLevel(level)
            logger.handlers[:] = handlers
