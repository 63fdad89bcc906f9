"""Roster and attendance files: every problem by row and column, then all rows or none."""

import io
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from flask_babel import force_locale

from academy.cohorts.imports import (
    ImportRefused,
    check_roster,
    commit_attendance,
    commit_roster,
)
from academy.models import (
    AttendanceMark,
    ClassSession,
    Enrolment,
    EnrolmentStatus,
    Mark,
    Role,
    Trainee,
    User,
)
from tests import factories
from tests.conftest import count_rows

SAMPLE = Path(__file__).parents[1] / "exchange" / "data" / "roster_as_coordinators_keep_it.xlsx"
START = date(2025, 3, 10)


@pytest.fixture(autouse=True)
def korean(app, db):
    with app.test_request_context(), force_locale("ko"):
        yield


@pytest.fixture
def cohort(db):
    cohort = factories.CohortFactory(starts_on=START, ends_on=date(2025, 7, 25), capacity=25)
    db.session.commit()
    return cohort


def xlsx(rows) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_text(rows) -> str:
    return "".join(",".join(str(cell) for cell in row) + "\r\n" for row in rows)


def roster_rows(n, first=0):
    return [["이름", "생년월일", "이메일", "휴대전화"]] + [
        [f"교육생{i}", "1999-04-0" + str(1 + i % 9), f"trainee{i}@example.com", f"010-1234-{i:04d}"]
        for i in range(first, first + n)
    ]


def emails(cohort, status=None) -> list[str]:
    query = (
        Enrolment.query.filter_by(cohort_id=cohort.id)
        .join(Trainee)
        .join(User)
        .order_by(Enrolment.id)
    )
    if status:
        query = query.filter(Enrolment.status == status)
    return [e.trainee.user.email for e in query]


def test_the_roster_coordinators_really_keep_imports_as_it_is(db, cohort):
    check = commit_roster(cohort, SAMPLE.read_bytes(), by=None)
    assert check.written and check.problems == []
    assert emails(cohort) == [
        "garam.kim@example.org",
        "narae.lee@example.org",
        "dasom.park@example.org",
        "raon.choi@example.org",
        "maru.jung@example.org",
    ]
    narae = User.query.filter_by(email="narae.lee@example.org").one()
    assert narae.name == "이나래" and narae.password_hash is None and narae.role == Role.TRAINEE
    assert User.query.filter_by(email="garam.kim@example.org").one().trainee.phone == (
        "010-1234-5678"
    )


@pytest.mark.parametrize("encoding", ["cp949", "utf-8-sig"])
def test_csv_in_cp949_or_utf8_with_bom(db, cohort, encoding):
    data = csv_text(
        [["이름", "생년월일", "이메일"], ["김한글", "1998.05.14", "hangul@example.com"]]
    )
    check = commit_roster(cohort, data.encode(encoding), by=None)
    assert check.written
    assert User.query.filter_by(email="hangul@example.com").one().name == "김한글"


def test_english_headers_in_shuffled_order_and_excel_dates(db, cohort):
    data = xlsx(
        [
            ["employed_at_start", "email", "vulnerable", "birth_date", "name"],
            ["Y", "kim@example.com", "예", datetime(1998, 5, 14), "김영문"],
            ["N", "lee@example.com", "N", 36000, "이엑셀"],  # an Excel serial: 1998-07-24
        ]
    )
    check = commit_roster(cohort, data, by=None)
    assert check.written
    kim = User.query.filter_by(email="kim@example.com").one().trainee
    lee = User.query.filter_by(email="lee@example.com").one().trainee
    assert kim.birth_date == date(1998, 5, 14) and kim.vulnerable
    assert lee.birth_date == date(1998, 7, 24) and not lee.vulnerable
    assert Enrolment.query.filter_by(trainee_id=kim.id).one().employed_at_start


def test_a_file_with_bad_rows_writes_nothing_and_reports_every_problem(db, cohort):
    staff = factories.UserFactory(
        role=Role.COORDINATOR, email="staff@example.com", campus=cohort.campus
    )
    other = factories.CohortFactory(
        code="GURO-2025-02", starts_on=date(2025, 2, 3), campus=cohort.campus
    )
    busy = factories.EnrolmentFactory(cohort=other)
    db.session.commit()
    data = xlsx(
        [
            ["교육생 명단"],
            ["이름", "생년월일", "이메일", "휴대전화"],
            ["김정상", "1999-01-01", "ok@example.com", "010-1111-2222"],
            ["", "2007-01-01", "young@example.com", "02-123-4567"],
            ["박나이", "1980-01-01", "old@example.com", ""],
            ["이날짜", "1999-13-01", "bad-email", ""],
            ["최중복", "1999-01-01", "OK@example.com", ""],
            ["정직원", "1999-01-01", "staff@example.com", ""],
            ["한겹침", busy.trainee.birth_date.isoformat(), busy.trainee.user.email, ""],
        ]
    )
    check = commit_roster(cohort, data, by=None)

    assert not check.written
    cells = {(p.line, p.column): str(p.message) for p in check.problems}
    assert set(cells) == {
        (4, "이름"),
        (4, "생년월일"),
        (4, "휴대전화"),  # missing name, aged 18, a landline
        (5, "생년월일"),  # aged 45
        (6, "생년월일"),
        (6, "이메일"),  # not a date, not an e-mail
        (7, "이메일"),  # the same e-mail as row 3, in other letters
        (8, "이메일"),  # a staff account
        (9, "이메일"),  # enrolled in an overlapping cohort
    }
    assert cells[(4, "이름")] == "필수 항목입니다: 이 칸을 채워 주세요"
    assert "18" in cells[(4, "생년월일")] and "45" in cells[(5, "생년월일")]
    assert cells[(6, "생년월일")].startswith("달력에 없는 날짜입니다(월은 1–12")
    assert cells[(6, "이메일")] == (
        "올바른 이메일 주소가 아닙니다: name@example.com처럼 @가 꼭 하나 있어야 합니다"
    )
    assert cells[(7, "이메일")] == "이 파일의 3행과 중복됩니다"
    assert "GURO-2025-02" in cells[(9, "이메일")]
    assert count_rows(Enrolment) == 1 and count_rows(User) == 2  # what the test set up
    assert staff.role == Role.COORDINATOR


def test_the_same_file_twice_adds_no_one_twice(db, cohort):
    data = xlsx(roster_rows(3))
    first = commit_roster(cohort, data, by=None)
    again = commit_roster(cohort, data, by=None)
    assert first.count(place="seat") == 3
    assert again.written and again.count("on_roster") == 3 and again.count(place="seat") == 0
    assert count_rows(Enrolment) == 3 and count_rows(User) == 3


def test_a_longer_file_later_adds_only_the_new_rows(db, cohort):
    commit_roster(cohort, xlsx(roster_rows(3)), by=None)
    check = commit_roster(cohort, xlsx(roster_rows(5)), by=None)
    assert check.count("on_roster") == 3 and check.count("new") == 2
    assert count_rows(Enrolment) == 5


def test_rows_over_capacity_go_to_the_waitlist_and_the_preview_says_so(db, cohort):
    cohort.capacity = 3
    factories.EnrolmentFactory(cohort=cohort)
    db.session.commit()
    data = xlsx(roster_rows(4))
    preview = check_roster(cohort, data)
    assert [(line.place, line.waitlist_position) for line in preview.lines] == [
        ("seat", None),
        ("seat", None),
        ("waitlist", 1),
        ("waitlist", 2),
    ]
    assert count_rows(Enrolment) == 1
    commit_roster(cohort, data, by=None)
    assert emails(cohort, EnrolmentStatus.WAITLISTED) == [
        "trainee2@example.com",
        "trainee3@example.com",
    ]
    positions = [
        e.waitlist_position
        for e in Enrolment.query.filter_by(
            cohort_id=cohort.id, status=EnrolmentStatus.WAITLISTED
        ).order_by(Enrolment.id)
    ]
    assert positions == [1, 2]


def test_a_person_known_from_an_earlier_cohort_keeps_one_record(db, cohort):
    earlier = factories.CohortFactory(starts_on=date(2024, 3, 4))
    known = factories.EnrolmentFactory(
        cohort=earlier,
        status=EnrolmentStatus.COMPLETED,
        trainee__birth_date=date(1999, 4, 1),
        trainee__user__email="trainee0@example.com",
    )
    db.session.commit()
    check = commit_roster(cohort, xlsx(roster_rows(2)), by=None)
    assert [line.action for line in check.lines] == ["existing", "new"]
    assert Enrolment.query.filter_by(cohort_id=cohort.id).first().trainee_id == known.trainee_id
    assert count_rows(Trainee) == 2


def test_a_closed_cohort_refuses_the_file(db, cohort):
    cohort.closed_on = cohort.ends_on
    db.session.commit()
    with pytest.raises(ImportRefused):
        check_roster(cohort, xlsx(roster_rows(1)))


def test_progress_is_reported_while_writing(db, cohort):
    seen = []
    commit_roster(
        cohort,
        xlsx(roster_rows(20)),
        by=None,
        progress=lambda phase, done, total: seen.append((phase, done, total)),
    )
    assert seen[0][0] == "reading"
    assert ("writing", 40, 40) == seen[-1]  # 20 accounts, then 20 enrolments


# Attendance -------------------------------------------------------------------------------


@pytest.fixture
def class_days(db, cohort):
    days = [date(2025, 3, 10), date(2025, 3, 11), date(2025, 3, 12)]
    db.session.add_all([ClassSession(cohort=cohort, held_on=d) for d in days])
    db.session.commit()
    return days


def on_roster(cohort, email, **fields):
    return factories.EnrolmentFactory(cohort=cohort, trainee__user__email=email, **fields)


def test_attendance_in_korean_or_english_marks_is_recorded(db, cohort, class_days):
    kim = on_roster(cohort, "kim@example.com")
    lee = on_roster(cohort, "lee@example.com")
    db.session.commit()
    data = csv_text(
        [
            ["HRD-Net 출결 내역"],
            ["이메일", "날짜", "출결", "훈련생명"],
            ["kim@example.com", "2025.03.10", "출석", "김"],
            ["KIM@example.com ", "20250311", "late", "김"],
            ["lee@example.com", "2025-03-10", "공가", "이"],
        ]
    ).encode("cp949")
    check = commit_attendance(cohort, data, by=None)
    assert check.written and [str(w) for w in check.parsed.warnings]
    marks = {(m.enrolment_id, m.session.held_on): m.mark for m in AttendanceMark.query}
    assert marks == {
        (kim.id, date(2025, 3, 10)): Mark.PRESENT,
        (kim.id, date(2025, 3, 11)): Mark.LATE,
        (lee.id, date(2025, 3, 10)): Mark.EXCUSED,
    }


def test_attendance_problems_are_reported_and_nothing_is_written(db, cohort, class_days):
    on_roster(cohort, "kim@example.com")
    on_roster(cohort, "wait@example.com", status=EnrolmentStatus.WAITLISTED, waitlist_position=1)
    on_roster(
        cohort, "gone@example.com", status=EnrolmentStatus.WITHDRAWN, left_on=date(2025, 3, 11)
    )
    db.session.commit()
    data = xlsx(
        [
            ["email", "date", "mark"],
            ["kim@example.com", "2025-03-10", "출석"],
            ["nobody@example.com", "2025-03-10", "출석"],
            ["kim@example.com", "2025-03-15", "출석"],
            ["kim@example.com", "2025-03-11", "몰라"],
            ["kim@example.com", "2025-03-10", "결석"],
            ["wait@example.com", "2025-03-10", "출석"],
            ["gone@example.com", "2025-03-12", "출석"],
        ]
    )
    check = commit_attendance(cohort, data, by=None)
    assert not check.written and count_rows(AttendanceMark) == 0
    assert {(p.line, p.column) for p in check.problems} == {
        (3, "email"),
        (4, "date"),
        (5, "mark"),
        (6, "date"),
        (7, "email"),
        (8, "date"),
    }


def test_importing_attendance_again_replaces_marks_and_counts_the_changes(db, cohort, class_days):
    kim = on_roster(cohort, "kim@example.com")
    db.session.commit()
    commit_attendance(
        cohort,
        xlsx([["이메일", "날짜", "출결"], ["kim@example.com", "2025-03-10", "결석"]]),
        by=None,
    )
    check = commit_attendance(
        cohort,
        xlsx(
            [
                ["이메일", "날짜", "출결"],
                ["kim@example.com", "2025-03-10", "출석"],
                ["kim@example.com", "2025-03-11", "출석"],
            ]
        ),
        by=None,
    )
    assert (check.count("changed"), check.count("new")) == (1, 1)
    assert {m.mark for m in AttendanceMark.query.filter_by(enrolment_id=kim.id)} == {Mark.PRESENT}
    assert count_rows(AttendanceMark) == 2


def test_the_commit_takes_the_rows_the_preview_read_and_checks_them_again(db, cohort, monkeypatch):
    from academy import storage
    from academy.cohorts import import_jobs, staging

    data = xlsx(roster_rows(3))
    staged = staging.stage(data, "roster", cohort.id, None, "명단.xlsx", "ko")
    import_jobs.check_job(staged)
    assert staged.state == "checked" and staged.report["counts"]["new"] == 3
    kept = f"cohort-import-{staged.token}.rows.json"
    assert storage.area("staging").exists(kept)
    # Meanwhile the third person joined an overlapping cohort: the commit must see it.
    overlapping = factories.CohortFactory(starts_on=START, ends_on=date(2025, 6, 1))
    elsewhere = factories.EnrolmentFactory(
        cohort=overlapping,
        trainee__user__email="trainee2@example.com",
        trainee__birth_date=date(1999, 4, 3),
    )
    db.session.commit()

    def no_second_reading(*_args, **_kwargs):
        raise AssertionError("the commit read the file again")

    monkeypatch.setattr("academy.cohorts.imports.parse", no_second_reading)
    import_jobs.commit_job(staging.load(staged.token))
    again = staging.load(staged.token)
    assert again.state == "checked" and again.report["problem_rows"] == 1  # refused, rechecked
    assert count_rows(Enrolment) == 1

    elsewhere.status = EnrolmentStatus.WITHDRAWN  # the overlap is gone
    elsewhere.left_on = START
    db.session.commit()
    import_jobs.commit_job(staging.load(staged.token))
    done = staging.load(staged.token)
    assert done.state == "done" and done.result["new"] == 2 and done.result["existing"] == 1
    assert not storage.area("staging").exists(kept)  # the rows go with the file


def test_kept_rows_of_another_file_are_not_used(db, cohort):
    from academy import storage
    from academy.cohorts import import_jobs, staging
    from academy.staging import _names as staged_names

    staged = staging.stage(xlsx(roster_rows(2)), "roster", cohort.id, None, "a.xlsx", "ko")
    import_jobs.check_job(staged)
    other = xlsx(roster_rows(2, first=10))
    storage.area("staging").put(staged_names(staged.token)[0], other)  # the file is replaced
    assert staging.kept_rows(staged, other) is None
    import_jobs.commit_job(staging.load(staged.token))
    assert sorted(emails(cohort)) == ["trainee10@example.com", "trainee11@example.com"]


def test_a_file_with_problems_keeps_no_rows(db, cohort):
    from academy import storage
    from academy.cohorts import import_jobs, staging

    rows = roster_rows(2) + [["교육생", "not a date", "bad@", "010"]]
    staged = staging.stage(xlsx(rows), "roster", cohort.id, None, "a.xlsx", "ko")
    import_jobs.check_job(staged)
    assert staged.report["problem_rows"] == 1
    assert not storage.area("staging").exists(f"cohort-import-{staged.token}.rows.json")


def test_attendance_in_the_long_layout_is_read_once_too(db, cohort, class_days, monkeypatch):
    from academy.cohorts import import_jobs, staging

    on_roster(cohort, "kim@example.com")
    db.session.commit()
    rows = [["이메일", "날짜", "출결"]] + [
        ["kim@example.com", d.isoformat(), "출석"] for d in class_days
    ]
    staged = staging.stage(xlsx(rows), "attendance", cohort.id, None, "출결.xlsx", "ko")
    import_jobs.check_job(staged)
    assert staged.state == "checked" and staged.report["counts"]["new"] == 3

    def no_second_reading(*_args, **_kwargs):
        raise AssertionError("the commit read the file again")

    monkeypatch.setattr("academy.cohorts.imports.read_attendance", no_second_reading)
    import_jobs.commit_job(staging.load(staged.token))
    assert staging.load(staged.token).state == "done"
    assert count_rows(AttendanceMark) == 3
