from flask import Blueprint

bp = Blueprint("internships", __name__, url_prefix="/internships")

from academy.internships import routes  # noqa: E402,F401
