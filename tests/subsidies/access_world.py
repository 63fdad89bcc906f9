"""URL arguments for the instructor, certification, internship and subsidy endpoints in
tests/test_access.py's policy table: objects the signed-in person may reach (a trainee's own exam
and claim, an instructor's own career period, the world's campus for staff), with real files
behind the downloads, so an allowed role gets the page and a refused one is refused by role."""

import io
from datetime import date

from werkzeug.datastructures import FileStorage

from academy.extensions import db
from academy.models import ClaimStatus, InstructorAssignment, Role
from academy.uploads import store_upload
from tests import factories
from tests.factories import EVIDENCE_PDF

PROGRAMME_PREFIXES = ("instructors.", "certifications.", "internships.", "subsidies.")
PDF = EVIDENCE_PDF


def _file() -> tuple[str, str]:
    stored = store_upload(FileStorage(stream=io.BytesIO(PDF), filename="evidence.pdf"))
    return stored.stored_name, stored.original_name


def programme_url_args(endpoint: str, world: dict, user) -> dict:
    campus, cohort, enrolment = world["campus"], world["cohort"], world["enrolment"]
    role = user.role if user is not None else None
    trainee = user.trainee if role == Role.TRAINEE else enrolment.trainee
    if role == Role.TRAINEE:
        factories.EnrolmentFactory(cohort=cohort, trainee=trainee)
    instructor = user.instructor if role == Role.INSTRUCTOR else None
    instructor = instructor or factories.InstructorFactory(campus=campus)
    stored, name = _file()
    career = factories.CareerPeriodFactory(
        instructor=instructor, verified_at=None, evidence_path=stored, evidence_name=name
    )
    attempt = factories.ExamAttemptFactory(
        trainee=trainee, cohort=cohort, evidence_path=stored, evidence_name=name
    )
    programme = factories.SubsidyProgrammeFactory(year=2025)
    claim = factories.SubsidyClaimFactory(
        programme=programme,
        exam_attempt=attempt,
        trainee=trainee,
        campus=campus,
        receipt_path=stored,
        receipt_name=name,
        status=ClaimStatus.SUBMITTED,
        applied_on=date(2025, 6, 20),
    )
    other = factories.InstructorFactory(campus=campus)
    assignment = InstructorAssignment(cohort=cohort, instructor=other)
    db.session.add(assignment)
    placement = factories.InternshipPlacementFactory(trainee=trainee, campus=campus)
    db.session.commit()
    return {
        "instructors.show": {"instructor_id": instructor.id},
        "instructors.resend_invitation": {"instructor_id": instructor.id},
        "instructors.delete_career": {"career_id": career.id},
        "instructors.verify_career": {"career_id": career.id},
        "instructors.career_evidence": {"career_id": career.id},
        "instructors.cohort_instructors": {"cohort_id": cohort.id},
        "instructors.assign": {"cohort_id": cohort.id},
        "instructors.unassign": {"assignment_id": assignment.id},
        "certifications.update_result": {"attempt_id": attempt.id},
        "certifications.attempt_evidence": {"attempt_id": attempt.id},
        "certifications.cohort": {"cohort_id": cohort.id},
        "certifications.add_mock_exam": {"cohort_id": cohort.id},
        "subsidies.edit_programme": {"programme_id": programme.id},
        "subsidies.update_programme": {"programme_id": programme.id},
        "subsidies.close_programme": {"programme_id": programme.id},
        "subsidies.ledger": {"programme_id": programme.id},
        "subsidies.ledger_export": {"programme_id": programme.id},
        "subsidies.claim": {"claim_id": claim.id},
        "subsidies.approve": {"claim_id": claim.id},
        "subsidies.reject": {"claim_id": claim.id},
        "subsidies.receipt": {"claim_id": claim.id},
        "internships.opening": {"opening_id": placement.opening_id},
        "internships.place": {"opening_id": placement.opening_id},
        "internships.update_placement": {"placement_id": placement.id},
    }.get(endpoint, {})
