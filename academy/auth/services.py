"""Accounts: sign-in and creation. Rules and writes; routes and the CLI call these."""

from urllib.parse import urlsplit

import sqlalchemy as sa

from academy.auth.passwords import hash_password, verify_password
from academy.extensions import db
from academy.models import AccessAction, AccessLog, Campus, Role, User, utcnow

MIN_PASSWORD_LENGTH = 10


class AccountError(ValueError):
    """A rule refused the account change; the message is for the person who asked."""


def find_user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))


def authenticate(email: str, password: str, ip_address: str | None = None) -> User | None:
    """The caller learns only success or failure, never which part was wrong."""
    user = find_user(email)
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.active:
        db.session.add(
            AccessLog(
                user_id=user.id if user else None,
                action=AccessAction.LOGIN_FAILED,
                subject_type="user",
                ip_address=ip_address,
            )
        )
        db.session.commit()
        return None
    user.last_login_at = utcnow()
    db.session.add(
        AccessLog(user_id=user.id, action=AccessAction.LOGIN, subject_type="user",
                  subject_id=user.id, ip_address=ip_address)
    )  # fmt: skip
    db.session.commit()
    return user


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"password shorter than {MIN_PASSWORD_LENGTH} characters")


def create_user(
    email: str, name: str, role: Role, password: str | None, campus_name: str | None = None
) -> User:
    """Coordinators belong to exactly one campus; other roles to none."""
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
    if password is not None:
        check_password_rules(password)
    user = User(
        email=email,
        name=name,
        role=role,
        campus=campus,
        password_hash=hash_password(password) if password else None,
    )
    db.session.add(user)
    db.session.commit()
    return user


def is_safe_next(target: str | None) -> bool:
    """`next` may only be a path on this site: no scheme, no host, no `//` or `\\` tricks."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc
