"""Reviewing the log: entries narrowed by account, person, action and date."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from academy.clock import SEOUL
from academy.extensions import db
from academy.models import (
    AccessAction,
    AccessLog,
    Trainee,
    User,
)
from academy.parameters import DB_INT_MAX


@dataclass
class LogFilters:
    account: str | None = None  # e-mail fragment
    person: str | None = None  # a trainee id, or a fragment of the trainee's name
    action: AccessAction | None = None
    since: date | None = None  # Seoul dates, both inclusive
    until: date | None = None


def _utc(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), SEOUL).astimezone(UTC).replace(tzinfo=None)


def _names_person(ids: list[int]) -> sa.ColumnElement[bool]:
    """The entry is about one of `ids`, alone or in a list page's `"trainees":[...]`."""
    clauses = [AccessLog.trainee_id.in_(ids)]
    for person in ids:
        clauses += [
            AccessLog.detail.like(f'%"trainees":[{person}]%'),
            AccessLog.detail.like(f'%"trainees":[{person},%'),
            AccessLog.detail.like(f"%,{person},%"),
            AccessLog.detail.like(f"%,{person}]%"),
        ]
    return sa.or_(*clauses)


MAX_PEOPLE_BY_NAME = 20


def log_query(filters: LogFilters) -> sa.Select:
    """Entries newest first, narrowed by account, person, action and Seoul date range."""
    select = sa.select(AccessLog).order_by(AccessLog.seq.desc())
    if filters.account:
        select = select.where(
            AccessLog.actor_email.contains(filters.account.strip().lower(), autoescape=True)
        )
    if filters.person:
        person = filters.person.strip()
        if person.isascii() and person.isdigit() and int(person) <= DB_INT_MAX:
            ids = [int(person)]
        else:
            ids = db.session.scalars(
                sa.select(Trainee.id)
                .join(User, Trainee.user_id == User.id)
                .where(User.name.contains(person, autoescape=True))
                .limit(MAX_PEOPLE_BY_NAME)
            ).all()
        select = select.where(_names_person(ids)) if ids else select.where(sa.false())
    if filters.action:
        select = select.where(AccessLog.action == filters.action)
    if filters.since:
        select = select.where(AccessLog.at >= _utc(filters.since))
    if filters.until:
        select = select.where(AccessLog.at < _utc(filters.until + timedelta(days=1)))
    return select
