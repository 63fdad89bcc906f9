"""Production serving: the health endpoint, cached static files, the proxy switch, and gunicorn
started for real with the settings in gunicorn.conf.py."""

import contextlib
import hashlib
import json
import os
import runpy
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from flask import request, url_for

import config as settings
from academy import create_app
from academy.serving import YOUNG_COLLECTION

ROOT = Path(__file__).resolve().parent.parent
APP_CSS = ROOT / "static" / "css" / "app.css"


def css_version() -> str:
    return hashlib.sha256(APP_CSS.read_bytes()).hexdigest()[:12]


def test_health_answers_ok_without_a_session_cookie(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert [body[key] for key in ("status", "database", "queue", "storage")] == ["ok"] * 4
    assert body["queue_backend"] == "sqlite" and body["queued"] == 0
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


def test_health_answers_503_when_the_database_is_unreachable():
    config = settings.TestConfig()
    # Nothing listens on port 9 of this machine: the connection is refused at once.
    config.SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://nobody@127.0.0.1:9/none"
    config.SQLALCHEMY_ENGINE_OPTIONS = {"connect_args": {"connect_timeout": 2}}
    app = create_app(config)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"
    assert "Set-Cookie" not in response.headers


def test_static_urls_carry_the_content_hash_and_are_cached_for_a_year(app, client):
    with app.test_request_context():
        url = url_for("static", filename="css/app.css")
    assert url == f"/static/css/app.css?v={css_version()}"
    versioned = client.get(url)
    assert versioned.status_code == 200
    cache = versioned.headers["Cache-Control"]
    assert "max-age=31536000" in cache and "immutable" in cache and "public" in cache
    # Without the version, or with an old one, the browser must revalidate.
    for stale in ("/static/css/app.css", "/static/css/app.css?v=0123456789ab"):
        response = client.get(stale)
        assert response.status_code == 200
        assert "no-cache" in response.headers["Cache-Control"]
        assert "immutable" not in response.headers["Cache-Control"]


def test_pages_link_versioned_static_files_and_are_not_cached_long(client):
    page = client.get("/login")
    assert f'href="/static/css/app.css?v={css_version()}"' in page.get_data(as_text=True)
    assert "max-age=31536000" not in page.headers.get("Cache-Control", "")


@pytest.mark.parametrize(("hops", "seen"), [(0, "127.0.0.1"), (1, "203.0.113.7")])
def test_client_address_comes_from_the_proxy_only_when_configured(hops, seen):
    config = settings.TestConfig()
    config.PROXY_FIX_X_FOR = hops
    config.SQLALCHEMY_DATABASE_URI = "sqlite://"
    app = create_app(config)
    addresses = []
    app.before_request(lambda: addresses.append(request.remote_addr))
    app.test_client().get(
        "/healthz",
        headers={"X-Forwarded-For": "203.0.113.7"},
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
    )
    assert addresses == [seen]


def test_access_log_drops_query_strings_and_tokens():
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    redact = settings["redact"]
    assert redact("/activate/Zm9vYmFyYmF6cXV4cXV1eDEyMzQ1Njc4") == "/activate/[redacted]"
    assert redact("/cohorts/12/attendance?day=2030-11-29&token=abc") == "/cohorts/12/attendance"
    assert redact("/outcomes/campuses/3/import/AbCdEfGhIjKlMnOpQrStUv/problems.xlsx") == (
        "/outcomes/campuses/3/import/[redacted]/problems.xlsx"
    )


def test_worker_count_follows_web_concurrency(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["workers"] == 3
    monkeypatch.delenv("WEB_CONCURRENCY")
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["workers"] == 2 * os.cpu_count() + 1


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@contextlib.contextmanager
def gunicorn_serving(tmp_path, **environment):
    """gunicorn started for real with gunicorn.conf.py; yields its address, then its output."""
    port = free_port()
    env = {
        **os.environ,
        "SECRET_KEY": "test-only-secret-key",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'academy.sqlite'}",
        "ACADEMY_INSTANCE_DIR": str(tmp_path),
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
        **environment,
    }
    env.pop("ACADEMY_ENV", None)
    log = tmp_path / "gunicorn.log"
    gunicorn = Path(sys.executable).with_name("gunicorn")
    output: list[str] = []
    with log.open("wb") as out:
        server = subprocess.Popen(
            [str(gunicorn), "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    get(f"{base}/healthz")
                    break
                except OSError:
                    assert server.poll() is None, log.read_text()
                    assert time.monotonic() < deadline, log.read_text()
                    time.sleep(0.3)
            yield base, output
        finally:
            server.terminate()
            server.wait(timeout=30)
            output.append(log.read_text())


def test_gunicorn_serves_health_and_cached_static_files(tmp_path):
    with gunicorn_serving(tmp_path, LOG_FORMAT="text") as (base, output):
        status, headers, body = get(f"{base}/healthz?token=secret-in-query")
        assert status == 200 and b'"status":"ok"' in body
        assert "Set-Cookie" not in headers
        status, headers, _ = get(f"{base}/static/css/app.css?v={css_version()}")
        assert status == 200
        assert "immutable" in headers["Cache-Control"]
        assert "max-age=31536000" in headers["Cache-Control"]
    (written,) = output
    assert '"GET /healthz HTTP/1.1" 200' in written
    assert "secret-in-query" not in written


def test_gunicorn_logs_json_lines_with_the_request_id_and_no_tokens(tmp_path):
    """LOG_FORMAT=json: every line gunicorn and the app write is one JSON object; an access
    line carries the X-Request-ID the app answered with, and no query string or token."""
    token = "Zm9vYmFyYmF6cXV4cXV1eDEyMzQ1Njc4"
    with gunicorn_serving(tmp_path, LOG_FORMAT="json") as (base, output):
        sent = urllib.request.Request(
            f"{base}/healthz?token=secret-in-query", headers={"X-Request-ID": "proxy-id-0001"}
        )
        with urllib.request.urlopen(sent, timeout=5) as response:
            assert response.headers["X-Request-ID"] == "proxy-id-0001"
        status, headers, _ = get(f"{base}/activate/{token}?next=secret-in-query")
        made_id = headers["X-Request-ID"]
        # A request line gunicorn cannot parse: logged, as JSON, without crashing the worker.
        with socket.create_connection(
            (base.split("//")[1].split(":")[0], int(base.rsplit(":", 1)[1])), timeout=5
        ) as raw:
            raw.sendall(b"NOT A REQUEST\r\n\r\n")
            raw.recv(1024)
        assert get(f"{base}/healthz")[0] == 200
    (written,) = output
    assert "secret-in-query" not in written and token not in written
    lines = [json.loads(line) for line in written.splitlines() if line.strip()]  # all JSON
    access = [line for line in lines if line["logger"] == "gunicorn.access"]
    health = [line for line in access if line.get("request_id") == "proxy-id-0001"]
    assert [(h["method"], h["path"], h["status"]) for h in health] == [("GET", "/healthz", 200)]
    assert health[0]["message"] == "GET /healthz HTTP/1.1 200"
    activation = [line for line in access if line.get("request_id") == made_id]
    assert [a["path"] for a in activation] == ["/activate/[redacted]"]
    assert any(line["logger"] == "gunicorn.error" and line["level"] == "INFO" for line in lines)


def test_the_served_app_settles_the_garbage_collector():
    """wsgi.py (what gunicorn and the worker import) freezes the app's own objects and raises
    the young-collection threshold; without it a dashboard spent a tenth of its time in gc."""
    script = (
        "import gc, json, wsgi; print(json.dumps([gc.get_threshold()[0], gc.get_freeze_count()]))"
    )
    env = {**os.environ, "SECRET_KEY": "x" * 32, "FLASK_DEBUG": "0"}
    env.pop("APP_ENV", None)
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    threshold, frozen = json.loads(done.stdout.strip().splitlines()[-1])
    assert threshold == YOUNG_COLLECTION
    assert frozen > 10_000  # the app's modules and templates, not a handful of objects
