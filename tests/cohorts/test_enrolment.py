"""Enrolment one by one: the age rule, overlapping cohorts, the waitlist and its promotions."""

from datetime import date

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from academy.cohorts.enrolment import EnrolmentRefused, TraineeData, enrol, leave
from academy.cohorts.planning import CohortData, update_cohort
from academy.models import AccessLog, Enrolment, EnrolmentStatus, Role, Trainee, User
from tests import factories
from tests.conftest import count_rows

START = date(2025, 3, 3)


def person(email="new.person@example.com", born=date(2000, 5, 17), **fields) -> TraineeData:
    return TraineeData(name=fields.pop("name", "김새롬"), birth_date=born, email=email, **fields)


def statuses(cohort) -> list[tuple[str, EnrolmentStatus, int | None]]:
    rows = Enrolment.query.filter_by(cohort_id=cohort.id).order_by(Enrolment.id).all()
    return [(e.trainee.user.email, e.status, e.waitlist_position) for e in rows]


@pytest.fixture(autouse=True)
def english(app, db):
    """Reasons are compared in English here; the Korean ones are the catalogue's business."""
    with app.test_request_context(), force_locale("en"):
        yield


@pytest.fixture
def cohort(db):
    cohort = factories.CohortFactory(starts_on=START, capacity=2)
    db.session.commit()
    return cohort


@pytest.mark.parametrize(
    ("born", "accepted"),
    [
        (date(2006, 3, 3), True),  # 19th birthday on the first day
        (date(2006, 3, 4), False),  # 19 the day after: still 18
        (date(1985, 3, 4), True),  # 40 the day after the first day: 39
        (date(1985, 3, 3), False),  # 40th birthday on the first day
    ],
)
def test_trainees_are_19_to_39_on_the_cohorts_first_day(db, cohort, born, accepted):
    if accepted:
        enrolment = enrol(cohort, person(born=born), by=None)
        assert enrolment.status == EnrolmentStatus.ENROLLED
    else:
        with pytest.raises(EnrolmentRefused) as refused:
            enrol(cohort, person(born=born), by=None)
        assert "birth_date" in refused.value.errors
        assert count_rows(Enrolment) == 0 and count_rows(User) == 0


def test_the_youth_age_range_comes_from_the_configuration(app, db, cohort):
    app.config["YOUTH_MAX_AGE"] = 34
    try:
        with pytest.raises(EnrolmentRefused) as refused:
            enrol(cohort, person(born=date(1990, 1, 1)), by=None)
    finally:
        app.config["YOUTH_MAX_AGE"] = 39
    assert "34" in str(refused.value.errors["birth_date"][0])


def test_a_new_person_gets_an_account_without_a_password(db, cohort):
    enrolment = enrol(
        cohort, person(email=" New.Person@Example.com ", phone="010-1111-2222"), by=None
    )
    user = enrolment.trainee.user
    assert user.email == "new.person@example.com"
    assert user.role == Role.TRAINEE and user.password_hash is None
    assert enrolment.trainee.phone == "010-1111-2222"
    assert enrolment.enrolled_on is not None
    assert db.session.scalar(sa.select(AccessLog).where(AccessLog.subject_type == "enrolment"))


def test_an_existing_trainee_is_found_by_e_mail_and_keeps_one_record(db, cohort):
    earlier = factories.CohortFactory(starts_on=date(2024, 3, 4))
    known = factories.EnrolmentFactory(cohort=earlier, status=EnrolmentStatus.COMPLETED)
    db.session.commit()
    enrolment = enrol(
        cohort, person(email=known.trainee.user.email, born=known.trainee.birth_date), by=None
    )
    assert enrolment.trainee_id == known.trainee_id
    assert count_rows(Trainee) == 1


def test_a_staff_e_mail_or_another_birth_date_is_refused_alike(db, cohort):
    """One message for both: the form must not tell a staff account from a trainee born on
    another day (issue 13, item 2)."""
    staff = factories.UserFactory(role=Role.OFFICIAL, email="official@example.com")
    known = factories.TraineeFactory(birth_date=date(1999, 1, 1))
    db.session.commit()
    with pytest.raises(EnrolmentRefused) as refused_staff:
        enrol(cohort, person(email=staff.email), by=None)
    with pytest.raises(EnrolmentRefused) as refused_date:
        enrol(cohort, person(email=known.user.email, born=date(1999, 1, 2)), by=None)
    assert refused_staff.value.errors == refused_date.value.errors
    assert "staff" not in str(refused_staff.value.errors)
    assert count_rows(Enrolment) == 0


def test_someone_active_in_an_overlapping_cohort_is_refused_with_the_reason(db, cohort):
    other = factories.CohortFactory(
        code="JUNG-2025-01",
        starts_on=date(2025, 1, 6),
        ends_on=date(2025, 3, 7),
        campus=cohort.campus,
    )
    busy = factories.EnrolmentFactory(cohort=other)
    db.session.commit()
    with pytest.raises(EnrolmentRefused) as refused:
        enrol(cohort, person(email=busy.trainee.user.email, born=busy.trainee.birth_date), by=None)
    reason = str(refused.value.errors["email"][0])
    assert "JUNG-2025-01" in reason and "2025-01-06" in reason and "2025-03-07" in reason


def test_an_overlap_at_another_campus_is_refused_without_naming_that_cohort(db, cohort):
    """What a person does at another campus is not this campus's to know (issue 13)."""
    elsewhere = factories.CohortFactory(
        code="GURO-2025-01", starts_on=date(2025, 1, 6), ends_on=date(2025, 3, 7)
    )
    assert elsewhere.campus_id != cohort.campus_id
    busy = factories.EnrolmentFactory(cohort=elsewhere)
    db.session.commit()
    with pytest.raises(EnrolmentRefused) as refused:
        enrol(cohort, person(email=busy.trainee.user.email, born=busy.trainee.birth_date), by=None)
    reason = str(refused.value.errors["email"][0])
    assert "another campus" in reason
    assert "GURO" not in reason and "2025-01-06" not in reason


def test_overlap_counts_the_waitlist_but_not_those_who_left(db, cohort):
    other = factories.CohortFactory(starts_on=date(2025, 2, 3), campus=cohort.campus)
    waiting = factories.EnrolmentFactory(
        cohort=other, status=EnrolmentStatus.WAITLISTED, waitlist_position=1
    )
    left = factories.EnrolmentFactory(
        cohort=other, status=EnrolmentStatus.WITHDRAWN, left_on=date(2025, 2, 20)
    )
    db.session.commit()
    with pytest.raises(EnrolmentRefused) as refused:
        enrol(
            cohort,
            person(email=waiting.trainee.user.email, born=waiting.trainee.birth_date),
            by=None,
        )
    assert "waitlist" in str(refused.value.errors["email"][0])
    enrolment = enrol(
        cohort, person(email=left.trainee.user.email, born=left.trainee.birth_date), by=None
    )
    assert enrolment.status == EnrolmentStatus.ENROLLED


def test_enrolling_twice_in_the_same_cohort_is_refused(db, cohort):
    enrol(cohort, person(), by=None)
    with pytest.raises(EnrolmentRefused) as refused:
        enrol(cohort, person(), by=None)
    assert "already on this cohort's roster" in str(refused.value.errors["email"][0])


def test_a_full_cohort_puts_newcomers_on_the_waitlist_in_order(db, cohort):
    for n in range(4):
        enrol(cohort, person(email=f"p{n}@example.com"), by=None)
    assert statuses(cohort) == [
        ("p0@example.com", EnrolmentStatus.ENROLLED, None),
        ("p1@example.com", EnrolmentStatus.ENROLLED, None),
        ("p2@example.com", EnrolmentStatus.WAITLISTED, 1),
        ("p3@example.com", EnrolmentStatus.WAITLISTED, 2),
    ]


def test_a_withdrawal_promotes_the_first_on_the_waitlist(db, cohort):
    enrolments = [enrol(cohort, person(email=f"p{n}@example.com"), by=None) for n in range(4)]
    departure = leave(enrolments[0], date(2025, 4, 1), early_employment=False, by=None)
    assert [e.trainee.user.email for e in departure.promoted] == ["p2@example.com"]
    assert departure.promoted[0].promoted_at is not None
    assert statuses(cohort) == [
        ("p0@example.com", EnrolmentStatus.WITHDRAWN, None),
        ("p1@example.com", EnrolmentStatus.ENROLLED, None),
        ("p2@example.com", EnrolmentStatus.ENROLLED, None),
        ("p3@example.com", EnrolmentStatus.WAITLISTED, 1),
    ]
    assert enrolments[0].left_on == date(2025, 4, 1)


def test_leaving_for_a_job_is_early_employment_and_also_frees_the_seat(db, cohort):
    enrolments = [enrol(cohort, person(email=f"p{n}@example.com"), by=None) for n in range(3)]
    departure = leave(enrolments[1], date(2025, 5, 2), early_employment=True, by=None)
    assert departure.enrolment.status == EnrolmentStatus.EARLY_EMPLOYED
    assert [e.id for e in departure.promoted] == [enrolments[2].id]


def test_leaving_the_waitlist_removes_the_entry_and_closes_the_gap(db, cohort):
    enrolments = [enrol(cohort, person(email=f"p{n}@example.com"), by=None) for n in range(5)]
    departure = leave(enrolments[2], date(2025, 2, 1), early_employment=False, by=None)
    assert departure.enrolment is None and departure.promoted == []
    assert statuses(cohort)[2:] == [
        ("p3@example.com", EnrolmentStatus.WAITLISTED, 1),
        ("p4@example.com", EnrolmentStatus.WAITLISTED, 2),
    ]


def test_a_leaving_date_outside_the_cohort_is_refused(db, cohort):
    enrolment = enrol(cohort, person(), by=None)
    with pytest.raises(EnrolmentRefused) as refused:
        leave(enrolment, date(2030, 1, 1), early_employment=False, by=None)
    assert "left_on" in refused.value.errors
    assert enrolment.status == EnrolmentStatus.ENROLLED


def test_a_larger_capacity_promotes_from_the_waitlist(db, cohort):
    for n in range(4):
        enrol(cohort, person(email=f"p{n}@example.com"), by=None)
    promoted = update_cohort(
        cohort,
        CohortData(
            code=cohort.code,
            course_id=cohort.course_id,
            starts_on=cohort.starts_on,
            ends_on=cohort.ends_on,
            capacity=3,
        ),
    )
    assert [e.trainee.user.email for e in promoted] == ["p2@example.com"]
    assert statuses(cohort)[3] == ("p3@example.com", EnrolmentStatus.WAITLISTED, 1)


def test_a_closed_cohort_takes_no_one(db, cohort):
    cohort.closed_on = cohort.ends_on
    db.session.commit()
    with pytest.raises(EnrolmentRefused) as refused:
        enrol(cohort, person(), by=None)
    assert "closed" in str(refused.value.errors[""][0])
