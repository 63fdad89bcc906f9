"""Exam-fee subsidy (응시료 지원), modelled on Dongdaemun's youth certification programme."""

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
    from academy.models.certifications import ExamAttempt
    from academy.models.trainees import Trainee


class PaymentMethod(enum.StrEnum):
    LOCAL_GIFT_CERTIFICATE = "local_gift_certificate"  # 지역사랑상품권
    BANK_TRANSFER = "bank_transfer"
    OTHER = "other"


class SubsidyProgramme(db.Model):
    """A year's fixed budget. `spent` never passes `budget`: the database refuses it too."""

    __table_args__ = (
        sa.CheckConstraint("budget >= 0", name="budget_not_negative"),
        sa.CheckConstraint("spent >= 0 AND spent <= budget", name="never_overspent"),
        sa.CheckConstraint("per_person_cap > 0", name="cap_positive"),
        sa.CheckConstraint("min_age <= max_age", name="age_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(sa.String(150))
    budget: Mapped[int] = mapped_column(sa.BigInteger)
    spent: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    per_person_cap: Mapped[int] = mapped_column(sa.BigInteger, default=200_000)
    min_age: Mapped[int] = mapped_column(default=19)
    max_age: Mapped[int] = mapped_column(default=39)
    unemployed_only: Mapped[bool] = mapped_column(default=True)
    # From 2026: people supported in one year are excluded the next.
    exclude_prior_year_recipients: Mapped[bool] = mapped_column(default=False)
    payment_method: Mapped[PaymentMethod] = mapped_column(
        enum_column(PaymentMethod, "payment_method"), default=PaymentMethod.LOCAL_GIFT_CERTIFICATE
    )
    # 조기 마감: set when the budget is spent (or an official closes it); no new applications.
    closed_early_on: Mapped[Optional[date]]

    rounds: Mapped[list["SubsidyRound"]] = relationship(
        back_populates="programme", order_by="SubsidyRound.half"
    )
    claims: Mapped[list["SubsidyClaim"]] = relationship(back_populates="programme")

    @property
    def remaining(self) -> int:
        return self.budget - self.spent


class SubsidyRound(db.Model):
    """From 2026 applications are taken in a first-half and a second-half round."""

    __table_args__ = (
        sa.UniqueConstraint("programme_id", "half"),
        sa.CheckConstraint("half IN (1, 2)", name="half_is_1_or_2"),
        sa.CheckConstraint("closes_on >= opens_on", name="closes_after_open"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("subsidy_programme.id"), index=True)
    half: Mapped[int]
    opens_on: Mapped[date]
    closes_on: Mapped[date]

    programme: Mapped["SubsidyProgramme"] = relationship(back_populates="rounds")


class ClaimStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    APPROVED = "approved"  # approved and paid: approval records the payment
    REJECTED = "rejected"


class SubsidyClaim(db.Model):
    __table_args__ = (
        sa.UniqueConstraint("exam_attempt_id"),  # one claim per exam attempt
        sa.CheckConstraint("amount_requested > 0", name="requested_positive"),
        sa.CheckConstraint(
            "amount_approved IS NULL"
            " OR (amount_approved > 0 AND amount_approved <= amount_requested)",
            name="approved_within_request",
        ),
        sa.CheckConstraint(
            "(status = 'approved') = (amount_approved IS NOT NULL)",
            name="approved_has_amount",
        ),
        sa.CheckConstraint(
            "status <> 'rejected' OR decision_reason IS NOT NULL", name="rejection_has_reason"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("subsidy_programme.id"), index=True)
    round_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("subsidy_round.id"))
    trainee_id: Mapped[int] = mapped_column(sa.ForeignKey("trainee.id"), index=True)
    # The trainee's campus when they applied: its coordinators decide, the ledger counts it there.
    campus_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("campus.id"), index=True)
    exam_attempt_id: Mapped[int] = mapped_column(sa.ForeignKey("exam_attempt.id"))
    amount_requested: Mapped[int] = mapped_column(sa.BigInteger)
    amount_approved: Mapped[Optional[int]] = mapped_column(sa.BigInteger)
    status: Mapped[ClaimStatus] = mapped_column(
        enum_column(ClaimStatus, "claim_status"), default=ClaimStatus.SUBMITTED, index=True
    )
    receipt_path: Mapped[Optional[str]] = mapped_column(sa.String(255))  # stored name
    receipt_name: Mapped[Optional[str]] = mapped_column(sa.String(255))
    applied_on: Mapped[date]
    decided_at: Mapped[Optional[datetime]]
    decided_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id"), index=True)
    decision_reason: Mapped[Optional[str]] = mapped_column(sa.String(500))
    paid_on: Mapped[Optional[date]]
    payment_method: Mapped[Optional[PaymentMethod]] = mapped_column(
        enum_column(PaymentMethod, "claim_payment_method")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    programme: Mapped["SubsidyProgramme"] = relationship(back_populates="claims")
    round: Mapped[Optional["SubsidyRound"]] = relationship()
    campus: Mapped[Optional["Campus"]] = relationship()
    trainee: Mapped["Trainee"] = relationship()
    exam_attempt: Mapped["ExamAttempt"] = relationship()
    decided_by: Mapped[Optional["User"]] = relationship()
