"""Personal API tokens for /api/v1/kpi: rules and writes; routes and the CLI call these.

An official (or an administrator, from the command line) makes a read-only token with a name and
an expiry of at most API_TOKEN_MAX_DAYS (a year), sees it once, and can revoke it. Only its
SHA-256 is stored (a database copy opens nothing); the first characters are kept to tell tokens
apart in a list. Every request made with a token is written to the access log, and a token stops
working when it expires, is revoked, or its account is disabled or no longer citywide staff.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from academy import audit
from academy.errors import RuleRefused
from academy.extensions import db
from academy.models import AccessAction, ApiToken, Role, User, utcnow

TOKEN_PREFIX = "yea_"  # Youth Employment Academy: secret scanners can recognise a leaked token
TOKEN_BYTES = 32
PREFIX_SHOWN = 12
# Who may hold a token: the roles that may read the KPI endpoint.
TOKEN_ROLES = frozenset({Role.OFFICIAL, Role.ADMIN})


class TokenRefused(RuleRefused):
    """A rule of personal API tokens refused the request."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(
    user: User, name: str, days: int, now: datetime | None = None
) -> tuple[ApiToken, str]:
    """A new token for `user`; returns the row and the token, which is never shown again."""
    now = now or utcnow()
    name = (name or "").strip()
    longest = current_app.config["API_TOKEN_MAX_DAYS"]
    if user.role not in TOKEN_ROLES or not user.active:
        raise TokenRefused(_l("Only city officials and administrators can hold API tokens."))
    if not name:
        raise TokenRefused(_l("Name the token, for example after the tool that uses it."), "name")
    if not 1 <= days <= longest:
        raise TokenRefused(_l("A token lasts from 1 to %(n)s days.", n=longest), "days")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    row = ApiToken(
        user_id=user.id,
        name=name[:100],
        prefix=secret[:PREFIX_SHOWN],
        token_hash=token_hash(secret),
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    db.session.add(row)
    db.session.flush()
    db.session.add(
        audit.entry(
            AccessAction.CREATE,
            subject=("api_token", row.id),
            by=user,
            detail={"name": row.name, "days": days},
        )
    )
    db.session.commit()
    return row, secret


def tokens_of(user: User) -> list[ApiToken]:
    return db.session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())
    ).all()


def revoke(token: ApiToken, by: User) -> bool:
    """False when it was revoked already."""
    done = db.session.execute(
        sa.update(ApiToken)
        .where(ApiToken.id == token.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    ).rowcount
    if done:
        db.session.add(
            audit.entry(
                AccessAction.DELETE,
                subject=("api_token", token.id),
                by=by,
                detail={"name": token.name},
            )
        )
    db.session.commit()
    return bool(done)


def authenticate(header: str | None, now: datetime | None = None) -> ApiToken | None:
    """The token of an `Authorization: Bearer …` header, if it is one that works now."""
    scheme, _sep, secret = (header or "").partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret.startswith(TOKEN_PREFIX) or len(secret) > 128:
        return None
    now = now or utcnow()
    row = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == token_hash(secret)))
    if row is None or not row.usable(now):
        return None
    user = row.user
    if not user.active or user.role not in TOKEN_ROLES:
        return None
    return row


def record_use(row: ApiToken, path: str, ip_address: str | None) -> None:
    """Every use is in the access log under the token's account, and the token shows when it was
    last used. Committed before the figures are computed, so a failing request is logged too."""
    row.last_used_at = utcnow()
    db.session.add(
        audit.entry(
            AccessAction.VIEW,
            subject=("api_token", row.id),
            by=row.user,
            ip_address=ip_address,
            detail={"path": path[:200]},
        )
    )
    db.session.commit()
