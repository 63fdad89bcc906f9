"""Courses, cohorts (기수), their sessions, enrolments and attendance."""

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.extensions import db
from academy.models.base import enum_column, utcnow

if TYPE_CHECKING:
    from academy.models.accounts import User
    from academy.models.campuses import Campus, Classroom
    from academy.models.instructors import InstructorAssignment
    from academy.models.outcomes import OutcomeRecord
    from academy.models.trainees import Trainee


class Level(enum.StrEnum):
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


class Course(db.Model):
    """A course a campus offers. Attendance rules are per course (KDT-style 80% by default)."""

    __table_args__ = (
        sa.UniqueConstraint("campus_id", "name"),
        sa.CheckConstraint(
            "attendance_threshold_pct BETWEEN 1 AND 100", name="threshold_is_percentage"
        ),
        sa.CheckConstraint("lates_per_absence >= 1", name="lates_per_absence_positive"),
        sa.CheckConstraint(
            "cancellation_grace_days BETWEEN 0 AND 30", name="cancellation_grace_days_range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campus_id: Mapped[int] = mapped_column(sa.ForeignKey("campus.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(150))
    level: Mapped[Level] = mapped_column(enum_column(Level, "course_level"))
    field: Mapped[str] = mapped_column(sa.String(100), default="AI")
    attendance_threshold_pct: Mapped[int] = mapped_column(default=80)
    # Three late or left-early marks count as one absence.
    lates_per_absence: Mapped[int] = mapped_column(default=3)
    # A place can be cancelled (취소: out of enrolled) before the start and for this many days
    # after it; later, leaving is a withdrawal (중도 탈락) that stays in the figures.
    cancellation_grace_days: Mapped[int] = mapped_column(default=3, server_default="3")
    partner_company: Mapped[Optional[str]] = mapped_column(sa.String(100))
    project_based: Mapped[bool] = mapped_column(default=False)

    campus: Mapped["Campus"] = relationship(back_populates="courses")
    cohorts: Mapped[list["Cohort"]] = relationship(back_populates="course")


class Cohort(db.Model):
    __table_args__ = (
        sa.CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        sa.CheckConstraint("capacity > 0", name="capacity_positive"),
        # Completion is decided once every session has been held.
        sa.CheckConstraint("closed_on IS NULL OR closed_on >= ends_on", name="closed_after_end"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    campus_id: Mapped[int] = mapped_column(sa.ForeignKey("campus.id"), index=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id"), index=True)
    classroom_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("classroom.id"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date] = mapped_column(index=True)
    capacity: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Closing applies the completion rule; a closed cohort's roster no longer changes.
    closed_on: Mapped[Optional[date]]
    closed_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id"), index=True)

    campus: Mapped["Campus"] = relationship(back_populates="cohorts")
    course: Mapped["Course"] = relationship(back_populates="cohorts")
    classroom: Mapped[Optional["Classroom"]] = relationship()
    closed_by: Mapped[Optional["User"]] = relationship()
    sessions: Mapped[list["ClassSession"]] = relationship(
        back_populates="cohort", order_by="ClassSession.held_on"
    )
    enrolments: Mapped[list["Enrolment"]] = relationship(back_populates="cohort")
    assignments: Mapped[list["InstructorAssignment"]] = relationship(back_populates="cohort")


class ClassSession(db.Model):
    """A scheduled day of teaching in a cohort."""

    __table_args__ = (sa.UniqueConstraint("cohort_id", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # No index of its own: the unique constraint above leads with it (migration 0008).
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohort.id"))
    held_on: Mapped[date]

    cohort: Mapped["Cohort"] = relationship(back_populates="sessions")


class EnrolmentStatus(enum.StrEnum):
    ENROLLED = "enrolled"
    WAITLISTED = "waitlisted"
    WITHDRAWN = "withdrawn"
    COMPLETED = "completed"
    NOT_COMPLETED = "not_completed"  # 미수료: on the roster at the close, below the rule
    EARLY_EMPLOYED = "early_employed"  # 조기취업: a completer for outcome purposes
    CANCELLED = "cancelled"  # 취소: cancelled before the start or in the grace days; never enrolled


# Never started: not enrolled (out of every figure), and no outcome is recorded for them.
NEVER_STARTED = (EnrolmentStatus.WAITLISTED, EnrolmentStatus.CANCELLED)
# Started and left without completing (중도 탈락, 미수료): their outcomes are kept, counted in no
# headline rate, and shown on their own line.
NON_COMPLETERS = (EnrolmentStatus.WITHDRAWN, EnrolmentStatus.NOT_COMPLETED)


class Enrolment(db.Model):
    """A trainee on a cohort's roster. Leaving never deletes it: it stays in the denominators."""

    __table_args__ = (
        sa.UniqueConstraint("cohort_id", "trainee_id"),
        # A year's trainees by status, from its cohorts, read from the index alone.
        sa.Index("ix_enrolment_cohort_id_status_trainee_id", "cohort_id", "status", "trainee_id"),
        sa.CheckConstraint(
            "(status = 'waitlisted') = (waitlist_position IS NOT NULL)",
            name="waitlist_position_only_when_waitlisted",
        ),
        sa.CheckConstraint(
            "status NOT IN ('withdrawn', 'early_employed', 'cancelled') OR left_on IS NOT NULL",
            name="leaving_has_a_date",
        ),
        # A coordinator may override the completion result, but only with a written reason.
        sa.CheckConstraint(
            "(completion_override_reason IS NULL) = (completion_overridden_at IS NULL)",
            name="override_has_a_reason",
        ),
        sa.CheckConstraint(
            "completion_override_reason IS NULL OR status IN ('completed', 'not_completed')",
            name="override_only_of_completion",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # No index of its own: the unique constraint above leads with it (migration 0008).
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohort.id"))
    trainee_id: Mapped[int] = mapped_column(sa.ForeignKey("trainee.id"), index=True)
    status: Mapped[EnrolmentStatus] = mapped_column(
        enum_column(EnrolmentStatus, "enrolment_status"), default=EnrolmentStatus.ENROLLED
    )
    waitlist_position: Mapped[Optional[int]]
    enrolled_on: Mapped[date]
    left_on: Mapped[Optional[date]]
    # 재직여부: already employed when the cohort started; leaves the outcome denominator.
    employed_at_start: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when a withdrawal moved this person from the waitlist onto the roster.
    promoted_at: Mapped[Optional[datetime]]
    completion_override_reason: Mapped[Optional[str]] = mapped_column(sa.String(500))
    completion_overridden_at: Mapped[Optional[datetime]]
    completion_overridden_by_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("user.id"), index=True
    )

    cohort: Mapped["Cohort"] = relationship(back_populates="enrolments")
    trainee: Mapped["Trainee"] = relationship(back_populates="enrolments")
    marks: Mapped[list["AttendanceMark"]] = relationship(back_populates="enrolment")
    outcomes: Mapped[list["OutcomeRecord"]] = relationship(
        back_populates="enrolment", order_by="OutcomeRecord.version"
    )
    completion_overridden_by: Mapped[Optional["User"]] = relationship(
        foreign_keys=[completion_overridden_by_id]
    )


class Mark(enum.StrEnum):
    PRESENT = "present"  # 출석
    LATE = "late"  # 지각
    EARLY_LEAVE = "early_leave"  # 조퇴
    ABSENT = "absent"  # 결석
    EXCUSED = "excused"  # 공가


class AttendanceMark(db.Model):
    __table_args__ = (sa.UniqueConstraint("session_id", "enrolment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # No index of its own: the unique constraint above leads with it (migration 0008).
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("class_session.id"))
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolment.id"), index=True)
    mark: Mapped[Mark] = mapped_column(enum_column(Mark, "attendance_mark"))
    recorded_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id"), index=True)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    session: Mapped["ClassSession"] = relationship()
    enrolment: Mapped["Enrolment"] = relationship(back_populates="marks")
    recorded_by: Mapped[Optional["User"]] = relationship()
