from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from academy.api import routes  # noqa: E402,F401
