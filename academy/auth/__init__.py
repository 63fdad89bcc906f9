from flask import Blueprint

bp = Blueprint("auth", __name__)

from academy.auth import routes, two_factor_routes  # noqa: E402,F401
