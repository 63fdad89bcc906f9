from flask import Blueprint

bp = Blueprint("home", __name__)

from academy.home import routes  # noqa: E402,F401
