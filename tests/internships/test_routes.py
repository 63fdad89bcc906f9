import re
from datetime import date

import sqlalchemy as sa

from academy.internships.services import PICKER_LIMIT
from academy.models import (
    HostOrganisation,
    InternshipOpening,
    InternshipPlacement,
    InternshipProgramme,
    PlacementStatus,
    Role,
)
from tests import factories
from tests.conftest import count_rows
from tests.test_query_counts import grow, queries_for


def test_coordinator_places_a_campus_trainee_and_sees_it_counted(client, login_as, db):
    campus = factories.CampusFactory()
    enrolment = factories.EnrolmentFactory(cohort=factories.CohortFactory(campus=campus))
    opening = factories.InternshipOpeningFactory(programme=InternshipProgramme.CITY_ADMIN_LINKED)
    db.session.commit()
    login_as(Role.COORDINATOR, campus=campus)
    url = f"/internships/openings/{opening.id}"
    assert enrolment.trainee.name not in client.get(url).get_data(as_text=True)
    page = client.get(url, query_string={"q": enrolment.trainee.name[:2]}).get_data(as_text=True)
    assert enrolment.trainee.name in page
    response = client.post(
        f"/internships/openings/{opening.id}/placements",
        data={
            "trainee_id": enrolment.trainee_id,
            "starts_on": "2025-09-01",
            "ends_on": "",
            "paid": "y",
            "weekly_hours": "",
        },
    )
    assert response.status_code == 303
    placement = db.session.scalar(sa.select(InternshipPlacement))
    assert placement.campus_id == campus.id and placement.paid
    html = client.get("/internships/?year=2025").get_data(as_text=True)
    assert enrolment.trainee.name in html and "시정 연계" in html


def test_coordinator_cannot_place_another_campus_trainee(client, login_as, db):
    outsider = factories.EnrolmentFactory()
    opening = factories.InternshipOpeningFactory()
    db.session.commit()
    login_as(Role.COORDINATOR)
    data = {"trainee_id": outsider.trainee_id, "starts_on": "2025-09-01"}
    response = client.post(f"/internships/openings/{opening.id}/placements", data=data)
    assert response.status_code == 422 and count_rows(InternshipPlacement) == 0


def test_a_full_opening_is_refused_with_the_reason(client, login_as, db):
    campus = factories.CampusFactory()
    enrolment = factories.EnrolmentFactory(cohort=factories.CohortFactory(campus=campus))
    opening = factories.InternshipOpeningFactory(seats=1)
    factories.InternshipPlacementFactory(opening=opening)
    db.session.commit()
    login_as(Role.COORDINATOR, campus=campus)
    data = {"trainee_id": enrolment.trainee_id, "starts_on": "2025-09-01"}
    response = client.post(f"/internships/openings/{opening.id}/placements", data=data)
    assert response.status_code == 422
    assert "모두 찼습니다" in response.get_data(as_text=True)


def test_coordinator_updates_only_their_campus_placements(client, login_as, db):
    campus = factories.CampusFactory()
    mine = factories.InternshipPlacementFactory(campus=campus)
    theirs = factories.InternshipPlacementFactory(campus=factories.CampusFactory())
    db.session.commit()
    login_as(Role.COORDINATOR, campus=campus)
    response = client.post(
        f"/internships/placements/{mine.id}", data={"status": "completed", "ends_on": "2025-11-28"}
    )
    assert response.status_code == 303
    db.session.refresh(mine)
    assert mine.status == PlacementStatus.COMPLETED and mine.ends_on == date(2025, 11, 28)
    assert (
        client.post(f"/internships/placements/{theirs.id}", data={"status": "dropped"}).status_code
        == 404
    )


def test_official_sees_counts_by_programme_and_campus_without_names(client, login_as, db):
    campus = factories.CampusFactory(name="마포캠퍼스")
    placement = factories.InternshipPlacementFactory(
        campus=campus, opening__programme=InternshipProgramme.YOUTH_JOB_CAMP
    )
    db.session.commit()
    login_as(Role.OFFICIAL)
    html = client.get("/internships/?year=2025").get_data(as_text=True)
    assert "마포캠퍼스" in html and "서울형 청년 인턴 직무캠프" in html
    assert placement.trainee.name not in html
    fragment = client.get("/internships/?year=2025", headers={"HX-Request": "true"})
    assert "<html" not in fragment.get_data(as_text=True)


def test_staff_add_hosts_and_openings(client, login_as, db):
    login_as(Role.COORDINATOR)
    response = client.post(
        "/internships/hosts",
        data={"name": "서울특별시 교통정책과", "public_sector": "y", "alliance_member_id": "0"},
    )
    assert response.status_code == 303
    host = db.session.scalar(sa.select(HostOrganisation))
    assert host.public_sector and host.alliance_member_id is None
    data = {
        "host_id": host.id,
        "programme": "city_admin_linked",
        "title": "교통 데이터 분석",
        "starts_on": "2025-09-01",
        "ends_on": "2025-08-01",
        "seats": "3",
        "paid": "y",
        "weekly_hours": "40",
    }
    assert client.post("/internships/openings", data=data).status_code == 422
    data["ends_on"] = "2025-12-19"
    assert client.post("/internships/openings", data=data).status_code == 303
    assert db.session.scalar(sa.select(InternshipOpening.title)) == "교통 데이터 분석"
    listing = client.get("/internships/openings?year=2025").get_data(as_text=True)
    assert "교통 데이터 분석" in listing


def test_internship_pages_do_not_grow_with_the_data(client, login_as, db):
    campus = factories.CampusFactory()

    def more():
        factories.InternshipPlacementFactory(campus=campus)
        db.session.commit()

    more()
    login_as(Role.COORDINATOR, campus=campus)
    urls = ["/internships/?year=2025", "/internships/openings?year=2025"]
    small = [queries_for(client, url) for url in urls]
    for _ in range(6):
        more()
    assert [queries_for(client, url) for url in urls] == small


def test_the_trainee_picker_searches_and_never_lists_the_whole_campus(client, login_as, db):
    campus = factories.CampusFactory()
    cohort = factories.CohortFactory(campus=campus)
    for n in range(PICKER_LIMIT + 3):
        user = factories.UserFactory(role=Role.TRAINEE, name=f"김사관{n:02d}")
        factories.EnrolmentFactory(cohort=cohort, trainee__user=user)
    other = factories.EnrolmentFactory(trainee__user__name="김다른")  # another campus
    opening = factories.InternshipOpeningFactory()
    db.session.commit()
    login_as(Role.COORDINATOR, campus=campus)
    url = f"/internships/openings/{opening.id}"

    def options(text, **headers):
        html = client.get(url, query_string={"q": text}, headers=headers).get_data(as_text=True)
        return re.findall(r'<option[^>]*value="(\d+)"', html), html

    listed, html = options("김")
    assert 0 < len(listed) - 1 <= PICKER_LIMIT and f"처음 {PICKER_LIMIT}명" in html
    assert str(other.trainee_id) not in listed
    listed, _html = options("김사관22")
    assert len(listed) == 2
    listed, _html = options("김다른")  # the other campus's trainee is not found
    assert listed == ["0"]
    listed, fragment = options("김사관0", **{"HX-Request": "true"})
    assert fragment.lstrip().startswith('<div id="trainee-picker"') and len(listed) == 11


def test_the_opening_page_does_not_grow_with_the_campus_history(client, login_as, db):
    campus = factories.CampusFactory()
    opening = factories.InternshipOpeningFactory()
    db.session.commit()
    login_as(Role.COORDINATOR, campus=campus)
    url = f"/internships/openings/{opening.id}?q=김"

    def kims(n):  # n more cohorts of n trainees, every one a match
        for _ in range(n):
            cohort = factories.CohortFactory(campus=campus)
            for _ in range(n):
                factories.EnrolmentFactory(cohort=cohort, trainee__user__name="김" + str(n))
        db.session.commit()

    kims(2)
    small = queries_for(client, url)
    kims(6)
    grow(campus, 3)
    assert queries_for(client, url) == small
    html = client.get(url).get_data(as_text=True)
    assert len(re.findall(r"<option", html)) == PICKER_LIMIT + 1  # and its rows do not grow either
    assert queries_for(client, url.removesuffix("?q=김")) <= small


def test_a_hostile_trainee_id_is_refused(client, login_as, db):
    campus = factories.CampusFactory()
    opening = factories.InternshipOpeningFactory()
    db.session.commit()
    login_as(Role.COORDINATOR, campus=campus)
    for trainee_id in ("99999999999999999999", "-1", "x", "0"):
        data = {"trainee_id": trainee_id, "starts_on": "2025-09-01"}
        response = client.post(f"/internships/openings/{opening.id}/placements", data=data)
        assert response.status_code == 422
    assert count_rows(InternshipPlacement) == 0


def test_a_placement_update_with_a_date_outside_the_calendar_span_says_why(client, login_as, db):
    """An end date in year 1 (a date field lets one through) gave a 500: the message of the
    app's date field is a lazy string, which the flash joined as text."""
    campus = factories.CampusFactory()
    mine = factories.InternshipPlacementFactory(campus=campus)
    db.session.commit()
    login_as(Role.COORDINATOR, campus=campus)

    response = client.post(
        f"/internships/placements/{mine.id}",
        data={"status": "completed", "ends_on": "0001-01-01"},
        follow_redirects=True,
    )

    assert response.status_code == 200
    assert "1900" in response.get_data(as_text=True)
    db.session.refresh(mine)
    assert mine.ends_on != date(1, 1, 1)
