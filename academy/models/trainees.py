"""Trainees (교육생). Birth date only: a resident registration number is never collected."""

from datetime import date, datetime
from typing import TYPE_CHECKING, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.extensions import db
from academy.models.base import utcnow

if TYPE_CHECKING:
    from academy.models.accounts import User
    from academy.models.cohorts import Enrolment


class Trainee(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), unique=True)
    birth_date: Mapped[date]
    phone: Mapped[Optional[str]] = mapped_column(sa.String(13))
    # 취약계층: eligible for development-fund scholarships.
    vulnerable: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped["User"] = relationship(back_populates="trainee")
    enrolments: Mapped[list["Enrolment"]] = relationship(back_populates="trainee")

    @property
    def name(self) -> str:
        return self.user.name

    @property
    def email(self) -> str:
        return self.user.email


def age_on(birth_date: date, on: date) -> int:
    """International age (만 나이) on a date."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
