from datetime import date, datetime

from academy.models import AttendanceMark, ClassSession, Mark, OutcomeCode, OutcomeRecord, Role
from tests import factories


def test_roster_shows_attendance_rate_and_current_outcome(client, login_as, db):
    campus = factories.CampusFactory()
    cohort = factories.CohortFactory(campus=campus, starts_on=date(2025, 3, 3))
    enrolment = factories.EnrolmentFactory(cohort=cohort)
    for day, mark in zip(range(3, 8), [Mark.PRESENT] * 4 + [Mark.ABSENT], strict=True):
        session = ClassSession(cohort=cohort, held_on=date(2025, 3, day))
        db.session.add(AttendanceMark(session=session, enrolment=enrolment, mark=mark))
    db.session.add_all([
        OutcomeRecord(enrolment=enrolment, version=1, code=OutcomeCode.S1),
        OutcomeRecord(enrolment=enrolment, version=2, code=OutcomeCode.E1,
                      starts_on=date(2025, 9, 1), employer="테스트주식회사",
                      verified_at=datetime(2025, 9, 10)),
    ])  # fmt: skip
    db.session.commit()
    login_as(Role.COORDINATOR, campus=campus)
    html = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    assert enrolment.trainee.user.name in html
    assert "80" in html and "%" in html
    assert ">E1<" in html and ">S1<" not in html
    fragment = client.get(f"/cohorts/{cohort.id}", headers={"HX-Request": "true"})
    assert "<html" not in fragment.get_data(as_text=True)


def test_instructors_do_not_see_outcomes(client, login_as, db):
    campus = factories.CampusFactory()
    cohort = factories.CohortFactory(campus=campus)
    enrolment = factories.EnrolmentFactory(cohort=cohort)
    db.session.add(OutcomeRecord(enrolment=enrolment, code=OutcomeCode.S1))
    db.session.commit()
    user = login_as(Role.INSTRUCTOR)
    from academy.models import InstructorAssignment

    db.session.add(InstructorAssignment(cohort=cohort, instructor=user.instructor))
    db.session.commit()
    html = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    assert enrolment.trainee.user.name in html
    assert ">S1<" not in html
    assert enrolment.trainee.phone not in html
