from flask import redirect, render_template, url_for
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


@bp.get("/privacy")
def privacy():
    """개인정보처리방침: public, as 개인정보 보호법 제30조 asks, reachable from every page."""
    return render_template("home/privacy.html")


@bp.get("/terms")
def terms():
    """이용약관: public, reachable from every page."""
    return render_template("home/terms.html")
