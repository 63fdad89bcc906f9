"""Settings come from the environment; nothing secret has a default in the code."""

import os
import secrets
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("ACADEMY_INSTANCE_DIR", BASE_DIR / "instance"))


def _database_url(default_file: str) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        # Heroku-style URLs name the old driver; psycopg 3 is the one installed.
        if url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url[len("postgres://") :]
        elif url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://") :]
        return url
    return f"sqlite:///{INSTANCE_DIR / default_file}"


def _instance_secret_key() -> str:
    """Development keeps a generated key under instance/ so sessions survive restarts."""
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    key_file = INSTANCE_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


class Config:
    """Production: every secret from the environment; create_app refuses to start without one."""

    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = _database_url("academy.sqlite")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    BABEL_DEFAULT_LOCALE = "ko"
    BABEL_DEFAULT_TIMEZONE = "Asia/Seoul"
    LANGUAGES = ("ko", "en")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    WTF_CSRF_TIME_LIMIT = None
    # Sign-in sessions end after 30 idle minutes and 12 hours in all (personal-data safeguards).
    SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", 30))
    SESSION_ABSOLUTE_HOURS = int(os.environ.get("SESSION_ABSOLUTE_HOURS", 12))
    # Login throttling: Redis when configured, so the limits hold across gunicorn workers.
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL", "memory://")
    RATELIMIT_HEADERS_ENABLED = False
    LOGIN_LIMIT_PER_ADDRESS = os.environ.get("LOGIN_LIMIT_PER_ADDRESS", "30 per 10 minutes")
    LOGIN_FAILURES_PER_ACCOUNT = os.environ.get("LOGIN_FAILURES_PER_ACCOUNT", "5 per 15 minutes")
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024
    # Evidence files live outside static/, under the instance folder unless set.
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", str(INSTANCE_DIR / "uploads"))
    MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
    # Youth age range of the academy and of the exam-fee subsidy (만 19–39세).
    YOUTH_MIN_AGE = 19
    YOUTH_MAX_AGE = 39
    PAGE_SIZE = 50


class DevConfig(Config):
    DEBUG = True
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False

    def __init__(self) -> None:
        if not self.SECRET_KEY:
            self.SECRET_KEY = _instance_secret_key()


class TestConfig(Config):
    TESTING = True
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    WTF_CSRF_ENABLED = False
    LOGIN_LIMIT_PER_ADDRESS = "10000 per minute"  # the suite signs in hundreds of times
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") and _database_url("") or "sqlite://"
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}

    def __init__(self) -> None:
        self.SECRET_KEY = secrets.token_hex(32)
        self.UPLOAD_FOLDER = tempfile.mkdtemp(prefix="academy-uploads-")


CONFIGS = {"production": Config, "development": DevConfig, "testing": TestConfig}
