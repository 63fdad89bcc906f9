"""People who sign in, and their roles."""

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Optional

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from academy.extensions import db
from academy.models.base import enum_column, utcnow

if TYPE_CHECKING:
    from academy.models.campuses import Campus
    from academy.models.instructors import Instructor
    from academy.models.trainees import Trainee


class Role(enum.StrEnum):
    OFFICIAL = "official"
    COORDINATOR = "coordinator"
    INSTRUCTOR = "instructor"
    TRAINEE = "trainee"
    ADMIN = "admin"


class User(UserMixin, db.Model):
    """An account. Trainees get one at enrolment and set a password when they activate it."""

    __table_args__ = (
        sa.CheckConstraint(
            "role <> 'coordinator' OR campus_id IS NOT NULL", name="coordinator_has_campus"
        ),
        sa.CheckConstraint("email = lower(email)", name="email_lowercase"),
        sa.CheckConstraint(
            "totp_enrolled_at IS NULL OR totp_secret IS NOT NULL", name="totp_enrolled_has_secret"
        ),
        # The administrator's account list at 50,000 trainees: its order, and its search by the
        # start of a name or e-mail (pattern operators, so LIKE 'x%' uses them in any collation).
        sa.Index("ix_user_role_email", "role", "email"),
        sa.Index("ix_user_name_prefix", "name", postgresql_ops={"name": "varchar_pattern_ops"}),
        sa.Index("ix_user_email_prefix", "email", postgresql_ops={"email": "varchar_pattern_ops"}),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"), index=True)
    campus_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("campus.id"), index=True)
    password_hash: Mapped[Optional[str]] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped on logout, password change and disabling: older session cookies stop working.
    session_version: Mapped[int] = mapped_column(default=1)
    locale: Mapped[Optional[str]] = mapped_column(sa.String(5))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[Optional[datetime]]
    # Second factor (TOTP, RFC 6238): a secret without totp_enrolled_at is an enrolment that
    # was started but not yet confirmed with a code. totp_last_step is the time step of the last
    # accepted code, so a code is accepted only once.
    totp_secret: Mapped[Optional[str]] = mapped_column(sa.String(64))
    totp_enrolled_at: Mapped[Optional[datetime]]
    totp_last_step: Mapped[Optional[int]] = mapped_column(sa.BigInteger)

    campus: Mapped[Optional["Campus"]] = relationship(back_populates="staff")
    trainee: Mapped[Optional["Trainee"]] = relationship(back_populates="user")
    instructor: Mapped[Optional["Instructor"]] = relationship(back_populates="user")

    @validates("email")
    def _normalise_email(self, _key: str, value: str) -> str:
        return value.strip().lower()

    @property
    def is_active(self) -> bool:  # Flask-Login asks this before accepting a session
        return self.active and self.password_hash is not None

    @property
    def two_factor_enabled(self) -> bool:
        return self.totp_enrolled_at is not None

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"
