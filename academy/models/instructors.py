"""Instructors (강사), their AI/SW career periods and cohort assignments."""

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.extensions import db
from academy.models.base import enum_column, utcnow

if TYPE_CHECKING:
    from academy.models.accounts import User
    from academy.models.campuses import Campus
    from academy.models.cohorts import Cohort


class CareerField(enum.StrEnum):
    AI = "ai"
    SOFTWARE = "software"
    OTHER = "other"


class Instructor(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), unique=True)
    campus_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("campus.id"), index=True)
    specialty: Mapped[Optional[str]] = mapped_column(sa.String(100))

    user: Mapped["User"] = relationship(back_populates="instructor")
    campus: Mapped[Optional["Campus"]] = relationship()
    careers: Mapped[list["CareerPeriod"]] = relationship(
        back_populates="instructor", order_by="CareerPeriod.starts_on"
    )
    assignments: Mapped[list["InstructorAssignment"]] = relationship(back_populates="instructor")
    attachments: Mapped[list["InstructorCampus"]] = relationship(back_populates="instructor")

    @property
    def name(self) -> str:
        return self.user.name


class InstructorCampus(db.Model):
    """An instructor of another campus who also teaches here: the campus's coordinator attached
    the existing account instead of making a second one. `Instructor.campus_id` stays the home
    campus; an attachment lets this campus's coordinator see and assign the instructor."""

    __tablename__ = "instructor_campus"
    __table_args__ = (sa.UniqueConstraint("instructor_id", "campus_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instructor_id: Mapped[int] = mapped_column(sa.ForeignKey("instructor.id"), index=True)
    campus_id: Mapped[int] = mapped_column(sa.ForeignKey("campus.id"), index=True)
    attached_at: Mapped[datetime] = mapped_column(default=utcnow)
    attached_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id"), index=True)

    instructor: Mapped["Instructor"] = relationship(back_populates="attachments")
    campus: Mapped["Campus"] = relationship()


class CareerPeriod(db.Model):
    """A period of work. Only verified AI/SW periods count toward the 2-year qualification."""

    __table_args__ = (
        sa.CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instructor_id: Mapped[int] = mapped_column(sa.ForeignKey("instructor.id"), index=True)
    employer: Mapped[str] = mapped_column(sa.String(150))
    role_title: Mapped[str] = mapped_column(sa.String(100))
    field: Mapped[CareerField] = mapped_column(enum_column(CareerField, "career_field"))
    starts_on: Mapped[date]
    ends_on: Mapped[Optional[date]]  # open: ongoing
    evidence_path: Mapped[Optional[str]] = mapped_column(sa.String(255))  # stored name
    evidence_name: Mapped[Optional[str]] = mapped_column(sa.String(255))  # as the sender named it
    verified_at: Mapped[Optional[datetime]]
    verified_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id"), index=True)

    instructor: Mapped["Instructor"] = relationship(back_populates="careers")
    verified_by: Mapped[Optional["User"]] = relationship()


class AssignmentRole(enum.StrEnum):
    LEAD = "lead"
    ASSISTANT = "assistant"


class InstructorAssignment(db.Model):
    __table_args__ = (sa.UniqueConstraint("cohort_id", "instructor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohort.id"), index=True)
    instructor_id: Mapped[int] = mapped_column(sa.ForeignKey("instructor.id"), index=True)
    role: Mapped[AssignmentRole] = mapped_column(
        enum_column(AssignmentRole, "assignment_role"), default=AssignmentRole.LEAD
    )
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)
    assigned_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id"), index=True)

    cohort: Mapped["Cohort"] = relationship(back_populates="assignments")
    instructor: Mapped["Instructor"] = relationship(back_populates="assignments")
