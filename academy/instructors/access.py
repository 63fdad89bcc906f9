"""Scope loaders: a coordinator reaches the instructors of their campus, an instructor only self."""

from flask import abort
from flask_login import current_user

from academy.auth.access import CITYWIDE_ROLES
from academy.extensions import db
from academy.models import CareerPeriod, Instructor, InstructorAssignment, Role


def can_see_instructor(instructor: Instructor) -> bool:
    user = current_user
    if user.role in CITYWIDE_ROLES:
        return True
    if user.role == Role.COORDINATOR:
        return instructor.campus_id == user.campus_id or any(
            a.campus_id == user.campus_id for a in instructor.attachments
        )
    if user.role == Role.INSTRUCTOR:
        return instructor.user_id == user.id
    return False


def get_instructor_or_404(instructor_id: int) -> Instructor:
    instructor = db.session.get(Instructor, instructor_id)
    if instructor is None or not can_see_instructor(instructor):
        abort(404)
    return instructor


def get_career_or_404(career_id: int) -> CareerPeriod:
    period = db.session.get(CareerPeriod, career_id)
    if period is None or not can_see_instructor(period.instructor):
        abort(404)
    return period


def get_own_career_or_404(career_id: int) -> CareerPeriod:
    period = db.session.get(CareerPeriod, career_id)
    if period is None or period.instructor.user_id != current_user.id:
        abort(404)
    return period


def get_assignment_or_404(assignment_id: int) -> InstructorAssignment:
    """Only staff of the cohort's campus (or citywide) reach an assignment."""
    assignment = db.session.get(InstructorAssignment, assignment_id)
    if assignment is None:
        abort(404)
    user = current_user
    if user.role == Role.COORDINATOR and assignment.cohort.campus_id != user.campus_id:
        abort(404)
    return assignment
