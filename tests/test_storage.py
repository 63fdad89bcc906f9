"""Files behind one interface: the local folder and S3 (moto's server) behave alike; an S3 store
that does not answer fails uploads with a clear message and leaves no row pointing at nothing."""

import io
import time
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from academy import storage
from academy.models import CareerPeriod, Role
from tests.conftest import count_rows
from tests.factories import EVIDENCE_PDF
from tests.s3 import s3_settings

PDF = EVIDENCE_PDF  # a PDF that parses: evidence is checked by structure


@contextmanager
def store_on(app, settings: dict):
    """The app's files in another store for the block (the suite's folders come back)."""
    kept = app.extensions["storage"]
    app.extensions["storage"] = storage.Storage({**app.config, **settings})
    try:
        yield app.extensions["storage"]
    finally:
        app.extensions["storage"] = kept


@pytest.fixture(params=["local", "s3"])
def store(request, app, tmp_path):
    if request.param == "local":
        settings = {
            "S3_BUCKET": None,
            "UPLOAD_FOLDER": str(tmp_path / "u"),
            "STAGING_FOLDER": str(tmp_path / "s"),
            "REPORT_FOLDER": str(tmp_path / "r"),
        }
    else:
        settings = s3_settings(request.getfixturevalue("moto_endpoint"))
    with app.app_context(), store_on(app, settings) as configured:
        yield configured


def test_both_stores_keep_read_stream_list_and_delete_files(store):
    area = store.areas["uploads"]
    area.put("a1b2.pdf", PDF)
    assert area.get("a1b2.pdf") == PDF and area.exists("a1b2.pdf")
    handle, size = area.open("a1b2.pdf")
    assert size == len(PDF) and handle.read() == PDF
    handle.close()
    assert [item.name for item in area.list()] == ["a1b2.pdf"]
    assert not store.areas["reports"].exists("a1b2.pdf")  # areas do not see each other
    area.delete("a1b2.pdf")
    area.delete("a1b2.pdf")  # twice is fine
    assert not area.exists("a1b2.pdf")
    with pytest.raises(storage.FileMissing):
        area.get("a1b2.pdf")


@pytest.mark.parametrize("name", ["../secret_key", "..", "a/../../b", "/etc/passwd", "", ".hidden"])
def test_names_cannot_leave_their_area(store, name):
    with pytest.raises(storage.FileMissing):
        store.areas["uploads"].put(name, b"x")
    assert not store.areas["uploads"].exists(name)


def test_purge_deletes_only_what_is_older_than_the_limit(store, app):
    area = store.areas["staging"]
    area.put("old.json", b"{}")
    time.sleep(1.1)
    area.put("new.json", b"{}")
    assert storage.purge_older_than("staging", 1.0) == 1
    assert [item.name for item in area.list()] == ["new.json"]


def test_evidence_uploaded_to_s3_downloads_through_the_app_byte_for_byte(
    app, client, login_as, db, moto_endpoint
):
    with store_on(app, s3_settings(moto_endpoint)) as configured:
        user = login_as(Role.INSTRUCTOR)
        response = client.post(
            "/instructors/me/careers", data=career_form(), content_type="multipart/form-data"
        )
        assert response.status_code == 303
        period = db.session.scalar(sa.select(CareerPeriod))
        assert configured.areas["uploads"].get(period.evidence_path) == PDF
        download = client.get(f"/instructors/careers/{period.id}/evidence")
        assert download.status_code == 200 and download.data == PDF
        assert download.headers["Content-Disposition"].startswith("attachment")
        assert user.instructor.id == period.instructor_id


def test_object_storage_down_refuses_the_upload_clearly_and_writes_no_row(
    app, client, login_as, db
):
    down = {
        "S3_BUCKET": "academy",
        "S3_ENDPOINT_URL": "http://127.0.0.1:9",
        "S3_ACCESS_KEY_ID": "x",
        "S3_SECRET_ACCESS_KEY": "x",
    }
    with store_on(app, down):
        login_as(Role.INSTRUCTOR)
        response = client.post(
            "/instructors/me/careers", data=career_form(), content_type="multipart/form-data"
        )
        assert response.status_code == 422
        assert "파일 저장소가 응답하지 않아" in response.get_data(as_text=True)
        assert count_rows(CareerPeriod) == 0
        health = client.get("/healthz").get_json()
        assert health["storage"] == "unreachable" and health["status"] == "degraded"


def test_a_file_missing_from_the_store_is_not_found_and_storage_down_is_503(
    app, client, login_as, db, moto_endpoint
):
    with store_on(app, s3_settings(moto_endpoint)) as configured:
        login_as(Role.INSTRUCTOR)
        client.post(
            "/instructors/me/careers", data=career_form(), content_type="multipart/form-data"
        )
        period = db.session.scalar(sa.select(CareerPeriod))
        configured.areas["uploads"].delete(period.evidence_path)
        assert client.get(f"/instructors/careers/{period.id}/evidence").status_code == 404
    down = {
        "S3_BUCKET": "academy",
        "S3_ENDPOINT_URL": "http://127.0.0.1:9",
        "S3_ACCESS_KEY_ID": "x",
        "S3_SECRET_ACCESS_KEY": "x",
    }
    with store_on(app, down):
        response = client.get(f"/instructors/careers/{period.id}/evidence")
        assert response.status_code == 503
        assert "파일 저장소" in response.get_data(as_text=True)


def career_form():
    return {
        "employer": "서울데이터랩",
        "role_title": "데이터 엔지니어",
        "field": "software",
        "starts_on": "2021-04-01",
        "ends_on": "",
        "evidence": (io.BytesIO(PDF), "경력증명서.pdf"),
    }


def test_object_storage_down_fails_the_report_job_clearly_and_archives_nothing(
    app, client, login_as, db
):
    from academy.models import ArchivedReport, Job, JobState
    from tests.kpi.people import AS_OF, build_world

    build_world(db)
    login_as(Role.OFFICIAL)
    down = {
        "S3_BUCKET": "academy",
        "S3_ENDPOINT_URL": "http://127.0.0.1:9",
        "S3_ACCESS_KEY_ID": "x",
        "S3_SECRET_ACCESS_KEY": "x",
    }
    with store_on(app, down):
        asked = client.post(
            "/reports/", data={"format": "xlsx", "year": "2025", "as_of": AS_OF.isoformat()}
        )
        assert asked.status_code == 303
        job = db.session.scalars(sa.select(Job)).one()
        assert job.state == JobState.FAILED and "파일 저장소" in job.message
        assert count_rows(ArchivedReport) == 0  # no row points at a file that was not kept
        page = client.get(asked.headers["Location"]).get_data(as_text=True)
        assert "파일 저장소" in page and "notice--danger" in page
