"""The real worker process: killed in the middle of a commit, it leaves the database as it was
and the job failed with a message; a new worker goes on with the jobs still queued."""

import io
import signal
from datetime import date, datetime

import pyotp
import pytest
import sqlalchemy as sa

from academy.auth.passwords import hash_password
from academy.cohorts import staging
from academy.extensions import db
from academy.models import Campus, Cohort, Course, Enrolment, Job, JobState, Level, Role, User
from tests.cohorts.test_large_import import TOTP_SECRET, big_roster
from tests.conftest import TEST_PASSWORD
from tests.databases import fresh_database, preserve_logging
from tests.jobs.worker_process import rebind, shared_app, start_worker, stop, wait_for

ROWS = 6000


@pytest.fixture
def world(app, tmp_path):
    suite_app = app
    with fresh_database(tmp_path) as url, preserve_logging():
        app = shared_app(url, tmp_path)
        with app.app_context():
            db.create_all()
            campus = Campus(
                name="작업캠퍼스", kind="district", district="작업구", floor_area_m2=900
            )
            course = Course(campus=campus, name="AI 기초", level=Level.BEGINNER)
            db.session.add_all(
                [
                    Cohort(
                        code="KILL-01",
                        campus=campus,
                        course=course,
                        starts_on=date(2025, 3, 3),
                        ends_on=date(2025, 7, 18),
                        capacity=ROWS,
                    ),
                    Cohort(
                        code="KILL-02",
                        campus=campus,
                        course=course,
                        starts_on=date(2025, 3, 3),
                        ends_on=date(2025, 7, 18),
                        capacity=10,
                    ),
                ]
            )
            db.session.commit()
        try:
            yield app, url, tmp_path
        finally:
            rebind(suite_app)
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def job_state(app, job_id):
    from academy.jobs import services

    with app.app_context():
        job = services.get(job_id)
        return job.state, job.message, job.progress_done


def test_killing_the_worker_mid_commit_leaves_nothing_written_and_a_new_worker_goes_on(world):
    app, url, tmp = world

    with app.app_context():
        campus = db.session.scalar(sa.select(Campus))
        coordinator = User(
            email="coordinator@example.com",
            name="매니저",
            role=Role.COORDINATOR,
            campus=campus,
            password_hash=hash_password(TEST_PASSWORD),
            totp_secret=TOTP_SECRET,
            totp_enrolled_at=datetime(2025, 1, 2),
        )
        db.session.add(coordinator)
        db.session.commit()
        cohorts = db.session.scalars(sa.select(Cohort.id).order_by(Cohort.id)).all()
        users_before = db.session.scalar(sa.select(sa.func.count(User.id)))
        client = app.test_client()
    assert (
        client.post(
            "/login", data={"email": "coordinator@example.com", "password": TEST_PASSWORD}
        ).status_code
        == 302
    )
    code = client.post("/login/code", data={"code": pyotp.TOTP(TOTP_SECRET).now()})
    assert code.status_code == 303

    first = start_worker(url, tmp, "first-worker.log")
    try:
        uploaded = client.post(
            f"/cohorts/{cohorts[0]}/roster/import",
            data={"file": (io.BytesIO(big_roster(ROWS)), "명단.xlsx")},
            content_type="multipart/form-data",
        )
        assert uploaded.status_code == 303
        page = uploaded.headers["Location"]
        token = page.rsplit("/", 1)[1]

        def checked():
            with app.app_context():
                staged = staging.load(token)
                return staged.state == "checked" and staged

        wait_for(checked, what="the check")
        assert client.post(page + "/commit").status_code == 303
        with app.app_context():
            commit_id = db.session.scalar(sa.select(sa.func.max(Job.id)))

        def writing():  # saved the moment the commit starts writing, under the cohort's lock
            with app.app_context():
                staged = staging.load(token)
                assert staged.state != "done", "the commit finished before the kill"
                return staged.phase == "writing"

        wait_for(writing, every=0.02, what="the commit to be writing")
        first.send_signal(signal.SIGKILL)  # mid-commit, no chance to clean up
        first.wait(timeout=10)
    finally:
        stop(first)

    # A job queued while no worker runs: it waits, and is not lost.
    second_upload = client.post(
        f"/cohorts/{cohorts[1]}/roster/import",
        data={"file": (io.BytesIO(big_roster(3)), "작은명단.xlsx")},
        content_type="multipart/form-data",
    )
    assert second_upload.status_code == 303
    with app.app_context():
        queued_id = db.session.scalar(sa.select(sa.func.max(Job.id)))
    assert job_state(app, queued_id)[0] == JobState.QUEUED

    # Within a minute (4 s of silence in this test's settings) the commit is seen as failed.
    state, message, _ = wait_for(
        lambda: (s := job_state(app, commit_id))[0] == JobState.FAILED and s,
        timeout=60,
        what="the dead worker's job to fail",
    )
    assert "중단" in message and "저장되지 않았" in message
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Enrolment.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == users_before
    html = client.get(page).get_data(as_text=True)
    assert "notice--danger" in html and "중단" in html and "<progress" not in html

    second = start_worker(url, tmp, "second-worker.log")
    try:
        wait_for(lambda: job_state(app, queued_id)[0] == JobState.DONE, what="the queued job")
        # The killed commit is not run again by the new worker.
        assert job_state(app, commit_id)[0] == JobState.FAILED
    finally:
        stop(second)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Enrolment.id))) == 0
