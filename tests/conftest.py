"""Fixtures (flaskr / cookiecutter style). The suite runs on SQLite, or on DATABASE_URL."""

import contextvars
import time

import pyotp
import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from academy import create_app
from academy.audit import purge_allowed
from academy.auth.passwords import hash_password
from academy.extensions import db as _db
from academy.extensions import limiter
from academy.models import Role, User
from config import TestConfig
from tests import factories
from tests.s3 import moto_endpoint  # noqa: F401  (the session's S3 server, started when needed)

TEST_PASSWORD = "correct-horse-battery"


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, as in production.

    The test holds an app context for factories; without this, requests would share its `g`
    (Flask-Login's cached user) and its database session.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


def compile_translations() -> None:
    """Compile stale .po catalogues, so a bare `pytest` sees the Korean UI as `make test` does."""
    from pathlib import Path

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in Path(__file__).parent.parent.glob("academy/translations/*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source:
                catalog = read_po(source)
            tmp = mo.with_suffix(".mo.tmp")
            with tmp.open("wb") as target:
                write_mo(target, catalog)
            tmp.replace(mo)


@pytest.fixture(scope="session")
def app():
    compile_translations()
    app = create_app(TestConfig())
    app.test_client_class = IsolatedClient
    with app.app_context():
        _db.drop_all()
        _db.create_all()
    yield app
    with app.app_context():
        _db.session.remove()
        _db.drop_all()


@pytest.fixture
def db(app):
    with app.app_context():
        yield _db
        _db.session.rollback()
        _db.session.remove()
        limiter.reset()
        # Emptying the tables is faster than recreating them, on SQLite and PostgreSQL alike.
        with _db.engine.begin() as conn, purge_allowed(conn):  # the access log refuses DELETE
            for table in reversed(_db.metadata.sorted_tables):
                conn.execute(table.delete())


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def runner(app, db):
    return app.test_cli_runner()


@pytest.fixture
def login_as(client, db):
    """Sign a client in as a new user of `role` (at `campus` for a coordinator) via the form."""

    def login(role: Role, campus=None, **user_fields):
        if role == Role.COORDINATOR and campus is None:
            campus = factories.CampusFactory()
        user = factories.UserFactory(
            role=role, campus=campus, password_hash=hash_password(TEST_PASSWORD), **user_fields
        )
        if role == Role.TRAINEE and user.trainee is None:
            factories.TraineeFactory(user=user)
        if role == Role.INSTRUCTOR and user.instructor is None:
            factories.InstructorFactory(user=user, campus=campus)
        _db.session.commit()
        sign_in(client, user)
        return user

    return login


def totp_code(user) -> str:
    """A code the app would show now, for a time step the account has not used yet (a second
    sign-in within 30 seconds takes the next step, which the server accepts as clock drift)."""
    fresh = _db.session.get(User, user.id)
    _db.session.refresh(fresh)
    step = int(time.time() // 30)
    if fresh.totp_last_step is not None and fresh.totp_last_step >= step:
        step = fresh.totp_last_step + 1
    assert step <= int(time.time() // 30) + 1, "two codes of this account used this half-minute"
    return pyotp.TOTP(fresh.totp_secret).generate_otp(step)


def sign_in(client, user, password: str = TEST_PASSWORD):
    """The password step, then the code step when the account has a second factor."""
    response = client.post("/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    if response.headers["Location"].startswith("/login/code"):
        response = client.post("/login/code", data={"code": totp_code(user)})
        assert response.status_code == 303, response.get_data(as_text=True)
    return response


def count_rows(model) -> int:
    return _db.session.scalar(sa.select(sa.func.count()).select_from(model))
