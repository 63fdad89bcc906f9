from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")

from academy.report_archive import routes  # noqa: E402,F401
