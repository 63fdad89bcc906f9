from flask import redirect, url_for
from flask_login import current_user, login_required

from academy.home import bp
from academy.models import Role


@bp.get("/")
@login_required
def index():
    """Each role lands on the page of its daily work."""
    role = current_user.role
    if role == Role.COORDINATOR:
        return redirect(url_for("campuses.show", campus_id=current_user.campus_id))
    if role == Role.TRAINEE:
        return redirect(url_for("trainees.me"))
    if role == Role.INSTRUCTOR:
        return redirect(url_for("instructors.me"))
    if role == Role.ADMIN:
        return redirect(url_for("admin.accounts"))
    return redirect(url_for("dashboard.city"))
