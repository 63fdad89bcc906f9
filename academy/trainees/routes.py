from flask import abort
from flask_login import current_user

from academy import audit
from academy.auth.access import get_trainee_or_404, record_campus_scope, role_required
from academy.models import AccessAction, Role
from academy.outcomes.pages import record_context
from academy.trainees import bp, services
from academy.web import render


def _show(trainee, campus_id=None):
    # Written once the page is rendered (academy.audit), so the commit does not expire what the
    # page loaded and rendering it reads nothing again.
    audit.record(AccessAction.VIEW, subject=trainee)
    record = services.trainee_record(trainee, campus_id)
    outcomes = record_context([line.enrolment for line in record.enrolments])
    return render("trainees/show.html", "trainees/_record.html", record=record, **outcomes)


@bp.get("/me")
@role_required(Role.TRAINEE)
def me():
    """The trainee's own record: the trainee's home page."""
    if current_user.trainee is None:
        abort(404)
    return _show(current_user.trainee)


@bp.get("/<int:trainee_id>")
@role_required(Role.COORDINATOR, Role.ADMIN)
def show(trainee_id: int):
    """A coordinator's view of one of their campus's trainees (officials see aggregates only)."""
    return _show(get_trainee_or_404(trainee_id), record_campus_scope())
