import sys

import click
import pytest
from flask.cli import FlaskGroup, run_command

from academy import create_app
from config import Config


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.setattr(Config, "SECRET_KEY", None)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(Config())


def test_production_keeps_cookies_secure_and_http_only():
    assert Config.SESSION_COOKIE_SECURE and Config.SESSION_COOKIE_HTTPONLY
    assert Config.SESSION_COOKIE_SAMESITE == "Lax"


def test_a_sqlite_file_in_a_folder_not_yet_made_opens(tmp_path):
    """A fresh checkout has no instance/ folder: `flask db upgrade` and `flask db check` must
    still open the default SQLite file there."""
    import sqlalchemy as sa

    from academy.extensions import db
    from tests.databases import config_for

    database = tmp_path / "instance" / "nested" / "academy.sqlite"
    app = create_app(config_for(f"sqlite:///{database}"))
    with app.app_context():
        assert db.session.scalar(sa.text("SELECT 1")) == 1
        db.session.remove()
        db.engine.dispose()
    assert database.exists()


def _production(monkeypatch, tmp_path, **settings) -> Config:
    config = Config()
    config.SECRET_KEY = "production-test-secret"
    config.SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'academy.sqlite'}"
    for name, value in settings.items():
        setattr(config, name, value)
    return config


def _flask_command(command: click.Command):
    """The click contexts the flask command line holds while it loads the app for `command`."""
    group = click.Context(FlaskGroup(), info_name="flask")
    return group, click.Context(command, parent=group, info_name=command.name)


def test_flask_run_refuses_to_start_without_a_secret_key(monkeypatch, tmp_path):
    """`flask run` serves pages: it must not sign cookies with a throwaway key."""
    config = _production(monkeypatch, tmp_path, SECRET_KEY=None)
    group, run = _flask_command(run_command)
    with group, run, pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(config)


def test_an_operator_command_with_run_among_its_arguments_starts_without_a_secret_key(
    monkeypatch, tmp_path
):
    """Whether the app serves pages is the command's to say, not the words on the command line."""
    monkeypatch.setattr(sys, "argv", ["flask", "academy", "import", "run"])
    config = _production(monkeypatch, tmp_path, SECRET_KEY=None)
    group, command = _flask_command(click.Command("import"))
    with group, command:
        app = create_app(config)
    assert app.config["SECRET_KEY"]


@pytest.mark.parametrize("base", [None, "", "http://academy.example", "https://", "evil.example"])
def test_production_with_mail_refuses_to_start_without_an_https_public_base_url(
    monkeypatch, tmp_path, base
):
    """Activation links built from the request's Host header would point wherever an attacker
    says (issue 13): production takes them only from PUBLIC_BASE_URL."""
    config = _production(monkeypatch, tmp_path, MAIL_SERVER="smtp.example", PUBLIC_BASE_URL=base)
    with pytest.raises(RuntimeError, match="PUBLIC_BASE_URL"):
        create_app(config)


def test_production_links_never_come_from_the_host_header(monkeypatch, tmp_path):
    from academy.mail import external_url

    app = create_app(_production(monkeypatch, tmp_path, MAIL_SERVER=None, PUBLIC_BASE_URL=None))
    with app.test_request_context("/", headers={"Host": "evil.example"}):
        with pytest.raises(RuntimeError, match="PUBLIC_BASE_URL"):
            external_url("auth.login")
    app = create_app(
        _production(
            monkeypatch,
            tmp_path,
            MAIL_SERVER="smtp.example",
            PUBLIC_BASE_URL="https://academy.example",
        )
    )
    with app.test_request_context("/", headers={"Host": "evil.example"}):
        assert external_url("auth.login") == "https://academy.example/login"


def test_production_sends_hsts_and_development_does_not(monkeypatch, tmp_path):
    app = create_app(_production(monkeypatch, tmp_path))
    assert (
        "max-age=31536000" in app.test_client().get("/healthz").headers["Strict-Transport-Security"]
    )
    from config import TestConfig

    testing = create_app(TestConfig())
    assert "Strict-Transport-Security" not in testing.test_client().get("/healthz").headers
