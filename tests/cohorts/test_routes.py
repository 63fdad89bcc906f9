import re
from datetime import date, datetime

from academy.models import AttendanceMark, ClassSession, Mark, OutcomeCode, OutcomeRecord, Role
from tests import factories


def test_roster_shows_attendance_rate_and_current_outcome(client, login_as, db):
    campus = factories.CampusFactory()
    cohort = factories.CohortFactory(campus=campus, starts_on=date(2025, 3, 3))
    enrolment = factories.EnrolmentFactory(cohort=cohort)
    for day, mark in zip(range(3, 8), [Mark.PRESENT] * 4 + [Mark.ABSENT], strict=True):
        session = ClassSession(cohort=cohort, held_on=date(2025, 3, day))
        db.session.add(AttendanceMark(session=session, enrolment=enrolment, mark=mark))
    db.session.add_all(
        [
            OutcomeRecord(enrolment=enrolment, version=1, code=OutcomeCode.S1),
            OutcomeRecord(
                enrolment=enrolment,
                version=2,
                code=OutcomeCode.E1,
                starts_on=date(2025, 9, 1),
                employer="테스트주식회사",
                verified_at=datetime(2025, 9, 10),
            ),
        ]
    )
    db.session.commit()
    login_as(Role.COORDINATOR, campus=campus)
    html = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    assert enrolment.trainee.user.name in html
    assert "80" in html and "%" in html
    assert ">E1<" in html and ">S1<" not in html
    fragment = client.get(f"/cohorts/{cohort.id}", headers={"HX-Request": "true"})
    assert "<html" not in fragment.get_data(as_text=True)


def test_instructors_do_not_see_outcomes(client, login_as, db):
    campus = factories.CampusFactory()
    cohort = factories.CohortFactory(campus=campus)
    enrolment = factories.EnrolmentFactory(cohort=cohort)
    db.session.add(OutcomeRecord(enrolment=enrolment, code=OutcomeCode.S1))
    db.session.commit()
    user = login_as(Role.INSTRUCTOR)
    from academy.models import InstructorAssignment

    db.session.add(InstructorAssignment(cohort=cohort, instructor=user.instructor))
    db.session.commit()
    html = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    assert enrolment.trainee.user.name in html
    assert ">S1<" not in html
    assert enrolment.trainee.phone not in html


# Planning, enrolment, attendance, imports and closing, through the pages (issue 3). -----------

import io  # noqa: E402
from datetime import timedelta  # noqa: E402

import openpyxl  # noqa: E402
import pytest  # noqa: E402

from academy.clock import seoul_today  # noqa: E402
from academy.cohorts import staging  # noqa: E402
from academy.models import (  # noqa: E402
    AccessLog,
    CampusKind,
    Cohort,
    Enrolment,
    EnrolmentStatus,
    User,
)
from tests.conftest import count_rows  # noqa: E402

HX = {"HX-Request": "true"}


def text_of(response) -> str:
    return response.get_data(as_text=True)


def xlsx_bytes(rows) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, url, data, name="명단.xlsx"):
    return client.post(
        url, data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )


@pytest.fixture
def campus(db):
    campus = factories.CampusFactory(name="종로캠퍼스")
    db.session.commit()
    return campus


@pytest.fixture
def coordinator(login_as, campus):
    return login_as(Role.COORDINATOR, campus=campus)


def test_officials_list_every_campus_cohorts_filtered_by_tier_and_kind(client, login_as, db):
    small = factories.CampusFactory(floor_area_m2=494)
    large = factories.CampusFactory(floor_area_m2=2237)
    bigtech = factories.CampusFactory(kind=CampusKind.BIGTECH, floor_area_m2=1500)
    factories.CohortFactory(campus=small, code="SMALL-2025-01")
    factories.CohortFactory(campus=large, code="LARGE-2025-01")
    factories.CohortFactory(campus=bigtech, code="BIG-2025-01")
    db.session.commit()
    login_as(Role.OFFICIAL)
    page = text_of(client.get("/cohorts/"))
    assert all(code in page for code in ("SMALL-2025-01", "LARGE-2025-01", "BIG-2025-01"))
    fragment = text_of(client.get("/cohorts/?tier=large&kind=district", headers=HX))
    assert "<html" not in fragment
    assert "LARGE-2025-01" in fragment and "SMALL-2025-01" not in fragment
    assert "BIG-2025-01" in text_of(client.get("/cohorts/?kind=bigtech"))
    assert "SMALL-2025-01" not in text_of(client.get("/cohorts/?kind=bigtech"))
    assert client.get("/cohorts/?tier=huge&kind=moon&year=x").status_code == 200


def test_a_coordinator_lists_only_their_campus(client, coordinator, campus, db):
    factories.CohortFactory(campus=campus, code="JONGNO-2025-01")
    factories.CohortFactory(code="OTHER-2025-01")
    db.session.commit()
    page = text_of(client.get("/cohorts/?tier=large"))
    assert "JONGNO-2025-01" in page and "OTHER-2025-01" not in page


def test_a_coordinator_creates_a_course_and_a_cohort_with_its_sessions(
    client, coordinator, campus, db
):
    room = factories.ClassroomFactory(campus=campus, name="강의실 1", seats=24)
    db.session.commit()
    response = client.post(
        "/cohorts/courses/new",
        data={
            "name": "AI 기초",
            "level": "beginner",
            "field": "AI",
            "attendance_threshold_pct": "80",
            "lates_per_absence": "3",
        },
    )
    assert response.status_code == 303
    course_id = campus.courses[0].id
    form = {
        "code": "jongno-2025-09",
        "course_id": course_id,
        "classroom_id": room.id,
        "starts_on": "2025-03-03",
        "ends_on": "2025-03-14",
        "capacity": "30",
    }
    refused = client.post("/cohorts/new", data=form)
    assert refused.status_code == 422
    assert "24" in text_of(refused) and 'value="jongno-2025-09"' in text_of(refused)
    created = client.post("/cohorts/new", data={**form, "capacity": "24"})
    assert created.status_code == 303
    cohort = Cohort.query.filter_by(code="JONGNO-2025-09").one()
    assert created.headers["Location"].endswith(f"/cohorts/{cohort.id}")
    assert len(cohort.sessions) == 9  # 3 March is the substitute holiday for 삼일절
    sessions = text_of(client.get(f"/cohorts/{cohort.id}/sessions"))
    assert "삼일절" in sessions


def test_an_instructor_cannot_create_or_edit(client, login_as, db):
    cohort = factories.CohortFactory()
    db.session.commit()
    login_as(Role.INSTRUCTOR)
    assert client.post("/cohorts/new", data={}).status_code == 403
    assert client.post(f"/cohorts/{cohort.id}/edit", data={}).status_code == 403


def test_the_enrolment_form_shows_every_problem_at_once_beside_its_field(
    client, coordinator, campus, db
):
    """The age rule is not held back until the other fields are right: a missing name, a bad
    phone, a 15-year-old and an e-mail already on the roster are all shown on the first try."""
    cohort = factories.CohortFactory(campus=campus, starts_on=date(2025, 3, 3))
    on_roster = factories.EnrolmentFactory(cohort=cohort, trainee__user__email="kim@example.com")
    db.session.commit()
    refused = client.post(
        f"/cohorts/{cohort.id}/enrol",
        data={"name": " ", "birth_date": "2010-01-01", "email": "Kim@Example.com", "phone": "12"},
    )
    assert refused.status_code == 422
    html = text_of(refused)
    for name in ("name", "birth_date", "email", "phone"):
        assert f'id="{name}-error"' in html, name  # beside the field
        assert f'href="#{name}"' in html, name  # and in the summary at the top
    assert "4개 항목을 고쳐야" in html
    birth_error = re.search(r'id="birth_date-error">(.*?)</p>', html, re.S)[1]
    assert "15" in birth_error  # the age, on the first try
    email_error = re.search(r'id="email-error">(.*?)</p>', html, re.S)[1]
    assert email_error.strip()
    assert html.count('aria-invalid="true"') == 4
    assert count_rows(Enrolment) == 1 and on_roster.cohort_id == cohort.id

    # A person who is right but too old: only the age is wrong, and it says so.
    old = client.post(
        f"/cohorts/{cohort.id}/enrol",
        data={"name": "박원로", "birth_date": "1980-01-01", "email": "park@example.com"},
    )
    html = text_of(old)
    assert old.status_code == 422 and 'id="birth_date-error"' in html
    assert 'id="name-error"' not in html and "1개 항목을 고쳐야" in html


def test_enrolment_form_checks_each_field_inline_and_keeps_the_data(
    client, coordinator, campus, db
):
    cohort = factories.CohortFactory(campus=campus, starts_on=date(2025, 3, 3), capacity=1)
    other = factories.CohortFactory(code="GURO-2025-01", starts_on=date(2025, 2, 3))
    busy = factories.EnrolmentFactory(cohort=other, trainee__user__email="busy@example.com")
    db.session.commit()
    url = f"/cohorts/{cohort.id}/enrol"
    young = client.post(
        f"{url}/check?field=birth_date", headers=HX, data={"birth_date": "2010-01-01"}
    )
    assert young.status_code == 200
    html = text_of(young)
    assert "<html" not in html and 'aria-invalid="true"' in html and "15" in html
    overlap = text_of(
        client.post(
            f"{url}/check?field=email",
            headers=HX,
            data={"email": "Busy@example.com", "birth_date": busy.trainee.birth_date.isoformat()},
        )
    )
    # The inline check says nothing about other people's records (issue 13, item 2); the
    # submitted form is refused, without naming the other campus's cohort.
    assert "GURO-2025-01" not in overlap and 'aria-invalid="true"' not in overlap
    clash = client.post(
        url,
        data={
            "name": "바쁨",
            "email": "busy@example.com",
            "birth_date": busy.trainee.birth_date.isoformat(),
        },
    )
    assert clash.status_code == 422 and "GURO-2025-01" not in text_of(clash)
    assert 'aria-invalid="true"' in text_of(clash)
    fine = text_of(
        client.post(f"{url}/check?field=email", headers=HX, data={"email": "new@example.com"})
    )
    assert "aria-invalid" not in fine
    refused = client.post(
        url, data={"name": "김어림", "birth_date": "2010-01-01", "email": "young@example.com"}
    )
    assert refused.status_code == 422
    assert 'value="김어림"' in text_of(refused) and count_rows(Enrolment) == 1
    done = client.post(
        url,
        data={
            "name": "김청년",
            "birth_date": "2000-01-01",
            "email": "adult@example.com",
            "phone": "01012345678",
        },
    )
    assert done.status_code == 303
    assert User.query.filter_by(email="adult@example.com").one().trainee.phone == "010-1234-5678"
    waitlisted = client.post(
        url,
        data={"name": "박대기", "birth_date": "2000-01-01", "email": "wait@example.com"},
        follow_redirects=True,
    )
    assert "박대기" in text_of(waitlisted)
    assert Enrolment.query.filter_by(status=EnrolmentStatus.WAITLISTED).count() == 1


def test_a_withdrawal_shows_the_coordinator_who_was_promoted(client, coordinator, campus, db):
    cohort = factories.CohortFactory(campus=campus, capacity=1, ends_on=date(2025, 7, 18))
    leaving = factories.EnrolmentFactory(cohort=cohort)
    factories.EnrolmentFactory(
        cohort=cohort,
        status=EnrolmentStatus.WAITLISTED,
        waitlist_position=1,
        trainee__user__name="대기일번",
    )
    db.session.commit()
    url = f"/cohorts/{cohort.id}/enrolments/{leaving.id}/leave"
    assert client.get(url).status_code == 200
    response = client.post(
        url, data={"left_on": "2025-04-01", "reason": "withdrawn"}, follow_redirects=True
    )
    html = text_of(response)
    assert "대기일번" in html and "notice--success" in html
    assert Enrolment.query.filter_by(status=EnrolmentStatus.WAITLISTED).count() == 0
    assert (
        db.session.scalar(
            db.select(Enrolment.promoted_at).where(Enrolment.status == EnrolmentStatus.ENROLLED)
        )
        is not None
    )


def sheet_world(db, campus):
    today = seoul_today()
    cohort = factories.CohortFactory(
        campus=campus, starts_on=today - timedelta(days=3), ends_on=today + timedelta(days=30)
    )
    from academy.models import ClassSession

    session = ClassSession(cohort=cohort, held_on=today - timedelta(days=1))
    db.session.add(session)
    enrolment = factories.EnrolmentFactory(cohort=cohort, trainee__user__name="출결대상")
    factories.EnrolmentFactory(cohort=cohort)
    db.session.commit()
    return cohort, session, enrolment


def test_one_click_on_the_sheet_swaps_the_row_and_the_count(client, coordinator, campus, db):
    cohort, session, enrolment = sheet_world(db, campus)
    page = text_of(client.get(f"/cohorts/{cohort.id}/attendance"))
    assert "출결대상" in page and 'aria-pressed="false"' in page
    url = f"/cohorts/{cohort.id}/attendance/{session.id}/marks/{enrolment.id}"
    row = client.post(url, data={"mark": "late"}, headers=HX)
    html = text_of(row)
    assert row.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith(f'<tr id="mark-{enrolment.id}"')
    assert 'value="late" class="krds-btn small mark mark--late"' in html
    assert 'aria-pressed="true">' in html and 'hx-swap-oob="true"' in html
    plain = client.post(url, data={"mark": "present"})
    assert plain.status_code == 303
    assert enrolment.marks[0].mark.value == "present"
    rest = client.post(f"/cohorts/{cohort.id}/attendance/{session.id}/present", headers=HX)
    assert rest.status_code == 200 and count_rows(type(enrolment.marks[0])) == 2


def test_instructors_mark_their_own_cohort_and_officials_only_look(client, login_as, db):
    campus = factories.CampusFactory()
    cohort, session, enrolment = sheet_world(db, campus)
    url = f"/cohorts/{cohort.id}/attendance/{session.id}/marks/{enrolment.id}"
    user = login_as(Role.INSTRUCTOR)
    from academy.models import InstructorAssignment

    assert client.post(url, data={"mark": "present"}).status_code == 404  # not assigned
    db.session.add(InstructorAssignment(cohort=cohort, instructor=user.instructor))
    db.session.commit()
    assert client.post(url, data={"mark": "present"}, headers=HX).status_code == 200
    client.post("/logout")
    login_as(Role.OFFICIAL)
    assert client.get(f"/cohorts/{cohort.id}/attendance").status_code == 200
    assert client.post(url, data={"mark": "absent"}).status_code == 403


def test_a_future_session_is_refused_in_the_users_words(client, coordinator, campus, db):
    cohort, _, enrolment = sheet_world(db, campus)
    from academy.models import ClassSession

    later = ClassSession(cohort=cohort, held_on=seoul_today() + timedelta(days=2))
    db.session.add(later)
    db.session.commit()
    response = client.post(
        f"/cohorts/{cohort.id}/attendance/{later.id}/marks/{enrolment.id}",
        data={"mark": "present"},
        headers=HX,
    )
    assert response.status_code == 422 or response.status_code == 404


def roster_file(*rows) -> bytes:
    return xlsx_bytes([["이름", "생년월일", "이메일"], *rows])


def test_roster_upload_preview_error_copy_then_commit(client, coordinator, campus, db):
    cohort = factories.CohortFactory(campus=campus, starts_on=date(2025, 3, 10), capacity=2)
    db.session.commit()
    bad = roster_file(
        ["김가람", "1998-05-14", "garam@example.com"],
        ["", "1998-13-01", "nobody"],
        ["이나래", "2010-01-01", "narae@example.com"],
    )
    uploaded = upload(client, f"/cohorts/{cohort.id}/roster/import", bad)
    assert uploaded.status_code == 303
    preview = client.get(uploaded.headers["Location"])
    html = text_of(preview)
    assert "달력에 없는 날짜" in html and "필수 항목입니다" in html  # in the coordinator's Korean
    assert "commit" not in html and count_rows(Enrolment) == 0
    token = uploaded.headers["Location"].rsplit("/", 1)[1]
    copy = client.get(f"/cohorts/{cohort.id}/imports/{token}/errors.xlsx")
    assert copy.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(copy.data)).active
    marked = {row[0].row: row[-1].value for row in sheet.iter_rows() if row[-1].value}
    assert set(marked) == {1, 3, 4} and "생년월일" in marked[3]

    good = roster_file(
        ["김가람", "1998-05-14", "garam@example.com"],
        ["박다솜", "2000-07-07", "dasom@example.com"],
        ["이나래", "2001-01-01", "narae@example.com"],
    )
    again = upload(client, f"/cohorts/{cohort.id}/roster/import", good)
    preview = text_of(client.get(again.headers["Location"]))
    assert "/commit" in preview and "narae@example.com" in preview
    committed = client.post(again.headers["Location"] + "/commit")
    assert committed.status_code == 303
    result = text_of(client.get(committed.headers["Location"]))
    assert "notice--success" in result
    assert Enrolment.query.filter_by(status=EnrolmentStatus.WAITLISTED).count() == 1
    assert count_rows(Enrolment) == 3
    assert not staging.load(again.headers["Location"].rsplit("/", 1)[1]).has_data
    assert db.session.scalar(db.select(AccessLog).where(AccessLog.subject_type == "roster_import"))


def test_a_staged_file_is_only_for_the_person_who_uploaded_it(client, login_as, campus, db):
    cohort = factories.CohortFactory(campus=campus, starts_on=date(2025, 3, 10))
    db.session.commit()
    login_as(Role.COORDINATOR, campus=campus)
    location = upload(
        client,
        f"/cohorts/{cohort.id}/roster/import",
        roster_file(["김가람", "1998-05-14", "garam@example.com"]),
    ).headers["Location"]
    assert client.get(location).status_code == 200
    client.post("/logout")
    login_as(Role.COORDINATOR, campus=campus)  # a colleague at the same campus
    assert client.get(location).status_code == 404
    assert client.post(location + "/commit").status_code == 404
    assert client.get(location + "/errors.xlsx").status_code == 404
    assert client.get(f"/cohorts/{cohort.id}/imports/../../etc").status_code == 404
    assert count_rows(Enrolment) == 0


def test_templates_download_as_excel(client, coordinator):
    response = client.get("/cohorts/templates/roster.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    assert [c.value for c in sheet[1]][:3] == ["이름", "생년월일", "이메일"]
    assert client.get("/cohorts/templates/secrets.xlsx").status_code == 404


def test_closing_and_an_override_with_its_reason_on_the_cohort_page(
    client, coordinator, campus, db
):
    from academy.models import AttendanceMark, ClassSession, Mark

    cohort = factories.CohortFactory(
        campus=campus, starts_on=date(2025, 3, 3), ends_on=date(2025, 3, 7)
    )
    sessions = [ClassSession(cohort=cohort, held_on=date(2025, 3, d)) for d in range(3, 8)]
    db.session.add_all(sessions)
    low = factories.EnrolmentFactory(cohort=cohort, trainee__user__name="출석부족")
    db.session.add_all(
        [AttendanceMark(session=s, enrolment=low, mark=Mark.PRESENT) for s in sessions[:3]]
    )
    db.session.commit()
    preview = text_of(client.get(f"/cohorts/{cohort.id}/close"))
    assert "출석부족" in preview and "60" in preview
    assert client.post(f"/cohorts/{cohort.id}/close").status_code == 303
    assert low.status == EnrolmentStatus.NOT_COMPLETED
    url = f"/cohorts/{cohort.id}/enrolments/{low.id}/completion"
    short = client.post(url, data={"result": "completed", "reason": "짧다"})
    assert short.status_code == 422 and low.status == EnrolmentStatus.NOT_COMPLETED
    reason = "병원 진단서 제출로 결석 2일을 공가로 인정"
    assert client.post(url, data={"result": "completed", "reason": reason}).status_code == 303
    page = text_of(client.get(f"/cohorts/{cohort.id}"))
    assert reason in page
    assert client.get(f"/cohorts/{cohort.id}/edit").status_code == 303  # closed: no edits


def test_roster_flags_only_trainees_under_the_course_threshold(db):
    from academy.cohorts.services import roster

    cohort = factories.CohortFactory(starts_on=date(2025, 3, 3))  # 80% by default
    steady, shaky = (
        factories.EnrolmentFactory(cohort=cohort),
        factories.EnrolmentFactory(cohort=cohort),
    )
    marks = {
        steady: [Mark.PRESENT] * 4 + [Mark.ABSENT],
        shaky: [Mark.PRESENT] * 3 + [Mark.ABSENT] * 2,
    }
    for day in range(5):
        session = ClassSession(cohort=cohort, held_on=date(2025, 3, 3 + day))
        for enrolment, row in marks.items():
            db.session.add(AttendanceMark(session=session, enrolment=enrolment, mark=row[day]))
    db.session.commit()
    flags = {line.enrolment.id: line.below_threshold for line in roster(cohort)}
    assert flags == {steady.id: False, shaky.id: True}  # exactly 80% completes; 60% does not


def test_no_one_is_flagged_before_the_first_session(db):
    from academy.cohorts.services import roster

    cohort = factories.CohortFactory(starts_on=date(2025, 3, 3))
    factories.EnrolmentFactory(cohort=cohort)
    db.session.commit()
    assert [line.below_threshold for line in roster(cohort)] == [False]
