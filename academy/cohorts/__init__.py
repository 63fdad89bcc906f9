from flask import Blueprint

bp = Blueprint("cohorts", __name__, url_prefix="/cohorts")


@bp.app_template_global("cohort_state")
def _cohort_state(cohort):
    """upcoming, running, ended (awaiting closing) or closed: for any page listing cohorts."""
    from academy.cohorts.services import cohort_state

    return cohort_state(cohort)


# The views register on bp when imported; routes imports none of the others (enrol_routes uses
# its helpers), so the import graph stays one way.
from academy.cohorts import attendance_routes, enrol_routes, import_routes, routes  # noqa: E402,F401
