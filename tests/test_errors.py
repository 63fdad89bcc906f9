"""Error pages in production settings (no traceback, in Korean), and a database that goes away in
the middle of a request: a clean 503 page, no half-written rows, and the next request works."""

import os
import time
from datetime import date

import pytest
import sqlalchemy as sa
from flask import abort
from flask_babel import force_locale, gettext

import config as settings
from academy import create_app
from academy.extensions import db as _db
from academy.models import (
    AccessLog,
    AttendanceMark,
    ClassSession,
    Cohort,
    Enrolment,
    EnrolmentStatus,
    Mark,
    Role,
)
from tests import factories
from tests.databases import config_for

ON_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith("postgres")
HOME_BUTTON_KO = "첫 화면으로 이동"  # "Go to my home page": the page is in Korean


def production_app():
    """The app as production runs it: no TESTING, no DEBUG, exceptions not propagated."""
    app = create_app(
        config_for(
            settings.TestConfig.SQLALCHEMY_DATABASE_URI,
            TESTING=False,
            DEBUG=False,
            PROPAGATE_EXCEPTIONS=False,
        )
    )

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals: /srv/academy/settings.py line 12")

    @app.get("/forbidden")
    def forbidden():
        abort(403)

    @app.get("/database-gone")
    def database_gone():
        raise sa.exc.OperationalError(
            "UPDATE enrolment SET status=%(status)s",
            {"status": "completed"},
            Exception("terminating connection due to administrator command"),
        )

    return app


def assert_clean(body: str) -> None:
    for leak in (
        "Traceback",
        "RuntimeError",
        "secret internals",
        "OperationalError",
        "terminating connection",
        "UPDATE enrolment",
        'File "',
    ):
        assert leak not in body
    assert 'lang="ko"' in body and HOME_BUTTON_KO in body


@pytest.mark.parametrize(
    ("path", "status", "title"),
    [
        ("/boom", 500, "Something went wrong on our side"),
        ("/forbidden", 403, "You do not have access to this page"),
        ("/no-such-page", 404, "Page not found"),
        ("/database-gone", 503, "The service is briefly unavailable"),
    ],
)
def test_error_pages_in_production_show_no_traceback(path, status, title):
    app = production_app()
    assert not app.testing and not app.debug and not app.config["PROPAGATE_EXCEPTIONS"]
    response = app.test_client().get(path)
    assert response.status_code == status
    body = response.get_data(as_text=True)
    assert_clean(body)
    with app.test_request_context(), force_locale("ko"):
        assert f"<h1>{gettext(title)}</h1>" in body
    if status == 503:
        assert response.headers["Retry-After"] == "30"


def test_production_checks_each_pooled_connection_before_use():
    assert settings.Config.SQLALCHEMY_ENGINE_OPTIONS["pool_pre_ping"] is True


DAYS = [date(2025, 3, 3), date(2025, 3, 4)]


def cohort_to_close(campus) -> Cohort:
    """An ended cohort with one trainee who completes and one who does not."""
    cohort = factories.CohortFactory(campus=campus, starts_on=DAYS[0], ends_on=DAYS[-1])
    sessions = [ClassSession(cohort=cohort, held_on=day) for day in DAYS]
    _db.session.add_all(sessions)
    for mark in (Mark.PRESENT, Mark.ABSENT):
        enrolment = factories.EnrolmentFactory(cohort=cohort)
        _db.session.add_all(
            [AttendanceMark(session=s, enrolment=enrolment, mark=mark) for s in sessions]
        )
    _db.session.commit()
    return cohort


def terminate(engine: sa.Engine, pid: int) -> None:
    """End a backend from a second connection, as a restart or failover would, and wait."""
    with engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        deadline = time.monotonic() + 10
        while conn.scalar(
            sa.text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}
        ):
            assert time.monotonic() < deadline, "the backend did not end"
            time.sleep(0.05)


@pytest.mark.skipif(
    not ON_POSTGRESQL,
    reason="terminates a PostgreSQL server connection; SQLite has none (the PostgreSQL run of "
    "make test and CI run it)",
)
def test_a_connection_lost_between_two_writes_gives_a_503_page_and_writes_nothing(
    app, db, client, login_as, monkeypatch
):
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    campus = factories.CampusFactory()
    login_as(Role.COORDINATOR, campus)
    cohort = cohort_to_close(campus)
    logged_before = db.session.scalar(sa.select(sa.func.count()).select_from(AccessLog))
    killer = sa.create_engine(db.engine.url, isolation_level="AUTOCOMMIT")
    terminated: list[int] = []

    def after_the_first_roster_write(conn, _cursor, statement, _params, _context, _many):
        # Closing writes the roster's statuses, the cohort and the access log in one
        # transaction: the connection dies after the first of those writes.
        if not terminated and statement.startswith("UPDATE enrolment"):
            pid = conn.connection.driver_connection.info.backend_pid
            terminate(killer, pid)
            terminated.append(pid)

    sa.event.listen(db.engine, "after_cursor_execute", after_the_first_roster_write)
    try:
        response = client.post(f"/cohorts/{cohort.id}/close")
    finally:
        sa.event.remove(db.engine, "after_cursor_execute", after_the_first_roster_write)
        killer.dispose()

    assert terminated, "the close never reached its first write"
    assert response.status_code == 503
    body = response.get_data(as_text=True)
    assert_clean(body)
    with force_locale("ko"):
        assert f"<h1>{gettext('The service is briefly unavailable')}</h1>" in body

    # No half-written rows: the statuses, the closing and its log entry all rolled back.
    db.session.remove()
    statuses = db.session.scalars(
        sa.select(Enrolment.status).where(Enrolment.cohort_id == cohort.id)
    ).all()
    assert statuses == [EnrolmentStatus.ENROLLED, EnrolmentStatus.ENROLLED]
    assert db.session.get(Cohort, cohort.id).closed_on is None
    logged_after = db.session.scalar(sa.select(sa.func.count()).select_from(AccessLog))
    assert logged_after == logged_before

    # The next request gets a working connection, and the close now goes through.
    response = client.post(f"/cohorts/{cohort.id}/close")
    assert response.status_code == 303, response.get_data(as_text=True)
    db.session.remove()
    statuses = db.session.scalars(
        sa.select(Enrolment.status).where(Enrolment.cohort_id == cohort.id).order_by(Enrolment.id)
    ).all()
    assert statuses == [EnrolmentStatus.COMPLETED, EnrolmentStatus.NOT_COMPLETED]


@pytest.mark.skipif(not ON_POSTGRESQL, reason="needs a PostgreSQL server connection to lose")
def test_pool_pre_ping_replaces_a_connection_the_server_dropped_while_idle(db):
    engine = sa.create_engine(db.engine.url, **settings.Config.SQLALCHEMY_ENGINE_OPTIONS)
    killer = sa.create_engine(db.engine.url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            pid = conn.connection.driver_connection.info.backend_pid
        terminate(killer, pid)  # the pooled connection is now dead, as after a DB restart
        with engine.connect() as conn:
            assert conn.scalar(sa.text("SELECT 1")) == 1
            assert conn.connection.driver_connection.info.backend_pid != pid
    finally:
        engine.dispose()
        killer.dispose()


def test_the_logged_traceback_of_a_real_500_carries_no_sql_parameters(caplog):
    """Issue 13: a 500's traceback in the log held the statement's bound values (personal data).
    The engine hides them (hide_parameters), in production and in the suite alike."""
    assert settings.Config.SQLALCHEMY_ENGINE_OPTIONS["hide_parameters"] is True
    app = create_app(
        config_for(
            settings.TestConfig.SQLALCHEMY_DATABASE_URI,
            TESTING=False,
            DEBUG=False,
            PROPAGATE_EXCEPTIONS=False,
            SQLALCHEMY_ENGINE_OPTIONS=settings.Config.SQLALCHEMY_ENGINE_OPTIONS,
        )
    )

    @app.get("/bad-statement")
    def bad_statement():
        # A constraint the row breaks, not a lost connection: the plain 500 path.
        _db.session.execute(
            sa.text(
                "CREATE TEMPORARY TABLE no_such_person "
                "(x VARCHAR(200) NOT NULL CHECK (length(x) < 3))"
            )
        )
        _db.session.execute(
            sa.text("INSERT INTO no_such_person (x) VALUES (:name)"),
            {"name": "홍길동비밀 1999-04-13"},
        )

    with caplog.at_level("ERROR"):
        response = app.test_client().get("/bad-statement")
    assert response.status_code == 500
    assert "no_such_person" in caplog.text  # the traceback was logged...
    assert "홍길동비밀" not in caplog.text and "1999-04-13" not in caplog.text  # ...without values


def test_an_error_page_that_fails_still_answers(monkeypatch):
    """Issue 13, item 3: in production a failing error page reached gunicorn, whose error path
    then lost the worker. The page falls back to plain text and the request is answered."""
    import academy.errors

    app = production_app()

    def broken_template(*args, **kwargs):
        raise RuntimeError("the error page itself failed")

    monkeypatch.setattr(academy.errors, "render_template", broken_template)
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert response.headers["Content-Type"].startswith("text/plain")
    assert "오류" in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)
