from datetime import date

import sqlalchemy as sa

from academy.models import (
    AccessAction,
    AccessLog,
    Certification,
    CertificationKind,
    ClaimStatus,
    ExamAttempt,
    ExamResult,
    Role,
    SubsidyClaim,
    SubsidyProgramme,
)
from tests import factories


def test_my_record_shows_cohort_exams_and_subsidy_and_is_logged(client, login_as, db):
    user = login_as(Role.TRAINEE)
    cohort = factories.CohortFactory(code="MAPO-2025-02")
    factories.EnrolmentFactory(cohort=cohort, trainee=user.trainee)
    cert = Certification(
        name="SQLD", issuer="한국데이터산업진흥원", kind=CertificationKind.NATIONAL, exam_fee=50000
    )
    attempt = ExamAttempt(
        certification=cert,
        trainee=user.trainee,
        sat_on=date(2025, 6, 1),
        result=ExamResult.PASSED,
        fee_paid=50000,
    )
    programme = SubsidyProgramme(year=2025, name="2025 응시료", budget=1_000_000, spent=50000)
    db.session.add(
        SubsidyClaim(
            programme=programme,
            trainee=user.trainee,
            exam_attempt=attempt,
            amount_requested=50000,
            amount_approved=50000,
            status=ClaimStatus.APPROVED,
            applied_on=date(2025, 6, 2),
        )
    )
    db.session.commit()
    html = client.get("/trainees/me").get_data(as_text=True)
    assert "MAPO-2025-02" in html and "SQLD" in html
    assert "50,000" in html
    log = db.session.scalar(sa.select(AccessLog).where(AccessLog.action == AccessAction.VIEW))
    assert (log.user_id, log.subject_type, log.subject_id) == (user.id, "trainee", user.trainee.id)


def test_coordinator_view_of_a_trainee_is_logged_with_the_viewer(client, login_as, db):
    campus = factories.CampusFactory()
    enrolment = factories.EnrolmentFactory(cohort=factories.CohortFactory(campus=campus))
    db.session.commit()
    coordinator = login_as(Role.COORDINATOR, campus=campus)
    html = client.get(f"/trainees/{enrolment.trainee_id}").get_data(as_text=True)
    assert enrolment.trainee.phone in html
    log = db.session.scalar(sa.select(AccessLog).where(AccessLog.action == AccessAction.VIEW))
    assert (log.user_id, log.subject_id) == (coordinator.id, enrolment.trainee_id)
