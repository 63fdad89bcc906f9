"""Accounts made by people in the app: administrators invite staff, coordinators invite the
instructors of their campus (or attach one who already teaches at another campus).

Rules: an address that already has an account is never invited again (the person says so and
nothing changes); an administrator makes officials, coordinators (with a campus) and other
administrators, never trainees (enrolment makes those) nor instructors (their campus does); a
coordinator makes instructors of their own campus only. The new account has no password: the
invitation (academy.accounts.services.invite) carries a one-time link to choose one, and staff
then enrol their second factor before anything else opens. Each creation is a role grant in the
access log, naming who made it.
"""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from academy import audit
from academy.accounts.services import STAFF_ROLES
from academy.auth.services import find_user
from academy.errors import RuleRefused
from academy.extensions import db
from academy.models import (
    AccessAction,
    Campus,
    CareerField,
    CareerPeriod,
    Instructor,
    InstructorCampus,
    Role,
    User,
)


class InvitationRefused(RuleRefused):
    """A rule of staff invitations refused."""


def _address_is_free(email: str) -> str:
    email = email.strip().lower()
    if find_user(email) is not None:
        raise InvitationRefused(
            _l("An account for %(email)s exists already. Nothing was changed.", email=email),
            "email",
        )
    return email


def _add_account(user: User, by: User, reason: str | None = None) -> User:
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:  # the same address, invited at the same moment by someone else
        db.session.rollback()
        raise InvitationRefused(
            _l("An account for %(email)s exists already. Nothing was changed.", email=user.email),
            "email",
        ) from None
    db.session.add(
        audit.role_change(AccessAction.ROLE_GRANT, user, by, reason=reason, change="invited")
    )
    return user


def staff_refusals(email: str, role: Role, campus: Campus | None, by: User) -> list[RuleRefused]:
    """Every rule a new staff account breaks, changing nothing: the form shows them together
    (with a missing reason too) rather than one per attempt."""
    if by.role != Role.ADMIN:
        return [InvitationRefused(_l("Only administrators create staff accounts."))]
    refusals = []
    if role not in STAFF_ROLES:
        refusals.append(
            InvitationRefused(
                _l(
                    "Trainee accounts come with enrolment, and instructor accounts from their "
                    "campus."
                ),
                "role",
            )
        )
    if role == Role.COORDINATOR and campus is None:
        refusals.append(InvitationRefused(_l("A campus coordinator needs a campus."), "campus"))
    try:
        _address_is_free(email)
    except InvitationRefused as taken:
        refusals.append(taken)
    return refusals


def create_staff(
    name: str, email: str, role: Role, campus: Campus | None, by: User, reason: str | None = None
) -> User:
    """An official, coordinator (of `campus`) or administrator account without a password; the
    reason goes into the access log with the grant, as for any change of access."""
    for refused in staff_refusals(email, role, campus, by):
        raise refused
    email = email.strip().lower()
    user = User(
        email=email,
        name=name.strip(),
        role=role,
        campus=campus if role == Role.COORDINATOR else None,
    )
    _add_account(user, by, reason)
    db.session.commit()
    return user


@dataclass(frozen=True)
class CareerEntry:
    employer: str
    role_title: str
    field: CareerField
    starts_on: date
    ends_on: date | None


def create_instructor(
    name: str, email: str, campus: Campus, careers: list[CareerEntry], by: User
) -> User:
    """The instructor's account and profile at `campus`, with the career periods the
    coordinator knows of. The periods count once verified against their evidence, as any other."""
    if by.role != Role.COORDINATOR or by.campus_id != campus.id:
        raise InvitationRefused(_l("Coordinators add instructors of their own campus only."))
    email = _address_is_free(email)
    user = _add_account(User(email=email, name=name.strip(), role=Role.INSTRUCTOR), by)
    instructor = Instructor(user=user, campus=campus)
    db.session.add(instructor)
    for entry in careers:
        db.session.add(
            CareerPeriod(
                instructor=instructor,
                employer=entry.employer.strip(),
                role_title=entry.role_title.strip(),
                field=entry.field,
                starts_on=entry.starts_on,
                ends_on=entry.ends_on,
            )
        )
    db.session.commit()
    return user


def attach_instructor(email: str, campus: Campus, by: User) -> Instructor:
    """An instructor who already has an account (at another campus) also teaches here: no second
    account; this campus's coordinator may now see and assign them."""
    if by.role != Role.COORDINATOR or by.campus_id != campus.id:
        raise InvitationRefused(_l("Coordinators add instructors of their own campus only."))
    user = find_user(email)
    instructor = user.instructor if user is not None else None
    if instructor is None:
        raise InvitationRefused(
            _l("No instructor account has this e-mail. Add the instructor as new instead."),
            "email",
        )
    already = instructor.campus_id == campus.id or db.session.scalar(
        sa.select(InstructorCampus.id).where(
            InstructorCampus.instructor_id == instructor.id, InstructorCampus.campus_id == campus.id
        )
    )
    if already:
        raise InvitationRefused(
            _l("%(name)s already teaches at this campus.", name=user.name), "email"
        )
    db.session.add(
        InstructorCampus(instructor_id=instructor.id, campus_id=campus.id, attached_by_id=by.id)
    )
    db.session.add(
        audit.entry(
            AccessAction.CREATE,
            subject=("instructor", instructor.id),
            by=by,
            detail={"attached_to_campus": campus.id, "home_campus": instructor.campus_id},
        )
    )
    try:
        db.session.commit()
    except IntegrityError:  # attached at the same moment by a second click
        db.session.rollback()
        raise InvitationRefused(
            _l("%(name)s already teaches at this campus.", name=user.name), "email"
        ) from None
    return instructor
