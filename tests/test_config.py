import pytest

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
