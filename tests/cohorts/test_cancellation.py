"""Cancelling a place (취소) before the start or in the course's grace days: the person leaves the
enrolled count, the seat goes to the waitlist, and after the grace days only a withdrawal is
possible. `flask cohort show --json` names the roster count and the status counts apart."""

import json
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from academy.clock import seoul_today
from academy.cohorts.enrolment import EnrolmentRefused, cancel, cancellation_deadline
from academy.models import Enrolment, EnrolmentStatus, Role
from tests import factories


def cohort_starting(days_from_today: int, grace: int = 3, capacity: int = 25):
    starts_on = seoul_today() + timedelta(days=days_from_today)
    course = factories.CourseFactory(cancellation_grace_days=grace)
    return factories.CohortFactory(
        campus=course.campus,
        course=course,
        starts_on=starts_on,
        ends_on=starts_on + timedelta(weeks=12),
        capacity=capacity,
    )


def place(cohort, enrolled_on=None, **kwargs):
    return factories.EnrolmentFactory(
        cohort=cohort, enrolled_on=enrolled_on or cohort.starts_on, **kwargs
    )


def test_a_place_is_cancelled_before_the_start(db):
    cohort = cohort_starting(10)
    enrolment = place(cohort, enrolled_on=seoul_today())
    db.session.commit()
    cancel(enrolment, seoul_today(), by=None)
    assert (enrolment.status, enrolment.left_on) == (EnrolmentStatus.CANCELLED, seoul_today())


@pytest.mark.parametrize(
    ("started_days_ago", "grace", "allowed"),
    [(2, 3, True), (3, 3, True), (4, 3, False), (5, 3, False), (5, 7, True), (1, 0, False)],
)
def test_in_the_first_days_only_as_long_as_the_course_allows(db, started_days_ago, grace, allowed):
    cohort = cohort_starting(-started_days_ago, grace=grace)
    enrolment = place(cohort)
    db.session.commit()
    assert cancellation_deadline(enrolment) == cohort.starts_on + timedelta(days=grace)
    if allowed:
        cancel(enrolment, seoul_today(), by=None)
        assert enrolment.status == EnrolmentStatus.CANCELLED
    else:
        with pytest.raises(EnrolmentRefused) as refused:
            cancel(enrolment, seoul_today(), by=None)
        assert "left_on" in refused.value.errors
        db.session.refresh(enrolment)
        assert enrolment.status == EnrolmentStatus.ENROLLED


def test_a_late_joiner_has_grace_days_from_the_day_they_joined(db):
    cohort = cohort_starting(-20)
    enrolment = place(cohort, enrolled_on=seoul_today() - timedelta(days=1))
    db.session.commit()
    assert cancellation_deadline(enrolment) == seoul_today() + timedelta(days=2)
    with pytest.raises(EnrolmentRefused):  # before they joined
        cancel(enrolment, seoul_today() - timedelta(days=2), by=None)
    cancel(enrolment, seoul_today(), by=None)


def test_only_a_place_on_the_roster_can_be_cancelled(db):
    cohort = cohort_starting(10)
    withdrawn = place(cohort, status=EnrolmentStatus.WITHDRAWN, left_on=cohort.starts_on)
    db.session.commit()
    with pytest.raises(EnrolmentRefused):
        cancel(withdrawn, cohort.starts_on, by=None)
    assert withdrawn.status == EnrolmentStatus.WITHDRAWN


def test_a_cancelled_seat_goes_to_the_first_on_the_waitlist(db):
    cohort = cohort_starting(10, capacity=1)
    holder = place(cohort, enrolled_on=seoul_today())
    waiting = place(cohort, status=EnrolmentStatus.WAITLISTED, waitlist_position=1)
    db.session.commit()
    departure = cancel(holder, seoul_today(), by=None)
    assert [e.id for e in departure.promoted] == [waiting.id]
    assert db.session.get(Enrolment, waiting.id).status == EnrolmentStatus.ENROLLED


def test_the_coordinator_cancels_from_the_leave_page(client, login_as, db):
    coordinator = login_as(Role.COORDINATOR)
    cohort = cohort_starting(-1)
    cohort.campus = coordinator.campus
    cohort.course.campus = coordinator.campus
    on_time, too_late = place(cohort), place(cohort)
    db.session.commit()
    url = f"/cohorts/{cohort.id}/enrolments/{{}}/leave"

    page = client.get(url.format(on_time.id)).get_data(as_text=True)
    assert 'value="cancelled"' in page and "초기 유예 기간 내 취소" in page
    done = client.post(
        url.format(on_time.id), data={"left_on": seoul_today().isoformat(), "reason": "cancelled"}
    )
    assert done.status_code == 303
    late_day = cohort.starts_on + timedelta(days=4)
    refused = client.post(
        url.format(too_late.id), data={"left_on": late_day.isoformat(), "reason": "cancelled"}
    )
    assert refused.status_code == 422
    assert "중도 탈락으로 처리하세요" in refused.get_data(as_text=True)
    statuses = dict(db.session.execute(sa.select(Enrolment.id, Enrolment.status)).all())
    assert statuses == {
        on_time.id: EnrolmentStatus.CANCELLED,
        too_late.id: EnrolmentStatus.ENROLLED,
    }


def test_another_campus_cannot_cancel_a_place(client, login_as, db):
    login_as(Role.COORDINATOR)
    cohort = cohort_starting(5)  # at a campus of its own
    enrolment = place(cohort)
    db.session.commit()
    response = client.post(
        f"/cohorts/{cohort.id}/enrolments/{enrolment.id}/leave",
        data={"left_on": seoul_today().isoformat(), "reason": "cancelled"},
    )
    assert response.status_code == 404
    assert db.session.get(Enrolment, enrolment.id).status == EnrolmentStatus.ENROLLED


def test_cohort_show_names_the_roster_count_and_the_status_counts(runner, db):
    """A closed cohort of 20 (17 completed, 2 not completed, 1 withdrew) and a cancelled place:
    on the roster 20, nobody holding a seat any more, 1 cancelled."""
    cohort = factories.CohortFactory(code="CLOSED-2025-01", closed_on=date(2025, 7, 30))
    for _ in range(17):
        place(cohort, status=EnrolmentStatus.COMPLETED)
    for _ in range(2):
        place(cohort, status=EnrolmentStatus.NOT_COMPLETED)
    place(cohort, status=EnrolmentStatus.WITHDRAWN, left_on=cohort.starts_on + timedelta(days=30))
    place(cohort, status=EnrolmentStatus.CANCELLED, left_on=cohort.starts_on)
    db.session.commit()
    summary = json.loads(runner.invoke(args=["cohort", "show", "CLOSED-2025-01", "--json"]).output)
    assert (summary["roster_count"], summary["seats_taken"], summary["cancelled"]) == (20, 0, 1)
    assert summary["status_counts"] == {
        "enrolled": 0,
        "waitlisted": 0,
        "withdrawn": 1,
        "completed": 17,
        "not_completed": 2,
        "early_employed": 0,
        "cancelled": 1,
    }
    assert "enrolled" not in summary  # the ambiguous key is gone


def test_the_grace_days_are_set_per_course(client, login_as, db):
    coordinator = login_as(Role.COORDINATOR)
    base = {
        "level": "beginner",
        "field": "AI",
        "attendance_threshold_pct": "80",
        "lates_per_absence": "3",
    }
    seven = client.post(
        "/cohorts/courses/new", data={**base, "name": "AI 실무", "cancellation_grace_days": "7"}
    )
    too_many = client.post(
        "/cohorts/courses/new", data={**base, "name": "AI 심화", "cancellation_grace_days": "45"}
    )
    unset = client.post("/cohorts/courses/new", data={**base, "name": "AI 기초"})
    assert (seven.status_code, too_many.status_code, unset.status_code) == (303, 422, 303)
    grace = {c.name: c.cancellation_grace_days for c in coordinator.campus.courses}
    assert grace == {"AI 실무": 7, "AI 기초": 3}
