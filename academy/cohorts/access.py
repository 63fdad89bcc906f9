"""Scope loaders for cohort pages: a coordinator reaches their campus, an instructor their
cohorts (through academy.auth.access.get_cohort_or_404), and nothing is found by guessing ids."""

import sqlalchemy as sa
from flask import abort
from flask_login import current_user

from academy.auth.access import can_see_campus, get_cohort_or_404
from academy.cohorts import staging
from academy.extensions import db
from academy.models import ClassSession, Cohort, Course, Enrolment, Job


def get_course_or_404(course_id: int) -> Course:
    course = db.session.get(Course, course_id)
    if course is None or not can_see_campus(current_user, course.campus_id):
        abort(404)
    return course


def get_enrolment_or_404(cohort_id: int, enrolment_id: int) -> tuple[Cohort, Enrolment]:
    cohort = get_cohort_or_404(cohort_id)
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None or enrolment.cohort_id != cohort.id:
        abort(404)
    return cohort, enrolment


def get_session_or_404(cohort_id: int, session_id: int) -> tuple[Cohort, ClassSession]:
    cohort = get_cohort_or_404(cohort_id)
    session = db.session.get(ClassSession, session_id)
    if session is None or session.cohort_id != cohort.id:
        abort(404)
    return cohort, session


def get_staged_or_404(cohort_id: int, token: str) -> tuple[Cohort, staging.StagedImport]:
    """An uploaded file is reachable only by the person who uploaded it, for its cohort."""
    cohort = get_cohort_or_404(cohort_id)
    staged = staging.load(token)
    if staged is None or staged.cohort_id != cohort.id or staged.user_id != current_user.id:
        abort(404)
    return cohort, staged


def job_of(staged: staging.StagedImport) -> Job | None:
    """The newest job of this staged file (its uploader's; a dead worker's shows as failed)."""
    from academy.jobs import services as jobs

    recent = db.session.scalars(
        sa.select(Job)
        .where(Job.owner_id == staged.user_id, Job.kind == "cohort_import")
        .order_by(Job.id.desc())
        .limit(20)
    )
    for job in recent:
        if (job.params or {}).get("token") == staged.token:
            return jobs.get(job.id)
    return None
