"""Jobs as their owners see them: limits, one run only, time limits, dead workers, queue down.

These run the queue in immediate mode (the task runs in the caller); tests/jobs/test_worker.py
runs a real worker process.
"""

from datetime import timedelta

import pytest
import sqlalchemy as sa

import config as settings
from academy.jobs import queue, services
from academy.jobs.services import JobContext, JobFailed, handler
from academy.models import ArchivedReport, Job, JobState, Role, User, utcnow
from tests import factories
from tests.kpi.people import AS_OF, build_world

WRITTEN: list[str] = []


@handler("test_write_then_fail", time_limit=60)
def _write_then_fail(job: JobContext):
    """Writes a row, then fails: the row must not survive."""
    from academy.extensions import db

    db.session.add(factories.CampusFactory.build(name="반쯤 쓴 캠퍼스"))
    db.session.flush()
    raise JobFailed("파일이 잘못되었습니다")


@handler("test_slow", time_limit=1)
def _slow(job: JobContext):
    from academy.extensions import db

    db.session.add(factories.CampusFactory.build(name="너무 느린 캠퍼스"))
    db.session.flush()
    job.deadline -= 10  # as if the time limit had passed
    job.progress(1, 2)
    return {"never": True}


@handler("test_count", time_limit=60)
def _count(job: JobContext):
    WRITTEN.append(job.params["tag"])
    job.progress(3, 3)
    return {"tag": job.params["tag"]}


def report_form(**fields):
    return {"format": "xlsx", "year": "2025", "as_of": AS_OF.isoformat(), **fields}


def test_a_report_is_made_by_a_job_and_lands_in_the_archive_and_the_store(
    app, client, login_as, db
):
    build_world(db)
    official = login_as(Role.OFFICIAL)
    created = client.post("/reports/", data=report_form())
    assert created.status_code == 303
    job_id = int(created.headers["Location"].rsplit("job=", 1)[1])
    job = db.session.get(Job, job_id)
    assert (job.kind, job.state, job.owner_id) == ("report", JobState.DONE, official.id)
    row = db.session.get(ArchivedReport, job.result["report_id"])
    assert row.storage_key and row.content is None  # the bytes live in the report store
    page = client.get(created.headers["Location"]).get_data(as_text=True)
    assert f"/reports/{row.id}/download" in page and "data-report-ready" in page
    download = client.get(f"/reports/{row.id}/download")
    assert download.status_code == 200 and download.data[:2] == b"PK"
    assert download.headers["Cache-Control"] == "no-store"


def test_the_job_page_shows_progress_and_keeps_the_button_disabled(client, login_as, db):
    official = login_as(Role.OFFICIAL)
    job = Job(
        kind="report",
        owner_id=official.id,
        params={},
        time_limit_seconds=60,
        state=JobState.RUNNING,
        started_at=utcnow(),
        heartbeat_at=utcnow(),
        progress_done=1,
        progress_total=3,
    )
    db.session.add(job)
    db.session.commit()
    page = client.get("/reports/").get_data(as_text=True)
    assert 'id="report-submit" class="krds-btn primary" disabled' in page
    assert f'hx-get="/reports/jobs/{job.id}"' in page and 'hx-trigger="every 1s"' in page
    fragment = client.get(f"/reports/jobs/{job.id}", headers={"HX-Request": "true"})
    text = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in text
    assert 'value="33"' in text  # 1 of 3 done
    assert 'id="report-submit"' in text and "disabled" in text and 'hx-swap-oob="true"' in text


def test_only_the_owner_sees_a_report_job(client, login_as, db):
    other = factories.UserFactory(role=Role.OFFICIAL)
    db.session.flush()
    job = Job(
        kind="report",
        owner_id=other.id,
        params={},
        time_limit_seconds=60,
        state=JobState.DONE,
        result={"report_id": 1},
    )
    db.session.add(job)
    db.session.commit()
    login_as(Role.OFFICIAL)
    assert client.get(f"/reports/jobs/{job.id}").status_code == 404
    assert client.get(f"/reports/jobs/{job.id + 1000}").status_code == 404
    page = client.get(f"/reports/?job={job.id}").get_data(as_text=True)
    assert "/reports/jobs/" not in page  # another's job id in the query shows nothing


def test_a_coordinator_cannot_follow_report_jobs(client, login_as, db):
    login_as(Role.COORDINATOR)
    assert client.get("/reports/jobs/1").status_code == 403


def test_one_person_cannot_run_more_jobs_than_the_limit(app, client, login_as, db):
    build_world(db)
    official = login_as(Role.OFFICIAL)
    for _ in range(app.config["JOBS_PER_USER"]):
        db.session.add(
            Job(
                kind="report",
                owner_id=official.id,
                params={},
                time_limit_seconds=60,
                state=JobState.QUEUED,
            )
        )
    db.session.commit()
    refused = client.post("/reports/", data=report_form())
    assert refused.status_code == 429
    assert "3" in refused.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Job.id))) == app.config["JOBS_PER_USER"]
    assert db.session.scalar(sa.select(sa.func.count(ArchivedReport.id))) == 0


def test_finished_and_dead_jobs_do_not_count_against_the_limit(app, db):
    owner = factories.UserFactory(role=Role.OFFICIAL)
    db.session.commit()
    long_ago = utcnow() - timedelta(minutes=5)
    for state in (JobState.DONE, JobState.FAILED):
        db.session.add(
            Job(kind="report", owner_id=owner.id, params={}, time_limit_seconds=60, state=state)
        )
    for _ in range(app.config["JOBS_PER_USER"]):  # running, but their worker died long ago
        db.session.add(
            Job(
                kind="test_count",
                owner_id=owner.id,
                params={},
                state=JobState.RUNNING,
                started_at=long_ago,
                heartbeat_at=long_ago,
                time_limit_seconds=600,
            )
        )
    db.session.commit()
    job = services.start("test_count", db.session.get(User, owner.id), {"tag": "limit"})
    assert job.state == JobState.DONE


def test_a_job_is_never_run_twice(db):
    WRITTEN.clear()
    job = services.start("test_count", None, {"tag": "once"})
    assert job.state == JobState.DONE and job.result == {"tag": "once"}
    assert (job.progress_done, job.progress_total) == (3, 3)
    services.run(job.id)  # the queue delivers the same id again
    assert WRITTEN == ["once"]


def test_a_failed_job_leaves_nothing_half_written_and_says_why(db):
    job = services.start("test_write_then_fail", None, {})
    assert job.state == JobState.FAILED and job.message == "파일이 잘못되었습니다"
    from academy.models import Campus

    assert db.session.scalar(sa.select(Campus).where(Campus.name == "반쯤 쓴 캠퍼스")) is None


def test_a_job_over_its_time_limit_is_stopped_and_rolled_back(db):
    job = services.start("test_slow", None, {}, locale="en")
    assert job.state == JobState.FAILED
    assert "longer than 1 minutes" in job.message and "Nothing was written" in job.message
    from academy.models import Campus

    assert db.session.scalar(sa.select(Campus).where(Campus.name == "너무 느린 캠퍼스")) is None


def test_a_dead_workers_job_is_seen_as_failed_within_a_minute(app, db):
    silent_since = utcnow() - timedelta(seconds=app.config["JOB_STALE_SECONDS"] + 1)
    dead = Job(
        kind="report",
        params={},
        time_limit_seconds=600,
        state=JobState.RUNNING,
        started_at=silent_since,
        heartbeat_at=silent_since,
        locale="ko",
    )
    alive = Job(
        kind="report",
        params={},
        time_limit_seconds=600,
        state=JobState.RUNNING,
        started_at=utcnow(),
        heartbeat_at=utcnow(),
    )
    db.session.add_all([dead, alive])
    db.session.commit()
    assert app.config["JOB_STALE_SECONDS"] < 60
    seen = services.get(dead.id)
    assert seen.state == JobState.FAILED
    assert "작업이 중단" in seen.message or "중단" in seen.message
    assert services.get(alive.id).state == JobState.RUNNING


def test_a_live_heartbeat_in_the_queue_keeps_an_old_job_alive(app, db):
    old = utcnow() - timedelta(minutes=5)
    job = Job(
        kind="report",
        params={},
        time_limit_seconds=600,
        state=JobState.RUNNING,
        started_at=old,
        heartbeat_at=old,
    )
    db.session.add(job)
    db.session.commit()
    import time

    queue.huey.put(services._beat_key(job.id), {"at": time.time(), "done": 7, "total": 10})
    try:
        seen = services.get(job.id)
        assert seen.state == JobState.RUNNING and seen.percent == 70
    finally:
        queue.huey.delete(services._beat_key(job.id))
    assert services.reap_stale() == 1  # once the heartbeat is gone, the reaper fails it


@pytest.fixture
def queue_down(app):
    """The app with its queue on a Redis that does not answer; the real binding comes back."""
    config = settings.TestConfig()
    config.QUEUE_IMMEDIATE = False
    config.QUEUE_URL = "redis://127.0.0.1:1/0"
    app.config.update(QUEUE_IMMEDIATE=False, QUEUE_URL=config.QUEUE_URL)
    queue.configure(app)
    yield app
    app.config.update(QUEUE_IMMEDIATE=True)
    app.config["QUEUE_URL"] = settings.TestConfig().QUEUE_URL
    queue.configure(app)


def test_redis_down_the_page_says_background_work_is_unavailable(queue_down, client, login_as, db):
    build_world(db)
    login_as(Role.OFFICIAL)
    response = client.post("/reports/", data=report_form())
    assert response.status_code == 503
    assert "백그라운드 작업" in response.get_data(as_text=True)
    job = db.session.scalars(sa.select(Job)).one()
    assert job.state == JobState.FAILED and job.message  # recorded, not lost silently
    assert db.session.scalar(sa.select(sa.func.count(ArchivedReport.id))) == 0
    health = client.get("/healthz")
    assert health.get_json()["queue"] == "unreachable"


def test_redis_down_pages_that_start_work_say_so_before_the_click(queue_down, client, login_as, db):
    login_as(Role.OFFICIAL)
    page = client.get("/reports/").get_data(as_text=True)
    assert 'data-background-work="unavailable"' in page and "백그라운드 작업" in page


def test_with_the_queue_up_no_warning_is_shown(client, login_as, db):
    login_as(Role.OFFICIAL)
    assert "data-background-work" not in client.get("/reports/").get_data(as_text=True)


def test_the_periodic_purge_removes_staged_files_past_their_time_only(app, db):
    import os
    import time as clock
    from pathlib import Path

    from academy import staging
    from academy.cohorts import staging as cohort_staging

    old = cohort_staging.stage(b"a,b\n", "roster", 1, 1, "old.csv", "ko")
    fresh = cohort_staging.stage(b"a,b\n", "roster", 1, 1, "new.csv", "ko")
    kept = staging.stage(b"x", 1, "old.xlsx", "outcome_import")
    folder = Path(app.config["STAGING_FOLDER"])
    long_ago = clock.time() - 60 * app.config["STAGING_MINUTES"] - 5
    aged = {f"cohort-import-{old.token}.json", *staging._names(old.token), *staging._names(kept)}
    for path in folder.iterdir():
        if path.name in aged:
            os.utime(path, (long_ago, long_ago))
    queue.purge_staged_files.call_local()
    assert cohort_staging.load(old.token) is None and not old.has_data
    assert cohort_staging.load(fresh.token) is not None and fresh.has_data
    with pytest.raises(staging.StagedFileMissing):
        staging.load(kept, 1, "outcome_import")


def test_the_periodic_reaper_fails_dead_workers_jobs(app, db):
    long_ago = utcnow() - timedelta(minutes=3)
    job = Job(
        kind="report",
        params={},
        time_limit_seconds=600,
        state=JobState.RUNNING,
        started_at=long_ago,
        heartbeat_at=long_ago,
    )
    db.session.add(job)
    db.session.commit()
    queue.reap_stale_jobs.call_local()
    db.session.expire_all()
    assert db.session.get(Job, job.id).state == JobState.FAILED


def test_finished_jobs_past_ninety_days_are_purged_and_nothing_else(db):
    old = utcnow() - timedelta(days=91)
    rows = [
        Job(kind="report", params={}, time_limit_seconds=60, state=state, created_at=when)
        for state, when in [
            (JobState.DONE, old),
            (JobState.FAILED, old),
            (JobState.RUNNING, old),
            (JobState.DONE, utcnow()),
        ]
    ]
    db.session.add_all(rows)
    db.session.commit()
    queue.purge_finished_jobs.call_local()
    left = db.session.scalars(sa.select(Job.state).order_by(Job.id)).all()
    assert left == [JobState.RUNNING, JobState.DONE]


def test_the_periodic_anchor_copies_the_newest_access_log_entry_outside_the_database(
    app, db, tmp_path, monkeypatch
):
    from academy import audit
    from academy.models import AccessAction

    target = tmp_path / "anchor.json"
    monkeypatch.setitem(app.config, "AUDIT_ANCHOR", str(target))
    queue.anchor_access_log.call_local()
    assert not target.exists()  # an empty log has nothing to anchor
    audit.append_many([audit.entry(AccessAction.VIEW, subject="accounts", detail={"page": 1})])
    db.session.commit()
    queue.anchor_access_log.call_local()
    anchored = audit.read_anchor(str(target))
    assert anchored is not None and (anchored.seq, anchored.entry_hash) == audit.chain_head()
    assert audit.anchor_problem(anchored) is None
