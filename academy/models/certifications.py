"""Certifications (자격증), mock exams and exam attempts."""

import enum
from datetime import date
from typing import TYPE_CHECKING, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.extensions import db
from academy.models.base import enum_column

if TYPE_CHECKING:
    from academy.models.cohorts import Cohort
    from academy.models.trainees import Trainee


class CertificationKind(enum.StrEnum):
    AI_COMPANY = "ai_company"  # Google, Microsoft, NVIDIA, …
    NATIONAL = "national"  # 국가기술자격
    LICENSED = "licensed"  # 공인자격
    LANGUAGE = "language"  # 어학시험
    DRIVING = "driving"  # 운전면허
    OTHER = "other"


class Certification(db.Model):
    __table_args__ = (sa.CheckConstraint("exam_fee >= 0", name="fee_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(150), unique=True)
    issuer: Mapped[str] = mapped_column(sa.String(100))
    kind: Mapped[CertificationKind] = mapped_column(
        enum_column(CertificationKind, "certification_kind")
    )
    exam_fee: Mapped[int] = mapped_column(sa.BigInteger)  # whole won

    attempts: Mapped[list["ExamAttempt"]] = relationship(back_populates="certification")


class MockExam(db.Model):
    __table_args__ = (sa.CheckConstraint("score BETWEEN 0 AND 100", name="score_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    certification_id: Mapped[int] = mapped_column(sa.ForeignKey("certification.id"), index=True)
    trainee_id: Mapped[int] = mapped_column(sa.ForeignKey("trainee.id"), index=True)
    taken_on: Mapped[date]
    score: Mapped[int]

    certification: Mapped["Certification"] = relationship()
    trainee: Mapped["Trainee"] = relationship()


class ExamResult(enum.StrEnum):
    PENDING = "pending"
    PASSED = "passed"
    FAILED = "failed"
    ABSENT = "absent"


class ExamAttempt(db.Model):
    __table_args__ = (
        sa.CheckConstraint("fee_paid >= 0", name="fee_paid_not_negative"),
        # The year's figures look up the attempts of the year's trainees, one by one: read from
        # the index alone, the lookups cost the same whatever the years of history.
        sa.Index(
            "ix_exam_attempt_trainee_id_sat_on",
            "trainee_id",
            "sat_on",
            postgresql_include=["certification_id", "result"],
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    certification_id: Mapped[int] = mapped_column(sa.ForeignKey("certification.id"), index=True)
    trainee_id: Mapped[int] = mapped_column(sa.ForeignKey("trainee.id"))  # indexed above
    # The cohort the trainee sat the exam with: pass rates per cohort and campus follow it.
    cohort_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("cohort.id"), index=True)
    sat_on: Mapped[date] = mapped_column(index=True)  # the year picker's range
    result: Mapped[ExamResult] = mapped_column(
        enum_column(ExamResult, "exam_result"), default=ExamResult.PENDING
    )
    fee_paid: Mapped[int] = mapped_column(sa.BigInteger)  # whole won, from the receipt
    evidence_path: Mapped[Optional[str]] = mapped_column(sa.String(255))  # stored name
    evidence_name: Mapped[Optional[str]] = mapped_column(sa.String(255))

    certification: Mapped["Certification"] = relationship(back_populates="attempts")
    trainee: Mapped["Trainee"] = relationship()
    cohort: Mapped[Optional["Cohort"]] = relationship()
