from flask_login import current_user

from academy.auth.access import get_cohort_or_404, role_required
from academy.cohorts import bp, services
from academy.models import Role
from academy.web import render


@bp.get("/<int:cohort_id>")
@role_required(Role.OFFICIAL, Role.ADMIN, Role.COORDINATOR, Role.INSTRUCTOR)
def show(cohort_id: int):
    """A cohort's roster with each trainee's attendance rate and current outcome."""
    cohort = get_cohort_or_404(cohort_id)
    return render(
        "cohorts/show.html",
        "cohorts/_roster.html",
        cohort=cohort,
        roster=services.roster(cohort),
        rules=services.rules_for(cohort),
        assignments=services.instructors_of(cohort),
        show_outcomes=current_user.role != Role.INSTRUCTOR,
    )
