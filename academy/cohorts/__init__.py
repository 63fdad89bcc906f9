from flask import Blueprint

bp = Blueprint("cohorts", __name__, url_prefix="/cohorts")


@bp.app_template_global("cohort_state")
def _cohort_state(cohort):
    """upcoming, running, ended (awaiting closing) or closed: for any page listing cohorts."""
    from academy.cohorts.services import cohort_state

    return cohort_state(cohort)


from academy.cohorts import routes  # noqa: E402,F401
