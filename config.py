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


def _env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


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
    # hide_parameters: an error logged with its statement never carries the values (personal
    # data) bound to it (issue 13: the logged traceback of a 500).
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}
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
    # One-by-one enrolments and their inline field checks, per coordinator: plenty for typing
    # a roster in, too few to guess birth dates with (bulk enrolment is the roster import).
    ENROLMENT_CHECKS_PER_USER = os.environ.get("ENROLMENT_CHECKS_PER_USER", "120 per 10 minutes")
    # Second sign-in factor: wrong codes allowed per account, and how long the step between
    # the password and the code (or the staff's enrolment) may take.
    TWO_FACTOR_FAILURES_PER_ACCOUNT = os.environ.get(
        "TWO_FACTOR_FAILURES_PER_ACCOUNT", "5 per 15 minutes"
    )
    TWO_FACTOR_STEP_MINUTES = int(os.environ.get("TWO_FACTOR_STEP_MINUTES", "5"))
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024
    # Evidence files live outside static/, under the instance folder unless set.
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", str(INSTANCE_DIR / "uploads"))
    MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
    # Youth age range of the academy and of the exam-fee subsidy (만 19–39세).
    YOUTH_MIN_AGE = 19
    YOUTH_MAX_AGE = 39
    PAGE_SIZE = 50
    # The longest cohort: a year. The academy's courses run for months (K-Digital Training
    # courses are 6 months or less); anything longer is a typing mistake.
    COHORT_MAX_DAYS = int(os.environ.get("COHORT_MAX_DAYS", "366"))
    # A trainee is at risk when at most this many more absences would drop them below their
    # course's completion rule.
    AT_RISK_SPARE_ABSENCES = 2
    # Logs: JSON lines on stderr in production, text in development (academy/logs.py).
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    # Background work (imports, reports, reminders, purges) runs on a Huey queue in its own
    # worker process: Redis when QUEUE_URL or REDIS_URL names one (several servers), else a
    # SQLite file under the instance folder (one machine). README, "Background work".
    QUEUE_URL = (
        os.environ.get("QUEUE_URL")
        or os.environ.get("REDIS_URL")
        or f"sqlite:///{INSTANCE_DIR / 'queue.sqlite'}"
    )
    QUEUE_NAME = os.environ.get("QUEUE_NAME", "academy")  # keys in Redis: huey.redis.<name>
    QUEUE_IMMEDIATE = False  # tests: tasks run in the caller
    # Jobs one person may have queued or running at once.
    JOBS_PER_USER = int(os.environ.get("JOBS_PER_USER", "3"))
    # A running job's worker writes a heartbeat this often; a job silent for JOB_STALE_SECONDS
    # belongs to a dead worker and is failed (within a minute, with the reaper's minute tick).
    JOB_HEARTBEAT_SECONDS = int(os.environ.get("JOB_HEARTBEAT_SECONDS", "5"))
    JOB_STALE_SECONDS = int(os.environ.get("JOB_STALE_SECONDS", "30"))
    # Threads of one worker process: jobs it runs at once.
    WORKER_THREADS = int(os.environ.get("WORKER_THREADS", "2"))
    # Outgoing e-mail (activation links, follow-up reminders) over SMTP. MAIL_USE_TLS upgrades
    # the connection with STARTTLS (port 587); MAIL_USE_SSL connects over TLS (port 465).
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    MAIL_USE_TLS = _env_flag("MAIL_USE_TLS", True)
    MAIL_USE_SSL = _env_flag("MAIL_USE_SSL", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "청년취업사관학교 <no-reply@localhost>")
    MAIL_TIMEOUT = 15
    # Development only: links that would be e-mailed are shown to the coordinator and logged.
    MAIL_SHOW_LINKS = False
    # Links in e-mails need the site's address; without it, the address of the request is used.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL")
    # How many reverse proxies in front of the app set X-Forwarded-For/-Proto/-Host; 0 trusts
    # none (the client address is the connection's). Sign-in limits and logs use the address.
    PROXY_FIX_X_FOR = int(os.environ.get("PROXY_FIX_X_FOR", "0"))
    # Where `flask academy audit anchor` keeps the access log's newest entry, outside the
    # database: a file on other storage, or a redis:// URL (key AUDIT_ANCHOR_REDIS_KEY).
    AUDIT_ANCHOR = os.environ.get("AUDIT_ANCHOR")
    AUDIT_ANCHOR_REDIS_KEY = os.environ.get("AUDIT_ANCHOR_REDIS_KEY", "academy:audit:anchor")
    # Strict-Transport-Security on every response (production is served over HTTPS only);
    # 0 sends none (development and tests run on plain HTTP).
    HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", str(365 * 24 * 3600)))
    ACTIVATION_LINK_HOURS = int(os.environ.get("ACTIVATION_LINK_HOURS", "72"))
    # "Forgot your password?": a reset link works once for this long. Requests are limited per
    # client address and, silently (the page never says whether an account exists), per e-mail.
    PASSWORD_RESET_MINUTES = int(os.environ.get("PASSWORD_RESET_MINUTES", "60"))
    PASSWORD_RESET_LIMIT_PER_ADDRESS = os.environ.get(
        "PASSWORD_RESET_LIMIT_PER_ADDRESS", "10 per hour"
    )
    PASSWORD_RESET_LIMIT_PER_ACCOUNT = os.environ.get(
        "PASSWORD_RESET_LIMIT_PER_ACCOUNT", "3 per hour"
    )
    # Personal API tokens (/api/v1/kpi): longest lifetime, and requests allowed per token.
    API_TOKEN_MAX_DAYS = 365
    API_TOKEN_RATE_LIMIT = os.environ.get("API_TOKEN_RATE_LIMIT", "60 per minute")
    # A staged file waits this long for its next step.
    STAGING_MINUTES = 60
    # An applied employment-insurance match file (names, birth dates and employers of many
    # people) is the evidence of the outcomes it verified; it is deleted this long after it was
    # applied, the record of the match (who, when, what, its SHA-256) staying. Set it to the
    # period the programme's records schedule requires.
    INSURANCE_MATCH_RETENTION_DAYS = int(os.environ.get("INSURANCE_MATCH_RETENTION_DAYS", "1095"))
    # Files waiting between two steps: an import between preview and commit, an evidence file
    # kept while its form is corrected. Never in the cookie session.
    STAGING_FOLDER = os.environ.get("STAGING_FOLDER", str(INSTANCE_DIR / "staging"))
    REPORT_FOLDER = os.environ.get("REPORT_FOLDER", str(INSTANCE_DIR / "reports"))
    # With S3_BUCKET set, evidence, staged uploads and reports live in that bucket instead of
    # the folders above (academy/storage.py), so several servers and the worker share them.
    S3_BUCKET = os.environ.get("S3_BUCKET")
    S3_PREFIX = os.environ.get("S3_PREFIX", "")
    S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL")  # MinIO, Ceph, NCP, …; blank: AWS
    S3_REGION = os.environ.get("S3_REGION", "ap-northeast-2")
    S3_ACCESS_KEY_ID = os.environ.get("S3_ACCESS_KEY_ID")  # blank: boto3's usual chain
    S3_SECRET_ACCESS_KEY = os.environ.get("S3_SECRET_ACCESS_KEY")


class DevConfig(Config):
    DEBUG = True
    HSTS_SECONDS = 0
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
    MAIL_SHOW_LINKS = True
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False

    def __init__(self) -> None:
        if not self.SECRET_KEY:
            self.SECRET_KEY = _instance_secret_key()


class TestConfig(Config):
    TESTING = True
    HSTS_SECONDS = 0
    LOG_FORMAT = None  # pytest keeps its own log handlers
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    WTF_CSRF_ENABLED = False
    LOGIN_LIMIT_PER_ADDRESS = "10000 per minute"  # the suite signs in hundreds of times
    # Cheap argon2id for the suite's hundreds of sign-ins; production keeps argon2-cffi's defaults.
    PASSWORD_HASH_PARAMS = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") and _database_url("") or "sqlite://"
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"hide_parameters": True}

    def __init__(self) -> None:
        self.SECRET_KEY = secrets.token_hex(32)
        self.UPLOAD_FOLDER = tempfile.mkdtemp(prefix="academy-uploads-")
        self.STAGING_FOLDER = tempfile.mkdtemp(prefix="academy-staging-")
        self.REPORT_FOLDER = tempfile.mkdtemp(prefix="academy-reports-")
        self.MAIL_SERVER = None  # tests that send mail start their own SMTP server
        self.QUEUE_IMMEDIATE = True  # tests of the real worker process set their own
        self.QUEUE_URL = f"sqlite:///{tempfile.mkdtemp(prefix='academy-queue-')}/queue.sqlite"
        self.MAIL_SHOW_LINKS = True


CONFIGS = {"production": Config, "development": DevConfig, "testing": TestConfig}
