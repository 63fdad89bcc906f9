"""The scale generator (academy.scale): years of trainees at the 2030 rate, true to the rules."""

from collections import Counter
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from academy.auth.passwords import verify_password
from academy.demo import DEMO_LOGINS, DEMO_PASSWORD, DemoRefused
from academy.kpi.attendance import AttendanceRules, attendance_rate, meets_threshold
from academy.models import (
    AttendanceMark,
    ClassSession,
    Cohort,
    Enrolment,
    EnrolmentStatus,
    ExamAttempt,
    InstructorAssignment,
    InternshipPlacement,
    Mark,
    OutcomeRecord,
    Role,
    SubsidyClaim,
    SubsidyProgramme,
    Trainee,
    User,
)
from academy.scale import load_scale, scale_years
from tests import factories

AS_OF = date(2026, 12, 3)  # the load date: the data is dated from it


@pytest.fixture
def scaled(db):
    return load_scale(300, seed=5, today=AS_OF)


def test_years_fill_at_ten_thousand_a_year_ending_in_2030():
    assert scale_years(50_000) == [(year, 10_000) for year in range(2026, 2031)]
    assert scale_years(300) == [(2030, 300)]
    assert scale_years(25_001) == [(2028, 8_333), (2029, 8_334), (2030, 8_334)]
    assert sum(n for _, n in scale_years(25_001)) == 25_001


def test_three_hundred_trainees_in_the_demo_proportions(db):
    scaled = load_scale(300, seed=5, last_year=2030, as_of=date(2031, 9, 1))  # every one final
    assert scaled.trainees == db.session.scalar(sa.select(sa.func.count(Trainee.id))) == 300
    statuses = Counter(db.session.scalars(sa.select(Enrolment.status)))
    assert sum(statuses.values()) == 300
    assert not statuses[EnrolmentStatus.ENROLLED]  # nobody in training any more
    completers = statuses[EnrolmentStatus.COMPLETED] + statuses[EnrolmentStatus.EARLY_EMPLOYED]
    assert 0.75 <= completers / 300 <= 0.95  # the demo's mix: about 86.5%
    assert 0.03 <= statuses[EnrolmentStatus.WITHDRAWN] / 300 <= 0.15
    # Outcomes for most completers, none for anyone else.
    outcomes = db.session.execute(
        sa.select(Enrolment.status).join(OutcomeRecord, OutcomeRecord.enrolment_id == Enrolment.id)
    ).scalars()
    counted = Counter(outcomes)
    assert set(counted) <= {EnrolmentStatus.COMPLETED, EnrolmentStatus.EARLY_EMPLOYED}
    assert 0.9 <= sum(counted.values()) / completers <= 1.0  # some unknowns have no row
    attempts = db.session.scalar(sa.select(sa.func.count(ExamAttempt.id)))
    assert 0.25 <= attempts / 300 <= 0.6  # 40% sit, 15% of them twice
    assert db.session.scalar(sa.select(sa.func.count(SubsidyClaim.id))) > 0
    assert db.session.scalar(sa.select(sa.func.count(InternshipPlacement.id))) > 0


def test_completers_meet_the_attendance_rule_and_others_fall_short(db, scaled):
    held = dict(
        db.session.execute(
            sa.select(Cohort.id, sa.func.count(ClassSession.id))
            .join(ClassSession, ClassSession.cohort_id == Cohort.id)
            .group_by(Cohort.id)
        ).all()
    )
    marks: dict[int, Counter] = {}
    for enrolment_id, mark, n in db.session.execute(
        sa.select(AttendanceMark.enrolment_id, AttendanceMark.mark, sa.func.count()).group_by(
            AttendanceMark.enrolment_id, AttendanceMark.mark
        )
    ):
        marks.setdefault(enrolment_id, Counter())[Mark(mark)] = n
    rules = AttendanceRules()
    enrolments = db.session.execute(sa.select(Enrolment.id, Enrolment.cohort_id, Enrolment.status))
    checked = Counter()
    for enrolment_id, cohort_id, status in enrolments:
        rate = attendance_rate(marks.get(enrolment_id, Counter()), held[cohort_id], rules)
        if status == EnrolmentStatus.COMPLETED:
            assert meets_threshold(rate, rules)
        elif status == EnrolmentStatus.NOT_COMPLETED:
            assert not meets_threshold(rate, rules)
        checked[status] += 1
    assert checked[EnrolmentStatus.COMPLETED] > 100  # about half the year has ended


def test_open_cohorts_have_no_outcomes_and_no_marks_after_as_of(db, scaled):
    open_ids = db.session.scalars(sa.select(Cohort.id).where(Cohort.closed_on.is_(None))).all()
    assert open_ids == list(
        db.session.scalars(sa.select(Cohort.id).where(Cohort.ends_on > AS_OF).order_by(Cohort.id))
    )
    assert not db.session.scalar(
        sa.select(sa.func.count(OutcomeRecord.id))
        .join(Enrolment, Enrolment.id == OutcomeRecord.enrolment_id)
        .where(Enrolment.cohort_id.in_(open_ids))
    )
    latest = db.session.scalar(
        sa.select(sa.func.max(ClassSession.held_on)).join(
            AttendanceMark, AttendanceMark.session_id == ClassSession.id
        )
    )
    assert latest <= AS_OF
    assert db.session.scalar(sa.select(sa.func.max(OutcomeRecord.created_at))).date() <= AS_OF


def test_every_cohort_has_a_lead_and_the_budget_is_never_overspent(db, scaled):
    cohorts = db.session.scalar(sa.select(sa.func.count(Cohort.id)))
    leads = db.session.scalar(sa.select(sa.func.count(sa.distinct(InstructorAssignment.cohort_id))))
    assert cohorts == leads == scaled.cohorts
    for programme in db.session.scalars(sa.select(SubsidyProgramme)):
        approved = db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(SubsidyClaim.amount_approved), 0)).where(
                SubsidyClaim.programme_id == programme.id
            )
        )
        assert approved == programme.spent <= programme.budget


def test_demo_logins_sign_in_and_new_rows_get_fresh_ids(db, scaled):
    for email in DEMO_LOGINS.values():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        assert verify_password(user.password_hash, DEMO_PASSWORD), email
    cohort = factories.CohortFactory()  # the id sequences moved past the explicit ids
    assert cohort.id > scaled.cohorts


def test_refuses_a_database_in_use_unless_reset(db, scaled):
    with pytest.raises(DemoRefused):
        load_scale(50)
    again = load_scale(50, reset=True, seed=5)
    assert again.trainees == db.session.scalar(sa.select(sa.func.count(Trainee.id))) == 50


def test_cli_loads_n_trainees(db, runner):
    result = runner.invoke(args=["academy", "demo", "--trainees", "120", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "trainees 120," in result.output
    assert db.session.scalar(sa.select(sa.func.count(Trainee.id))) == 120
    refused = runner.invoke(args=["academy", "demo", "--trainees", "120"])
    assert refused.exit_code == 1
    assert "already holds data" in refused.output


def test_the_data_is_dated_from_the_load_date(db, scaled):
    """Cohorts ended before today, run today and start soon; nothing is recorded after today."""
    cohorts = db.session.execute(sa.select(Cohort.starts_on, Cohort.ends_on)).all()
    assert any(e < AS_OF for _, e in cohorts)
    assert any(s <= AS_OF <= e for s, e in cohorts)
    assert any(s > AS_OF for s, _ in cohorts)
    assert all(AS_OF - timedelta(weeks=52) < e <= AS_OF + timedelta(weeks=26) for _, e in cohorts)
    for column in (
        Enrolment.enrolled_on,
        SubsidyClaim.applied_on,
        ExamAttempt.sat_on,
        Cohort.closed_on,
        OutcomeRecord.verified_at,
    ):
        latest = db.session.scalar(sa.select(sa.func.max(column)))
        latest = latest.date() if isinstance(latest, datetime) else latest
        assert latest is None or latest <= AS_OF, column
    # This year's subsidy programme has a round taking applications today.
    programme = db.session.scalar(sa.select(SubsidyProgramme).where(SubsidyProgramme.year == 2026))
    assert any(r.opens_on <= AS_OF <= r.closes_on for r in programme.rounds)


def test_staff_sign_in_with_the_demos_documented_two_factor_keys(db, scaled):
    from academy.demo import demo_totp_secret

    for role in (Role.OFFICIAL, Role.COORDINATOR, Role.ADMIN):
        user = db.session.scalar(sa.select(User).where(User.email == DEMO_LOGINS[role]))
        assert user.two_factor_enabled and user.totp_secret == demo_totp_secret(user.email)
    for role in (Role.INSTRUCTOR, Role.TRAINEE):
        user = db.session.scalar(sa.select(User).where(User.email == DEMO_LOGINS[role]))
        assert not user.two_factor_enabled
    others = db.session.scalar(
        sa.select(sa.func.count(User.id)).where(
            User.totp_secret.is_not(None), User.email.not_in(DEMO_LOGINS.values())
        )
    )
    assert others == 0
