"""Scope loaders: a trainee reaches their own attempts, a coordinator those of their campus."""

from flask import abort
from flask_login import current_user

from academy.auth.access import CITYWIDE_ROLES
from academy.extensions import db
from academy.models import Cohort, Enrolment, ExamAttempt, Role


def trainee_at_campus(trainee_id: int, campus_id: int) -> bool:
    return (
        db.session.scalar(
            db.select(Enrolment.id)
            .join(Cohort, Cohort.id == Enrolment.cohort_id)
            .where(Enrolment.trainee_id == trainee_id, Cohort.campus_id == campus_id)
            .limit(1)
        )
        is not None
    )


def get_attempt_or_404(attempt_id: int) -> ExamAttempt:
    attempt = db.session.get(ExamAttempt, attempt_id)
    if attempt is None:
        abort(404)
    user = current_user
    if user.role == Role.TRAINEE:
        if attempt.trainee.user_id != user.id:
            abort(404)
    elif user.role == Role.COORDINATOR:
        campus_id = attempt.cohort.campus_id if attempt.cohort else None
        if campus_id != user.campus_id and not (
            campus_id is None and trainee_at_campus(attempt.trainee_id, user.campus_id)
        ):
            abort(404)
    elif user.role not in CITYWIDE_ROLES:
        abort(404)
    return attempt
