"""Masking rules (academy/privacy.py) and where they apply: officials never see a trainee's full
name; coordinators see names on their own campus's working pages; exports are masked."""

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from academy.extensions import db
from academy.models import ClaimStatus, InstructorAssignment, Role
from academy.privacy import birth_year, mask_birth_date, mask_name, mask_phone, sees_full_names
from tests import factories


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("홍길동", "홍*동"),
        ("김수", "김*"),
        ("남궁민수", "남**수"),
        ("황보하늘별", "황***별"),
        ("김", "김"),
        ("", ""),
        (None, ""),
        ("  홍길동 ", "홍*동"),
        ("Madonna", "M*****a"),
        ("John Smith", "J*** S****"),
        ("마이클 잭슨", "마** 잭*"),
        ("Nguyen Van An", "N***** V** A*"),
    ],
)
def test_a_name_keeps_only_its_first_and_last_letters(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("010-1234-5678", "010-****-5678"),
        ("01012345678", "010-****-5678"),
        ("010 1234 5678", "010-****-5678"),
        ("011-123-4567", "011-***-4567"),
        ("1012345678", "010-****-5678"),  # an Excel number that lost its leading 0
        ("+82 10-1234-5678", "010-****-5678"),
        ("02-123-4567", "02-***-4567"),
        ("02-1234-5678", "02-****-5678"),
        ("031-123-4567", "031-***-4567"),
        ("(555) 010-9999 ext 12", "(***) ***-**99 ext 12"),
        ("1234", "****"),
        ("", ""),
        ("   ", ""),
        (None, ""),
    ],
)
def test_a_phone_keeps_its_prefix_and_last_four_digits(phone, masked):
    assert mask_phone(phone) == masked


def test_an_odd_phone_never_shows_more_than_four_digits():
    for odd in ("555-0100-9999-1", "+1 (202) 555-0172", "tel 7"):
        shown = [c for c in mask_phone(odd) if c.isdigit()]
        assert len(shown) <= 4


def test_a_birth_date_keeps_the_year_only():
    assert mask_birth_date(date(1999, 4, 12)) == "1999-**-**"
    assert birth_year(date(1999, 4, 12)) == "1999"
    assert mask_birth_date(None) == "" and birth_year(None) == ""


def test_who_sees_full_names(db):
    campus, other = factories.CampusFactory(), factories.CampusFactory()
    users = {
        r: factories.UserFactory(role=r, campus=campus if r == Role.COORDINATOR else None)
        for r in Role
    }
    db.session.flush()
    assert not sees_full_names(users[Role.OFFICIAL], campus.id)
    assert sees_full_names(users[Role.COORDINATOR], campus.id)
    assert not sees_full_names(users[Role.COORDINATOR], other.id)
    assert sees_full_names(users[Role.ADMIN], other.id)
    assert sees_full_names(users[Role.INSTRUCTOR], campus.id)
    assert not sees_full_names(None)


NAME, PHONE = "홍길동", "010-2468-1357"
REASON = {"reason": "other", "reason_other": "예산 집행 점검"}


@pytest.fixture
def named(db):
    campus = factories.CampusFactory()
    cohort = factories.CohortFactory(campus=campus)
    trainee = factories.TraineeFactory(user__name=NAME, phone=PHONE, birth_date=date(1999, 4, 12))
    enrolment = factories.EnrolmentFactory(cohort=cohort, trainee=trainee)
    placement = factories.InternshipPlacementFactory(trainee=trainee, campus=campus)
    attempt = factories.ExamAttemptFactory(trainee=trainee, cohort=cohort)
    programme = factories.SubsidyProgrammeFactory(year=2025)
    factories.SubsidyClaimFactory(
        programme=programme,
        exam_attempt=attempt,
        trainee=trainee,
        campus=campus,
        status=ClaimStatus.SUBMITTED,
        applied_on=date(2025, 6, 20),
    )
    db.session.commit()
    return {
        "campus": campus,
        "cohort": cohort,
        "enrolment": enrolment,
        "placement": placement,
        "programme": programme,
    }


def official_pages(w):
    c = w["cohort"].id
    return [
        f"/cohorts/{c}",
        f"/cohorts/{c}/attendance",
        f"/cohorts/{c}/sessions",
        f"/internships/openings/{w['placement'].opening_id}",
        "/internships/",
        f"/subsidies/programmes/{w['programme'].id}",
    ]


def test_officials_see_trainee_names_masked_everywhere(client, login_as, named):
    login_as(Role.OFFICIAL)
    seen_masked = []
    for url in official_pages(named):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.get_data(as_text=True)
        assert NAME not in page, url
        assert PHONE not in page and "1999-04-12" not in page, url
        if "홍*동" in page:
            seen_masked.append(url)
    # The roster names everyone; the other pages list people only on a session day or not at all.
    assert "/cohorts/" in " ".join(seen_masked), seen_masked


def test_coordinators_see_full_names_on_their_working_pages_but_no_phone(client, login_as, named):
    login_as(Role.COORDINATOR, campus=named["campus"])
    cohort = named["cohort"].id
    for url in (f"/cohorts/{cohort}", "/subsidies/claims", f"/certifications/cohorts/{cohort}"):
        page = client.get(url).get_data(as_text=True)
        assert NAME in page, url
        assert PHONE not in page and "2468" not in page, url


def test_the_trainee_record_shows_the_phone_to_their_coordinator(client, login_as, named):
    login_as(Role.COORDINATOR, campus=named["campus"])
    page = client.get(f"/trainees/{named['enrolment'].trainee_id}").get_data(as_text=True)
    assert NAME in page and PHONE in page


def test_instructors_call_the_roll_with_full_names(client, login_as, named):
    user = login_as(Role.INSTRUCTOR)
    db.session.add(InstructorAssignment(cohort=named["cohort"], instructor=user.instructor))
    db.session.commit()
    page = client.get(f"/cohorts/{named['cohort'].id}").get_data(as_text=True)
    assert NAME in page and PHONE not in page


def _cells(content: bytes) -> list[str]:
    workbook = load_workbook(BytesIO(content))
    return [
        str(cell.value)
        for sheet in workbook
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    ]


@pytest.mark.parametrize("role", [Role.OFFICIAL, Role.COORDINATOR])
def test_the_subsidy_ledger_export_masks_names(client, login_as, named, role):
    login_as(role, campus=named["campus"] if role == Role.COORDINATOR else None)
    response = client.get(
        f"/subsidies/programmes/{named['programme'].id}/ledger.xlsx", query_string=REASON
    )
    assert response.status_code == 200
    cells = _cells(response.data)
    assert "홍*동" in cells
    assert not any(NAME in c or "2468" in c or "1999-04-12" in c for c in cells)
