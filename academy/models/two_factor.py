"""One-time recovery codes for the second factor, for when the authenticator app is lost."""

from datetime import datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from academy.extensions import db
from academy.models.base import utcnow


class RecoveryCode(db.Model):
    """Only a hash of the code is kept; a used code stays, marked, so it cannot be used again."""

    __table_args__ = (sa.UniqueConstraint("user_id", "code_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[Optional[datetime]]
