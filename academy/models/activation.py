"""One-time links sent by e-mail: an account without a password gets one through an activation
link (trainees invited by their coordinator, staff and instructors invited when their account is
made); an account that forgot its password sets a new one through a reset link.

Only a SHA-256 hash of the token is stored, so a copy of the database opens no account; a link
expires, works once, and a newer link replaces the older ones.
"""

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.extensions import db
from academy.models.base import enum_column, utcnow

if TYPE_CHECKING:
    from academy.models.accounts import User


class LinkPurpose(enum.StrEnum):
    ACTIVATION = "activation"  # first password of an account that has none
    PASSWORD_RESET = "password_reset"  # a new password for an account that forgot its own


class ActivationToken(db.Model):
    __table_args__ = (sa.CheckConstraint("expires_at > created_at", name="expires_after_creation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    purpose: Mapped[LinkPurpose] = mapped_column(
        enum_column(LinkPurpose, "link_purpose"),
        default=LinkPurpose.ACTIVATION,
        server_default=LinkPurpose.ACTIVATION.value,
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[Optional[datetime]]
    revoked_at: Mapped[Optional[datetime]]  # a newer link for the same account replaced it
    created_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id"), index=True)

    user: Mapped["User"] = relationship(foreign_keys=[user_id])
    created_by: Mapped[Optional["User"]] = relationship(foreign_keys=[created_by_id])
