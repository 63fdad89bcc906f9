"""접속기록: who viewed or changed personal data, as the safeguards standard requires."""

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.extensions import db
from academy.models.base import enum_column, utcnow

if TYPE_CHECKING:
    from academy.models.accounts import User


class AccessAction(enum.StrEnum):
    VIEW = "view"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    EXPORT = "export"
    DOWNLOAD = "download"
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"


class AccessLog(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id"), index=True)
    action: Mapped[AccessAction] = mapped_column(enum_column(AccessAction, "access_action"))
    subject_type: Mapped[str] = mapped_column(sa.String(50))
    subject_id: Mapped[Optional[int]]
    ip_address: Mapped[Optional[str]] = mapped_column(sa.String(45))
    detail: Mapped[Optional[str]] = mapped_column(sa.String(500))

    user: Mapped[Optional["User"]] = relationship()
