from flask import Blueprint

bp = Blueprint("instructors", __name__, url_prefix="/instructors")

from academy.instructors import routes  # noqa: E402,F401
