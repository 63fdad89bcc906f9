"""Accounts: sign-in and creation. Rules and writes; routes and the CLI call these."""

import re
from datetime import date
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from academy import audit
from academy.audit import role_change
from academy.auth.passwords import hash_password, verify_password
from academy.errors import RuleRefused
from academy.extensions import db
from academy.models import (
    AccessAction,
    Campus,
    Instructor,
    Role,
    Trainee,
    User,
    utcnow,
)

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024  # long passphrases welcome; the cap only bounds hashing work


COMMON_PASSWORDS = frozenset(FREQUENCY_LISTS["passwords"])


class AccountError(RuleRefused):
    """A rule refused the account change; the message is for the person who asked."""


def find_user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))


def authenticate(email: str, password: str, ip_address: str | None = None) -> User | None:
    """The caller learns only success or failure, never which part was wrong. A correct
    password is logged as a sign-in by record_sign_in, once any second factor is passed too."""
    user = find_user(email)
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.active:
        db.session.add(
            audit.entry(AccessAction.LOGIN_FAILED, subject="user", by=user, ip_address=ip_address)
        )
        db.session.commit()
        return None
    return user


def record_sign_in(user: User, ip_address: str | None = None) -> None:
    user.last_login_at = utcnow()
    db.session.add(
        audit.entry(AccessAction.LOGIN, subject=("user", user.id), by=user, ip_address=ip_address)
    )
    db.session.commit()


def password_problem(password: str, user_inputs: tuple[str, ...] = ()) -> str | None:
    """Why a new password is refused, or None (NIST SP 800-63B: length and a blocklist, no
    composition rules). Common and easily guessed passwords are found with zxcvbn's lists."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _l("Use at least %(n)s characters.", n=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return _l("Use at most %(n)s characters.", n=MAX_PASSWORD_LENGTH)
    inputs = [part for value in user_inputs for part in re.split(r"[@.\s]+", value) if part]
    # zxcvbn estimates up to 72 characters; anything longer is a passphrase by its length alone.
    guessable = len(password) <= 72 and zxcvbn(password, user_inputs=inputs)["score"] < 2
    if password.lower() in COMMON_PASSWORDS or guessable:
        return _l("This password is too common or too easy to guess. Try a longer phrase.")
    return None


def check_password_rules(password: str, user_inputs: tuple[str, ...] = ()) -> None:
    problem = password_problem(password, user_inputs)
    if problem is not None:
        raise AccountError(str(problem))


def create_user(
    email: str,
    name: str,
    role: Role,
    password: str | None,
    campus_name: str | None = None,
    birth_date: date | None = None,
) -> User:
    """An account with whatever its role needs to work: coordinators belong to exactly one
    campus (other staff to none); an instructor gets an instructor profile (at the campus, if
    given) and a trainee a trainee record, which needs the birth date (never a resident
    registration number). Without those the role's home page would have nothing to show."""
    email = email.strip().lower()
    if find_user(email) is not None:
        raise AccountError(f"an account for {email} already exists")
    campus = None
    if campus_name:
        campus = db.session.scalar(sa.select(Campus).where(Campus.name == campus_name))
        if campus is None:
            raise AccountError(f"no campus named {campus_name}")
    if role == Role.COORDINATOR and campus is None:
        raise AccountError("a coordinator needs --campus")
    if role == Role.TRAINEE and birth_date is None:
        raise AccountError("a trainee needs --birth-date (YYYY-MM-DD)")
    if role not in (Role.COORDINATOR, Role.INSTRUCTOR) and campus is not None:
        raise AccountError(f"--campus is only for a coordinator or an instructor, not {role.value}")
    if role != Role.TRAINEE and birth_date is not None:
        raise AccountError("--birth-date is only for a trainee")
    if password is not None:
        check_password_rules(password, (email, name))
    user = User(
        email=email,
        name=name,
        role=role,
        campus=campus if role == Role.COORDINATOR else None,
        password_hash=hash_password(password) if password else None,
    )
    db.session.add(user)
    if role == Role.INSTRUCTOR:
        db.session.add(Instructor(user=user, campus=campus))
    elif role == Role.TRAINEE:
        db.session.add(Trainee(user=user, birth_date=birth_date))
    db.session.flush()
    db.session.add(role_change(AccessAction.ROLE_GRANT, user, change="created"))
    db.session.commit()
    return user


def is_safe_next(target: str | None) -> bool:
    """`next` may only be a path on this site: no scheme, no host, no `//` or `\\` tricks."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc
