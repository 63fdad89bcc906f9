"""Account activation: coordinators invite trainees; a one-time link lets each set a password."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)

from academy.accounts import password_routes, routes, token_routes  # noqa: E402,F401
