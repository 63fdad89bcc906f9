"""Scope loaders: a trainee reaches their own claims, a coordinator the claims of their campus."""

from flask import abort
from flask_login import current_user

from academy.auth.access import CITYWIDE_ROLES
from academy.extensions import db
from academy.models import Role, SubsidyClaim, SubsidyProgramme


def get_programme_or_404(programme_id: int) -> SubsidyProgramme:
    """Programmes are citywide: every role that reaches the subsidy pages sees them."""
    programme = db.session.get(SubsidyProgramme, programme_id)
    if programme is None:
        abort(404)
    return programme


def get_claim_or_404(claim_id: int) -> SubsidyClaim:
    claim = db.session.get(SubsidyClaim, claim_id)
    if claim is None:
        abort(404)
    user = current_user
    if user.role == Role.TRAINEE:
        if claim.trainee.user_id != user.id:
            abort(404)
    elif user.role == Role.COORDINATOR:
        if claim.campus_id != user.campus_id:
            abort(404)
    elif user.role not in CITYWIDE_ROLES:
        abort(404)
    return claim
