from academy.models import Role
from tests import factories


def test_overview_full_page_and_htmx_fragment(client, login_as, db):
    factories.CampusFactory(name="종로캠퍼스", floor_area_m2=2237)
    factories.CampusFactory(name="중구캠퍼스", floor_area_m2=494)
    db.session.commit()
    login_as(Role.OFFICIAL)
    page = client.get("/campuses/?year=2025")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<html" in html and "종로캠퍼스" in html and "중구캠퍼스" in html
    fragment = client.get("/campuses/?year=2025&tier=large", headers={"HX-Request": "true"})
    part = fragment.get_data(as_text=True)
    assert "<html" not in part
    assert "종로캠퍼스" in part and "중구캠퍼스" not in part


def test_overview_ignores_bad_filters_instead_of_failing(client, login_as, db):
    factories.CampusFactory(name="종로캠퍼스")
    db.session.commit()
    login_as(Role.OFFICIAL)
    response = client.get("/campuses/?year=abc&tier=huge&kind=moon")
    assert response.status_code == 200
    assert "종로캠퍼스" in response.get_data(as_text=True)


def test_coordinator_home_lists_their_cohorts(client, login_as, db):
    campus = factories.CampusFactory()
    cohort = factories.CohortFactory(campus=campus, code="JONGNO-2025-01")
    other = factories.CohortFactory(code="JUNG-2025-01")
    factories.EnrolmentFactory(cohort=cohort)
    db.session.commit()
    login_as(Role.COORDINATOR, campus=campus)
    html = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert "JONGNO-2025-01" in html
    assert other.code not in html
