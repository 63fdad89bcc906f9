"""Enrolment one by one, the waitlist and leaving: the rules, shared with the roster import.

- A trainee is a youth aged YOUTH_MIN_AGE–YOUTH_MAX_AGE (만 19–39세 by default) on the cohort's
  first day.
- A person is identified by e-mail; a person already enrolled (or waitlisted) in a cohort whose
  dates overlap is refused with the reason.
- Seats are the cohort's capacity; when it is full a new enrolment joins the waitlist, and when
  someone leaves, the first on the waitlist takes the seat (the coordinator is told who).
- Every rule that counts seats runs with the cohort's row locked (academy.locking), so
  two coordinators taking the last seat at the same moment cannot both get it.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from academy import audit
from academy.audit import role_change
from academy.cohorts.seats import (
    enrolment_date,
    promote_waitlisted,
    renumber_waitlist,
    seats_taken,
)
from academy.errors import FieldsRefused
from academy.extensions import db
from academy.locking import lock_row
from academy.models import (
    AccessAction,
    Cohort,
    Enrolment,
    EnrolmentStatus,
    Role,
    Trainee,
    User,
    age_on,
)

# Statuses that hold a person to a cohort's dates: the overlap rule looks at these.
ACTIVE = (EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED)
# Set-based lookups take this many e-mails or ids per query (SQLite allows 32,766 parameters).
CHUNK = 1000

Errors = dict[str, list[object]]


class EnrolmentRefused(FieldsRefused):
    """An enrolment rule refused: `errors` maps a form field (or "" for the whole form) to
    translatable reasons."""


@dataclass
class TraineeData:
    name: str
    birth_date: date
    email: str
    phone: str | None = None
    vulnerable: bool = False
    employed_at_start: bool = False


@dataclass(frozen=True)
class Person:
    """Who an e-mail already belongs to."""

    user_id: int
    name: str
    role: Role
    trainee_id: int | None
    birth_date: date | None
    phone: str | None = None
    vulnerable: bool | None = None


@dataclass(frozen=True)
class Overlap:
    code: str
    starts_on: date
    ends_on: date
    status: EnrolmentStatus
    same_campus: bool = True


def youth_ages() -> tuple[int, int]:
    return current_app.config["YOUTH_MIN_AGE"], current_app.config["YOUTH_MAX_AGE"]


def age_problem(
    birth_date: date, cohort: Cohort, ages: tuple[int, int] | None = None
) -> object | None:
    """The age rule (만 나이 on the cohort's first day), or None when it is met. A caller checking
    many rows passes youth_ages() once (two config lookups through a proxy per row otherwise)."""
    low, high = ages or youth_ages()
    age = age_on(birth_date, cohort.starts_on)
    if low <= age <= high:
        return None
    return _l(
        "aged %(age)s on the cohort's first day (%(start)s): trainees are %(low)s to %(high)s",
        age=age,
        start=cohort.starts_on.isoformat(),
        low=low,
        high=high,
    )


def chunks(values: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def people_by_email(emails: Iterable[str]) -> dict[str, Person]:
    """Existing accounts for the e-mails, in one query per thousand."""
    found: dict[str, Person] = {}
    for chunk in chunks(sorted(set(emails))):
        rows = db.session.execute(
            sa.select(
                User.id,
                User.email,
                User.name,
                User.role,
                Trainee.id,
                Trainee.birth_date,
                Trainee.phone,
                Trainee.vulnerable,
            )
            .outerjoin(Trainee, Trainee.user_id == User.id)
            .where(User.email.in_(chunk))
        )
        for user_id, email, name, role, trainee_id, birth_date, phone, vulnerable in rows:
            found[email] = Person(user_id, name, role, trainee_id, birth_date, phone, vulnerable)
    return found


def active_overlaps(cohort: Cohort, trainee_ids: Iterable[int]) -> dict[int, Overlap]:
    """For each trainee, an active enrolment in another cohort whose dates overlap this one's."""
    found: dict[int, Overlap] = {}
    for chunk in chunks(sorted(set(trainee_ids))):
        rows = db.session.execute(
            sa.select(
                Enrolment.trainee_id,
                Cohort.code,
                Cohort.starts_on,
                Cohort.ends_on,
                Enrolment.status,
                Cohort.campus_id == cohort.campus_id,
            )
            .join(Cohort, Cohort.id == Enrolment.cohort_id)
            .where(
                Enrolment.trainee_id.in_(chunk),
                Enrolment.status.in_(ACTIVE),
                Cohort.id != cohort.id,
                Cohort.starts_on <= cohort.ends_on,
                Cohort.ends_on >= cohort.starts_on,
            )
            .order_by(Cohort.starts_on)
        )
        for trainee_id, code, starts_on, ends_on, status, same_campus in rows:
            found.setdefault(
                trainee_id, Overlap(code, starts_on, ends_on, status, bool(same_campus))
            )
    return found


def roster_statuses(cohort_id: int) -> dict[int, EnrolmentStatus]:
    """Everyone this cohort already lists (any status), by trainee id."""
    return dict(
        db.session.execute(
            sa.select(Enrolment.trainee_id, Enrolment.status).where(
                Enrolment.cohort_id == cohort_id
            )
        ).all()
    )


def overlap_problem(overlap: Overlap) -> object:
    """Another campus's cohort is not named: what a person does elsewhere is not this campus's
    to know (issue 13), only that the dates clash."""
    if not overlap.same_campus:
        return _l("already on another campus's cohort whose dates overlap this cohort's")
    if overlap.status == EnrolmentStatus.WAITLISTED:
        return _l(
            "already on the waitlist of cohort %(code)s (%(start)s to %(end)s), whose "
            "dates overlap this cohort's",
            code=overlap.code,
            start=overlap.starts_on.isoformat(),
            end=overlap.ends_on.isoformat(),
        )
    return _l(
        "already enrolled in cohort %(code)s (%(start)s to %(end)s), whose dates overlap "
        "this cohort's",
        code=overlap.code,
        start=overlap.starts_on.isoformat(),
        end=overlap.ends_on.isoformat(),
    )


def identity_problems(person: Person | None, birth_date: date | None) -> list[tuple[str, object]]:
    """An e-mail that belongs to staff, or to a trainee born on another day, cannot be enrolled.
    One message for both, which names neither: the form must not tell a staff account from a
    trainee, nor confirm a guessed birth date beyond the enrolment it makes."""
    if person is None:
        return []
    if person.trainee_id is None or (birth_date is not None and person.birth_date != birth_date):
        return [
            (
                "email",
                _l(
                    "this e-mail cannot be enrolled with this birth date: check both "
                    "with the trainee"
                ),
            )
        ]
    return []


def closed_problem(cohort: Cohort) -> object | None:
    if cohort.closed_on:
        return _l("The cohort is closed: its roster no longer changes.")
    return None


def enrolment_problems(cohort: Cohort, email: str | None, birth_date: date | None) -> Errors:
    """Every rule one person breaks for this cohort, by field (the inline form checks use it)."""
    errors: Errors = {}
    closed = closed_problem(cohort)
    if closed:
        errors.setdefault("", []).append(closed)
    if birth_date is not None:
        age = age_problem(birth_date, cohort)
        if age:
            errors.setdefault("birth_date", []).append(age)
    if email:
        person = people_by_email([email]).get(email)
        for field, message in identity_problems(person, birth_date):
            errors.setdefault(field, []).append(message)
        if person and person.trainee_id:
            if person.trainee_id in roster_statuses(cohort.id):
                errors.setdefault("email", []).append(_l("already on this cohort's roster"))
            overlap = active_overlaps(cohort, [person.trainee_id]).get(person.trainee_id)
            if overlap:
                errors.setdefault("email", []).append(overlap_problem(overlap))
    return errors


def field_problems(cohort: Cohort, name: str, value) -> list:
    """What the inline check of one field may say (issue 13, item 2): the age rule for a birth
    date, and for an e-mail whether this cohort already lists the person. Never anything that
    depends on other people's records."""
    if name == "birth_date" and value is not None:
        age = age_problem(value, cohort)
        return [age] if age else []
    if name == "email" and value:
        email = value.strip().lower()
        on_roster = db.session.scalar(
            sa.select(
                sa.exists().where(
                    Enrolment.cohort_id == cohort.id,
                    Enrolment.trainee_id == Trainee.id,
                    Trainee.user_id == User.id,
                    User.email == email,
                )
            )
        )
        return [_l("already on this cohort's roster")] if on_roster else []
    return []


def next_waitlist_position(cohort_id: int) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.max(Enrolment.waitlist_position)).where(
                Enrolment.cohort_id == cohort_id
            )
        )
        or 0
    ) + 1


def new_trainee(data: TraineeData) -> Trainee:
    """A trainee's account: no password until they activate it themselves."""
    user = User(email=data.email, name=data.name.strip(), role=Role.TRAINEE, password_hash=None)
    trainee = Trainee(
        user=user, birth_date=data.birth_date, phone=data.phone, vulnerable=data.vulnerable
    )
    db.session.add_all([user, trainee])
    return trainee


def enrol(cohort: Cohort, data: TraineeData, by: User | None) -> Enrolment:
    """Enrol one person: a seat if one is free, else the end of the waitlist.

    Raises EnrolmentRefused with every broken rule by field; nothing is written then.
    """
    lock_row(Cohort, cohort.id)
    db.session.refresh(cohort)  # what other writers committed before the lock was ours
    data.email = data.email.strip().lower()
    errors = enrolment_problems(cohort, data.email, data.birth_date)
    if errors:
        db.session.rollback()
        raise EnrolmentRefused(errors)
    person = people_by_email([data.email]).get(data.email)
    if person is not None:
        lock_row(Trainee, person.trainee_id)  # the same person enrolled elsewhere takes turns
        overlap = active_overlaps(cohort, [person.trainee_id]).get(person.trainee_id)
        if overlap:
            db.session.rollback()
            raise EnrolmentRefused({"email": [overlap_problem(overlap)]})
        trainee = db.session.get(Trainee, person.trainee_id)
    else:
        trainee = new_trainee(data)
    if seats_taken(cohort.id) < cohort.capacity:
        status, position = EnrolmentStatus.ENROLLED, None
    else:
        status, position = EnrolmentStatus.WAITLISTED, next_waitlist_position(cohort.id)
    enrolment = Enrolment(
        cohort_id=cohort.id,
        trainee=trainee,
        status=status,
        waitlist_position=position,
        enrolled_on=enrolment_date(cohort),
        employed_at_start=data.employed_at_start,
    )
    db.session.add(enrolment)
    try:
        db.session.flush()
    except IntegrityError:  # the same new e-mail enrolled elsewhere in the same instant
        db.session.rollback()
        raise EnrolmentRefused(
            {"email": [_l("Someone registered this e-mail a moment ago: submit again.")]}
        ) from None
    db.session.add(
        audit.entry(
            AccessAction.CREATE,
            subject=("enrolment", enrolment.id),
            by=by,
            detail=f"cohort {cohort.code}: {enrolment.status.value}",
        )
    )
    if person is None:  # a new account: its role is granted now (kept three years)
        db.session.add(role_change(AccessAction.ROLE_GRANT, trainee.user, by, change="created"))
    db.session.commit()
    return enrolment


@dataclass(frozen=True)
class Departure:
    enrolment: Enrolment | None  # None: a waitlist entry, removed
    promoted: list[Enrolment]


def leave(
    enrolment: Enrolment, left_on: date, early_employment: bool, by: User | None
) -> Departure:
    """Someone leaves: withdrawn, or early employment (조기취업, a completer for outcomes).

    The enrolment stays on the roster and in the denominators; the seat goes to the first on
    the waitlist. Someone only on the waitlist never held a seat: their entry is removed.
    """
    cohort = enrolment.cohort
    lock_row(Cohort, cohort.id)
    db.session.refresh(cohort)
    db.session.refresh(enrolment)
    closed = closed_problem(cohort)
    if closed:
        db.session.rollback()
        raise EnrolmentRefused({"": [closed]})
    if enrolment.status == EnrolmentStatus.WAITLISTED:
        db.session.add(
            audit.entry(
                AccessAction.DELETE,
                subject=("enrolment", enrolment.id),
                by=by,
                detail=f"cohort {cohort.code}: removed from the waitlist",
            )
        )
        db.session.delete(enrolment)
        db.session.flush()
        renumber_waitlist(cohort.id)
        db.session.commit()
        return Departure(None, [])
    if enrolment.status != EnrolmentStatus.ENROLLED:
        db.session.rollback()
        raise EnrolmentRefused({"": [_l("Only someone on the roster can leave it.")]})
    if not enrolment.enrolled_on <= left_on <= cohort.ends_on:
        db.session.rollback()
        raise EnrolmentRefused(
            {
                "left_on": [
                    _l(
                        "Enter a day from %(first)s to %(last)s.",
                        first=enrolment.enrolled_on.isoformat(),
                        last=cohort.ends_on.isoformat(),
                    )
                ]
            }
        )
    status = EnrolmentStatus.EARLY_EMPLOYED if early_employment else EnrolmentStatus.WITHDRAWN
    return _vacate(enrolment, status, left_on, by)


def _vacate(enrolment: Enrolment, status: EnrolmentStatus, on: date, by) -> Departure:
    """The place is freed on `on`: the waitlist moves up, and the change is on the record."""
    cohort = enrolment.cohort
    enrolment.status = status
    enrolment.left_on = on
    db.session.flush()
    promoted = promote_waitlisted(cohort)
    db.session.add(
        audit.entry(
            AccessAction.UPDATE,
            subject=("enrolment", enrolment.id),
            by=by,
            detail=f"cohort {cohort.code}: {status.value} on {on}; "
            f"promoted {[e.id for e in promoted]}",
        )
    )
    db.session.commit()
    return Departure(enrolment, promoted)


def cancellation_deadline(enrolment: Enrolment) -> date:
    """The last day a place can be cancelled (취소): the course's grace days (3 by default) after
    the later of the cohort's first day and the day the person joined."""
    cohort = enrolment.cohort
    first_day = max(cohort.starts_on, enrolment.enrolled_on)
    return min(first_day + timedelta(days=cohort.course.cancellation_grace_days), cohort.ends_on)


def cancel(enrolment: Enrolment, on: date, by: User | None) -> Departure:
    """A place cancelled before the start or in the first days: the person never really joined,
    so they leave the enrolled count (and every rate), and are counted on their own line.
    Later, leaving is a withdrawal (중도 탈락) and stays in the figures. The seat goes to the
    first on the waitlist."""
    cohort = enrolment.cohort
    lock_row(Cohort, cohort.id)
    db.session.refresh(cohort)
    db.session.refresh(enrolment)
    closed = closed_problem(cohort)
    if closed:
        db.session.rollback()
        raise EnrolmentRefused({"": [closed]})
    if enrolment.status != EnrolmentStatus.ENROLLED:
        db.session.rollback()
        raise EnrolmentRefused({"": [_l("Only a place on the roster can be cancelled.")]})
    deadline = cancellation_deadline(enrolment)
    if not enrolment.enrolled_on <= on <= deadline:
        db.session.rollback()
        raise EnrolmentRefused(
            {
                "left_on": [
                    _l(
                        "A place can be cancelled from %(first)s to %(last)s (%(days)s days "
                        "after the start); after that, record a withdrawal.",
                        first=enrolment.enrolled_on.isoformat(),
                        last=deadline.isoformat(),
                        days=cohort.course.cancellation_grace_days,
                    )
                ]
            }
        )
    return _vacate(enrolment, EnrolmentStatus.CANCELLED, on, by)
