"""The KPI pages read the database in a fixed number of queries, whatever the number of trainees."""

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from academy import reference
from academy.models import (
    Campus,
    Cohort,
    Course,
    Enrolment,
    EnrolmentStatus,
    Level,
    OutcomeCode,
    OutcomeRecord,
    Role,
    Trainee,
    User,
    Verification,
)
from tests.test_query_counts import counting_queries, queries_for


def add_trainees(db, total: int) -> None:
    """Bring the 2025 rosters to `total` people, 25 to a cohort, spread over every campus, each
    with a verified outcome; inserted in bulk (factories would take minutes for 5,000)."""
    have = db.session.scalar(sa.select(sa.func.count(Enrolment.id)))
    campuses = db.session.scalars(sa.select(Campus).order_by(Campus.id)).all()
    course_ids = dict(db.session.execute(sa.select(Course.campus_id, Course.id)).all())
    for campus in campuses:
        if campus.id not in course_ids:
            course = Course(campus=campus, name="AI 서비스 개발", level=Level.INTERMEDIATE)
            db.session.add(course)
            db.session.flush()
            course_ids[campus.id] = course.id
    for start in range(have, total, 25):
        n = min(25, total - start)
        campus = campuses[(start // 25) % len(campuses)]
        ends_on = date(2025, 1, 10) + timedelta(days=(start // 25) % 330)
        cohort = Cohort(
            code=f"Q-{start:06d}",
            campus_id=campus.id,
            course_id=course_ids[campus.id],
            starts_on=ends_on - timedelta(weeks=20),
            ends_on=ends_on,
            capacity=30,
        )
        db.session.add(cohort)
        db.session.flush()
        users = [
            dict(email=f"q{start + i}@example.com", name="교육생", role=Role.TRAINEE)
            for i in range(n)
        ]
        user_ids = db.session.scalars(sa.insert(User).returning(User.id), users).all()
        trainee_ids = db.session.scalars(
            sa.insert(Trainee).returning(Trainee.id),
            [dict(user_id=u, birth_date=date(2000, 1, 1)) for u in user_ids],
        ).all()
        enrolment_ids = db.session.scalars(
            sa.insert(Enrolment).returning(Enrolment.id),
            [
                dict(
                    cohort_id=cohort.id,
                    trainee_id=t,
                    status=EnrolmentStatus.COMPLETED,
                    enrolled_on=cohort.starts_on,
                )
                for t in trainee_ids
            ],
        ).all()
        db.session.execute(
            sa.insert(OutcomeRecord),
            [
                dict(
                    enrolment_id=e,
                    version=1,
                    code=OutcomeCode.E1,
                    starts_on=ends_on,
                    employer="주식회사 예시",
                    insured=True,
                    weekly_hours=40,
                    in_field=True,
                    monthly_pay=2_800_000,
                    verification=Verification.VERIFIED,
                    verified_at=datetime(2025, 12, 30),
                    created_at=datetime(2025, 12, 29),
                )
                for e in enrolment_ids
            ],
        )
    db.session.commit()


@pytest.mark.parametrize(
    "url",
    [
        "/dashboard/?year=2025&as_of=2026-11-01",
        "/dashboard/?year=2025&tier=small",
        "/api/v1/kpi?year=2025",
    ],
)
def test_citywide_dashboard_queries_are_the_same_for_100_and_5000_trainees(
    client, login_as, db, url
):
    reference.load_reference_data()
    login_as(Role.OFFICIAL)
    add_trainees(db, 100)
    small = queries_for(client, url)
    add_trainees(db, 5_000)
    assert db.session.scalar(sa.select(sa.func.count(Enrolment.id))) == 5_000
    assert queries_for(client, url) == small


def test_campus_dashboard_queries_do_not_grow_with_its_cohorts(client, login_as, db):
    reference.load_reference_data()
    add_trainees(db, 100)
    campus = db.session.scalars(sa.select(Campus).order_by(Campus.id)).first()
    login_as(Role.COORDINATOR, campus=campus)
    url = f"/dashboard/campus/{campus.id}?year=2025"
    small = queries_for(client, url)
    add_trainees(db, 2_000)
    assert queries_for(client, url) == small


@pytest.mark.parametrize("role", [Role.OFFICIAL, Role.COORDINATOR])
def test_a_campus_dashboard_computes_no_citywide_capacity_plan(client, login_as, db, role):
    """The capacity plan is shown citywide only; a campus's page must not pay for it."""
    reference.load_reference_data()
    add_trainees(db, 50)
    campus = db.session.scalars(sa.select(Campus).order_by(Campus.id)).first()
    login_as(role, campus=campus if role == Role.COORDINATOR else None)
    citywide = ("sum(cohort.capacity)", "sum(classroom.seats)")
    with counting_queries() as statements:
        assert client.get(f"/dashboard/campus/{campus.id}?year=2025").status_code == 200
    assert not [s for s in statements if any(part in s.lower() for part in citywide)]
    with counting_queries() as statements:
        assert client.get("/dashboard/?year=2025").status_code == 200 or role != Role.OFFICIAL
    if role == Role.OFFICIAL:  # the city page still computes it
        assert [s for s in statements if citywide[0] in s.lower()]


def test_ecosystem_and_archive_pages_do_not_grow(client, login_as, db):
    from tests.reports.access_world import archived_report

    reference.load_reference_data()
    login_as(Role.OFFICIAL)
    archived_report()
    small = (queries_for(client, "/ecosystem/?year=2025"), queries_for(client, "/reports/"))
    for _ in range(30):
        archived_report()
    assert (queries_for(client, "/ecosystem/?year=2025"), queries_for(client, "/reports/")) == small
