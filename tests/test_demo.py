"""The demo data: deterministic, refused on a database in use, and true to the domain's rules."""

import itertools
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

import holidays
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from academy.auth.passwords import verify_password
from academy.clock import seoul_today
from academy.demo import DEMO_PASSWORD, DemoRefused, delete_all_rows, load_demo
from academy.instructors.services import counted_experience
from academy.kpi.attendance import AttendanceRules, attendance_rate, meets_threshold
from academy.kpi.capacity import TIER_CAPACITY
from academy.models import (
    AllianceMember,
    AttendanceMark,
    Campus,
    CampusKind,
    ClaimStatus,
    Classroom,
    ClassSession,
    Cohort,
    ContactAttempt,
    Enrolment,
    EnrolmentStatus,
    ExamAttempt,
    FundDonation,
    Instructor,
    InstructorAssignment,
    Mark,
    OutcomeRecord,
    Role,
    Scholarship,
    SubsidyClaim,
    SubsidyProgramme,
    Tier,
    Trainee,
    User,
    Verification,
    YearlyTarget,
    age_on,
)
from tests import factories
from tests.conftest import count_rows

SMALL = 0.05
TODAY = date(2026, 12, 3)  # a Thursday: the load date the demo is dated from in these tests


def trainee_identities(db) -> list[tuple[str, str]]:
    return db.session.execute(
        sa.select(User.name, User.email).join(Trainee, Trainee.user_id == User.id).order_by(User.id)
    ).all()


def test_same_seed_gives_the_same_trainees(db):
    load_demo(seed=7, scale=SMALL)
    first = trainee_identities(db)
    load_demo(reset=True, seed=7, scale=SMALL)
    again = trainee_identities(db)
    load_demo(reset=True, seed=8, scale=SMALL)
    other = trainee_identities(db)

    assert len(first) > 100
    assert again == first
    assert [name for name, _ in other] != [name for name, _ in first]


def test_demo_refuses_a_database_that_already_has_a_user(db):
    factories.UserFactory(email="real.person@example.com", role=Role.OFFICIAL)
    db.session.commit()

    with pytest.raises(DemoRefused, match="--reset"):
        load_demo(scale=SMALL)
    assert count_rows(User) == 1
    assert count_rows(Cohort) == 0


def test_demo_refuses_to_load_twice_without_reset(db):
    load_demo(scale=SMALL)
    cohorts = count_rows(Cohort)

    with pytest.raises(DemoRefused, match="--reset"):
        load_demo(scale=SMALL)
    assert count_rows(Cohort) == cohorts


def test_reset_deletes_every_row_and_reloads_the_same_demo(db):
    summary = load_demo(scale=SMALL)
    factories.UserFactory(email="added.later@example.com", role=Role.OFFICIAL)
    db.session.commit()

    again = load_demo(reset=True, scale=SMALL)

    assert db.session.scalar(sa.select(User).where(User.email == "added.later@example.com")) is None
    assert count_rows(Campus) == 28
    assert count_rows(YearlyTarget) == 12
    assert count_rows(Trainee) == summary.trainees == again.trainees
    assert count_rows(AttendanceMark) == summary.attendance_marks == again.attendance_marks


def test_rows_added_after_the_demo_get_fresh_ids(db):
    """The demo inserts explicit ids; PostgreSQL's sequences must have been moved past them."""
    load_demo(scale=SMALL)
    user = User(email="new.official@example.com", name="새 담당자", role=Role.OFFICIAL)
    mark = db.session.scalar(sa.select(AttendanceMark).limit(1))
    extra_day = ClassSession(cohort_id=mark.session.cohort_id, held_on=date(2025, 12, 27))
    db.session.add_all([user, extra_day])
    db.session.flush()
    db.session.add(
        AttendanceMark(session=extra_day, enrolment_id=mark.enrolment_id, mark=Mark.PRESENT)
    )
    db.session.commit()

    assert user.id == count_rows(User)
    assert extra_day.id == count_rows(ClassSession)


def test_every_trainee_is_19_to_39_at_cohort_start(db):
    load_demo(scale=SMALL)
    rows = db.session.execute(
        sa.select(Trainee.birth_date, Cohort.starts_on)
        .join(Enrolment, Enrolment.trainee_id == Trainee.id)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
    ).all()

    ages = {age_on(born, starts_on) for born, starts_on in rows}
    assert len(rows) == count_rows(Trainee)
    assert min(ages) >= 19 and max(ages) <= 39


def test_trainees_have_mobile_numbers_and_example_addresses_only(db):
    load_demo(scale=SMALL)
    trainees = db.session.scalars(sa.select(Trainee).options(selectinload(Trainee.user))).all()

    assert all(t.phone and t.phone.startswith("010-") and len(t.phone) == 13 for t in trainees)
    domains = {t.user.email.rsplit("@", 1)[1] for t in trainees}
    assert domains <= {"example.com", "example.org", "example.net"}


@pytest.mark.parametrize("year", [2025, 2026])
def test_subsidy_spent_equals_the_approved_claims_within_budget(db, year):
    load_demo(scale=SMALL, today=TODAY)
    programme = db.session.scalar(sa.select(SubsidyProgramme).where(SubsidyProgramme.year == year))
    approved = db.session.scalar(
        sa.select(sa.func.sum(SubsidyClaim.amount_approved)).where(
            SubsidyClaim.programme_id == programme.id, SubsidyClaim.status == ClaimStatus.APPROVED
        )
    )
    per_person = db.session.execute(
        sa.select(SubsidyClaim.trainee_id, sa.func.sum(SubsidyClaim.amount_approved))
        .where(SubsidyClaim.status == ClaimStatus.APPROVED)
        .group_by(SubsidyClaim.trainee_id)
    ).all()

    assert approved and programme.spent == approved <= programme.budget
    assert max(total for _, total in per_person) <= programme.per_person_cap


def test_the_2026_programme_excludes_last_years_recipients_in_two_rounds(db):
    load_demo(scale=SMALL, today=TODAY)
    programme = db.session.scalar(sa.select(SubsidyProgramme).where(SubsidyProgramme.year == 2026))
    earlier = db.session.scalar(sa.select(SubsidyProgramme).where(SubsidyProgramme.year == 2025))

    assert programme.exclude_prior_year_recipients
    assert [r.half for r in programme.rounds] == [1, 2]
    assert not earlier.exclude_prior_year_recipients and not earlier.rounds  # before 2026


@pytest.mark.parametrize(
    "email, role",
    [
        ("official@example.com", Role.OFFICIAL),
        ("admin@example.com", Role.ADMIN),
        ("coordinator@example.com", Role.COORDINATOR),
        ("instructor@example.com", Role.INSTRUCTOR),
        ("trainee@example.com", Role.TRAINEE),
    ],
)
def test_each_role_has_a_demo_login_with_the_documented_password(db, email, role):
    summary = load_demo(scale=SMALL)
    user = db.session.scalar(sa.select(User).where(User.email == email))

    assert user.role == role
    assert verify_password(user.password_hash, DEMO_PASSWORD)
    assert not verify_password(user.password_hash, "wrong-password-2025")
    assert email in summary.describe() and DEMO_PASSWORD in summary.describe()


def test_demo_staff_have_a_second_factor_whose_key_make_run_prints(db):
    import pyotp

    from academy.auth import two_factor
    from academy.demo import demo_totp_secret, login_lines

    summary = load_demo(scale=SMALL)
    lines = "\n".join(login_lines())
    for email in ("official@example.com", "admin@example.com", "coordinator@example.com"):
        user = db.session.scalar(sa.select(User).where(User.email == email))
        assert user.two_factor_enabled and user.totp_secret == demo_totp_secret(email)
        key = two_factor.grouped_secret(user.totp_secret)
        assert key in lines and key in summary.describe()
        assert two_factor.check_sign_in_code(user, pyotp.TOTP(user.totp_secret).now()).accepted
    trainee = db.session.scalar(sa.select(User).where(User.email == "trainee@example.com"))
    assert not trainee.two_factor_enabled


def test_demo_logins_meet_on_one_campus_with_a_full_trainee_record(db):
    load_demo(scale=SMALL, today=TODAY)
    coordinator = db.session.scalar(sa.select(User).where(User.email == "coordinator@example.com"))
    instructor = db.session.scalar(sa.select(User).where(User.email == "instructor@example.com"))
    trainee = db.session.scalar(sa.select(User).where(User.email == "trainee@example.com")).trainee

    assert coordinator.campus.name == "종로캠퍼스"
    taught = {a.cohort.campus_id for a in instructor.instructor.assignments}
    assert taught == {coordinator.campus_id}
    (enrolment,) = trainee.enrolments
    assert enrolment.cohort.campus_id == coordinator.campus_id
    assert enrolment.status == EnrolmentStatus.COMPLETED
    assert enrolment.marks and enrolment.outcomes
    attempts = db.session.scalars(
        sa.select(ExamAttempt).where(ExamAttempt.trainee_id == trainee.id)
    )
    assert list(attempts)
    assert db.session.scalar(sa.select(SubsidyClaim).where(SubsidyClaim.trainee_id == trainee.id))


def test_generated_trainees_are_not_activated(db):
    load_demo(scale=SMALL)
    with_password = db.session.scalars(
        sa.select(User.email).where(User.role == Role.TRAINEE, User.password_hash.is_not(None))
    ).all()

    assert with_password == ["trainee@example.com"]


def test_cohorts_span_the_18_months_before_the_load_date_and_meet_on_working_days(db):
    load_demo(scale=SMALL, today=TODAY)
    closed = holidays.KR(years=range(2024, 2028))
    cohorts = db.session.scalars(sa.select(Cohort).options(selectinload(Cohort.sessions))).all()

    for cohort in cohorts:
        # Monday of the first week to Friday of the last, 16 to 24 weeks.
        weeks = cohort.ends_on - cohort.starts_on + timedelta(days=3)
        assert timedelta(weeks=16) <= weeks <= timedelta(weeks=24)
        assert cohort.starts_on.weekday() == 0 and cohort.ends_on.weekday() == 4
        assert TODAY - timedelta(weeks=79) <= cohort.ends_on  # ended in the last 18 months
        assert cohort.starts_on <= TODAY + timedelta(weeks=11)  # or starts within ten weeks
        days = [s.held_on for s in cohort.sessions]
        assert all(d.weekday() < 5 and d not in closed for d in days)
    ended = [c for c in cohorts if c.ends_on < TODAY]
    running = [c for c in cohorts if c.starts_on <= TODAY <= c.ends_on]
    coming = [c for c in cohorts if c.starts_on > TODAY]
    assert ended and running and coming
    assert {c.ends_on.year for c in ended} == {2025, 2026}
    assert date(2025, 10, 3) not in {s.held_on for c in cohorts for s in c.sessions}  # 개천절


def test_rosters_stay_within_capacity_and_only_the_waitlisted_have_a_position(db):
    load_demo(scale=SMALL)
    rows = db.session.execute(
        sa.select(Cohort.capacity, sa.func.count(Enrolment.id))
        .join(Enrolment, Enrolment.cohort_id == Cohort.id)
        .where(Enrolment.status != EnrolmentStatus.WAITLISTED)
        .group_by(Cohort.id)
    ).all()

    assert all(taken <= capacity for capacity, taken in rows)
    statuses = Counter(db.session.scalars(sa.select(Enrolment.status)))
    assert statuses[EnrolmentStatus.COMPLETED] > statuses[EnrolmentStatus.WITHDRAWN] > 0


def test_completers_attended_at_least_80_percent(db):
    load_demo(scale=SMALL)
    held = dict(
        db.session.execute(
            sa.select(ClassSession.cohort_id, sa.func.count()).group_by(ClassSession.cohort_id)
        ).all()
    )
    counts: dict[int, Counter] = defaultdict(Counter)
    for enrolment_id, mark, n in db.session.execute(
        sa.select(AttendanceMark.enrolment_id, AttendanceMark.mark, sa.func.count()).group_by(
            AttendanceMark.enrolment_id, AttendanceMark.mark
        )
    ):
        counts[enrolment_id][mark] = n
    rules = AttendanceRules()
    completed = db.session.scalars(
        sa.select(Enrolment).where(Enrolment.status == EnrolmentStatus.COMPLETED)
    ).all()
    for enrolment in completed:
        rate = attendance_rate(counts[enrolment.id], held[enrolment.cohort_id], rules)
        assert meets_threshold(rate, rules)
    poor = sum(marks[Mark.ABSENT] > 0.1 * sum(marks.values()) for marks in counts.values())

    assert poor > 0  # some trainees attend poorly, so the roster has something to show


def test_leads_are_qualified_and_a_few_instructors_are_not(db):
    load_demo(scale=SMALL)
    instructors = db.session.scalars(
        sa.select(Instructor).options(
            selectinload(Instructor.careers),
            selectinload(Instructor.assignments).selectinload(InstructorAssignment.cohort),
        )
    ).all()

    unqualified = [
        i for i in instructors if not counted_experience(i.careers, seoul_today()).qualified
    ]
    assert 0 < len(unqualified) <= 0.1 * len(instructors) + 2
    assert all(not i.assignments for i in unqualified)
    for instructor in instructors:
        for assignment in instructor.assignments:
            assert counted_experience(instructor.careers, assignment.cohort.starts_on).qualified
    leads = db.session.scalar(sa.select(sa.func.count(sa.distinct(InstructorAssignment.cohort_id))))
    assert leads == count_rows(Cohort)


def test_outcomes_belong_to_completers_and_verified_ones_name_their_verifier(db):
    load_demo(scale=SMALL)
    records = db.session.scalars(
        sa.select(OutcomeRecord).options(selectinload(OutcomeRecord.enrolment))
    ).all()

    completer = {EnrolmentStatus.COMPLETED, EnrolmentStatus.EARLY_EMPLOYED}
    assert records and all(r.enrolment.status in completer for r in records)
    employed = [r for r in records if r.code.is_employed]
    assert employed and all(r.starts_on and r.employer for r in employed)
    verified = [r for r in records if r.verification == Verification.VERIFIED]
    assert verified and all(r.verified_by.role == Role.COORDINATOR for r in verified)


def classroom_timetables(db) -> dict[int, list[tuple[date, date]]]:
    cohorts = db.session.execute(
        sa.select(
            Cohort.classroom_id, Cohort.starts_on, Cohort.ends_on, Cohort.capacity, Classroom.seats
        )
        .join(Classroom, Classroom.id == Cohort.classroom_id)
        .order_by(Cohort.classroom_id, Cohort.starts_on)
    ).all()
    assert len(cohorts) == count_rows(Cohort)
    assert all(capacity <= seats for *_, capacity, seats in cohorts)
    by_room = defaultdict(list)
    for room_id, starts_on, ends_on, *_ in cohorts:
        by_room[room_id].append((starts_on, ends_on))
    return by_room


def trainees_by_campus(db, first: date, last: date) -> list[tuple[str, CampusKind, Tier, int]]:
    """Trainees of the cohorts that started between two dates, by campus."""
    rows = db.session.execute(
        sa.select(Campus, sa.func.count(Enrolment.id))
        .join(Cohort, Cohort.campus_id == Campus.id)
        .join(Enrolment, Enrolment.cohort_id == Cohort.id)
        .where(Enrolment.status != EnrolmentStatus.WAITLISTED)
        .where(Cohort.starts_on.between(first, last))
        .group_by(Campus.id)
    ).all()
    return [(campus.name, campus.kind, campus.tier, trainees) for campus, trainees in rows]


def test_full_scale_fills_campuses_to_their_tier_and_never_double_books_a_classroom(db):
    """A year's cohorts train about the 3,300 trainees of the 2025 target. Only at full scale do
    classrooms hold several cohorts one after another, so the timetable is checked here."""
    try:
        summary = load_demo(today=TODAY)
        taken = trainees_by_campus(db, TODAY - timedelta(days=364), TODAY)
        timetables = classroom_timetables(db)
    finally:  # one TRUNCATE on PostgreSQL: the fixture's row-by-row DELETE takes many seconds
        delete_all_rows()
        db.session.commit()

    # A classroom's cohorts start at a steady pace, so the 52 weeks before the load date hold a
    # year's plan, give or take a cohort at a room that runs three a year.
    for name, kind, tier, trainees in taken:
        if kind == CampusKind.DISTRICT:
            low, high = TIER_CAPACITY[tier]
            assert 0.9 * low <= trainees <= 1.25 * high, (name, trainees)
    assert len(taken) == 28
    assert 3_000 <= sum(trainees for *_, trainees in taken) <= 4_000
    assert summary.attendance_marks > 400_000
    assert max(len(spans) for spans in timetables.values()) >= 2
    for spans in timetables.values():
        for (_, ends_on), (next_start, _) in itertools.pairwise(spans):
            assert ends_on < next_start


# The demo is dated from its load date ----------------------------------------------------------

# A Thursday; New Year's Day (a holiday, and the first day of a subsidy round); a Saturday; a leap
# day; a day in the first half of 2025 (before the two rounds and the exclusion of last year's
# recipients began).
ODD_DAYS = [TODAY, date(2027, 1, 1), date(2026, 12, 5), date(2028, 2, 29), date(2025, 4, 15)]


@pytest.mark.parametrize("today", ODD_DAYS, ids=str)
def test_nothing_is_recorded_after_the_load_date(db, today):
    load_demo(scale=SMALL, today=today)

    def latest(column):
        value = db.session.scalar(sa.select(sa.func.max(column)))
        return value.date() if isinstance(value, datetime) else value

    marked = db.session.scalar(
        sa.select(sa.func.max(ClassSession.held_on)).join(
            AttendanceMark, AttendanceMark.session_id == ClassSession.id
        )
    )
    assert marked < today  # today's sheets are still to mark
    for column in (
        OutcomeRecord.created_at,
        OutcomeRecord.verified_at,
        OutcomeRecord.returned_at,
        SubsidyClaim.applied_on,
        SubsidyClaim.decided_at,
        SubsidyClaim.paid_on,
        ExamAttempt.sat_on,
        Cohort.closed_on,
        Cohort.created_at,
        Enrolment.enrolled_on,
        Enrolment.left_on,
        InstructorAssignment.assigned_at,
        ContactAttempt.attempted_at,
        AllianceMember.joined_on,
        FundDonation.received_on,
        Scholarship.awarded_on,
    ):
        assert latest(column) is None or latest(column) <= today, column
    ages = db.session.execute(
        sa.select(Trainee.birth_date, Cohort.starts_on)
        .join(Enrolment, Enrolment.trainee_id == Trainee.id)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
    ).all()
    assert all(19 <= age_on(born, started) <= 39 for born, started in ages)


def test_the_same_load_date_gives_the_same_demo_and_a_later_one_moves_it(db):
    def cohorts():
        return db.session.execute(
            sa.select(Cohort.code, Cohort.starts_on, Cohort.ends_on).order_by(Cohort.id)
        ).all()

    load_demo(scale=SMALL, today=TODAY)
    first = cohorts()
    load_demo(reset=True, scale=SMALL, today=TODAY)
    assert cohorts() == first
    load_demo(reset=True, scale=SMALL, today=TODAY + timedelta(weeks=5))
    moved = cohorts()
    assert max(e for *_, e in moved) > max(e for *_, e in first)
    assert min(s for _, s, _ in moved) > min(s for _, s, _ in first)


def _sheet_day(cohort: Cohort, today: date) -> date:
    """The day the attendance sheet opens on: today's session, else the latest held."""
    days = [s.held_on for s in cohort.sessions if s.held_on <= today]
    return today if today in days else max(days)


@pytest.mark.parametrize("today", ODD_DAYS, ids=str)
def test_every_demo_login_has_something_to_do_on_the_load_date(db, today):
    from academy.kpi.attendance import Outlook, attendance_outlook
    from academy.outcomes.services import verification_queue
    from academy.subsidies import services as subsidies

    load_demo(scale=SMALL, today=today)
    signs_in = sa.select(User).where(User.password_hash.is_not(None))
    users = {u.email: u for u in db.session.scalars(signs_in)}

    # The instructor: a cohort running today at the demo campus, with a sheet nobody marked yet.
    instructor = users["instructor@example.com"].instructor
    running = [
        a.cohort for a in instructor.assignments if a.cohort.starts_on <= today <= a.cohort.ends_on
    ]
    assert len(running) == 1
    (cohort,) = running
    assert cohort.campus_id == users["coordinator@example.com"].campus_id
    day = _sheet_day(cohort, today)
    session = next(s for s in cohort.sessions if s.held_on == day)
    roster = [e for e in cohort.enrolments if e.status == EnrolmentStatus.ENROLLED]
    assert len(roster) >= 6
    assert not db.session.scalar(
        sa.select(sa.func.count(AttendanceMark.id)).where(AttendanceMark.session_id == session.id)
    )
    # ... and trainees at risk of not completing, on the cohort page.
    rules = AttendanceRules()
    held = sum(1 for s in cohort.sessions if s.held_on <= today)
    outlooks = [
        attendance_outlook(Counter(m.mark for m in e.marks), held, len(cohort.sessions), rules, 2)
        for e in roster
    ]
    assert sum(o.outlook == Outlook.AT_RISK for o in outlooks) >= 1
    assert sum(o.outlook == Outlook.ON_TRACK for o in outlooks) >= 3

    # The coordinator: outcomes to verify, a cohort that ended and waits to be closed, a cohort
    # starting soon with enrolment open and a waitlist.
    coordinator = users["coordinator@example.com"]
    assert verification_queue(coordinator.campus_id).pending
    at_campus = db.session.scalars(
        sa.select(Cohort).where(Cohort.campus_id == coordinator.campus_id)
    ).all()
    assert [c for c in at_campus if c.ends_on < today and c.closed_on is None]
    coming = [c for c in at_campus if c.starts_on > today]
    assert any(e.status == EnrolmentStatus.WAITLISTED for c in coming for e in c.enrolments)

    # The trainee: an exam sat days ago that the open round of this year's programme pays for.
    trainee = users["trainee@example.com"].trainee
    view = subsidies.application_view(trainee, today)
    assert view.programme is not None and view.person == [] and view.room > 0
    assert view.programme.budget - view.programme.spent > 0
    (attempt,) = view.attempts
    assert subsidies.check(trainee, attempt, attempt.fee_paid, today).eligible

    # The official: this year has cohorts to watch.
    assert any(c.ends_on.year == today.year for c in db.session.scalars(sa.select(Cohort)))


def test_finished_cohorts_show_plausible_kpis_near_the_80_percent_line(db):
    from academy.kpi.engine import cohort_outcomes, load_quality_rules

    load_demo(scale=0.2, today=TODAY)
    rules = load_quality_rules(db.session)
    final = cohort_outcomes(db.session, 2025, TODAY, rules).headline  # ended a year ago or more
    window = cohort_outcomes(db.session, 2026, TODAY, rules).headline  # partly in their window

    employment = final.employment_rate.value
    quality = final.quality_rate.value
    assert 0.7 <= employment <= 0.9, employment
    assert 0.45 <= quality < employment, quality
    assert final.knowledge_rate.value >= 0.85
    assert window.knowledge_rate.value < final.knowledge_rate.value
    assert window.employment_rate_incl_pending.value > window.employment_rate.value
