"""Background work under load, through the real servers: gunicorn (production settings), one
worker process (`flask academy worker`, 2 threads), Redis as the queue.

1. Reports: OFFICIALS officials click "generate" for the citywide PDF at the same moment; for each,
   the time from the click to a downloadable file (the job page answers 303 to the download, and
   the download returns the PDF), polling every 0.5 s as the page does every second.
2. Worker memory: the worker's resident memory idle, and its peak (VmHWM, reset before the
   reports) while it renders them; per job = (peak − idle) / threads running at once.
3. Import under load: 50 coordinators use the app (peak_term.py's loop: enrol, mark attendance)
   for SECONDS without an import, then again while one more coordinator imports a ROWS-row
   roster (upload, check, commit, done); page p50/p95 of both runs and the import's own times.

Usage (builds and drops a database of its own, bench_background_<pid>_<random>, on the
server DATABASE_URL names;
needs Redis on 127.0.0.1:6379):
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python benchmarks/background_work.py [--trainees 50000] [--seconds 30]
"""

import argparse
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

import requests
import sqlalchemy as sa

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from peak_term import PASSWORD, prepare  # noqa: E402
from serving import (  # noqa: E402
    ROOT,
    Browser,
    csrf_token,
    describe_settings,
    fill,
    gunicorn,
    machine,
    percentile,
    scratch_database,
    sign_in,
)

OFFICIALS = 10
REDIS_URL = "redis://127.0.0.1:6379/0"


def add_people(database_url: str, rows: int) -> tuple[list[str], str, int]:
    """OFFICIALS officials, and one coordinator with an empty cohort of `rows` seats."""
    import pyotp

    from academy import create_app
    from academy.auth.passwords import hash_password
    from academy.extensions import db
    from academy.models import Cohort, Course, Role, User, utcnow
    from config import TestConfig

    config = TestConfig()
    config.SQLALCHEMY_DATABASE_URI = database_url
    app = create_app(config)
    with app.app_context():
        password_hash = hash_password(PASSWORD)
        officials = [f"official{n:02d}@example.com" for n in range(OFFICIALS)]
        for email in officials:
            db.session.add(
                User(
                    email=email,
                    name="주무관",
                    role=Role.OFFICIAL,
                    password_hash=password_hash,
                    totp_secret=pyotp.random_base32(),
                    totp_enrolled_at=utcnow(),
                )
            )
        course = db.session.scalar(sa.select(Course).order_by(Course.id))
        cohort = Cohort(
            code="IMPORT-BENCH",
            campus_id=course.campus_id,
            course=course,
            starts_on=date(2030, 3, 4),
            ends_on=date(2030, 7, 19),
            capacity=rows,
        )
        db.session.add_all(
            [
                cohort,
                User(
                    email="importer@example.com",
                    name="가져오기",
                    role=Role.COORDINATOR,
                    campus_id=course.campus_id,
                    password_hash=password_hash,
                    totp_secret=pyotp.random_base32(),
                    totp_enrolled_at=utcnow(),
                ),
            ]
        )
        db.session.commit()
        cohort_id = cohort.id
        db.session.remove()
        db.engine.dispose()
    return officials, "importer@example.com", cohort_id


def memory_kb(pid: int) -> dict[str, int]:
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0])
    return values


def reports(port: int, officials: list[str], database_url: str, worker_pid: int) -> None:
    browsers = []
    for email in officials:
        browser = Browser(port)
        sign_in(browser, email, PASSWORD, database_url)
        browsers.append(browser)
    idle = memory_kb(worker_pid)["VmRSS"]
    Path(f"/proc/{worker_pid}/clear_refs").write_text("5")  # restart the high-water mark
    times: list[float] = []
    errors: list[str] = []
    start = threading.Barrier(len(browsers))

    def ask(browser: Browser) -> None:
        _, _, page = browser.get("/reports/")
        token = csrf_token(page)
        start.wait()
        began = time.perf_counter()
        status, location, _ = browser.post("/reports/", {"csrf_token": token, "format": "pdf"})
        if status != 303:
            errors.append(f"ask: {status}")
            return
        job_path = location.replace("/reports/?job=", "/reports/jobs/")
        while True:
            status, location, _ = browser.get(job_path)
            if status == 303:
                break
            if status != 200 or time.perf_counter() - began > 1800:
                errors.append(f"job: {status}")
                return
            time.sleep(0.5)
        status, _, body = browser.get(location)
        if status != 200 or not body.startswith(b"%PDF"):
            errors.append(f"download: {status}")
            return
        times.append(time.perf_counter() - began)

    threads = [threading.Thread(target=ask, args=(b,)) for b in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    peak = memory_kb(worker_pid)["VmHWM"]
    print(
        f"\n1. {len(officials)} officials ask for the citywide PDF at once "
        f"(one worker, 2 threads): {len(times)} delivered, "
        f"errors {errors or 'none'}"
    )
    if times:
        print(
            f"   click → downloadable: first {min(times):.1f} s, median "
            f"{percentile(times, 0.5):.1f} s, last {max(times):.1f} s"
        )
    print(
        f"2. worker memory: idle {idle / 1024:.0f} MB, peak {peak / 1024:.0f} MB while "
        f"rendering; per job (2 at once) ≈ {(peak - idle) / 2 / 1024:.0f} MB"
    )


def signed_in(desks, port, database_url) -> list:
    """Each coordinator signs in once (a TOTP code works once: a second sign-in within the same
    half-minute would be refused), and keeps their browser for both runs."""
    sessions = []
    for desk in desks:
        browser = Browser(port)
        sign_in(browser, desk.email, PASSWORD, database_url)
        _, _, page = browser.get(f"/cohorts/{desk.cohort_id}/enrol")
        sessions.append((desk, browser, csrf_token(page)))
    return sessions


def use(desk, browser, token, start, until) -> None:
    """peak_term.py's loop: enrol a trainee, mark one attendance, alternately."""
    start.wait()
    n = 0
    while time.monotonic() < until[0]:
        n += 1
        if n % 2:
            path = f"/cohorts/{desk.cohort_id}/enrol"
            form = {
                "csrf_token": token,
                "name": f"부하 시험 {n}",
                "birth_date": "2000-05-17",
                "email": f"{desk.email[:6]}-{secrets.token_hex(3)}@example.org",
            }
            expected, headers = 303, {}
        else:
            if not desk.pairs:
                continue
            session_id, enrolment_id = desk.pairs.pop()
            path = f"/cohorts/{desk.cohort_id}/attendance/{session_id}/marks/{enrolment_id}"
            form = {"csrf_token": token, "mark": "present"}
            expected, headers = 200, {"HX-Request": "true"}
        began = time.perf_counter()
        try:
            status, _, _ = browser.post(path, form, headers=headers)
        except Exception as error:  # noqa: BLE001 (counted)
            desk.errors.append(f"{path}: {error}")
            continue
        desk.latencies.append(time.perf_counter() - began)
        if status != expected:
            desk.errors.append(f"{path}: {status}")


def coordinators_run(sessions, seconds, during=None):
    until = [time.monotonic() + 3600]
    start = threading.Barrier(len(sessions) + 1)
    for desk, _, _ in sessions:
        desk.latencies.clear()
        desk.errors.clear()
    threads = [threading.Thread(target=use, args=(d, b, t, start, until)) for d, b, t in sessions]
    for thread in threads:
        thread.start()
    start.wait()
    until[0] = time.monotonic() + seconds
    extra = during() if during else None
    for thread in threads:
        thread.join()
    latencies = [x for d, _, _ in sessions for x in d.latencies]
    errors = [e for d, _, _ in sessions for e in d.errors]
    return latencies, errors, extra


def import_roster(port, email, cohort_id, rows, database_url, result):
    from tests.cohorts.test_large_import import big_roster

    browser = Browser(port)
    sign_in(browser, email, PASSWORD, database_url)
    _, _, page = browser.get(f"/cohorts/{cohort_id}/roster/import")
    cookies = dict(browser.cookies)
    base = f"http://127.0.0.1:{port}"
    began = time.perf_counter()
    answer = requests.post(
        f"{base}/cohorts/{cohort_id}/roster/import",
        data={"csrf_token": csrf_token(page)},
        cookies=cookies,
        files={"file": ("roster.xlsx", big_roster(rows))},
        allow_redirects=False,
        timeout=300,
    )
    staged = answer.headers["Location"]
    while "/commit" not in (html := browser.get(staged)[2].decode()):
        time.sleep(0.5)
    result["checked"] = time.perf_counter() - began
    began = time.perf_counter()
    browser.post(f"{staged}/commit", {"csrf_token": csrf_token(html.encode())})
    while "notice--success" not in browser.get(staged)[2].decode():
        time.sleep(0.5)
    result["written"] = time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trainees", type=int, default=50_000)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    with scratch_database("bench_background") as url:
        print(fill(url, args.trainees))
        desks = prepare(url)
        officials, importer, cohort_id = add_people(url, args.rows)
        instance = Path(tempfile.mkdtemp(prefix="bench-background-"))
        env = {
            "REDIS_URL": REDIS_URL,
            "QUEUE_NAME": f"bench-{secrets.token_hex(4)}",
            "ACADEMY_INSTANCE_DIR": str(instance),
            "LOG_FORMAT": "json",
        }
        worker_env = {**os.environ, **env, "DATABASE_URL": url, "SECRET_KEY": "bench"}
        worker_env.pop("ACADEMY_ENV", None)
        with gunicorn("wsgi:app", url, **env) as port:
            log = (instance / "worker.log").open("wb")
            worker = subprocess.Popen(
                [
                    str(Path(sys.executable).with_name("flask")),
                    "--app",
                    "wsgi",
                    "academy",
                    "worker",
                    "--threads",
                    "2",
                ],
                cwd=ROOT,
                env=worker_env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            try:
                time.sleep(5)
                print(
                    f"{machine()}, {describe_settings()}, worker: 1 process × 2 threads, "
                    f"queue: Redis"
                )
                reports(port, officials, url, worker.pid)
                sessions = signed_in(desks, port, url)
                base, base_errors, _ = coordinators_run(sessions, args.seconds)
                result: dict = {}

                def during():
                    thread = threading.Thread(
                        target=import_roster,
                        args=(port, importer, cohort_id, args.rows, url, result),
                    )
                    thread.start()
                    return thread

                loaded, load_errors, thread = coordinators_run(sessions, args.seconds, during)
                thread.join()
                print(f"3. 50 coordinators, {args.seconds} s each run (enrol, mark attendance):")
                print(
                    f"   without an import: {len(base)} requests, p50 "
                    f"{percentile(base, 0.5) * 1000:.0f} ms, p95 "
                    f"{percentile(base, 0.95) * 1000:.0f} ms, "
                    f"errors {len(base_errors)} {base_errors[:3]}"
                )
                print(
                    f"   during a {args.rows:,}-row import: {len(loaded)} requests, p50 "
                    f"{percentile(loaded, 0.5) * 1000:.0f} ms, p95 "
                    f"{percentile(loaded, 0.95) * 1000:.0f} ms, "
                    f"errors {len(load_errors)} {load_errors[:3]}"
                )
                print(
                    f"   the import: upload → preview {result.get('checked', 0):.1f} s, "
                    f"commit → written {result.get('written', 0):.1f} s"
                )
            finally:
                os.killpg(worker.pid, signal.SIGINT)
                try:
                    worker.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    os.killpg(worker.pid, signal.SIGKILL)
                log.close()


if __name__ == "__main__":
    main()
