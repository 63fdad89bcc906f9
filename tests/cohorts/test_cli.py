"""The operator commands, as operators script them: exit codes, output, nothing written on error."""

import io
import json
from datetime import date

import openpyxl
import pytest

from academy.models import AttendanceMark, ClassSession, Cohort, Course, Enrolment, EnrolmentStatus
from tests import factories
from tests.conftest import count_rows


def xlsx_file(tmp_path, name, rows) -> str:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    path = tmp_path / name
    workbook.save(path)
    return str(path)


@pytest.fixture
def campus(db):
    campus = factories.CampusFactory(name="종로캠퍼스")
    factories.ClassroomFactory(campus=campus, name="강의실 1", seats=20)
    db.session.commit()
    return campus


def create(runner, code="JONGNO-2025-11", *extra):
    return runner.invoke(
        args=[
            "cohort",
            "create",
            code,
            "--campus",
            "종로캠퍼스",
            "--course",
            "AI 기초와 파이썬",
            "--level",
            "beginner",
            "--start",
            "2025-03-03",
            "--end",
            "2025-03-14",
            "--capacity",
            "2",
            *extra,
        ]
    )


def test_cohort_create_makes_the_course_if_new_and_the_sessions(runner, campus):
    result = create(runner)
    assert result.exit_code == 0, result.output
    assert "created course" in result.output and "9 sessions" in result.output
    again = create(runner, "JONGNO-2025-12")
    assert again.exit_code == 0 and "created course" not in again.output
    assert count_rows(Course) == 1 and count_rows(Cohort) == 2


def test_cohort_create_refuses_a_classroom_clash_and_a_bad_date(runner, campus):
    assert create(runner, "A-1", "--classroom", "강의실 1").exit_code == 0
    clash = create(runner, "A-2", "--classroom", "강의실 1")
    assert clash.exit_code == 1 and "A-1" in clash.output
    bad = runner.invoke(
        args=[
            "cohort",
            "create",
            "A-3",
            "--campus",
            "종로캠퍼스",
            "--course",
            "x",
            "--level",
            "beginner",
            "--start",
            "someday",
            "--end",
            "2025-03-14",
            "--capacity",
            "2",
        ]
    )
    assert bad.exit_code != 0 and "not a date" in bad.output
    assert count_rows(Cohort) == 1


def test_roster_import_prints_every_problem_and_writes_nothing(runner, campus, tmp_path):
    create(runner)
    path = xlsx_file(
        tmp_path,
        "roster.xlsx",
        [
            ["이름", "생년월일", "이메일"],
            ["김가람", "1998-05-14", "garam@example.com"],
            ["", "2010-01-01", "garam@example.com"],
            ["이나래", "1998-99-01", "narae"],
        ],
    )
    result = runner.invoke(args=["roster", "import", path, "--cohort", "jongno-2025-11"])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("row ")]
    assert [line.split(":")[0] for line in lines] == [
        "row 3, 이름",
        "row 3, 생년월일",
        "row 3, 이메일",
        "row 4, 생년월일",
        "row 4, 이메일",
    ]
    assert "nothing was written" in result.output
    assert count_rows(Enrolment) == 0


def test_roster_import_dry_run_then_import_and_the_waitlist(runner, campus, tmp_path):
    create(runner)
    path = xlsx_file(
        tmp_path,
        "roster.xlsx",
        [["name", "email", "birth_date"]]
        + [[f"교육생{n}", f"t{n}@example.com", "1999-01-01"] for n in range(3)],
    )
    dry = runner.invoke(args=["roster", "import", path, "--cohort", "JONGNO-2025-11", "--dry-run"])
    assert dry.exit_code == 0 and "would enrol 2" in dry.output and "waitlisted 1" in dry.output
    assert count_rows(Enrolment) == 0
    done = runner.invoke(args=["roster", "import", path, "--cohort", "JONGNO-2025-11"])
    assert done.exit_code == 0 and "enrolled 2" in done.output
    twice = runner.invoke(args=["roster", "import", path, "--cohort", "JONGNO-2025-11"])
    assert "already on the roster 3" in twice.output and count_rows(Enrolment) == 3


def test_attendance_import_show_and_close(runner, campus, tmp_path, db):
    create(runner)
    roster = xlsx_file(
        tmp_path,
        "roster.xlsx",
        [
            ["이름", "생년월일", "이메일"],
            ["김가람", "1998-05-14", "garam@example.com"],
            ["이나래", "1999-01-01", "narae@example.com"],
        ],
    )
    runner.invoke(args=["roster", "import", roster, "--cohort", "JONGNO-2025-11"])
    days = [d.held_on for d in ClassSession.query.order_by(ClassSession.held_on)]
    rows = [["이메일", "날짜", "출결"]]
    rows += [["garam@example.com", d.isoformat(), "출석"] for d in days]
    rows += [
        ["narae@example.com", d.isoformat(), "결석" if i < 3 else "출석"]
        for i, d in enumerate(days)
    ]
    bad = xlsx_file(tmp_path, "bad.xlsx", [*rows, ["nobody@example.com", "2025-03-04", "출석"]])
    refused = runner.invoke(args=["attendance", "import", bad, "--cohort", "JONGNO-2025-11"])
    assert refused.exit_code == 1 and f"row {len(rows) + 1}, 이메일" in refused.output
    assert count_rows(AttendanceMark) == 0
    good = xlsx_file(tmp_path, "good.xlsx", rows)
    done = runner.invoke(args=["attendance", "import", good, "--cohort", "JONGNO-2025-11"])
    assert done.exit_code == 0 and "recorded 18 new marks" in done.output

    shown = runner.invoke(args=["cohort", "show", "JONGNO-2025-11", "--json"])
    summary = json.loads(shown.output)
    assert (summary["roster_count"], summary["seats_taken"], summary["waitlisted"]) == (2, 2, 0)
    assert summary["sessions"] == {"scheduled": 9, "held": 9}
    rates = {t["email"]: t["attendance_rate"] for t in summary["trainees"]}
    assert rates == {"garam@example.com": 1.0, "narae@example.com": round(6 / 9, 4)}
    assert summary["completion"] is None

    closed = runner.invoke(args=["cohort", "close", "JONGNO-2025-11"])
    assert closed.exit_code == 0 and "1 completed" in closed.output
    again = runner.invoke(args=["cohort", "close", "JONGNO-2025-11"])
    assert again.exit_code == 1
    summary = json.loads(runner.invoke(args=["cohort", "show", "JONGNO-2025-11", "--json"]).output)
    assert summary["completion"]["completed"] == ["garam@example.com"]
    assert summary["completion"]["not_completed"] == ["narae@example.com"]
    assert summary["status_counts"]["not_completed"] == 1
    # Closed: nobody holds a seat any more, but both are still on the roster (등록 인원).
    assert (summary["roster_count"], summary["seats_taken"]) == (2, 0)
    text = runner.invoke(args=["cohort", "show", "JONGNO-2025-11"])
    assert text.exit_code == 0 and "narae@example.com" in text.output


def test_unknown_cohort_or_file_exits_1(runner, campus, tmp_path):
    assert runner.invoke(args=["cohort", "show", "NOPE"]).exit_code == 1
    create(runner)
    missing = runner.invoke(
        args=["roster", "import", str(tmp_path / "none.xlsx"), "--cohort", "JONGNO-2025-11"]
    )
    assert missing.exit_code == 1 and "cannot read" in missing.output
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"PK\x03\x04 not really")
    result = runner.invoke(args=["roster", "import", str(junk), "--cohort", "JONGNO-2025-11"])
    assert result.exit_code == 1
    assert io is not None and date is not None and EnrolmentStatus is not None
