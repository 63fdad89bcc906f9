"""Employment-insurance matches: people found by name and birth date within the uploader's scope,
pending reports verified with the match as evidence, new verified jobs, employed at the start,
conflicts shown side by side, hostile files refused whole, and the KPI effects worked out by
hand."""

import io
from datetime import date, datetime

import openpyxl
import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from academy import storage
from academy.clock import seoul_today
from academy.exchange.cells import CellError, business_number_valid, parse_business_number
from academy.kpi import engine
from academy.models import (
    AccessLog,
    CohortKpiFacts,
    EnrolmentStatus,
    InsuranceMatch,
    OutcomeCode,
    OutcomeRecord,
    Role,
    Verification,
)
from academy.outcomes.matching import (
    MatchAction,
    MatchRejected,
    apply_match,
    can_download,
    plan_match,
)
from tests import factories

HEADER = [
    "성명",
    "생년월일",
    "사업장명",
    "사업자등록번호",
    "자격취득일",
    "자격상실일",
    "주소정근로시간",
    "월평균보수",
    "직종",
    "계약직여부",
]
NAVER = "220-81-62517"  # a real number whose check digit is right
OTHER = "120-81-12342"
STARTS, ENDS = date(2025, 3, 3), date(2025, 8, 29)


def xlsx(rows, header=HEADER) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["고용보험 피보험자격 취득 내역 (HRD-Net)"])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def match_row(
    name,
    birth,
    employer,
    number,
    acquired,
    lost=None,
    hours=None,
    pay=None,
    occupation=None,
    fixed=None,
):
    return [name, birth, employer, number, acquired, lost, hours, pay, occupation, fixed]


@pytest.fixture
def english(app):
    with app.test_request_context(), force_locale("en"):
        yield


@pytest.fixture
def world(db):
    """One cohort of 2025 at a campus, six completers, and a look-alike at another campus."""
    campus = factories.CampusFactory()
    cohort = factories.CohortFactory(campus=campus, starts_on=STARTS, ends_on=ENDS)

    def completer(name, birth=date(2000, 5, 17), at=cohort):
        trainee = factories.TraineeFactory(user__name=name, birth_date=birth)
        return factories.EnrolmentFactory(
            cohort=at, trainee=trainee, status=EnrolmentStatus.COMPLETED
        )

    people = {
        "kim": completer("김하늘"),
        "lee": completer("이바다"),
        "park": completer("박구름", date(1998, 1, 2)),
        "choi": completer("최들판"),
        "han": completer("한여름"),
        "seo": completer("서가을"),
    }
    other_campus = factories.CampusFactory()
    other_cohort = factories.CohortFactory(campus=other_campus, starts_on=STARTS, ends_on=ENDS)
    people["yoon_other"] = completer("윤겨울", at=other_cohort)
    # kim reported the job the record shows (pay within 10%); lee another employer and date.
    factories.OutcomeRecordFactory(
        enrolment=people["kim"],
        version=1,
        employer="한빛소프트",
        starts_on=date(2025, 10, 1),
        monthly_pay=3_000_000,
    )
    factories.OutcomeRecordFactory(
        enrolment=people["lee"], version=1, employer="가온랩", starts_on=date(2025, 11, 1)
    )
    # seo's job was verified by hand, with a certificate.
    seo = factories.OutcomeEvidenceFactory(outcome__enrolment=people["seo"], outcome__version=1)
    seo.outcome.verification = Verification.VERIFIED
    coordinator = factories.UserFactory(role=Role.COORDINATOR, campus=campus)
    official = factories.UserFactory(role=Role.OFFICIAL)
    db.session.commit()
    return {
        "campus": campus,
        "cohort": cohort,
        "coordinator": coordinator,
        "official": official,
        "other_campus": other_campus,
        **people,
    }


def the_match():
    return xlsx(
        [
            match_row(
                "김하늘",
                "2000-05-17",
                "한빛소프트",
                NAVER,
                "2025-10-01",
                None,
                40,
                "3,100,000",
                "응용 소프트웨어 개발자",
            ),
            match_row(
                "이바다", "2000.05.17", "누리데이터", OTHER, "2025-09-15", None, 40, 3_300_000
            ),
            match_row("박구름", "19980102", "동네마트", OTHER, "2024-06-01"),
            match_row("최들판", "2000-05-17", "단기상사", NAVER, "2025-10-01", "2025-12-15"),
            match_row("정없음", "2000-05-17", "어딘가", NAVER, "2025-10-01"),
            match_row("윤겨울", "2000-05-17", "누리데이터", NAVER, "2025-10-01"),
        ]
    )


def figures(db, campus):
    rules = engine.load_quality_rules(db.session)
    # As of today: the records are written now, and the cohort's figures are final.
    snapshot = engine.cohort_outcomes(
        db.session, 2025, seoul_today(), rules, engine.Scope(campus_id=campus.id)
    )
    return snapshot.figures()


def kept_matches() -> set[str]:
    return {i.name for i in storage.area("uploads").list() if i.name.startswith("match-")}


def current_jobs(db, enrolment):
    records = db.session.scalars(
        sa.select(OutcomeRecord)
        .where(OutcomeRecord.enrolment_id == enrolment.id)
        .order_by(OutcomeRecord.version)
    ).all()
    return {r.job: r for r in records}


def test_business_number_check_digit():
    assert business_number_valid("2208162517")
    assert not business_number_valid("2208162518")
    assert parse_business_number("２２０８１６２５１７") == NAVER
    for bad in ("220-81-6251", "220-81-62518", "abc-de-fghij"):
        with pytest.raises(CellError):
            parse_business_number(bad)


def test_the_preview_says_what_each_row_would_do(db, world, english):
    plan = plan_match(the_match(), world["campus"].id, world["coordinator"])

    assert plan.problems == []
    actions = {r.row.line: (r.action, str(r.reason or "")) for r in plan.rows}
    assert actions == {
        3: (MatchAction.VERIFY, ""),
        4: (MatchAction.CONFLICT, ""),
        5: (MatchAction.AT_START, ""),
        6: (MatchAction.ADD, ""),
        7: (MatchAction.NOT_APPLIED, "no trainee of your campus has this name and date of birth"),
        8: (MatchAction.NOT_APPLIED, "no trainee of your campus has this name and date of birth"),
    }
    conflict = plan.conflicts[0]
    assert conflict.current.employer == "가온랩"
    assert set(conflict.differences) == {"employer", "starts_on"}
    # nothing was written by the preview
    assert db.session.scalar(sa.select(sa.func.count(InsuranceMatch.id))) == 0


def test_applying_the_match_changes_the_kpi_as_worked_out_by_hand(db, world, english):
    before = figures(db, world["campus"])
    # six completers in the denominator; seo verified by hand; kim and lee pending
    assert (before.denominator, before.counts.employed, before.counts.employed_incl_pending) == (
        6,
        1,
        3,
    )
    assert before.insurance_confirmed_share.numerator == 0

    plan, match = apply_match(the_match(), world["coordinator"], world["campus"].id, "hrd.xlsx")

    kim = current_jobs(db, world["kim"])[1]
    assert kim.verification == Verification.VERIFIED
    assert kim.verified_by_id == world["coordinator"].id
    assert kim.insurance_match_id == match.id
    assert kim.monthly_pay == 3_000_000  # verified as reported: within the pay tolerance
    # lee's conflict was not chosen: the report stays as it was, pending
    lee = current_jobs(db, world["lee"])
    assert [(r.employer, r.verification) for r in lee.values()] == [
        ("가온랩", Verification.SELF_REPORTED)
    ]
    db.session.refresh(world["park"])
    assert world["park"].employed_at_start is True
    # choi's short job, lost before the window's end, still counts
    choi = current_jobs(db, world["choi"])[1]
    assert (choi.code, choi.starts_on, choi.verification) == (
        OutcomeCode.E1,
        date(2025, 10, 1),
        Verification.VERIFIED,
    )
    assert choi.reported_by_id == world["coordinator"].id
    assert current_jobs(db, world["yoon_other"]) == {}
    assert (match.verified, match.added, match.at_start) == (1, 1, 1)

    after = figures(db, world["campus"])
    # park leaves the denominator (employed at the start); kim and choi join seo as verified
    assert (after.denominator, after.counts.employed, after.counts.employed_incl_pending) == (
        5,
        3,
        4,
    )
    share = after.insurance_confirmed_share
    assert (share.numerator, share.denominator) == (2, 3)
    # the quality rate is unchanged for choi: the record does not say the job is in the field
    assert after.counts.quality_employed == 2


def test_choosing_the_record_over_a_disagreeing_report(db, world, english):
    plan = plan_match(the_match(), world["campus"].id, world["coordinator"])
    line = plan.conflicts[0].row.line

    apply_match(the_match(), world["coordinator"], world["campus"].id, "hrd.xlsx", take={line})

    lee = current_jobs(db, world["lee"])
    assert list(lee) == [1]  # a correction of the reported job, not a second job
    assert (lee[1].employer, lee[1].starts_on, lee[1].verification) == (
        "누리데이터",
        date(2025, 9, 15),
        Verification.VERIFIED,
    )
    after = figures(db, world["campus"])
    assert (after.counts.employed, after.insurance_confirmed_share.numerator) == (4, 3)


def test_the_match_file_is_kept_and_the_access_log_names_everyone_it_touched(db, world, english):
    data = the_match()
    _plan, match = apply_match(
        data, world["coordinator"], world["campus"].id, "hrd.xlsx", ip_address="10.0.0.7"
    )

    assert storage.area("uploads").get(match.stored_name) == data
    assert match.original_name == "hrd.xlsx" and match.campus_id == world["campus"].id
    entry = db.session.scalar(
        sa.select(AccessLog).where(AccessLog.subject_type == "insurance_match")
    )
    assert entry.user_id == world["coordinator"].id and entry.ip_address == "10.0.0.7"
    touched = {world[k].trainee_id for k in ("kim", "park", "choi")}
    assert f'"trainees":{sorted(touched)}'.replace(" ", "") in entry.detail.replace(" ", "")


def test_an_official_matches_citywide(db, world, english):
    plan = plan_match(the_match(), None, world["official"])
    actions = {r.row.line: r.action for r in plan.rows}
    assert actions[8] == MatchAction.ADD  # the other campus's trainee is found citywide
    assert actions[7] == MatchAction.NOT_APPLIED


def test_what_the_uploader_entered_is_not_verified_by_their_own_match(db, world, english):
    record = current_jobs(db, world["kim"])[1]
    record.reported_by_id = world["coordinator"].id
    db.session.commit()

    plan = plan_match(the_match(), world["campus"].id, world["coordinator"])

    kim = next(r for r in plan.rows if r.row.line == 3)
    assert kim.action == MatchAction.NOT_APPLIED
    assert "another coordinator" in str(kim.reason)
    # another coordinator's match verifies it
    colleague = factories.UserFactory(role=Role.COORDINATOR, campus=world["campus"])
    db.session.commit()
    again = plan_match(the_match(), world["campus"].id, colleague)
    assert next(r for r in again.rows if r.row.line == 3).action == MatchAction.VERIFY


def test_two_people_with_the_same_name_and_birth_date_are_listed_not_applied(db, world, english):
    twin = factories.TraineeFactory(user__name="김하늘", birth_date=date(2000, 5, 17))
    factories.EnrolmentFactory(
        cohort=world["cohort"], trainee=twin, status=EnrolmentStatus.COMPLETED
    )
    db.session.commit()

    plan = plan_match(the_match(), world["campus"].id, world["coordinator"])

    kim = next(r for r in plan.rows if r.row.line == 3)
    assert kim.action == MatchAction.NOT_APPLIED
    assert str(kim.reason).startswith("2 trainees have this name and date of birth")


def test_withdrawn_people_and_jobs_outside_every_window_are_not_applied(db, world, english):
    world["han"].status = EnrolmentStatus.WITHDRAWN
    world["han"].left_on = date(2025, 4, 1)
    db.session.commit()
    data = xlsx(
        [
            match_row("한여름", "2000-05-17", "한빛소프트", NAVER, "2025-10-01"),
            match_row("서가을", "2000-05-17", "먼미래", NAVER, "2026-05-01"),  # after end + 180
            match_row("최들판", "2000-05-17", "옛직장", NAVER, "2020-01-01", "2021-01-01"),
        ]
    )

    plan = plan_match(data, world["campus"].id, world["coordinator"])

    reasons = {r.row.line: str(r.reason) for r in plan.rows}
    assert reasons[3] == "no trainee of your campus has this name and date of birth"
    assert reasons[4].startswith("outside every cohort of this person")
    assert reasons[5].startswith("outside every cohort of this person")
    assert {r.action for r in plan.rows} == {MatchAction.NOT_APPLIED}


def test_bad_rows_are_listed_by_row_and_column_and_nothing_is_written(db, world, english):
    data = xlsx(
        [
            match_row("김하늘", "2000-05-17", "한빛소프트", "220-81-62518", "2025-10-01"),
            match_row("이바다", "2000-05-17", "누리데이터", OTHER, "2025-12-01", "2025-11-01"),
            match_row("최들판", "2000-05-17", "단기상사", NAVER, "2025-10-01"),
            match_row("최들판", "2000-05-17", "단기상사", NAVER, "2025-10-01"),
            match_row("박구름", "1998-01-02", "동네마트", "12345", "2099-01-01", None, 200, -5),
            match_row(None, None, None, None, None),
            match_row("서가을", "2000-05-17", "가온", NAVER, "2025-13-01"),
        ]
    )

    kept_before = kept_matches()
    with pytest.raises(MatchRejected) as rejected:
        apply_match(data, world["coordinator"], world["campus"].id, "bad.xlsx")

    found = {(p.line, p.column, str(p.message)) for p in rejected.value.plan.problems}
    assert found == {
        (
            3,
            "사업자등록번호",
            "not a valid business registration number: its check digit is "
            "wrong (a typing mistake?)",
        ),
        (
            4,
            "자격상실일",
            "lost on or before the day it was acquired (2025-12-01): check both dates",
        ),
        (6, "자격취득일", "the same insured job as row 5: delete one"),
        (7, "사업자등록번호", "not a business registration number: ten digits, as 123-45-67890"),
        (
            7,
            "자격취득일",
            "not a plausible date of acquisition: it is in the future or before 2000",
        ),
        (7, "주소정근로시간", "hours a week between 1 and 168"),
        (7, "월평균보수", "cannot be negative"),
        (
            9,
            "자격취득일",
            "no such day in the calendar (the month runs 1–12, the day to the "
            "month's last): write it as 2025-03-10",
        ),
    }
    assert db.session.scalar(sa.select(sa.func.count(InsuranceMatch.id))) == 0
    assert current_jobs(db, world["kim"])[1].verification == Verification.SELF_REPORTED
    assert kept_matches() == kept_before


def test_resident_registration_numbers_refuse_the_file_and_are_never_shown(db, world, english):
    data = xlsx(
        [
            [
                "김하늘",
                "000517-3123456",
                "한빛소프트",
                NAVER,
                "2025-10-01",
                None,
                None,
                None,
                None,
                None,
                "0005173123456",
            ],
            ["950310-1234567", "1995-03-10", "950310 1234567", NAVER, "2025-10-01"],
        ],
        header=[*HEADER, "주민등록번호"],
    )

    with pytest.raises(MatchRejected) as rejected:
        apply_match(data, world["coordinator"], world["campus"].id, "rrn.xlsx")

    problems = rejected.value.plan.problems
    assert {(p.line, p.column) for p in problems} >= {
        (3, "생년월일"),
        (3, "주민등록번호"),
        (4, "성명"),
        (4, "사업장명"),
    }
    shown = " ".join(f"{p.column} {p.message} {p.value}" for p in problems)
    shown += " ".join(str(w) for w in rejected.value.plan.parsed.warnings)
    assert "3123456" not in shown and "000517-3" not in shown and "1234567" not in shown
    assert db.session.scalar(sa.select(sa.func.count(InsuranceMatch.id))) == 0


def test_a_cp949_csv_with_english_headers_is_read(db, world, english):
    text = (
        "name,birth_date,employer,business_number,acquired_on,lost_on,weekly_hours,monthly_pay\n"
        "김하늘,2000-05-17,한빛소프트,2208162517,2025-10-01,,40,3100000\n"
    )

    plan = plan_match(text.encode("cp949"), world["campus"].id, world["coordinator"])

    assert plan.problems == []
    assert [r.action for r in plan.rows] == [MatchAction.VERIFY]


def test_a_report_changed_after_the_preview_is_checked_again(db, world, english):
    """The preview said verify; the trainee then changed the report: apply sees the conflict."""
    factories.OutcomeRecordFactory(
        enrolment=world["kim"],
        version=2,
        employer="한빛소프트",
        starts_on=date(2025, 10, 1),
        monthly_pay=2_000_000,
    )
    db.session.commit()

    plan, match = apply_match(the_match(), world["coordinator"], world["campus"].id, "hrd.xlsx")

    kim = next(r for r in plan.rows if r.row.line == 3)
    assert kim.action == MatchAction.CONFLICT and kim.differences == ("monthly_pay",)
    assert current_jobs(db, world["kim"])[1].verification == Verification.SELF_REPORTED
    assert match.verified == 0


def write(tmp_path, data: bytes, name="match.xlsx") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_cli_dry_run_within_a_campus_writes_nothing(runner, db, world, tmp_path):
    path = write(tmp_path, the_match())

    result = runner.invoke(
        args=["outcomes", "match", path, "--campus", world["campus"].name, "--dry-run"]
    )

    assert result.exit_code == 0, result.output
    assert "row 4: the trainee's report differs in employer, starts_on (report kept)" in (
        result.output
    )
    assert "row 8: not applied" in result.output  # the other campus's trainee
    assert (
        "would verify 1 reports, 1 jobs from the record, 1 employed at the start; "
        "1 disagreeing reports kept, 2 rows not applied"
    ) in result.output
    assert db.session.scalar(sa.select(sa.func.count(InsuranceMatch.id))) == 0


def test_cli_applies_citywide_and_takes_the_chosen_rows(runner, db, world, tmp_path):
    path = write(tmp_path, the_match())

    result = runner.invoke(
        args=["outcomes", "match", path, "--by", world["official"].email, "--take", "4"]
    )

    assert result.exit_code == 0, result.output
    match = db.session.scalar(sa.select(InsuranceMatch))
    assert match.campus_id is None and match.uploaded_by_id == world["official"].id
    assert (match.verified, match.added, match.at_start) == (1, 3, 1)  # choi, lee, yoon
    assert current_jobs(db, world["yoon_other"])[1].insurance_match_id == match.id


def test_cli_a_coordinator_cannot_match_another_campus(runner, db, world, tmp_path):
    path = write(tmp_path, the_match())

    result = runner.invoke(
        args=[
            "outcomes",
            "match",
            path,
            "--by",
            world["coordinator"].email,
            "--campus",
            world["other_campus"].name,
        ]
    )

    assert result.exit_code == 1
    assert "coordinator of another campus" in result.output
    assert db.session.scalar(sa.select(sa.func.count(InsuranceMatch.id))) == 0


def test_cli_problems_print_by_row_and_exit_1(runner, db, world, tmp_path):
    path = write(
        tmp_path, xlsx([match_row("김하늘", "2000-05-17", "한빛", "220-81-62518", "2025-10-01")])
    )

    result = runner.invoke(args=["outcomes", "match", path])

    assert result.exit_code == 1
    assert result.output.splitlines()[0].startswith("row 3, 사업자등록번호: ")
    assert "nothing was written" in result.output


def test_the_check_does_not_grow_with_the_file(db, world, english):
    """The people, their jobs and the cohorts of a file are read in a fixed number of queries."""
    from tests.test_query_counts import counting_queries

    def trainees_and_rows(n, tag):
        rows = []
        for i in range(n):
            name = f"{tag}{i:03d}"
            trainee = factories.TraineeFactory(user__name=name, birth_date=date(2000, 5, 17))
            enrolment = factories.EnrolmentFactory(
                cohort=world["cohort"], trainee=trainee, status=EnrolmentStatus.COMPLETED
            )
            factories.OutcomeRecordFactory(
                enrolment=enrolment, version=1, employer=f"회사{i}", starts_on=date(2025, 10, 1)
            )
            rows.append(match_row(name, "2000-05-17", f"회사{i}", NAVER, "2025-10-01"))
        db.session.commit()
        return xlsx(rows)

    small, large = trainees_and_rows(2, "가"), trainees_and_rows(30, "나")
    counts = []
    for data in (small, large):
        db.session.expire_all()  # both checks start from a fresh session, as a job's does
        with counting_queries() as statements:
            plan = plan_match(data, world["campus"].id, world["coordinator"])
        assert {r.action for r in plan.rows} == {MatchAction.VERIFY}
        counts.append(len(statements))
    assert counts[0] == counts[1]


def test_match_files_past_their_retention_are_deleted_and_their_record_kept(
    app, db, world, english
):
    from datetime import timedelta

    from academy.jobs import queue
    from academy.models import utcnow
    from academy.outcomes.matching import purge_expired_matches

    _plan, old = apply_match(the_match(), world["coordinator"], world["campus"].id, "old.xlsx")
    old_file = old.stored_name
    days = app.config["INSURANCE_MATCH_RETENTION_DAYS"]
    old.applied_at = utcnow() - timedelta(days=days + 1)
    db.session.commit()
    kim = current_jobs(db, world["kim"])[1]
    kim.verification = Verification.SELF_REPORTED  # so that a second match verifies it again
    db.session.commit()
    _plan, recent = apply_match(the_match(), world["coordinator"], world["campus"].id, "new.xlsx")
    recent_file = recent.stored_name

    queue.purge_insurance_matches.call_local()

    db.session.refresh(old)
    db.session.refresh(recent)
    assert old.stored_name is None and old.purged_at is not None and old.sha256
    assert not storage.area("uploads").exists(old_file)
    assert recent.stored_name == recent_file and storage.area("uploads").exists(recent_file)
    assert purge_expired_matches() == 0  # nothing left to purge
    purged = db.session.scalar(
        sa.select(AccessLog).where(
            AccessLog.subject_type == "insurance_match", AccessLog.action == "purge"
        )
    )
    assert purged is not None and str(old.id) in purged.detail


def test_applying_a_match_keeps_the_cohort_kpi_facts_equal_to_the_engine(
    db, world, english, runner
):
    from academy.kpi import facts

    facts.refresh_all(db.session)
    db.session.commit()
    before = db.session.execute(
        sa.select(CohortKpiFacts.employed, CohortKpiFacts.employed_insurance_match)
    ).all()

    apply_match(the_match(), world["coordinator"], world["campus"].id, "hrd.xlsx")
    db.session.remove()

    result = runner.invoke(args=["kpi", "check-facts", "--strict"])
    assert result.exit_code == 0, result.output
    after = db.session.execute(
        sa.select(CohortKpiFacts.employed, CohortKpiFacts.employed_insurance_match)
    ).all()
    assert after != before and sum(row[1] for row in after) == 2


def test_a_citywide_match_is_not_a_coordinators_download(db, world, english):
    from academy.outcomes.matching import recent_matches

    _plan, match = apply_match(the_match(), world["official"], None, "citywide.xlsx")
    other = factories.UserFactory(role=Role.COORDINATOR, campus=world["other_campus"])
    campus = world["campus"]

    for_coordinator = recent_matches(campus.id, world["coordinator"])
    for_official = recent_matches(campus.id, world["official"])

    assert [s.match.id for s in for_coordinator] == [match.id]
    assert not for_coordinator[0].downloadable  # it names people of every campus
    assert for_official[0].downloadable
    assert not can_download(other, match)
    match.stored_name, match.purged_at = None, datetime(2030, 1, 1)  # past its retention
    assert not recent_matches(campus.id, world["official"])[0].downloadable
