"""Personal API tokens: an official's other tools read /api/v1/kpi with them.

A token is read-only (it opens the KPI endpoint and nothing else), belongs to one account, has a
name and an expiry of at most a year, and can be revoked. Only a SHA-256 hash is stored; the
token is shown once, when it is made. `prefix` is the token's first characters, so a list can
tell tokens apart without holding anything that opens the API.
"""

from datetime import datetime
from typing import TYPE_CHECKING, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.extensions import db
from academy.models.base import utcnow

if TYPE_CHECKING:
    from academy.models.accounts import User


class ApiToken(db.Model):
    __table_args__ = (sa.CheckConstraint("expires_at > created_at", name="expires_after_creation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    prefix: Mapped[str] = mapped_column(sa.String(12))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[Optional[datetime]]
    last_used_at: Mapped[Optional[datetime]]

    user: Mapped["User"] = relationship()

    def usable(self, now: datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now
