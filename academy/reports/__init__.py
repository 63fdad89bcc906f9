from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")

from academy.reports import routes  # noqa: E402,F401
