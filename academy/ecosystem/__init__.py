from flask import Blueprint

bp = Blueprint("ecosystem", __name__, url_prefix="/ecosystem")

from academy.ecosystem import routes  # noqa: E402,F401
