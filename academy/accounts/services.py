"""Activation links: rules and writes. Routes call these; nothing here knows about HTTP.

A trainee's account exists from enrolment without a password. The coordinator sends a one-time
link; the trainee opens it and sets a password. Only the SHA-256 of the token is stored (a copy
of the database opens no account); a link expires after ACTIVATION_LINK_HOURS, works once, and a
newer link for the same account replaces the older ones. Opening the link (GET) changes nothing,
so mail scanners that prefetch links cannot use it up.
"""

import enum
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from academy import audit, mail
from academy.auth.passwords import hash_password
from academy.auth.services import check_password_rules
from academy.auth.session import end_all_sessions
from academy.extensions import db
from academy.labels import label_for
from academy.models import (
    NEVER_STARTED,
    AccessAction,
    ActivationToken,
    Cohort,
    Enrolment,
    LinkPurpose,
    Role,
    Trainee,
    User,
    utcnow,
)

STAFF_ROLES = frozenset({Role.OFFICIAL, Role.COORDINATOR, Role.ADMIN})
TOKEN_BYTES = 32  # 256 bits: guessing is hopeless, so no attempt counter is needed


class LinkState(enum.StrEnum):
    VALID = "valid"
    UNKNOWN = "unknown"  # no such token (mistyped, cut off, or never issued)
    EXPIRED = "expired"
    USED = "used"  # used already, or the account has a password by now
    REPLACED = "replaced"  # a newer link was sent


class ActivationRefused(ValueError):
    def __init__(self, state: LinkState) -> None:
        super().__init__(state.value)
        self.state = state


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def link_lifetime(purpose: LinkPurpose) -> timedelta:
    """Activation links wait for someone who may read mail once a week (ACTIVATION_LINK_HOURS);
    a reset link answers a request made a moment ago, so it lives an hour
    (PASSWORD_RESET_MINUTES)."""
    config = current_app.config
    if purpose == LinkPurpose.PASSWORD_RESET:
        return timedelta(minutes=config["PASSWORD_RESET_MINUTES"])
    return timedelta(hours=config["ACTIVATION_LINK_HOURS"])


def issue_link(
    user: User,
    by: User | None,
    now: datetime | None = None,
    purpose: LinkPurpose = LinkPurpose.ACTIVATION,
) -> str:
    """A new link for the account; earlier unused links of any kind stop working (the newest
    e-mail is the one that works). The caller commits."""
    now = now or utcnow()
    db.session.execute(
        sa.update(ActivationToken)
        .where(
            ActivationToken.user_id == user.id,
            ActivationToken.used_at.is_(None),
            ActivationToken.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    token = secrets.token_urlsafe(TOKEN_BYTES)
    db.session.add(
        ActivationToken(
            user_id=user.id,
            token_hash=token_hash(token),
            purpose=purpose,
            created_at=now,
            expires_at=now + link_lifetime(purpose),
            created_by_id=by.id if by else None,
        )
    )
    return token


def link_state(
    token: str, now: datetime | None = None, purpose: LinkPurpose = LinkPurpose.ACTIVATION
) -> tuple[LinkState, ActivationToken | None]:
    """A link of another purpose is unknown here: a reset link does not activate, nor the
    reverse. An activation link is used up once the account has a password, however set."""
    now = now or utcnow()
    if not token or len(token) > 128:
        return LinkState.UNKNOWN, None
    record = db.session.scalar(
        sa.select(ActivationToken)
        .where(ActivationToken.token_hash == token_hash(token), ActivationToken.purpose == purpose)
        .options(selectinload(ActivationToken.user))
    )
    if record is None or not record.user.active:
        return LinkState.UNKNOWN, None
    activated = purpose == LinkPurpose.ACTIVATION and record.user.password_hash is not None
    if record.used_at is not None or activated:
        return LinkState.USED, record
    if record.revoked_at is not None:
        return LinkState.REPLACED, record
    if record.expires_at <= now:
        return LinkState.EXPIRED, record
    return LinkState.VALID, record


def activate(
    token: str,
    password: str,
    ip_address: str | None = None,
    purpose: LinkPurpose = LinkPurpose.ACTIVATION,
) -> User:
    """Set the password through a valid link, once: two tabs posting at the same moment cannot
    both succeed, because the link is marked used by a conditional UPDATE that only one wins.
    Every session of the account ends (a reset is often the answer to a stolen password)."""
    now = utcnow()
    state, record = link_state(token, now, purpose)
    if state != LinkState.VALID:
        raise ActivationRefused(state)
    check_password_rules(password, (record.user.email, record.user.name))
    claimed = db.session.execute(
        sa.update(ActivationToken)
        .where(
            ActivationToken.id == record.id,
            ActivationToken.used_at.is_(None),
            ActivationToken.revoked_at.is_(None),
            ActivationToken.expires_at > now,
        )
        .values(used_at=now)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        raise ActivationRefused(LinkState.USED)
    user = record.user
    user.password_hash = hash_password(password)
    end_all_sessions(user)
    done = "account activated" if purpose == LinkPurpose.ACTIVATION else "password reset by link"
    db.session.add(
        audit.entry(
            AccessAction.UPDATE,
            subject=("user", user.id),
            by=user,
            ip_address=ip_address,
            detail=done,
        )
    )
    db.session.commit()
    return user


@dataclass
class InvitationResult:
    sent: list[User] = field(default_factory=list)
    logged: list[User] = field(default_factory=list)  # development without a mail server
    failed: list[tuple[User, str]] = field(default_factory=list)
    already_active: int = 0
    shown_links: list[tuple[str, str, str]] = field(default_factory=list)  # name, e-mail, url


def activation_mail(user: User, token: str) -> mail.Mail:
    """The invitation: what the account is for and what comes after the password (staff set up
    their second factor), and whom to ask when the link has expired."""
    url = mail.external_url("accounts.activate", token=token)
    hours = current_app.config["ACTIVATION_LINK_HOURS"]
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject = _("Activate your Youth Employment Academy account")
        if user.role == Role.TRAINEE:
            purpose = _(
                "Your account for the Seoul Youth Employment Academy is ready. Open the "
                "link below and choose a password. Then you can report your job outcome "
                "and see your record from your phone."
            )
        elif user.role == Role.INSTRUCTOR:
            purpose = _(
                "Your instructor account for the Seoul Youth Employment Academy is "
                "ready. Open the link below and choose a password. Then you can see your "
                "cohorts, take attendance and keep your career history."
            )
        else:
            purpose = _(
                "An administrator made you a staff account (%(role)s) for the Seoul "
                "Youth Employment Academy. Open the link below and choose a password. "
                "Then set up two-factor sign-in with an authenticator app on your phone "
                "(Google Authenticator, Microsoft Authenticator or any TOTP app).",
                role=label_for(user.role),
            )
        if user.role in STAFF_ROLES:
            expiry = _(
                "The link works once and for %(hours)s hours. If it has expired, ask the "
                "administrator for a new one. If you did not expect this e-mail, you can "
                "ignore it.",
                hours=hours,
            )
        else:
            expiry = _(
                "The link works once and for %(hours)s hours. If it has expired, ask your "
                "campus coordinator for a new one. If you did not expect this e-mail, you "
                "can ignore it.",
                hours=hours,
            )
        body = "\n\n".join(
            [
                _("Hello %(name)s,", name=user.name),
                purpose,
                url,
                expiry,
                _("Seoul Youth Employment Academy"),
            ]
        )
    return mail.Mail(user.email, user.name, subject, body)


def invite(users: Iterable[User], by: User, ip_address: str | None = None) -> InvitationResult:
    """Send each account that has no password yet a fresh link; activated ones are skipped.

    The links are committed before the mail goes out, so a mail server that fails half-way
    leaves working links for those who got them; the others are listed and can be invited again.
    """
    if not mail.can_send():
        raise mail.MailNotConfigured()
    result = InvitationResult()
    targets: dict[int, User] = {}
    for user in users:
        if user.password_hash is not None:
            result.already_active += 1
        elif user.active:
            targets[user.id] = user
    tokens = {}
    for user in targets.values():
        tokens[user.id] = issue_link(user, by)
        db.session.add(
            audit.entry(
                AccessAction.CREATE,
                subject=("activation_link", user.id),
                by=by,
                ip_address=ip_address,
            )
        )
    db.session.commit()
    mails = {user.id: activation_mail(user, tokens[user.id]) for user in targets.values()}
    deliveries = mail.deliver(list(mails.values()))
    for user, delivery in zip(targets.values(), deliveries, strict=True):
        if delivery.sent:
            result.sent.append(user)
        elif delivery.logged:
            result.logged.append(user)
        else:
            result.failed.append((user, delivery.error or ""))
        if mail.showing_links():
            url = mail.external_url("accounts.activate", token=tokens[user.id])
            result.shown_links.append((user.name, user.email, url))
    return result


class InvitationStatus(enum.StrEnum):
    ACTIVE = "active"
    INVITED = "invited"
    EXPIRED = "expired"
    NOT_INVITED = "not_invited"


@dataclass(frozen=True)
class InvitationRow:
    enrolment: Enrolment
    status: InvitationStatus
    link: ActivationToken | None  # the newest link, if any

    @property
    def user(self) -> User:
        return self.enrolment.trainee.user


def invitation_rows(cohort: Cohort) -> list[InvitationRow]:
    """The roster with each account's state, in three queries whatever its size. Waitlisted
    people may never join the cohort; everyone else on the roster can be invited."""
    enrolments = db.session.scalars(
        sa.select(Enrolment)
        .where(Enrolment.cohort_id == cohort.id, Enrolment.status.not_in(NEVER_STARTED))
        .options(selectinload(Enrolment.trainee).selectinload(Trainee.user))
    ).all()
    user_ids = [e.trainee.user_id for e in enrolments]
    newest: dict[int, ActivationToken] = {}
    for link in db.session.scalars(
        sa.select(ActivationToken)
        .where(ActivationToken.user_id.in_(user_ids), ActivationToken.revoked_at.is_(None))
        .order_by(ActivationToken.created_at)
    ):
        newest[link.user_id] = link
    now = utcnow()
    rows = []
    for enrolment in enrolments:
        user = enrolment.trainee.user
        link = newest.get(user.id)
        if user.password_hash is not None:
            status = InvitationStatus.ACTIVE
        elif link is None:
            status = InvitationStatus.NOT_INVITED
        elif link.expires_at <= now or link.used_at is not None:
            status = InvitationStatus.EXPIRED
        else:
            status = InvitationStatus.INVITED
        rows.append(InvitationRow(enrolment, status, link))
    order = list(InvitationStatus)
    rows.sort(key=lambda r: (order.index(r.status) * -1, r.user.name, r.user.id))
    return rows
