from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from academy.admin import access_log_routes, account_routes, invitation_routes, routes  # noqa: E402,F401,I001
