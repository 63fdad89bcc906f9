"""A person's jobs are a history: which report is a new job and which corrects one, the issue's
case end to end through the outcome import, non-completers' rows accepted, and the history shown
in the verification queue and on the trainee's record."""

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from academy.clock import seoul_today
from academy.kpi import engine
from academy.models import EnrolmentStatus, OutcomeCode, OutcomeRecord, Role, Verification
from academy.outcomes import services
from academy.outcomes.importing import ImportRejected, commit_import, plan_import
from academy.outcomes.services import JobKind, OutcomeAnswer, Situation
from tests import factories
from tests.outcomes.test_importing import row, xlsx


def job(employer, starts_on, pay=3_100_000):
    return OutcomeAnswer(
        Situation.EMPLOYED,
        employer=employer,
        starts_on=starts_on,
        job_kind=JobKind.OPEN_ENDED,
        insured=True,
        weekly_hours=40,
        monthly_pay=pay,
        in_field=True,
    )


def enrolment_at(campus=None, ended_days_ago=100, status=EnrolmentStatus.COMPLETED, email=None):
    ends_on = seoul_today() - timedelta(days=ended_days_ago)
    cohort = factories.CohortFactory(
        campus=campus or factories.CampusFactory(),
        starts_on=ends_on - timedelta(weeks=20),
        ends_on=ends_on,
    )
    extra = {"trainee__user__email": email} if email else {}
    if status in (EnrolmentStatus.WITHDRAWN, EnrolmentStatus.CANCELLED):
        extra["left_on"] = cohort.starts_on + timedelta(days=1)
    if status == EnrolmentStatus.WAITLISTED:
        extra["waitlist_position"] = 1
    return factories.EnrolmentFactory(cohort=cohort, status=status, **extra)


def jobs_and_versions(db, enrolment):
    return [
        (r.version, r.job, r.code.value)
        for r in db.session.scalars(
            sa.select(OutcomeRecord)
            .where(OutcomeRecord.enrolment_id == enrolment.id)
            .order_by(OutcomeRecord.version)
        )
    ]


def test_the_same_employer_corrects_a_job_and_another_employer_is_a_new_job(db):
    enrolment = enrolment_at()
    db.session.commit()
    user = enrolment.trainee.user
    first = date(2025, 9, 1)
    services.report_outcome(enrolment, job("주식회사 새솔데이터", first), user)
    # a correction of the pay, the name typed with other spaces and case: the same job
    services.report_outcome(enrolment, job(" 주식회사  새솔데이터 ", first, pay=3_300_000), user)
    # the employer's name corrected on a job starting the same day: still the same job
    services.report_outcome(enrolment, job("(주)새솔데이터", first), user)
    services.report_outcome(enrolment, job("다음일 주식회사", date(2027, 9, 1)), user)
    # "still seeking" after an unverified job withdraws that job's report
    services.report_outcome(enrolment, OutcomeAnswer(Situation.SEEKING), user)
    assert jobs_and_versions(db, enrolment) == [
        (1, 1, "E1"),
        (2, 1, "E1"),
        (3, 1, "E1"),
        (4, 2, "E1"),
        (5, 2, "S1"),
    ]


def test_after_a_verified_job_a_new_statement_keeps_that_job_in_the_history(db):
    enrolment = enrolment_at()
    factories.OutcomeRecordFactory(
        enrolment=enrolment, version=1, job=1, verification=Verification.VERIFIED
    )
    db.session.commit()
    services.report_outcome(enrolment, OutcomeAnswer(Situation.SEEKING), enrolment.trainee.user)
    services.report_outcome(enrolment, job("다른회사", date(2026, 1, 5)), enrolment.trainee.user)
    # S1 opened job 2 (job 1 was verified); the next job replaces that statement
    assert jobs_and_versions(db, enrolment) == [(1, 1, "E1"), (2, 2, "S1"), (3, 2, "E1")]


def test_the_issues_case_a_job_two_years_later_keeps_the_in_window_job(db):
    """A verified job from the cohort's end + 95 days, then (a later file) a verified job from
    end + 730 days: the campus keeps its one employed, quality-job trainee."""
    enrolment = enrolment_at(ended_days_ago=400, email="gana@example.com")
    db.session.commit()
    ends_on = enrolment.cohort.ends_on
    terms = dict(insured="Y", hours=40, in_field="Y", pay=3_000_000, verified="Y")
    commit_import(
        xlsx([row("gana@example.com", "E1", ends_on + timedelta(days=95), "가나데이터", **terms)]),
        None,
        None,
    )
    commit_import(
        xlsx([row("gana@example.com", "E1", ends_on + timedelta(days=730), "다라소프트", **terms)]),
        None,
        None,
    )

    assert jobs_and_versions(db, enrolment) == [(1, 1, "E1"), (2, 2, "E1")]
    rules = engine.load_quality_rules(db.session)
    scope = engine.Scope(campus_id=enrolment.cohort.campus_id)
    counts = engine.cohort_outcomes(db.session, ends_on.year, seoul_today(), rules, scope)
    n = counts.figures().counts
    assert (n.employed, n.quality_employed, n.unknown) == (1, 1, 0)


@pytest.mark.parametrize("status", [EnrolmentStatus.WITHDRAWN, EnrolmentStatus.NOT_COMPLETED])
def test_the_import_records_outcomes_of_people_who_did_not_complete(db, status):
    enrolment_at(email="done@example.com")
    left = enrolment_at(status=status, email="left@example.com")
    db.session.commit()
    data = xlsx(
        [
            row("done@example.com", "S1"),
            row("left@example.com", "E1", date(2025, 9, 1), "가나데이터", verified="Y"),
        ]
    )
    plan = commit_import(data, None, None)
    assert not plan.problems
    assert jobs_and_versions(db, left) == [(1, 1, "E1")]
    assert left.outcomes[0].verification == Verification.VERIFIED


@pytest.mark.parametrize("status", [EnrolmentStatus.WAITLISTED, EnrolmentStatus.CANCELLED])
def test_the_import_refuses_only_people_who_never_started(db, status):
    enrolment_at(email="done@example.com")
    enrolment_at(status=status, email="never@example.com")
    db.session.commit()
    data = xlsx([row("done@example.com", "S1"), row("never@example.com", "S1")])
    with pytest.raises(ImportRejected) as refused:
        commit_import(data, None, None)
    messages = [str(p.message) for p in refused.value.plan.problems]
    assert messages == [
        "대기 중이거나 시작 전에 취소되었습니다. 취업 결과는 기수를 시작한 사람 "
        "모두에 대해 기록합니다"
    ]
    assert db.session.scalar(sa.select(sa.func.count(OutcomeRecord.id))) == 0
    assert plan_import(data, None).problems[0].line == 4  # title row, header, then the rows


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_queue_and_the_record_show_the_earlier_job_with_its_day_after_the_end(
    client, login_as, db
):
    coordinator = login_as(Role.COORDINATOR)
    enrolment = enrolment_at(campus=coordinator.campus)
    ends_on = enrolment.cohort.ends_on
    factories.OutcomeRecordFactory(
        enrolment=enrolment,
        version=1,
        job=1,
        employer="가나데이터",
        starts_on=ends_on + timedelta(days=95),
        verification=Verification.VERIFIED,
    )
    db.session.commit()
    services.report_outcome(
        enrolment, job("다라소프트", ends_on + timedelta(days=400)), enrolment.trainee.user
    )

    queue = text_of(
        client.get(f"/outcomes/campuses/{coordinator.campus_id}/queue").get_data(as_text=True)
    )
    assert "이전 취업: E1 가나데이터, 교육 종료 후 95일" in queue
    assert "180일 집계 기간 안에 시작" in queue
    record = text_of(client.get(f"/trainees/{enrolment.trainee_id}").get_data(as_text=True))
    assert "이전 취업: E1 가나데이터, 교육 종료 후 95일" in record
    # the pending new job is the one to decide; the earlier verified job stays verified
    pending = db.session.scalar(sa.select(OutcomeRecord).where(OutcomeRecord.job == 2))
    assert pending.code == OutcomeCode.E1 and pending.verification == Verification.SELF_REPORTED
