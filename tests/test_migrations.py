"""The migrations build exactly the schema the models describe, and take it down again."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import current_app
from flask_migrate import downgrade, upgrade

from academy import create_app
from academy.extensions import db
from tests.databases import config_for, fresh_database, preserve_logging


def schema_differences() -> list:
    """What `flask db migrate` would write now, with the options it uses."""
    options = current_app.extensions["migrate"].configure_args
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts=dict(options))
        return compare_metadata(context, db.metadata)


def table_names() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_migrations_build_the_models_schema_and_downgrade_to_nothing(tmp_path):
    with fresh_database(tmp_path) as url, preserve_logging():
        app = create_app(config_for(url))
        with app.app_context():
            try:
                upgrade(revision="heads")
                assert table_names() == set(db.metadata.tables)
                assert schema_differences() == [], "models and migrations differ: add a migration"

                downgrade(revision="base")
                assert table_names() == set()

                upgrade(revision="heads")  # nothing left behind by the downgrade gets in the way
                assert schema_differences() == []
            finally:
                db.session.remove()
                db.engine.dispose()


def check_constraints(url: str) -> set[tuple[str, str]]:
    inspector = sa.inspect(sa.create_engine(url))
    return {
        (table, check["name"])
        for table in inspector.get_table_names()
        for check in inspector.get_check_constraints(table)
    }


def test_migrations_create_every_check_constraint_of_the_models(tmp_path):
    """Autogenerate does not compare CHECK constraints, so compare them by name here.

    Names do not depend on the database, so two SQLite files are enough on every run.
    """
    migrated, created = f"sqlite:///{tmp_path / 'm.sqlite'}", f"sqlite:///{tmp_path / 'c.sqlite'}"
    with preserve_logging():
        app = create_app(config_for(migrated))
        with app.app_context():
            upgrade(revision="heads")
            db.engine.dispose()
    app = create_app(config_for(created))
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    assert check_constraints(migrated) == check_constraints(created)


def test_migrations_form_one_line():
    """`flask db upgrade` (head, singular) and a deployment's upgrade need exactly one head; two
    branches merged side by side would each leave their own."""
    from pathlib import Path

    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent.parent / "migrations"))
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"several heads: {heads}"
