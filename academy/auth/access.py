"""Who may reach what: one decorator for roles, loaders that enforce the campus or person scope."""

from collections.abc import Callable
from functools import wraps

import sqlalchemy as sa
from flask import abort
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from academy.extensions import db
from academy.models import (
    Campus,
    Cohort,
    Enrolment,
    EnrolmentStatus,
    InstructorAssignment,
    Role,
    Trainee,
    User,
)

CITYWIDE_ROLES = frozenset({Role.OFFICIAL, Role.ADMIN})
# The enrolments through which a campus's coordinator reaches a trainee: a withdrawn or cancelled
# enrolment leaves only the record of the withdrawal or cancellation, on the cohort's roster.
CAMPUS_RECORD_STATUSES = tuple(
    s for s in EnrolmentStatus if s not in (EnrolmentStatus.WITHDRAWN, EnrolmentStatus.CANCELLED)
)


def role_required(*roles: Role) -> Callable:
    """Only the given roles pass; anonymous users go to the login page, others get 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = frozenset(roles)  # read by the access-policy test
        return wrapped

    return decorator


def can_see_campus(user: User, campus_id: int) -> bool:
    if user.role in CITYWIDE_ROLES:
        return True
    if user.role == Role.COORDINATOR:
        return user.campus_id == campus_id
    return False


def get_campus_or_404(campus_id: int) -> Campus:
    """404 rather than 403 for another campus, so staff cannot probe which ids exist."""
    campus = db.session.get(Campus, campus_id)
    if campus is None or not can_see_campus(current_user, campus.id):
        abort(404)
    return campus


def get_cohort_or_404(cohort_id: int, options=()) -> Cohort:
    """`options` are loader options for what the page will show (joined in the same query)."""
    cohort = db.session.get(Cohort, cohort_id, options=options)
    if cohort is None:
        abort(404)
    if current_user.role == Role.INSTRUCTOR:
        instructor = current_user.instructor
        if instructor is None:
            abort(404)
        # One row looked up, not every cohort the instructor has ever taught.
        assigned = sa.select(InstructorAssignment.id).where(
            InstructorAssignment.instructor_id == instructor.id,
            InstructorAssignment.cohort_id == cohort.id,
        )
        if db.session.scalar(assigned.limit(1)) is None:
            abort(404)
        return cohort
    if not can_see_campus(current_user, cohort.campus_id):
        abort(404)
    return cohort


def get_trainee_or_404(trainee_id: int) -> Trainee:
    """A trainee reaches only themself; a coordinator only trainees with an enrolment at their
    campus that was not withdrawn (what the coordinator then sees is scoped to that campus:
    academy.trainees.services.trainee_record)."""
    trainee = db.session.get(Trainee, trainee_id, options=[joinedload(Trainee.user)])
    if trainee is None:
        abort(404)
    user = current_user
    if user.role == Role.TRAINEE:
        if trainee.user_id != user.id:
            abort(404)
    elif user.role == Role.COORDINATOR:
        enrolled_here = db.session.scalar(
            sa.select(
                sa.exists().where(
                    Enrolment.trainee_id == trainee.id,
                    Enrolment.cohort_id == Cohort.id,
                    Enrolment.status.in_(CAMPUS_RECORD_STATUSES),
                    Cohort.campus_id == user.campus_id,
                )
            )
        )
        if not enrolled_here:
            abort(404)
    elif user.role not in CITYWIDE_ROLES:
        abort(404)
    return trainee


def own_campus_id() -> int | None:
    """The campus a signed-in coordinator's lists and figures are limited to; None (every
    campus) for the other roles, whom the routes' role checks admit only where that is right."""
    return current_user.campus_id if current_user.role == Role.COORDINATOR else None


def record_campus_scope() -> int | None:
    """The campus whose records the signed-in user may see of a trainee: their own for a
    coordinator, None (every campus) for the trainee themself and for administrators."""
    return own_campus_id()
