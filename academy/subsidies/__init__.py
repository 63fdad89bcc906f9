from flask import Blueprint

bp = Blueprint("subsidies", __name__, url_prefix="/subsidies")

from academy.subsidies import routes  # noqa: E402,F401
