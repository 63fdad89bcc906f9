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
