"""The official's citywide dashboard, the coordinator's campus dashboard, the planner, targets."""

import re

import sqlalchemy as sa

from academy.models import (
    KpiSetting,
    KpiSettingChange,
    QualityRule,
    Role,
    TargetMetric,
    YearlyTarget,
)
from tests import factories
from tests.kpi.people import AS_OF, build_world

HTMX = {"HX-Request": "true"}


def test_the_official_lands_on_the_citywide_dashboard(client, login_as, db):
    build_world(db)
    login_as(Role.OFFICIAL)
    home = client.get("/")
    assert home.headers["Location"] == "/dashboard/"
    page = client.get(f"/dashboard/?year=2025&as_of={AS_OF}").get_data(as_text=True)
    assert "<h1" in page and "종로캠퍼스" in page and "강남캠퍼스" in page
    assert 'id="figure-ramp"' in page and 'id="figure-capacity"' in page
    assert "<svg" in page and "Pretendard GOV" in page
    # Each chart comes with its data as a table.
    assert page.count('<figure class="chart"') == page.count("Data of the chart") or "차트" in page


def test_filters_update_in_place_and_stay_in_the_url(client, login_as, db):
    world = build_world(db)
    login_as(Role.OFFICIAL)
    url = f"/dashboard/?year=2025&tier=large&as_of={AS_OF}"
    full = client.get(url).get_data(as_text=True)
    assert 'hx-push-url="true"' in full and 'hx-get="/dashboard/"' in full
    fragment = client.get(url, headers=HTMX).get_data(as_text=True)
    assert "<html" not in fragment and "<form" in fragment  # the downloads keep their forms
    assert world["large"].name in fragment and world["small"].name not in fragment
    by_campus = client.get(
        f"/dashboard/?year=2025&campus={world['small'].id}", headers=HTMX
    ).get_data(as_text=True)
    assert "JONGNO" not in by_campus or world["small"].name in by_campus
    assert world["large"].name not in by_campus


def test_a_bad_filter_shows_the_error_and_the_defaults(client, login_as, db):
    build_world(db)
    login_as(Role.OFFICIAL)
    response = client.get("/dashboard/?year=abc&tier=huge")
    assert response.status_code == 200
    assert 'role="alert"' in response.get_data(as_text=True)


def test_the_coordinator_sees_their_campus_by_cohort_and_no_other(client, login_as, db):
    world = build_world(db)
    login_as(Role.COORDINATOR, campus=world["large"])
    page = client.get(f"/dashboard/campus/{world['large'].id}?year=2025&as_of={AS_OF}")
    html = page.get_data(as_text=True)
    assert "GANGNAM-2025-01" in html and "GANGNAM-2025-02" in html and "JONGNO" not in html
    assert client.get(f"/dashboard/campus/{world['small'].id}").status_code == 404
    assert client.get("/dashboard/").status_code == 403
    fragment = client.get(f"/dashboard/campus/{world['large'].id}?year=2025", headers=HTMX)
    assert "<html" not in fragment.get_data(as_text=True)
    campus_page = client.get(f"/campuses/{world['large'].id}").get_data(as_text=True)
    assert f"/dashboard/campus/{world['large'].id}" in campus_page


def test_the_methodology_page_states_every_definition(client, login_as, db):
    login_as(Role.COORDINATOR)
    html = client.get("/dashboard/methodology").get_data(as_text=True)
    assert html.count("<dt>") >= 15
    assert "2,096,270" in html and "2,156,880" in html  # the pay floors in force


def test_the_planner_recalculates_from_the_query_string(client, login_as, db):
    build_world(db)
    login_as(Role.OFFICIAL)
    full = client.get("/dashboard/planner").get_data(as_text=True)
    assert 'hx-get="/dashboard/planner"' in full and 'data-plan="verdict"' in full
    more = client.get(
        "/dashboard/planner?add_large=40&cohorts_per_classroom=2", headers=HTMX
    ).get_data(as_text=True)
    assert "<html" not in more and "plan-verdict--ok" in more
    fewer = client.get("/dashboard/planner?cohorts_per_classroom=1", headers=HTMX)
    assert "plan-verdict--short" in fewer.get_data(as_text=True)


def _error_slot(html: str, field: str) -> str:
    match = re.search(rf'<p class="form-hint-invalid" id="{field}-error"([^>]*)>(.*?)</p>', html)
    assert match, f"no error slot for {field}"
    return ("hidden" if " hidden" in match[1] else "shown") + ":" + match[2]


def test_the_planner_shows_every_wrong_value_beside_its_field_and_no_stale_result(
    client, login_as, db
):
    build_world(db)
    login_as(Role.OFFICIAL)
    bad = {
        "add_large": "-3",
        "add_small": "abc",
        "add_medium": "2",
        "cohorts_per_classroom": "9",
        "opens_in": "1999",
    }
    fragment = client.get("/dashboard/planner", query_string=bad, headers=HTMX)
    html = fragment.get_data(as_text=True)
    assert "<html" not in html
    assert 'data-plan="verdict"' not in html  # no figures computed with a value left out
    assert 'data-plan="problems"' in html and "4개 값을 고쳐야" in html
    for name in ("add_large", "add_small", "cohorts_per_classroom", "opens_in"):
        assert f'href="#{name}"' in html  # the summary links each problem to its field
        assert _error_slot(html, name).startswith("shown:"), name
    assert "이 값은 0 이상, 50 이하" in _error_slot(html, "add_large")
    assert _error_slot(html, "add_medium") == "hidden:"  # a good value has no message
    assert html.count('hx-swap-oob="true"') == 7  # every field's slot, filled or cleared

    # Fixed: the messages are cleared and the result comes back.
    fixed = client.get("/dashboard/planner", query_string={"add_large": "3"}, headers=HTMX)
    html = fixed.get_data(as_text=True)
    assert 'data-plan="verdict"' in html and 'data-plan="problems"' not in html
    assert all(_error_slot(html, n) == "hidden:" for n in ("add_large", "add_small"))

    # Without JavaScript the full page shows the same, the fields marked invalid.
    page = client.get("/dashboard/planner", query_string=bad).get_data(as_text=True)
    assert page.count('aria-invalid="true"') == 4 and 'data-plan="problems"' in page
    assert page.count('id="add_large-error"') == 1  # the slot once, not once more out of band


def test_an_official_changes_a_target_and_the_change_is_recorded(client, login_as, db):
    build_world(db)
    official = login_as(Role.OFFICIAL)
    data = {"year": "2027", "metric": "trainees", "value": "6500", "reason": "예산 증액"}
    response = client.post("/dashboard/targets", data=data)
    assert response.status_code == 303
    target = db.session.scalars(
        sa.select(YearlyTarget).where(
            YearlyTarget.year == 2027, YearlyTarget.metric == TargetMetric.TRAINEES
        )
    ).one()
    assert (target.value, target.from_source, target.set_by_id) == (6500, False, official.id)
    change = db.session.scalars(sa.select(KpiSettingChange)).one()
    assert (change.setting, change.old_value, change.new_value) == (KpiSetting.TRAINEES, 5980, 6500)
    page = client.get("/dashboard/targets").get_data(as_text=True)
    assert "6,500" in page and "예산 증액" in page
    bad = client.post(
        "/dashboard/targets", data={"year": "2027", "metric": "trainees", "value": "-5"}
    )
    assert bad.status_code == 422 and 'value="-5"' in bad.get_data(as_text=True)


def test_an_official_raises_the_pay_floor_and_the_quality_rate_follows(client, login_as, db):
    build_world(db)
    login_as(Role.OFFICIAL)
    before = client.get(f"/api/v1/kpi?year=2025&as_of={AS_OF}").get_json()["quality_employed"]
    response = client.post(
        "/dashboard/quality-rules",
        data={
            "year": "2025",
            "monthly_pay_floor": "2600000",
            "min_weekly_hours": "35",
            "min_contract_months": "12",
            "reason": "서울형 생활임금 반영",
        },
    )
    assert response.status_code == 303
    assert db.session.scalars(sa.select(QualityRule)).one().monthly_pay_floor == 2_600_000
    assert db.session.scalar(sa.select(sa.func.count(KpiSettingChange.id))) == 1
    after = client.get(f"/api/v1/kpi?year=2025&as_of={AS_OF}").get_json()["quality_employed"]
    assert before > 0 and after == 0  # every job in the world pays 2,500,000


def test_admin_sees_targets_but_cannot_change_them(client, login_as, db):
    login_as(Role.ADMIN)
    assert client.get("/dashboard/targets").status_code == 200
    assert (
        client.post(
            "/dashboard/targets", data={"year": "2027", "metric": "trainees", "value": "1"}
        ).status_code
        == 403
    )


def test_a_campus_without_cohorts_still_renders(client, login_as, db):
    campus = factories.CampusFactory()
    db.session.commit()
    login_as(Role.COORDINATOR, campus=campus)
    response = client.get(f"/dashboard/campus/{campus.id}?year=2025")
    assert response.status_code == 200
