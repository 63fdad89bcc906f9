from flask import Blueprint

bp = Blueprint("campuses", __name__, url_prefix="/campuses")

from academy.campuses import routes  # noqa: E402,F401
