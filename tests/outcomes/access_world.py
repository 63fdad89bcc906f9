"""URL arguments for the outcome and activation endpoints in tests/test_access.py's policy table:
objects the signed-in person may reach (a trainee's own enrolment and evidence, the world's for
staff), so an allowed role gets the page and a refused one is refused by role."""

from academy.extensions import db
from academy.models import EnrolmentStatus, Role, Verification
from tests import factories


def outcome_url_args(endpoint: str, world: dict, user) -> dict:
    enrolment = world["enrolment"]
    if user is not None and user.role == Role.TRAINEE:
        enrolment = factories.EnrolmentFactory(cohort=world["cohort"], trainee=user.trainee)
    enrolment.status = EnrolmentStatus.COMPLETED
    evidence = factories.OutcomeEvidenceFactory(
        outcome__enrolment=enrolment, outcome__verification=Verification.EVIDENCE_ATTACHED
    )
    db.session.commit()
    return {
        "accounts.invitations": {"cohort_id": world["cohort"].id},
        "accounts.invite": {"cohort_id": world["cohort"].id},
        "outcomes.report": {"enrolment_id": enrolment.id},
        "outcomes.contacts": {"enrolment_id": enrolment.id},
        "outcomes.evidence": {"evidence_id": evidence.id},
        "outcomes.verify": {"outcome_id": evidence.outcome_id},
        "outcomes.send_back": {"outcome_id": evidence.outcome_id},
        "outcomes.queue": {"campus_id": world["campus"].id},
        "outcomes.follow_up": {"campus_id": world["campus"].id},
        "outcomes.remind": {"campus_id": world["campus"].id},
        "outcomes.import_outcomes": {"campus_id": world["campus"].id},
        "outcomes.import_commit": {"campus_id": world["campus"].id},
    }.get(endpoint, {})
