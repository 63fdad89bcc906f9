from flask import Blueprint

from academy.kpi.certifications import pass_rate

bp = Blueprint("certifications", __name__, url_prefix="/certifications")
bp.add_app_template_global(pass_rate, "certification_pass_rate")

from academy.certifications import routes  # noqa: E402,F401
