"""Loaders that enforce who may reach an enrolment's outcome: the trainee themself, coordinators
of the cohort's campus, and the citywide roles where a route allows them. 404 for the rest, so
nobody can probe which ids exist."""

from flask import abort
from flask_login import current_user

from academy.auth.access import can_see_campus
from academy.extensions import db
from academy.models import Enrolment, OutcomeEvidence, OutcomeRecord, Role


def can_reach_enrolment(user, enrolment: Enrolment) -> bool:
    if user.role == Role.TRAINEE:
        return enrolment.trainee.user_id == user.id
    if user.role in (Role.COORDINATOR, Role.OFFICIAL, Role.ADMIN):
        return can_see_campus(user, enrolment.cohort.campus_id)
    return False


def get_enrolment_or_404(enrolment_id: int) -> Enrolment:
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None or not can_reach_enrolment(current_user, enrolment):
        abort(404)
    return enrolment


def get_outcome_or_404(outcome_id: int) -> OutcomeRecord:
    record = db.session.get(OutcomeRecord, outcome_id)
    if record is None or not can_reach_enrolment(current_user, record.enrolment):
        abort(404)
    return record


def get_evidence_or_404(evidence_id: int) -> OutcomeEvidence:
    evidence = db.session.get(OutcomeEvidence, evidence_id)
    if evidence is None or not can_reach_enrolment(current_user, evidence.outcome.enrolment):
        abort(404)
    return evidence
