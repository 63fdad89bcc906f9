"""What the HTTP benchmarks share: a scratch PostgreSQL database filled with demo or scale data,
gunicorn serving it on 127.0.0.1, and signing in over HTTP (password, then the TOTP code that
staff need, computed from the secret stored in the database).

Not a test and not part of the app. The scratch database lives on the server DATABASE_URL names
(default postgresql+psycopg://postgres@127.0.0.1:5432/postgres) and is dropped afterwards.
"""

import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from html import unescape
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from config import _database_url  # noqa: E402

SERVER_URL = (
    _database_url("")
    if os.environ.get("DATABASE_URL")
    else ("postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
)
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
# The same settings for every app a benchmark compares. The repository's gunicorn.conf.py wins
# when it exists (the production settings); these are the fallback: 2 cores, 2 × cores + 1 sync
# workers, as gunicorn's documentation suggests.
CONFIG_FILE = ROOT / "gunicorn.conf.py"
FALLBACK_SETTINGS = ["--workers", "5", "--worker-class", "sync", "--timeout", "120"]


def gunicorn_settings() -> list[str]:
    if CONFIG_FILE.exists():
        return ["--config", str(CONFIG_FILE)]
    return FALLBACK_SETTINGS


def describe_settings() -> str:
    if CONFIG_FILE.exists():
        return f"gunicorn {CONFIG_FILE.name} (workers={worker_count()})"
    return "gunicorn " + " ".join(FALLBACK_SETTINGS)


def worker_count() -> int:
    """The worker count the production config would choose, read by running it."""
    namespace: dict = {}
    exec(compile(CONFIG_FILE.read_text(), str(CONFIG_FILE), "exec"), namespace)  # noqa: S102
    return int(namespace.get("workers", 1))


def unique_name(prefix: str) -> str:
    """A database name no other run picks: two people benchmarking on one server, or two runs
    of one person, never share (or drop) each other's database."""
    return f"{prefix}_{os.getpid()}_{secrets.token_hex(4)}"


@contextmanager
def scratch_database(prefix: str, keep: bool = False) -> Iterator[str]:
    """A new database of its own on the server, named `prefix` plus a unique suffix; dropped
    afterwards unless `keep`. It never drops a database it did not create."""
    server = sa.make_url(SERVER_URL)
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    name, created = unique_name(prefix), False
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        created = True
        print(f"scratch database {name}", flush=True)
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        if created and not keep:
            with admin.connect() as conn:
                # Only our own, whose servers this run started and has stopped or is stopping.
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def fill(database_url: str, trainees: int | None) -> str:
    """The schema and the data: the 2025 demo at its normal scale, or `trainees` trainees over
    consecutive years from the scale generator (academy.scale). Returns a one-line summary."""
    from academy import create_app
    from academy.extensions import db
    from config import TestConfig

    config = TestConfig()
    config.SQLALCHEMY_DATABASE_URI = database_url
    config.PASSWORD_HASH_PARAMS = None  # production's hashing cost, as the server uses
    app = create_app(config)
    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        if trainees:
            from academy.scale import load_scale

            # Dated around today, as the demo is: the app serves today's figures and cohorts.
            load_scale(trainees)
            what = f"scale generator, {trainees:,} trainees, years ending around today"
        else:
            from academy.demo import load_demo

            load_demo()
            what = "2025 demo at normal scale"
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
        db.session.remove()
        db.engine.dispose()
    return f"{what}, loaded in {time.perf_counter() - started:.0f} s"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(app_spec: str, database_url: str, **env: str) -> Iterator[int]:
    """gunicorn serving `app_spec` (module:variable) on 127.0.0.1; yields the port and stops the
    server (its own process group) on the way out, whatever happened."""
    port = free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_hex(32),
        "ACADEMY_ENV": "production",
        # One address signs in every benchmark user: the per-address limit would refuse them.
        "LOGIN_LIMIT_PER_ADDRESS": "100000 per minute",
        "PYTHONPATH": str(ROOT),
        **env,
    }
    command = [GUNICORN, *gunicorn_settings(), "--bind", f"127.0.0.1:{port}", app_spec]
    log = open(f"/tmp/benchmark-gunicorn-{port}.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        command,
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {log.name}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start; see {log.name}") from None
                time.sleep(0.2)
        yield port
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


class Browser:
    """One person's keep-alive connection with their cookies; reads CSRF tokens from forms."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def request(self, method: str, path: str, form: dict | None = None, headers=None):
        body = urlencode(form) if form is not None else None
        sent = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        sent.update(headers or {})
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=body, headers=sent)
                response = self.connection.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # A worker closed a kept-alive connection (sync workers do): reconnect once.
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                if attempt == 2:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.getheader("Location") or "", data

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path: str, form: dict, **kwargs):
        return self.request("POST", path, form, **kwargs)

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())


CSRF = re.compile(rb'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def csrf_token(page: bytes) -> str:
    found = CSRF.search(page)
    if not found:
        raise RuntimeError("no CSRF token on the page")
    return unescape((found.group(1) or found.group(2)).decode())


def sign_in(browser: Browser, email: str, password: str, database_url: str) -> None:
    """The password form, then the second factor when the account needs one: the code comes
    from the TOTP secret stored in the database (enrolling first when there is none yet)."""
    import pyotp

    status, _, page = browser.get("/login")
    status, location, _ = browser.post(
        "/login", {"csrf_token": csrf_token(page), "email": email, "password": password}
    )
    if status not in (302, 303):
        raise RuntimeError(f"sign-in of {email} refused ({status})")
    path = urlsplit(location).path
    if "/login/" not in path:  # signed in by the password alone
        return
    status, _, page = browser.get(path)  # opening the enrolment page creates the secret
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        secret = conn.scalar(
            sa.text('SELECT totp_secret FROM "user" WHERE email = :e'), {"e": email}
        )
    engine.dispose()
    status, location, _ = browser.post(
        path, {"csrf_token": csrf_token(page), "code": pyotp.TOTP(secret).now()}
    )
    if status not in (200, 302, 303) or "/login" in urlsplit(location).path:
        raise RuntimeError(f"second factor of {email} refused ({status})")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def machine() -> str:
    return f"{os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}"
