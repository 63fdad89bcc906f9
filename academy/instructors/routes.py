from flask import abort
from flask_login import current_user

from academy.auth.access import role_required
from academy.clock import seoul_today
from academy.instructors import bp, services
from academy.models import Role
from academy.web import render


@bp.get("/me")
@role_required(Role.INSTRUCTOR)
def me():
    """The instructor's cohorts and career history: the instructor's home page."""
    if current_user.instructor is None:
        abort(404)
    instructor = services.instructor_with_history(current_user.instructor.id)
    today = seoul_today()
    return render(
        "instructors/me.html",
        "instructors/_careers.html",
        instructor=instructor,
        experience=services.counted_experience(instructor.careers, today),
        assignments=sorted(instructor.assignments, key=lambda a: a.cohort.starts_on, reverse=True),
        today=today,
    )
