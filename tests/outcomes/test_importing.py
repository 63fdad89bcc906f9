"""Outcome import: every problem by row and column, all or nothing, later rows win, rows marked
verified verify only what their importer could verify on the queue (four eyes, evidence); and
`flask outcomes import FILE [--dry-run]` over the same service."""

import io
from datetime import date, timedelta

import openpyxl
import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from academy.clock import seoul_today
from academy.models import EnrolmentStatus, OutcomeCode, OutcomeRecord, Role, Verification
from academy.outcomes.importing import ImportAction, ImportRejected, commit_import, plan_import
from tests import factories

HEADER = [
    "이메일",
    "결과",
    "시작일",
    "기관명",
    "고용보험",
    "주당근로시간",
    "계약기간(개월)",
    "분야일치",
    "월기본급",
    "제외사유",
    "검증",
]


def xlsx(rows, header=HEADER) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["2025년 하반기 고용보험 가입 대조 결과"])  # a title row above the header
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def row(
    email,
    code,
    start=None,
    employer=None,
    insured=None,
    hours=None,
    months=None,
    in_field=None,
    pay=None,
    reason=None,
    verified=None,
):
    return [email, code, start, employer, insured, hours, months, in_field, pay, reason, verified]


def trainee_at(campus, email, **kwargs):
    ends_on = seoul_today() - timedelta(days=120)
    cohort = factories.CohortFactory(
        campus=campus, starts_on=ends_on - timedelta(weeks=20), ends_on=ends_on
    )
    trainee = factories.TraineeFactory(user__email=email)
    kwargs.setdefault("status", EnrolmentStatus.COMPLETED)
    return factories.EnrolmentFactory(cohort=cohort, trainee=trainee, **kwargs)


@pytest.fixture
def campus(db):
    return factories.CampusFactory()


@pytest.fixture
def english(app):
    with app.test_request_context(), force_locale("en"):
        yield


def records(db):
    return db.session.scalars(sa.select(OutcomeRecord).order_by(OutcomeRecord.id)).all()


def hanbit_job(enrolment, **fields):
    """Version 1 of an E1 at 한빛소프트 from 2025-09-01, as the files below list it."""
    job = dict(code=OutcomeCode.E1, employer="한빛소프트", starts_on=date(2025, 9, 1))
    job |= dict(insured=True, weekly_hours=40, in_field=True, monthly_pay=None, version=1)
    return factories.OutcomeRecordFactory(enrolment=enrolment, **(job | fields))


def test_a_clean_file_is_written_and_its_verified_marks_wait_for_another_person(
    db, campus, english
):
    kim = trainee_at(campus, "kim@example.com")
    lee = trainee_at(campus, "lee@example.com")
    park = trainee_at(campus, "park@example.com")
    coordinator = factories.UserFactory(role=Role.COORDINATOR, campus=campus)
    db.session.commit()
    data = xlsx(
        [
            row(
                "Kim@Example.com ",
                "E1",
                "2025-09-01",
                "한빛소프트",
                "Y",
                40,
                None,
                "Y",
                "3,100,000",
                verified="Y",
            ),
            row("lee@example.com", "구직 중"),
            row("park@example.com", "X", reason="군입대", verified="예"),
        ]
    )

    plan = commit_import(data, coordinator, campus.id, "hrd.xlsx")

    assert plan.counts[ImportAction.NEW] == 3
    written = {r.enrolment_id: r for r in records(db)}
    assert written[kim.id].code == OutcomeCode.E1
    assert written[kim.id].starts_on == date(2025, 9, 1)
    assert written[kim.id].monthly_pay == 3_100_000
    assert written[lee.id].code == OutcomeCode.S1
    assert written[park.id].exclusion_reason.value == "military"
    # The coordinator enters these versions, so a 검증 mark does not verify them: another
    # coordinator of the campus or an official does, as on the queue.
    assert {r.verification for r in written.values()} == {Verification.SELF_REPORTED}
    assert all(
        r.verified_by_id is None and r.reported_by_id == coordinator.id for r in written.values()
    )
    notes = {p.enrolment.id: [str(n) for n in p.notes] for p in plan.rows}
    assert "another coordinator" in notes[kim.id][0] and "another coordinator" in notes[park.id][0]
    assert notes[lee.id] == []


def test_a_verified_mark_verifies_what_someone_else_entered_with_its_document(db, campus, english):
    kim = trainee_at(campus, "kim@example.com")  # reported by the trainee, with a document
    lee = trainee_at(campus, "lee@example.com")  # reported by the trainee, no document yet
    park = trainee_at(campus, "park@example.com")  # entered by the importer
    coordinator = factories.UserFactory(role=Role.COORDINATOR, campus=campus)
    kim_record = hanbit_job(kim, reported_by_id=kim.trainee.user_id)
    factories.OutcomeEvidenceFactory(outcome=kim_record, uploaded_by_id=kim.trainee.user_id)
    hanbit_job(lee, reported_by_id=lee.trainee.user_id)
    hanbit_job(park, reported_by_id=coordinator.id)
    db.session.commit()
    same = ["2025-09-01", "한빛소프트", "Y", 40, None, "Y"]
    data = xlsx(
        [
            row(email, "E1", *same, verified="Y")
            for email in ("kim@example.com", "lee@example.com", "park@example.com")
        ]
    )

    preview = plan_import(data, campus.id, by=coordinator)
    plan = commit_import(data, coordinator, campus.id)

    assert [p.action for p in preview.rows] == [p.action for p in plan.rows]
    assert [p.action for p in plan.rows] == [
        ImportAction.VERIFY,
        ImportAction.UNCHANGED,
        ImportAction.UNCHANGED,
    ]
    assert "no evidence" in str(plan.rows[1].notes[0])
    assert "you entered" in str(plan.rows[2].notes[0])
    state = {r.enrolment_id: (r.verification, r.verified_by_id) for r in records(db)}
    assert state[kim.id] == (Verification.VERIFIED, coordinator.id)
    assert state[lee.id] == (Verification.SELF_REPORTED, None)
    assert state[park.id] == (Verification.SELF_REPORTED, None)


def test_the_evidence_a_coordinator_gave_keeps_them_from_verifying_by_import(db, campus, english):
    kim = trainee_at(campus, "kim@example.com")
    coordinator = factories.UserFactory(role=Role.COORDINATOR, campus=campus)
    record = hanbit_job(kim, reported_by_id=kim.trainee.user_id)
    factories.OutcomeEvidenceFactory(outcome=record, uploaded_by_id=coordinator.id)
    db.session.commit()
    data = xlsx(
        [row("kim@example.com", "E1", "2025-09-01", "한빛소프트", "Y", 40, None, "Y", verified="Y")]
    )

    plan = commit_import(data, coordinator, campus.id)

    assert plan.rows[0].action == ImportAction.UNCHANGED
    assert db.session.get(OutcomeRecord, record.id).verification != Verification.VERIFIED


def test_bad_rows_are_listed_by_row_and_column_and_nothing_is_written(db, campus, english):
    trainee_at(campus, "kim@example.com")
    trainee_at(campus, "lee@example.com")
    trainee_at(campus, "choi@example.com")
    trainee_at(factories.CampusFactory(), "other@example.com")
    db.session.commit()
    data = xlsx(
        [
            row("kim@example.com", "E1", "2025-09-01", "한빛소프트", "Y", 40, verified="Y"),  # fine
            row("nobody@example.com", "E1", "2025-09-01", "한빛소프트"),
            row("other@example.com", "S1"),
            row("lee@example.com", "E9"),
            row("choi@example.com", "E2", None, None, "N", 200),
            row("kim@example.com", "X", reason="여행"),
            row("lee@example.com", "E1", "2025-13-01", "가온", "Y", 40, 12, "Y", "-5"),
        ]
    )

    with pytest.raises(ImportRejected) as rejected:
        commit_import(data, None, campus.id)

    found = {(p.line, p.column, str(p.message)) for p in rejected.value.plan.problems}
    assert found == {
        (4, "이메일", "not a trainee of your campus"),
        (5, "이메일", "not a trainee of your campus"),
        (6, "결과", "not an outcome code: write E1–E6, S1, S2, X or U"),
        (7, "시작일", "required for E1–E6"),
        (7, "기관명", "required for E1–E6"),
        (7, "주당근로시간", "hours a week between 1 and 168"),
        (7, "계약기간(개월)", "E2 is a fixed term: give its length in months"),
        (
            7,
            "고용보험",
            "E1 and E2 are insured jobs: use E4 for a job without employment insurance",
        ),
        (8, "제외사유", "not a reason: write 진학, 군입대, 질병 or 이민"),
        (
            9,
            "시작일",
            "no such day in the calendar (the month runs 1–12, the day to the month's "
            "last): write it as 2025-03-10",
        ),
        (9, "계약기간(개월)", "E1 is open-ended: leave this blank, or use E2 for a fixed term"),
        (9, "월기본급", "cannot be negative"),
    }
    assert records(db) == []


def test_a_later_row_for_the_same_person_replaces_an_earlier_one(db, campus, english):
    kim = trainee_at(campus, "kim@example.com")
    db.session.commit()
    data = xlsx(
        [
            row("kim@example.com", "S1"),
            row("kim@example.com", "E4", "2025-10-01", "누리상사", "N", 20, None, "Y"),
        ]
    )

    plan = plan_import(data, campus.id)
    assert [p.action for p in plan.rows] == [ImportAction.REPLACED, ImportAction.NEW]
    assert "Row 4 replaces row 3" in str(plan.parsed.warnings[0])
    commit_import(data, None, campus.id)

    (only,) = records(db)
    assert (only.enrolment_id, only.code, only.version) == (kim.id, OutcomeCode.E4, 1)


def test_the_same_outcome_marked_verified_verifies_the_current_version(db, campus, english):
    kim = trainee_at(campus, "kim@example.com")
    lee = trainee_at(campus, "lee@example.com")
    hanbit_job(kim)
    factories.OutcomeRecordFactory(
        enrolment=lee,
        version=1,
        code=OutcomeCode.S1,
        employer=None,
        starts_on=None,
        insured=None,
        weekly_hours=None,
        in_field=None,
        monthly_pay=None,
        verification=Verification.VERIFIED,
    )
    db.session.commit()
    data = xlsx(
        [
            row(
                "kim@example.com",
                "E1",
                date(2025, 9, 1),
                "한빛소프트",
                "Y",
                40,
                None,
                "Y",
                verified="Y",
            ),
            row("lee@example.com", "E1", "2025-11-03", "솔빛", "Y", 40, None, "Y"),
        ]
    )

    plan = commit_import(data, None, campus.id)

    assert [p.action for p in plan.rows] == [ImportAction.VERIFY, ImportAction.NEW]
    assert "replaces a verified outcome" in str(plan.rows[1].notes[0])
    kim_records = [r for r in records(db) if r.enrolment_id == kim.id]
    assert [(r.version, r.verification) for r in kim_records] == [(1, Verification.VERIFIED)]
    lee_records = [r for r in records(db) if r.enrolment_id == lee.id]
    assert [(r.version, r.code) for r in lee_records] == [(1, OutcomeCode.S1), (2, OutcomeCode.E1)]
    assert lee_records[0].verification == Verification.VERIFIED  # the old version stays


def test_english_aliases_korean_labels_and_csv(db, campus, english):
    trainee_at(campus, "kim@example.com")
    trainee_at(campus, "lee@example.com")
    db.session.commit()
    text = (
        "code,email,exclusion_reason,verified\n"
        "창업,kim@example.com,,N\n"
        "산정 제외,lee@example.com,해외 이주,Y\n"
    )

    plan = plan_import(text.encode("cp949"), campus.id)

    # 창업 is E5: a start date and a company name are needed, though the file has no such columns
    assert [(p.line, p.column, str(p.message)) for p in plan.problems] == [
        (2, "시작일", "required for E1–E6"),
        (2, "기관명", "required for E1–E6"),
    ]
    assert plan.rows[1].fields["exclusion_reason"].value == "emigration"


def test_waitlisted_people_and_unknown_e_mails_are_told_apart(db, english):
    campus = factories.CampusFactory()
    trainee_at(campus, "wait@example.com", status=EnrolmentStatus.WAITLISTED, waitlist_position=1)
    db.session.commit()
    plan = plan_import(xlsx([row("wait@example.com", "S1"), row("x@example.com", "S1")]), None)

    assert [str(p.message) for p in plan.problems] == [
        "waitlisted or cancelled before the start: outcomes are kept for everyone who started "
        "a cohort",
        "no trainee has this e-mail",
    ]


def write_file(tmp_path, data: bytes, name="outcomes.xlsx"):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_cli_dry_run_prints_what_would_change_and_writes_nothing(runner, db, campus, tmp_path):
    trainee_at(campus, "kim@example.com")
    db.session.commit()
    path = write_file(tmp_path, xlsx([row("kim@example.com", "S2")]))

    result = runner.invoke(args=["outcomes", "import", path, "--dry-run"])

    assert result.exit_code == 0, result.output
    assert "would write 1 new versions" in result.output
    assert records(db) == []


def test_cli_import_writes_the_file(runner, db, campus, tmp_path):
    trainee_at(campus, "kim@example.com")
    admin = factories.UserFactory(role=Role.ADMIN, email="ops@example.com")
    db.session.commit()
    path = write_file(
        tmp_path,
        xlsx([row("kim@example.com", "E5", "2025-08-01", "새솔랩", in_field="Y", verified="Y")]),
    )

    result = runner.invoke(args=["outcomes", "import", path, "--by", "ops@example.com"])

    assert result.exit_code == 0, result.output
    (record,) = records(db)
    assert record.code == OutcomeCode.E5 and record.reported_by_id == admin.id
    # Named as its importer, the administrator entered the version: not theirs to verify.
    assert record.verification == Verification.SELF_REPORTED and record.verified_by_id is None


def test_an_operators_cli_import_naming_no_one_brings_verified_records_in(
    runner, db, campus, tmp_path
):
    trainee_at(campus, "kim@example.com")
    db.session.commit()
    path = write_file(
        tmp_path,
        xlsx([row("kim@example.com", "E5", "2025-08-01", "새솔랩", in_field="Y", verified="Y")]),
    )

    result = runner.invoke(args=["outcomes", "import", path, "--campus", campus.name])

    assert result.exit_code == 0, result.output
    (record,) = records(db)
    assert record.verification == Verification.VERIFIED and record.reported_by_id is None


def test_cli_problems_print_by_row_and_exit_1_with_nothing_written(runner, db, campus, tmp_path):
    trainee_at(campus, "kim@example.com")
    db.session.commit()
    path = write_file(
        tmp_path,
        xlsx(
            [
                row("kim@example.com", "S1"),
                row("kim@example.com", "ZZ"),
                row("ghost@example.com", "S1"),
            ]
        ),
    )

    result = runner.invoke(args=["outcomes", "import", path])

    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("row 4, 결과: ") and "ZZ" in lines[0]
    assert lines[1].startswith("row 5, 이메일: ")
    assert "2 problems" in lines[2] and "nothing was written" in lines[2]
    assert records(db) == []


def test_cli_refuses_an_unreadable_file(runner, db, tmp_path):
    path = write_file(tmp_path, b"name,age\nkim,3\n", "wrong.csv")
    result = runner.invoke(args=["outcomes", "import", path])
    assert result.exit_code == 1 and "error:" in result.output


def test_a_sent_back_outcome_is_not_verified_by_import(db, campus, english):
    """On the queue a version sent back to the trainee cannot be verified (it waits for their
    correction); a 검증 mark in a file by a colleague who did not send it back cannot either."""
    kim = trainee_at(campus, "kim@example.com")
    importer = factories.UserFactory(role=Role.COORDINATOR, campus=campus)
    colleague = factories.UserFactory(role=Role.COORDINATOR, campus=campus)
    record = factories.OutcomeRecordFactory(
        enrolment=kim,
        version=1,
        reported_by_id=kim.trainee.user_id,
        code=OutcomeCode.E1,
        employer="한빛소프트",
        starts_on=date(2025, 9, 1),
        monthly_pay=None,
        verification=Verification.RETURNED,
        returned_by_id=colleague.id,
        returned_reason="재직증명서의 회사명이 다릅니다",
    )
    factories.OutcomeEvidenceFactory(outcome=record, uploaded_by_id=kim.trainee.user_id)
    db.session.commit()
    data = xlsx(
        [row("kim@example.com", "E1", "2025-09-01", "한빛소프트", "Y", 40, None, "Y", verified="Y")]
    )

    preview = plan_import(data, campus.id, by=importer)
    plan = commit_import(data, importer, campus.id)

    assert [p.action for p in preview.rows] == [p.action for p in plan.rows]
    assert plan.rows[0].action == ImportAction.UNCHANGED
    assert "sent back" in str(plan.rows[0].notes[0])
    db.session.expire_all()
    kept = db.session.get(OutcomeRecord, record.id)
    assert (kept.verification, kept.verified_by_id) == (Verification.RETURNED, None)


def earlier_and_later_job(kim, verification):
    """A first job (as given) and a later one the trainee reported since, still to verify."""
    first = factories.OutcomeRecordFactory(
        enrolment=kim,
        version=1,
        job=1,
        reported_by_id=kim.trainee.user_id,
        code=OutcomeCode.E1,
        employer="한빛소프트",
        starts_on=date(2025, 9, 1),
        monthly_pay=None,
        verification=verification,
    )
    factories.OutcomeRecordFactory(
        enrolment=kim,
        version=2,
        job=2,
        reported_by_id=kim.trainee.user_id,
        code=OutcomeCode.E4,
        employer="누리상사",
        starts_on=date(2025, 11, 3),
        insured=False,
        weekly_hours=20,
        monthly_pay=None,
    )
    return first


FIRST_JOB = ["2025-09-01", "한빛소프트", "Y", 40, None, "Y"]


def test_a_file_listing_an_earlier_verified_job_as_it_stands_leaves_it_verified(
    db, campus, english
):
    """Re-importing last month's insurance list, which holds the trainee's first job, once they
    have reported a second: the first job is compared with its own newest version, not with the
    second job, so no unverified copy of it is written (which would drop it out of the headline
    employment rate until someone verified it again)."""
    kim = trainee_at(campus, "kim@example.com")
    importer = factories.UserFactory(role=Role.COORDINATOR, campus=campus)
    earlier_and_later_job(kim, Verification.VERIFIED)
    db.session.commit()
    data = xlsx([row("kim@example.com", "E1", *FIRST_JOB)])

    preview = plan_import(data, campus.id, by=importer)
    plan = commit_import(data, importer, campus.id)

    assert preview.rows[0].action == plan.rows[0].action == ImportAction.UNCHANGED
    assert [(r.version, r.job, r.verification) for r in records(db)] == [
        (1, 1, Verification.VERIFIED),
        (2, 2, Verification.SELF_REPORTED),
    ]


def test_a_verified_mark_on_an_earlier_job_verifies_that_job(db, campus, english):
    kim = trainee_at(campus, "kim@example.com")
    importer = factories.UserFactory(role=Role.COORDINATOR, campus=campus)
    first = earlier_and_later_job(kim, Verification.EVIDENCE_ATTACHED)
    factories.OutcomeEvidenceFactory(outcome=first, uploaded_by_id=kim.trainee.user_id)
    db.session.commit()
    data = xlsx([row("kim@example.com", "E1", *FIRST_JOB, verified="Y")])

    plan = commit_import(data, importer, campus.id)

    assert plan.rows[0].action == ImportAction.VERIFY
    assert [(r.version, r.job, r.verification, r.verified_by_id) for r in records(db)] == [
        (1, 1, Verification.VERIFIED, importer.id),
        (2, 2, Verification.SELF_REPORTED, None),
    ]
