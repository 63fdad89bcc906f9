"""Job outcomes: trainees report them, coordinators verify, import and follow up."""

from flask import Blueprint

bp = Blueprint("outcomes", __name__, url_prefix="/outcomes")

from academy.outcomes import match_routes, routes  # noqa: E402,F401
