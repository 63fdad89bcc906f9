"""Outcome rules without HTTP: the answer-to-code mapping, versions, verification states, the
queue and the follow-up list."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from academy.clock import seoul_today
from academy.models import (
    AccessLog,
    ContactChannel,
    ContactResult,
    EnrolmentStatus,
    ExclusionReason,
    OutcomeCode,
    OutcomeRecord,
    Role,
    Verification,
)
from academy.outcomes import services
from academy.outcomes.services import JobKind, OutcomeAnswer, OutcomeRefused, Situation, Window
from academy.uploads import StoredFile
from tests import factories

JOB = OutcomeAnswer(
    Situation.EMPLOYED,
    employer="주식회사 새솔데이터",
    starts_on=date(2025, 9, 1),
    job_kind=JobKind.OPEN_ENDED,
    insured=True,
    weekly_hours=40,
    monthly_pay=3_100_000,
    in_field=True,
)


def completer(campus=None, ended_days_ago=100, **kwargs):
    campus = campus or factories.CampusFactory()
    ends_on = seoul_today() - timedelta(days=ended_days_ago)
    cohort = factories.CohortFactory(
        campus=campus, starts_on=ends_on - timedelta(weeks=20), ends_on=ends_on
    )
    return factories.EnrolmentFactory(cohort=cohort, status=EnrolmentStatus.COMPLETED, **kwargs)


def coordinator_of(campus):
    return factories.UserFactory(role=Role.COORDINATOR, campus=campus)


def stored_file(n: int = 0) -> StoredFile:
    return StoredFile(str(n) * 32 + ".pdf", "재직증명서.pdf", "application/pdf", 1234)


@pytest.mark.parametrize(
    ("kind", "insured", "months", "in_field", "code"),
    [
        (JobKind.OPEN_ENDED, True, None, True, OutcomeCode.E1),
        (JobKind.FIXED_TERM, True, 12, True, OutcomeCode.E2),
        (JobKind.FIXED_TERM, True, 3, True, OutcomeCode.E2),
        (JobKind.FIXED_TERM, True, 2, True, OutcomeCode.E4),  # a short contract
        (JobKind.INTERNSHIP, True, 6, True, OutcomeCode.E3),
        (JobKind.INTERNSHIP, False, 3, True, OutcomeCode.E3),
        (JobKind.PART_TIME, True, None, True, OutcomeCode.E4),
        (JobKind.OPEN_ENDED, False, None, True, OutcomeCode.E4),  # uninsured is not E1
        (JobKind.FIXED_TERM, False, 12, True, OutcomeCode.E4),
        (JobKind.OPEN_ENDED, True, None, False, OutcomeCode.E6),  # out of field comes first
        (JobKind.INTERNSHIP, True, 6, False, OutcomeCode.E6),
        (JobKind.PART_TIME, False, None, False, OutcomeCode.E6),
    ],
)
def test_job_answers_map_to_the_domain_codes(kind, insured, months, in_field, code):
    assert services.job_code(kind, insured, months, in_field) == code


@pytest.mark.parametrize(
    ("answer", "code"),
    [
        (
            OutcomeAnswer(
                Situation.FOUNDED, employer="새솔랩", starts_on=date(2025, 8, 1), in_field=True
            ),
            OutcomeCode.E5,
        ),
        (OutcomeAnswer(Situation.SEEKING), OutcomeCode.S1),
        (OutcomeAnswer(Situation.NOT_SEEKING), OutcomeCode.S2),
        (
            OutcomeAnswer(Situation.EXCLUDED, exclusion_reason=ExclusionReason.MILITARY),
            OutcomeCode.X,
        ),
    ],
)
def test_the_other_answers_map_to_e5_s1_s2_and_x(answer, code):
    assert services.outcome_fields(answer)["code"] == code


def test_only_the_fields_an_answer_needs_are_kept():
    """A stray contract length on an open-ended job, or pay on a still-seeking answer, is not
    stored."""
    fields = services.outcome_fields(OutcomeAnswer(**{**JOB.__dict__, "contract_months": 12}))
    assert fields["contract_months"] is None and fields["code"] == OutcomeCode.E1
    seeking = services.outcome_fields(
        OutcomeAnswer(Situation.SEEKING, employer="X", weekly_hours=40)
    )
    assert {k: v for k, v in seeking.items() if v is not None} == {"code": OutcomeCode.S1}


@pytest.mark.parametrize("code", [c for c in OutcomeCode if c != OutcomeCode.U])
def test_an_earlier_answer_fills_the_form_that_gives_the_same_code(db, code):
    record = factories.OutcomeRecordFactory.build(
        code=code,
        contract_months=12 if code == OutcomeCode.E2 else None,
        in_field=code != OutcomeCode.E6,
        exclusion_reason=ExclusionReason.ILLNESS if code == OutcomeCode.X else None,
    )
    assert services.outcome_fields(services.answer_from(record))["code"] == code


def test_each_report_is_a_new_version_and_the_old_ones_are_kept(db):
    enrolment = completer()
    trainee = enrolment.trainee.user
    db.session.commit()

    first = services.report_outcome(enrolment, OutcomeAnswer(Situation.SEEKING), trainee)
    second = services.report_outcome(enrolment, JOB, trainee, evidence=stored_file())
    third = services.report_outcome(
        enrolment, OutcomeAnswer(**{**JOB.__dict__, "monthly_pay": 3_300_000}), trainee
    )

    assert [first.version, second.version, third.version] == [1, 2, 3]
    assert first.verification == Verification.SELF_REPORTED
    assert second.verification == Verification.EVIDENCE_ATTACHED
    assert second.evidence[0].original_name == "재직증명서.pdf"
    history = services.histories([enrolment.id])[enrolment.id]
    assert [v.record.version for v in history] == [3, 2, 1]
    assert history[0].changed == ("monthly_pay",)
    assert "code" in history[1].changed and "employer" in history[1].changed
    assert all(v.record.reported_by_id == trainee.id for v in history)
    logged = db.session.scalars(
        sa.select(AccessLog.detail)
        .where(AccessLog.subject_type == "outcome_record")
        .order_by(AccessLog.seq)
    ).all()
    assert logged == ["version 1: S1", "version 2: E1", "version 3: E1"]


@pytest.mark.parametrize("status", [EnrolmentStatus.WAITLISTED, EnrolmentStatus.CANCELLED])
def test_people_who_never_started_cannot_report(db, status):
    enrolment = completer()
    enrolment.status = status
    if status == EnrolmentStatus.WAITLISTED:
        enrolment.waitlist_position = 1
    else:
        enrolment.left_on = enrolment.cohort.starts_on
    db.session.commit()

    with pytest.raises(OutcomeRefused):
        services.report_outcome(enrolment, JOB, enrolment.trainee.user)
    assert db.session.scalar(sa.select(sa.func.count(OutcomeRecord.id))) == 0


@pytest.mark.parametrize("status", [EnrolmentStatus.WITHDRAWN, EnrolmentStatus.NOT_COMPLETED])
def test_people_who_started_and_did_not_complete_can_report(db, status):
    enrolment = completer()
    enrolment.status = status
    if status == EnrolmentStatus.WITHDRAWN:
        enrolment.left_on = enrolment.cohort.starts_on + timedelta(days=10)
    db.session.commit()

    record = services.report_outcome(enrolment, JOB, enrolment.trainee.user)
    assert (record.version, record.job, record.code) == (1, 1, OutcomeCode.E1)


def test_a_job_without_evidence_cannot_be_verified_but_still_seeking_can(db):
    enrolment = completer()
    coordinator = coordinator_of(enrolment.cohort.campus)
    db.session.commit()
    job = services.report_outcome(enrolment, JOB, enrolment.trainee.user)

    with pytest.raises(OutcomeRefused):
        services.verify(job, coordinator)
    seeking = services.report_outcome(
        enrolment, OutcomeAnswer(Situation.SEEKING), enrolment.trainee.user
    )
    services.verify(seeking, coordinator)

    assert seeking.verification == Verification.VERIFIED
    assert seeking.verified_by_id == coordinator.id and seeking.verified_at is not None


def test_verifying_an_outcome_with_evidence(db):
    enrolment = completer()
    coordinator = coordinator_of(enrolment.cohort.campus)
    db.session.commit()
    record = services.report_outcome(enrolment, JOB, enrolment.trainee.user, stored_file())

    services.verify(record, coordinator)

    assert record.verification == Verification.VERIFIED
    with pytest.raises(OutcomeRefused):  # decided already
        services.send_back(record, "다시 확인", coordinator)
    assert record.verification == Verification.VERIFIED


def test_sending_back_keeps_the_reason_for_the_trainee(db):
    enrolment = completer()
    coordinator = coordinator_of(enrolment.cohort.campus)
    db.session.commit()
    record = services.report_outcome(enrolment, JOB, enrolment.trainee.user, stored_file())

    with pytest.raises(OutcomeRefused):
        services.send_back(record, "   ", coordinator)
    services.send_back(record, "재직증명서의  입사일이 \n보이지 않습니다.", coordinator)

    assert record.verification == Verification.RETURNED
    assert record.returned_reason == "재직증명서의 입사일이 보이지 않습니다."
    assert record.returned_by_id == coordinator.id and record.returned_at is not None
    with pytest.raises(OutcomeRefused):
        services.verify(record, coordinator)


def test_only_the_current_version_can_be_decided(db):
    enrolment = completer()
    coordinator = coordinator_of(enrolment.cohort.campus)
    db.session.commit()
    old = services.report_outcome(enrolment, JOB, enrolment.trainee.user, stored_file())
    services.report_outcome(enrolment, OutcomeAnswer(Situation.SEEKING), enrolment.trainee.user)

    with pytest.raises(OutcomeRefused):
        services.verify(old, coordinator)
    assert old.verification == Verification.EVIDENCE_ATTACHED


def test_the_queue_shows_current_pending_outcomes_of_the_campus_evidence_first(db):
    campus = factories.CampusFactory()
    coordinator = coordinator_of(campus)
    plain = completer(campus)
    with_file = factories.EnrolmentFactory(cohort=plain.cohort, status=EnrolmentStatus.COMPLETED)
    returned, verified, replaced = (completer(campus) for _ in range(3))
    elsewhere = completer()
    db.session.commit()
    services.report_outcome(plain, OutcomeAnswer(Situation.SEEKING), coordinator)
    services.report_outcome(with_file, JOB, coordinator, stored_file())
    back = services.report_outcome(
        returned, JOB, coordinator, StoredFile("1" * 32 + ".pdf", "a.pdf", "application/pdf", 1)
    )
    services.send_back(back, "파일이 흐립니다", coordinator)
    ok = services.report_outcome(verified, OutcomeAnswer(Situation.SEEKING), verified.trainee.user)
    services.verify(ok, coordinator)
    services.report_outcome(replaced, OutcomeAnswer(Situation.SEEKING), coordinator)
    services.report_outcome(replaced, OutcomeAnswer(Situation.NOT_SEEKING), coordinator)
    services.report_outcome(elsewhere, JOB, elsewhere.trainee.user)

    queue = services.verification_queue(campus.id)

    pending = [(r.enrolment_id, r.code) for r in queue.pending]
    # Within a cohort, evidence first, though the plain one was reported earlier.
    same_cohort = [p for p in pending if p[0] in (plain.id, with_file.id)]
    assert same_cohort == [(with_file.id, OutcomeCode.E1), (plain.id, OutcomeCode.S1)]
    assert (replaced.id, OutcomeCode.S2) in pending and (replaced.id, OutcomeCode.S1) not in pending
    assert len(pending) == 3
    assert [r.enrolment_id for r in queue.returned] == [returned.id]
    assert [(c.id, n) for c, n in queue.cohorts if c.id == plain.cohort_id] == [
        (plain.cohort_id, 2)
    ]
    only = services.verification_queue(campus.id, cohort_id=replaced.cohort_id)
    assert [r.enrolment_id for r in only.pending] == [replaced.id]


def test_follow_up_lists_unknown_completers_by_days_left_with_the_marks(db):
    campus = factories.CampusFactory()
    coordinator = coordinator_of(campus)
    urgent = completer(campus, ended_days_ago=170)
    fresh = completer(campus, ended_days_ago=20)
    closed = completer(campus, ended_days_ago=200)
    unknown_row = completer(campus, ended_days_ago=100)
    known = completer(campus, ended_days_ago=100)
    withdrawn = completer(campus, ended_days_ago=100)
    withdrawn.status, withdrawn.left_on = EnrolmentStatus.WITHDRAWN, withdrawn.cohort.starts_on
    running = factories.CohortFactory(
        campus=campus, starts_on=seoul_today(), ends_on=seoul_today() + timedelta(days=90)
    )
    in_training = factories.EnrolmentFactory(cohort=running)
    factories.OutcomeRecordFactory(
        enrolment=unknown_row, code=OutcomeCode.U, employer=None, starts_on=None
    )
    factories.OutcomeRecordFactory(enrolment=known, code=OutcomeCode.S1, starts_on=None)
    factories.ContactAttemptFactory(enrolment=urgent, result=ContactResult.NO_ANSWER)
    db.session.commit()
    services.record_contact(urgent, ContactChannel.EMAIL, ContactResult.SENT, None, coordinator)

    lines = services.follow_up(campus.id, Window.OPEN)

    assert [line.enrolment.id for line in lines] == [urgent.id, unknown_row.id, fresh.id]
    assert [line.days_left for line in lines] == [10, 80, 160]
    first = lines[0]
    assert first.early_mark == urgent.cohort.ends_on + timedelta(days=90)
    assert first.window_ends == urgent.cohort.ends_on + timedelta(days=180)
    assert first.past_early_mark and not lines[2].past_early_mark
    assert first.contacts == 2 and first.last_contact.result == ContactResult.SENT
    assert [line.enrolment.id for line in services.follow_up(campus.id, Window.CLOSED)] == [
        closed.id
    ]
    everyone = services.follow_up(campus.id, Window.ALL)
    assert everyone[-1].enrolment.id == closed.id and everyone[-1].days_left == -20
    assert in_training.id not in {line.enrolment.id for line in everyone}


def test_a_contact_cannot_be_recorded_in_the_future(db):
    enrolment = completer()
    coordinator = coordinator_of(enrolment.cohort.campus)
    db.session.commit()

    with pytest.raises(OutcomeRefused):
        services.record_contact(
            enrolment,
            ContactChannel.PHONE,
            ContactResult.REACHED,
            None,
            coordinator,
            on=seoul_today() + timedelta(days=1),
        )
    earlier = services.record_contact(
        enrolment,
        ContactChannel.PHONE,
        ContactResult.REACHED,
        "  면접 중  ",
        coordinator,
        on=date(2025, 10, 1),
    )

    assert earlier.attempted_at.date() == date(2025, 10, 1)
    assert earlier.note == "면접 중"


def test_whoever_entered_an_outcome_or_its_evidence_cannot_verify_it(db):
    """Four eyes (issue 13): a coordinator recorded a job with a tiny "evidence" file and
    verified it themself. Another coordinator of the campus, or a city official, verifies."""
    enrolment = completer()
    campus = enrolment.cohort.campus
    entering = coordinator_of(campus)
    second = factories.UserFactory(role=Role.COORDINATOR, campus=campus)
    official = factories.UserFactory(role=Role.OFFICIAL)
    db.session.commit()
    record = services.report_outcome(enrolment, JOB, entering, stored_file())
    with pytest.raises(OutcomeRefused):
        services.verify(record, entering)
    assert record.verification == Verification.EVIDENCE_ATTACHED
    services.verify(record, second)
    assert record.verification == Verification.VERIFIED and record.verified_by_id == second.id
    # A city official verifies what a trainee reported, where the campus has no second pair.
    again = services.report_outcome(enrolment, JOB, enrolment.trainee.user, stored_file(1))
    services.verify(again, official)
    assert again.verified_by_id == official.id
