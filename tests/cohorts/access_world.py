"""URL arguments for the cohort endpoints in tests/test_access.py's policy table: the world's
cohort, its course, a session day and the enrolled trainee, so an allowed role reaches the page
and a refused one is refused by role."""

from datetime import timedelta

from academy.extensions import db
from academy.models import ClassSession, EnrolmentStatus


def _session_of(cohort) -> ClassSession:
    session = ClassSession.query.filter_by(cohort_id=cohort.id).first()
    if session is None:
        session = ClassSession(cohort=cohort, held_on=cohort.starts_on + timedelta(days=1))
        db.session.add(session)
        db.session.commit()
    return session


def cohort_url_args(endpoint: str, world: dict) -> dict:
    cohort, enrolment = world["cohort"], world["enrolment"]
    if endpoint == "cohorts.override":  # a result exists to change once the cohort is closed
        cohort.closed_on = cohort.ends_on
        enrolment.status = EnrolmentStatus.COMPLETED
        db.session.commit()
    ids = {"cohort_id": cohort.id}
    if endpoint in ("cohorts.mark", "cohorts.mark_all_present", "cohorts.remove_session_day"):
        ids["session_id"] = _session_of(cohort).id
    if endpoint in ("cohorts.mark", "cohorts.leave_cohort", "cohorts.override"):
        ids["enrolment_id"] = enrolment.id
    if endpoint == "cohorts.check_enrolment_field":
        ids["field"] = "email"
    return {
        "cohorts.index": {},
        "cohorts.courses": {},
        "cohorts.new_course": {},
        "cohorts.new": {},
        "cohorts.edit_course": {"course_id": cohort.course_id},
        "cohorts.template": {"kind": "roster"},
    }.get(endpoint, ids)
