"""A rule's refusal raised in a service reaches the person through one handler
(academy.errors.render_refusal): as the service's own message in Korean, with the refusal's
status, whether the request came from a page, from htmx or from the API."""

import pytest
from flask import Blueprint

import config
from academy import create_app
from academy.errors import RuleRefused
from academy.extensions import db as _db
from academy.models import OutcomeRecord, Role, Verification
from academy.outcomes import services as outcomes
from academy.progress_reports.scope import resolve
from academy.uploads import UploadRejected, store_upload
from tests import factories
from tests.outcomes.test_routes import completed_enrolment

HTMX = {"HX-Request": "true"}


def _refusal(app, call) -> RuleRefused:
    """The refusal the service itself raises, read in a request of the default (Korean) UI."""
    with app.test_request_context("/"):
        with pytest.raises(RuleRefused) as refused:
            call()
        message = str(refused.value.message)
        _db.session.rollback()
    assert any("\uac00" <= ch <= "\ud7a3" for ch in message), message
    return refused.value, message


@pytest.fixture
def unverifiable(login_as, db):
    """A coordinator and an outcome of their campus that cannot be verified (no evidence)."""
    coordinator = login_as(Role.COORDINATOR, campus=factories.CampusFactory())
    record = factories.OutcomeRecordFactory(
        enrolment=completed_enrolment(campus=coordinator.campus)
    )
    db.session.commit()
    return coordinator, record


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_a_refused_action_goes_back_with_the_services_korean_message(
    app, client, unverifiable, headers
):
    coordinator, record = unverifiable
    _refused, message = _refusal(app, lambda: outcomes.verify(record, coordinator))

    response = client.post(f"/outcomes/records/{record.id}/verify", headers=headers)

    assert response.status_code == 303
    assert response.headers["Location"] == f"/outcomes/campuses/{coordinator.campus_id}/queue"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f'notice--danger" role="status">{message}</div>' in page
    _db.session.expire_all()
    assert _db.session.get(OutcomeRecord, record.id).verification == Verification.SELF_REPORTED


def test_the_api_refusal_reaches_a_signed_in_official_as_json(app, client, login_as, db):
    login_as(Role.OFFICIAL)
    _refused, message = _refusal(app, lambda: resolve(_db.session, campus="없는 캠퍼스"))

    response = client.get("/api/v1/kpi", query_string={"campus": "없는 캠퍼스"})

    assert response.status_code == 400
    assert response.is_json and response.get_json() == {"error": message}


@pytest.fixture(scope="module")
def probe_app():
    """An app with one route that calls a service and shows no form of its own, so the refusal
    meets only the handler (a route cannot be added to the suite's app once it has served)."""
    app = create_app(config.TestConfig())
    probe = Blueprint("probe", __name__)

    @probe.post("/probe/evidence")
    def keep_evidence():
        store_upload(None)
        return "kept"

    app.register_blueprint(probe)
    return app


@pytest.mark.parametrize(
    ("headers", "whole_page"), [({}, True), (HTMX, False)], ids=["page", "htmx"]
)
def test_a_refusal_no_route_shows_is_a_page_or_its_fragment(probe_app, headers, whole_page):
    refused, message = _refusal(probe_app, lambda: store_upload(None))
    assert isinstance(refused, UploadRejected)

    response = probe_app.test_client().post("/probe/evidence", headers=headers)

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'<div class="notice notice--danger" role="alert" data-refusal>{message}</div>' in html
    assert ("<html" in html) is whole_page
    assert ("<h1>" in html) is whole_page
