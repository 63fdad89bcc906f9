from flask import Blueprint

bp = Blueprint("trainees", __name__, url_prefix="/trainees")

from academy.trainees import routes  # noqa: E402,F401
