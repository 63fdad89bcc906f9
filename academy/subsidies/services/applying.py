"""A trainee's application for an exam's fee."""

from datetime import date

from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage

from academy.certifications.services import cohort_on
from academy.extensions import db
from academy.models import (
    ClaimStatus,
    ExamAttempt,
    SubsidyClaim,
    Trainee,
)
from academy.subsidies.eligibility import (
    Eligibility,
    Reason,
    Refusal,
    check_application,
)
from academy.subsidies.services.applicants import applicant_facts, attempt_facts
from academy.subsidies.services.errors import Ineligible
from academy.subsidies.services.programmes import programme_for, rules_of
from academy.uploads import delete_upload, store_upload


def check(trainee: Trainee, attempt: ExamAttempt, requested: int, on: date) -> Eligibility:
    programme = programme_for(on.year)
    if programme is None:
        return Eligibility((Refusal(Reason.NO_PROGRAMME, {"year": on.year}),), payable=0)
    return check_application(
        rules_of(programme),
        applicant_facts(trainee, programme, on),
        attempt_facts(attempt),
        requested,
        on,
    )


def apply(
    trainee: Trainee, attempt: ExamAttempt, requested: int, receipt: FileStorage | None, on: date
) -> SubsidyClaim:
    """A trainee applies for an exam's fee with the receipt; refused with every reason if not
    eligible (Ineligible), and nothing is kept. The claim is decided at the trainee's campus."""
    eligibility = check(trainee, attempt, requested, on)
    if not eligibility.eligible:
        raise Ineligible(eligibility)
    stored = store_upload(receipt)
    programme = programme_for(on.year)
    cohort = cohort_on(trainee.id, on)
    round_id = next((r.id for r in programme.rounds if r.half == eligibility.round_half), None)
    claim = SubsidyClaim(
        programme_id=programme.id,
        round_id=round_id,
        trainee_id=trainee.id,
        campus_id=cohort.campus_id,
        exam_attempt_id=attempt.id,
        amount_requested=requested,
        status=ClaimStatus.SUBMITTED,
        receipt_path=stored.stored_name,
        receipt_name=stored.original_name,
        applied_on=on,
    )
    db.session.add(claim)
    try:
        db.session.commit()
    except IntegrityError:  # the same exam claimed twice at once: one claim per exam
        db.session.rollback()
        delete_upload(stored.stored_name)
        raise Ineligible(Eligibility((Refusal(Reason.CLAIMED),), payable=0)) from None
    return claim
