"""The operator commands, as operators script them: exit codes and output."""

import json

import pyotp
import pytest
import sqlalchemy as sa

from academy import create_app, reference
from academy.auth.passwords import verify_password
from academy.extensions import db as _db
from academy.models import Campus, Role, User
from tests import factories
from tests.databases import config_for, fresh_database, preserve_logging


def test_init_upgrades_the_schema_and_loads_reference_data_once(tmp_path):
    with fresh_database(tmp_path) as url, preserve_logging():
        app = create_app(config_for(url))
        runner = app.test_cli_runner()
        try:
            first = runner.invoke(args=["academy", "init"])
            assert first.exit_code == 0, first.output
            second = runner.invoke(args=["academy", "init"])
            assert second.exit_code == 0, second.output
            assert "0 new rows" in second.output
            with app.app_context():
                assert _db.session.scalar(sa.select(sa.func.count(Campus.id))) == 28
        finally:
            with app.app_context():
                _db.session.remove()
                _db.engine.dispose()


def test_campuses_json_lists_every_campus_with_its_capacity(runner, db):
    reference.load_reference_data()
    result = runner.invoke(args=["academy", "campuses", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert len(rows) == 28
    assert set(rows[0]) >= {
        "name",
        "kind",
        "district",
        "tier",
        "floor_area_m2",
        "classrooms",
        "capacity_per_year",
    }
    districts = [r for r in rows if r["kind"] == "district"]
    assert len({r["district"] for r in districts}) == 25
    low = sum(r["capacity_per_year"]["min"] for r in districts)
    high = sum(r["capacity_per_year"]["max"] for r in districts)
    assert (low, high) == (3100, 4800)
    assert all(r["classrooms"] > 0 for r in rows)


def test_create_user_prompts_for_the_password(runner, db):
    reference.load_reference_data()
    campus = db.session.scalar(sa.select(Campus).where(Campus.kind == "district"))
    result = runner.invoke(
        args=[
            "academy",
            "create-user",
            "New.Manager@example.com",
            "--role",
            "coordinator",
            "--campus",
            campus.name,
        ],
        input="a-long-password\na-long-password\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.email == "new.manager@example.com"))
    assert user.role == Role.COORDINATOR and user.campus_id == campus.id
    assert verify_password(user.password_hash, "a-long-password")


def test_create_user_errors_exit_non_zero_with_a_message(runner, db):
    factories.UserFactory(email="taken@example.com", role=Role.OFFICIAL)
    db.session.commit()
    cases = [
        (["x@example.com", "--role", "coordinator"], "campus"),
        (["x@example.com", "--role", "coordinator", "--campus", "없는캠퍼스"], "no campus"),
        (["taken@example.com", "--role", "official"], "already exists"),
        (["x@example.com", "--role", "wizard"], "Invalid value"),
    ]
    for args, message in cases:
        result = runner.invoke(
            args=["academy", "create-user", *args], input="a-long-password\na-long-password\n"
        )
        assert result.exit_code != 0
        assert message in result.output
    short = runner.invoke(
        args=["academy", "create-user", "y@example.com", "--role", "official"],
        input="short\nshort\n",
    )
    assert short.exit_code == 1 and "at least 10 characters" in short.output
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1


def test_demo_refuses_a_database_in_use_unless_reset(runner, db):
    factories.CohortFactory()
    factories.UserFactory(email="official@example.com", role=Role.OFFICIAL)
    db.session.commit()
    refused = runner.invoke(args=["academy", "demo"])
    assert refused.exit_code == 1
    assert "--reset" in refused.output
    quiet = runner.invoke(args=["academy", "demo", "--if-empty"])
    assert quiet.exit_code == 0
    # `make run` prints the demo sign-ins on every start, not only the first.
    assert "official@example.com" in quiet.output and "trainee@example.com" not in quiet.output


def enrol_second_factor(client, email: str):
    """The staff's first sign-in: the setup page shows the key; its first code confirms it."""
    setup = client.get("/login/two-factor-setup")
    assert setup.status_code == 200, setup.get_data(as_text=True)[:300]
    user = _db.session.scalar(sa.select(User).where(User.email == email))
    _db.session.refresh(user)
    code = pyotp.TOTP(user.totp_secret).now()
    done = client.post("/login/two-factor-setup", data={"code": code})
    assert done.status_code == 200 and "복구 코드" in done.get_data(as_text=True)


@pytest.mark.parametrize(
    ("role", "extra", "landing"),
    [
        ("official", [], "/dashboard/"),
        ("admin", [], "/admin/accounts"),
        ("coordinator", ["--campus", "{campus}"], "/campuses/"),
        ("instructor", [], "/instructors/me"),
        ("instructor", ["--campus", "{campus}"], "/instructors/me"),
        ("trainee", ["--birth-date", "2001-04-30"], "/trainees/me"),
    ],
)
def test_every_role_created_by_the_command_reaches_a_working_home_page(
    runner, client, db, role, extra, landing
):
    campus = factories.CampusFactory()
    db.session.commit()
    email = f"new.{role}@example.com"
    args = [a.format(campus=campus.name) for a in extra]
    made = runner.invoke(
        args=["academy", "create-user", email, "--role", role, "--name", "새 계정", *args],
        input="an unguessable sentence\nan unguessable sentence\n",
    )
    assert made.exit_code == 0, made.output

    signed = client.post("/login", data={"email": email, "password": "an unguessable sentence"})
    assert signed.status_code == 302
    if role in ("official", "admin", "coordinator"):
        assert signed.headers["Location"] == "/login/two-factor-setup"
        enrol_second_factor(client, email)
    home = client.get("/")
    assert home.status_code == 302 and home.headers["Location"].startswith(landing)
    page = client.get(home.headers["Location"])
    assert page.status_code == 200, page.get_data(as_text=True)[:300]
    assert "새 계정" in page.get_data(as_text=True) or role in ("official", "coordinator")
    # "첫 화면으로 이동" leads to the same working page, not back to an error.
    assert client.get("/").headers["Location"] == home.headers["Location"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["t@example.com", "--role", "trainee"], "--birth-date"),
        (["t@example.com", "--role", "trainee", "--birth-date", "30/04/2001"], "Invalid value"),
        (
            ["t@example.com", "--role", "official", "--birth-date", "2001-04-30"],
            "only for a trainee",
        ),
        (["t@example.com", "--role", "official", "--campus", "{campus}"], "only for a coordinator"),
    ],
)
def test_create_user_names_the_missing_or_misplaced_option(runner, db, args, message):
    campus = factories.CampusFactory()
    db.session.commit()
    result = runner.invoke(
        args=["academy", "create-user", *[a.format(campus=campus.name) for a in args]],
        input="an unguessable sentence\nan unguessable sentence\n",
    )
    assert result.exit_code != 0 and message in result.output
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0
