import io
import re
from datetime import date, timedelta
from html import unescape

import pytest
import sqlalchemy as sa

from academy.clock import seoul_today
from academy.models import (
    AccessAction,
    AccessLog,
    CareerField,
    CareerPeriod,
    InstructorAssignment,
    Role,
)
from academy.parameters import MIN_YEAR
from tests import factories
from tests.conftest import count_rows
from tests.factories import EVIDENCE_PDF
from tests.test_query_counts import queries_for

PDF = EVIDENCE_PDF


def career_form(**overrides):
    data = {
        "employer": "서울데이터랩",
        "role_title": "데이터 엔지니어",
        "field": CareerField.SOFTWARE.value,
        "starts_on": "2021-04-01",
        "ends_on": "",
        "evidence": (io.BytesIO(PDF), "경력증명서.pdf"),
    }
    data.update(overrides)
    return data


def test_instructor_adds_a_period_with_evidence_and_it_awaits_verification(client, login_as, db):
    user = login_as(Role.INSTRUCTOR)
    response = client.post(
        "/instructors/me/careers", data=career_form(), content_type="multipart/form-data"
    )
    assert response.status_code == 303
    # The confirmation at the top shows: the form's own #add-career is not carried over.
    assert response.headers["Location"] == "/instructors/me#main"
    period = db.session.scalar(sa.select(CareerPeriod))
    assert period.instructor_id == user.instructor.id and period.ends_on is None
    assert period.evidence_name == "경력증명서.pdf" and period.verified_at is None
    page = client.get("/instructors/me").get_data(as_text=True)
    assert "서울데이터랩" in page and "확인 대기" in page


def test_a_period_without_evidence_or_with_a_fake_file_is_refused_and_the_form_kept(
    client, login_as, db
):
    login_as(Role.INSTRUCTOR)
    no_file = career_form()
    del no_file["evidence"]
    response = client.post("/instructors/me/careers", data=no_file)
    assert response.status_code == 422
    assert "경력증명서를 첨부하세요" in response.get_data(as_text=True)
    # Back to the form below the fold with its errors, not to the top of the page.
    assert 'action="/instructors/me/careers#add-career"' in response.get_data(as_text=True)
    assert 'id="add-career"' in response.get_data(as_text=True)
    fake = career_form(evidence=(io.BytesIO(b"<html>nope</html>"), "cv.pdf"))
    response = client.post("/instructors/me/careers", data=fake, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="서울데이터랩"' in html
    assert count_rows(CareerPeriod) == 0


def test_end_before_start_is_refused(client, login_as, db):
    login_as(Role.INSTRUCTOR)
    response = client.post(
        "/instructors/me/careers",
        data=career_form(ends_on="2020-01-01"),
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert count_rows(CareerPeriod) == 0


def test_coordinator_verifies_a_period_of_their_campus_and_it_counts(client, login_as, db):
    campus = factories.CampusFactory()
    instructor = factories.InstructorFactory(campus=campus)
    period = factories.CareerPeriodFactory(
        instructor=instructor, verified_at=None, starts_on=date(2018, 1, 1), ends_on=None
    )
    db.session.commit()
    coordinator = login_as(Role.COORDINATOR, campus=campus)
    before = client.get(f"/instructors/{instructor.id}").get_data(as_text=True)
    assert "자격 미달" in before

    response = client.post(f"/instructors/careers/{period.id}/verify")
    assert response.status_code == 303
    db.session.refresh(period)
    assert period.verified_by_id == coordinator.id and period.verified_at is not None
    after = client.get(f"/instructors/{instructor.id}").get_data(as_text=True)
    assert "강의 자격 충족" in after
    log = db.session.scalar(sa.select(AccessLog).where(AccessLog.subject_type == "career_period"))
    assert (log.user_id, log.action) == (coordinator.id, AccessAction.UPDATE)


def test_coordinator_cannot_verify_or_see_another_campus_instructor(client, login_as, db):
    period = factories.CareerPeriodFactory(
        verified_at=None, instructor__campus=factories.CampusFactory()
    )
    db.session.commit()
    login_as(Role.COORDINATOR)
    assert client.post(f"/instructors/careers/{period.id}/verify").status_code == 404
    assert client.get(f"/instructors/{period.instructor_id}").status_code == 404
    db.session.refresh(period)
    assert period.verified_at is None


def test_evidence_downloads_as_an_attachment_for_the_owner_and_their_coordinator(
    client, login_as, db, app
):
    user = login_as(Role.INSTRUCTOR)
    client.post("/instructors/me/careers", data=career_form(), content_type="multipart/form-data")
    period = db.session.scalar(sa.select(CareerPeriod))
    own = client.get(f"/instructors/careers/{period.id}/evidence")
    assert own.status_code == 200 and own.data == PDF
    assert own.headers["Content-Disposition"].startswith("attachment")

    other = app.test_client()
    intruder = factories.UserFactory(role=Role.INSTRUCTOR, password_hash=_hash())
    factories.InstructorFactory(user=intruder)
    db.session.commit()
    other.post("/login", data={"email": intruder.email, "password": "correct-horse-battery"})
    assert other.get(f"/instructors/careers/{period.id}/evidence").status_code == 404
    assert user.id != intruder.id


def test_an_official_sees_that_evidence_is_on_file_without_a_link_they_cannot_open(
    client, login_as, db
):
    """Officials read an instructor's page but may not download the evidence: the page named
    the file as a link that led to a 403."""
    instructor = login_as(Role.INSTRUCTOR).instructor
    client.post("/instructors/me/careers", data=career_form(), content_type="multipart/form-data")
    period = db.session.scalar(sa.select(CareerPeriod))
    evidence_url = f"/instructors/careers/{period.id}/evidence"
    client.post("/logout")
    login_as(Role.OFFICIAL)
    page = client.get(f"/instructors/{instructor.id}").get_data(as_text=True)
    assert "경력증명서.pdf" in page
    assert evidence_url not in page
    assert client.get(evidence_url).status_code == 403


def _hash():
    from academy.auth.passwords import hash_password

    return hash_password("correct-horse-battery")


def test_instructor_deletes_an_unverified_period_but_not_a_verified_one(client, login_as, db):
    user = login_as(Role.INSTRUCTOR)
    pending = factories.CareerPeriodFactory(instructor=user.instructor, verified_at=None)
    verified = factories.CareerPeriodFactory(instructor=user.instructor)
    db.session.commit()
    assert client.post(f"/instructors/me/careers/{pending.id}/delete").status_code == 303
    assert client.post(f"/instructors/me/careers/{verified.id}/delete").status_code == 303
    assert db.session.scalars(sa.select(CareerPeriod.id)).all() == [verified.id]


@pytest.fixture
def cohort_with_candidates(db):
    campus = factories.CampusFactory()
    cohort = factories.CohortFactory(campus=campus, starts_on=date(2025, 3, 3))
    qualified = factories.InstructorFactory(campus=campus)
    factories.CareerPeriodFactory(instructor=qualified, starts_on=date(2019, 1, 1), ends_on=None)
    short = factories.InstructorFactory(campus=campus)
    factories.CareerPeriodFactory(
        instructor=short, starts_on=date(2023, 8, 1), ends_on=date(2025, 2, 28)
    )
    db.session.commit()
    return cohort, qualified, short


def test_cohort_page_lists_candidates_with_their_qualification(
    client, login_as, cohort_with_candidates
):
    cohort, qualified, short = cohort_with_candidates
    login_as(Role.COORDINATOR, campus=cohort.campus)
    html = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    assert f"{short.name} · 자격 미달 (1년 7개월, 5개월 부족)" in html
    assert f"{qualified.name} · 자격 충족 (6년 2개월)" in html


def test_assigning_an_unqualified_instructor_is_refused_with_the_shortfall(
    client, login_as, db, cohort_with_candidates
):
    cohort, _, short = cohort_with_candidates
    login_as(Role.COORDINATOR, campus=cohort.campus)
    response = client.post(
        f"/instructors/cohorts/{cohort.id}",
        data={"cohort_id": cohort.id, "instructor_id": short.id, "role": "lead"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "1년 7개월, 5개월 부족" in html and "배정할 수 없습니다" in html
    assert count_rows(InstructorAssignment) == 0


def test_assigning_a_qualified_instructor_shows_on_the_cohort_page(
    client, login_as, db, cohort_with_candidates
):
    cohort, qualified, _ = cohort_with_candidates
    login_as(Role.COORDINATOR, campus=cohort.campus)
    data = {"cohort_id": cohort.id, "instructor_id": qualified.id, "role": "lead"}
    response = client.post(f"/instructors/cohorts/{cohort.id}", data=data)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/cohorts/{cohort.id}"
    again = client.post(f"/instructors/cohorts/{cohort.id}", data=data)
    assert again.status_code == 422  # no longer a candidate: assigned once only
    assert count_rows(InstructorAssignment) == 1
    html = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    assert "책임 강사" in html

    assignment = db.session.scalar(sa.select(InstructorAssignment))
    assert client.post(f"/instructors/assignments/{assignment.id}/delete").status_code == 303
    assert count_rows(InstructorAssignment) == 0


def test_coordinator_cannot_assign_to_another_campus_cohort(
    client, login_as, db, cohort_with_candidates
):
    cohort, qualified, _ = cohort_with_candidates
    login_as(Role.COORDINATOR)
    data = {"cohort_id": cohort.id, "instructor_id": qualified.id}
    response = client.post(f"/instructors/cohorts/{cohort.id}", data=data)
    assert response.status_code == 404


def test_list_shows_who_qualifies_as_full_page_and_fragment(
    client, login_as, cohort_with_candidates
):
    cohort, qualified, short = cohort_with_candidates
    login_as(Role.COORDINATOR, campus=cohort.campus)
    html = client.get("/instructors/").get_data(as_text=True)
    assert "<html" in html and qualified.name in html and short.name in html
    assert "자격 충족" in html and "자격 미달" in html
    fragment = client.get("/instructors/", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and short.name in fragment


def test_official_filters_the_list_by_campus(client, login_as, cohort_with_candidates):
    cohort, qualified, _ = cohort_with_candidates
    elsewhere = factories.InstructorFactory(campus=factories.CampusFactory())
    login_as(Role.OFFICIAL)
    everyone = client.get("/instructors/").get_data(as_text=True)
    assert qualified.name in everyone and elsewhere.name in everyone
    filtered = client.get(f"/instructors/?campus={cohort.campus_id}").get_data(as_text=True)
    assert qualified.name in filtered and elsewhere.name not in filtered


def test_instructor_list_does_not_grow_with_instructors(client, login_as, db):
    campus = factories.CampusFactory()
    factories.CareerPeriodFactory(instructor__campus=campus)
    db.session.commit()
    login_as(Role.COORDINATOR, campus=campus)
    small = queries_for(client, "/instructors/")
    for _ in range(8):
        factories.CareerPeriodFactory(instructor__campus=campus, verified_at=None)
    db.session.commit()
    assert queries_for(client, "/instructors/") == small


def test_cohort_assignment_panel_does_not_grow_with_instructors(client, login_as, db):
    campus = factories.CampusFactory()
    cohort = factories.CohortFactory(campus=campus)

    def add_one_of_each():
        period = factories.CareerPeriodFactory(instructor__campus=campus)
        db.session.add(InstructorAssignment(cohort=cohort, instructor=period.instructor))
        factories.CareerPeriodFactory(instructor__campus=campus)  # a candidate
        db.session.commit()

    add_one_of_each()
    login_as(Role.COORDINATOR, campus=campus)
    small = queries_for(client, f"/instructors/cohorts/{cohort.id}")
    for _ in range(6):
        add_one_of_each()
    assert queries_for(client, f"/instructors/cohorts/{cohort.id}") == small


def taught(db, instructor, ends_on: date, code: str):
    cohort = factories.CohortFactory(
        campus=instructor.campus, code=code, starts_on=ends_on - timedelta(weeks=20)
    )
    cohort.ends_on = ends_on
    db.session.add(InstructorAssignment(cohort=cohort, instructor=instructor))
    return cohort


def walk_back(client, url: str, until: str) -> tuple[str, int]:
    """Follow the page's step back a year at a time until `until` shows: (that page, steps)."""
    html, steps = client.get(url).get_data(as_text=True), 0
    while until not in html:
        step = re.search(rf'href="({re.escape(url)}\?year=\d+)"', html)
        assert step, f"no step back a year before {until} shows"
        html, steps = client.get(unescape(step.group(1))).get_data(as_text=True), steps + 1
    return html, steps


@pytest.mark.parametrize("own", [False, True], ids=["coordinator's view", "own page"])
def test_instructor_pages_show_recent_cohorts_and_step_back_a_year_to_older_ones(
    client, login_as, db, own
):
    today = seoul_today()
    campus = factories.CampusFactory()
    if own:
        instructor = login_as(Role.INSTRUCTOR, campus=campus).instructor
        url = "/instructors/me"
    else:
        instructor = factories.InstructorFactory(campus=campus)
        url = f"/instructors/{instructor.id}"
    running = taught(db, instructor, today + timedelta(days=30), "RUN-1")
    last_year = taught(db, instructor, date(today.year - 1, 6, 30), "LAST-1")
    old = taught(db, instructor, date(today.year - 3, 6, 30), "OLD-1")
    factories.CareerPeriodFactory(
        instructor=instructor, employer="옛날데이터", starts_on=date(2005, 1, 1), ends_on=None
    )
    db.session.commit()
    if not own:
        login_as(Role.COORDINATOR, campus=campus)

    recent = client.get(url).get_data(as_text=True)
    assert running.code in recent and last_year.code in recent and old.code not in recent
    assert "옛날데이터" in recent  # careers are complete in every view
    assert f"{today.year - 1}년 이후에 끝나는 기수입니다." in recent

    html, steps = walk_back(client, url, old.code)
    assert steps == 2
    assert f"{today.year - 3}년에 끝난 기수입니다." in html
    assert running.code not in html and "옛날데이터" in html
    assert f'href="/cohorts/{old.id}"' in html
    assert client.get(f"/cohorts/{old.id}").status_code == 200
    assert f'href="{url}"' in html  # back to the current and recent cohorts


def test_the_step_back_stops_at_the_first_year_a_filter_accepts(client, login_as, db):
    login_as(Role.INSTRUCTOR, campus=factories.CampusFactory())
    html = client.get(f"/instructors/me?year={MIN_YEAR}").get_data(as_text=True)
    assert f"year={MIN_YEAR - 1}" not in html
    assert 'href="/instructors/me"' in html  # the way back to the current cohorts
    assert client.get(f"/instructors/me?year={MIN_YEAR - 1}").status_code == 400


def test_a_coordinator_sees_only_their_campus_cohorts_of_an_instructor_who_teaches_elsewhere(
    client, login_as, db
):
    """An instructor of campus B attached to campus A: A's coordinator sees the instructor and
    A's cohorts, not B's cohort codes and links (B's cohort pages are a 404 for them)."""
    from academy.models import InstructorCampus

    today = seoul_today()
    home, here = factories.CampusFactory(), factories.CampusFactory()
    instructor = factories.InstructorFactory(campus=home)
    theirs = taught(db, instructor, today + timedelta(days=30), "HOME-1")
    ours = factories.CohortFactory(campus=here, code="HERE-1", starts_on=today - timedelta(days=10))
    ours.ends_on = today + timedelta(days=60)
    db.session.add(InstructorAssignment(cohort=ours, instructor=instructor))
    db.session.add(InstructorCampus(instructor=instructor, campus=here))
    db.session.commit()
    login_as(Role.COORDINATOR, campus=here)

    html = client.get(f"/instructors/{instructor.id}").get_data(as_text=True)

    assert "HERE-1" in html and f'href="/cohorts/{ours.id}"' in html
    assert "HOME-1" not in html and f"/cohorts/{theirs.id}" not in html
    assert client.get(f"/cohorts/{theirs.id}").status_code == 404
