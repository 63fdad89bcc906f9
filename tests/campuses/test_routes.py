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


def test_the_campus_page_steps_back_a_year_at_a_time_and_never_to_a_refused_year(
    client, login_as, db
):
    """The default view lists cohorts ending this year on; older ones are a year per page,
    each linked from the next, and every link it offers opens (none below MIN_YEAR)."""
    import re
    from datetime import date

    from academy.clock import seoul_today
    from academy.parameters import MIN_YEAR

    campus = factories.CampusFactory()
    factories.CohortFactory(
        campus=campus, course__campus=campus, code="OLD-2021", starts_on=date(2021, 3, 2)
    )
    this_year = seoul_today().year
    factories.CohortFactory(
        campus=campus, course__campus=campus, code="NOW", starts_on=date(this_year, 1, 5)
    )
    db.session.commit()
    login_as(Role.COORDINATOR, campus=campus)
    page = client.get(f"/campuses/{campus.id}")
    assert "OLD-2021" not in page.get_data(as_text=True)
    year, seen = None, []
    url = f"/campuses/{campus.id}"
    while url:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        if year == 2021:
            assert "OLD-2021" in html
        seen.append(year)
        found = re.search(rf'href="(/campuses/{campus.id}\?year=(\d+))"', html)
        url, year = (found.group(1), int(found.group(2))) if found else (None, None)
        assert year is None or year >= MIN_YEAR
    assert seen[-1] == MIN_YEAR and 2021 in seen
