"""A background import's state as the page reports it (issue 13, item 4: the page said a job
had stopped while its parse was still running)."""

import json
import os
import threading
import time
from dataclasses import asdict

from academy.cohorts import staging


def _write_with_old_heartbeat(staged: staging.StagedImport) -> None:
    staged.heartbeat = time.time() - 10 * staging.STALE_SECONDS
    path = staging._record_path(staged.token)
    tmp = path.with_suffix(".test.tmp")
    tmp.write_text(json.dumps(asdict(staged)))
    os.replace(tmp, path)


def _old_record(app, rows: int = 10_000) -> staging.StagedImport:
    staged = staging.stage(b"x", "roster", 1, None, "roster.xlsx", "ko")
    staged.rows_estimate = rows
    return staged


def test_a_job_that_reports_no_progress_for_minutes_is_running_not_stopped(app, monkeypatch):
    with app.test_request_context():
        staged = _old_record(app)
        monkeypatch.setattr(staging, "PULSE_SECONDS", 0.05)
        release = threading.Event()

        def long_parse(job):
            job.state = "checking"
            staging.save(job)
            # The last progress was long ago: one huge sheet parses without any callback.
            record = staging.load(job.token)
            record.heartbeat = time.time() - 10 * staging.STALE_SECONDS
            staging._record_path(job.token).write_text(staging.json.dumps(staging.asdict(record)))
            release.wait(10)
            job.state = "checked"
            staging.save(job)

        staging.run(staged, long_parse)
        deadline = time.time() + 5
        while staging.load(staged.token).state != "checking" and time.time() < deadline:
            time.sleep(0.02)
        time.sleep(0.2)
        seen = staging.load(staged.token)
        assert seen.running and seen.heartbeat < time.time() - staging.STALE_SECONDS
        assert not seen.stalled  # its thread lives: the page must not say it stopped
        job = staging.RUNNING.get(staged.token)
        release.set()
        if job is not None:
            job.join(5)
        time.sleep(0.3)
        assert staging.load(staged.token).state == "checked"
        assert not staging._pulse_path(staged.token).exists()


def test_a_job_whose_process_died_is_reported_stopped(app):
    with app.test_request_context():
        staged = _old_record(app)
        staged.state = "writing"
        _write_with_old_heartbeat(staged)
        assert staging.load(
            staged.token
        ).stalled  # no thread, no pulse: nothing is running it any more
