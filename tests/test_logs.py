"""One logging configuration: JSON lines with the request id, carried into jobs, masked."""

import json
import logging

import sqlalchemy as sa

from academy.logs import JsonFormatter, RequestIdFilter, bind_request_id, logging_config
from academy.models import Job, Role
from tests.kpi.people import AS_OF, build_world


def formatted(message: str, *args, request_id: str | None = None) -> dict:
    logger = logging.getLogger("academy.test")
    with bind_request_id(request_id):
        record = logger.makeRecord(logger.name, logging.INFO, __file__, 1, message, args, None)
        RequestIdFilter().filter(record)
        return json.loads(JsonFormatter().format(record))


def test_a_json_line_has_the_request_id_and_no_phone_or_token(app):
    line = formatted(
        "called %s about /activate/%s", "010-1234-5678", "A" * 40, request_id="r-1234567"
    )
    assert line["request_id"] == "r-1234567" and line["level"] == "INFO"
    assert "010-****-5678" in line["message"] and "1234" not in line["message"].split("-")[1]
    assert "A" * 40 not in line["message"] and "[redacted]" in line["message"]


def test_a_json_line_carries_the_exception_as_one_field(app):
    logger = logging.getLogger("academy.test")
    try:
        raise ValueError("password=hunter2 broke")
    except ValueError:
        import sys

        record = logger.makeRecord(
            logger.name, logging.ERROR, __file__, 1, "failed", (), sys.exc_info()
        )
    line = json.loads(JsonFormatter().format(record))
    assert "ValueError" in line["exception"] and "\n" not in JsonFormatter().format(record)


def test_production_logs_json_and_development_text():
    assert logging_config("json")["formatters"]["default"]["()"] is JsonFormatter
    assert "request_id" in logging_config("text")["formatters"]["default"]["format"]


def test_every_response_carries_a_request_id_and_a_sane_incoming_one_is_kept(client):
    fresh = client.get("/healthz").headers["X-Request-ID"]
    assert len(fresh) == 32
    assert client.get("/healthz").headers["X-Request-ID"] != fresh
    kept = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a9c01"})
    assert kept.headers["X-Request-ID"] == "lb-7f3a9c01"
    for hostile in ("a forged log line", "x" * 500, "<script>", "short", "id;rm -rf"):
        answered = client.get("/healthz", headers={"X-Request-ID": hostile})
        assert answered.headers["X-Request-ID"] != hostile


def test_the_request_id_of_a_click_goes_with_its_job(client, login_as, db):
    build_world(db)
    login_as(Role.OFFICIAL)
    form = {"format": "xlsx", "year": "2025", "as_of": AS_OF.isoformat()}
    response = client.post("/reports/", headers={"X-Request-ID": "click-0001abc"}, data=form)
    assert response.status_code == 303
    job = db.session.scalars(sa.select(Job)).one()
    assert job.request_id == "click-0001abc"
