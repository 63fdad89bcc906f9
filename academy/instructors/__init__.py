from flask import Blueprint

bp = Blueprint("instructors", __name__, url_prefix="/instructors")

from academy.instructors import invitation_routes, routes, services  # noqa: E402,F401
from academy.instructors.forms import AssignmentForm  # noqa: E402

# Pages of other blueprints show the same figures: the cohort page includes the assignment panel.
bp.add_app_template_global(services.describe_experience, "describe_experience")
bp.add_app_template_global(services.counts, "career_counts")
bp.add_app_template_global(services.assignment_panel, "instructor_assignment_panel")


def _assignment_form(panel: services.AssignmentPanel) -> AssignmentForm:
    return AssignmentForm(candidates=panel.candidates, cohort_id=panel.cohort.id, formdata=None)


bp.add_app_template_global(_assignment_form, "instructor_assignment_form")
