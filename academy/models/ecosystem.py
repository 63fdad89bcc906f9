"""Yearly targets, the Seoul AI Alliance, the advanced track and the development fund."""

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.extensions import db
from academy.models.base import enum_column, utcnow

if TYPE_CHECKING:
    from academy.models.trainees import Trainee


class TargetMetric(enum.StrEnum):
    TRAINEES = "trainees"
    BIGTECH_CAMPUSES = "bigtech_campuses"
    ALLIANCE_MEMBERS = "alliance_members"
    ADVANCED_TRACK = "advanced_track"


class YearlyTarget(db.Model):
    """A target value set for a year. Years without a row are interpolated (academy.kpi.targets)."""

    __table_args__ = (
        sa.UniqueConstraint("year", "metric"),
        sa.CheckConstraint("value >= 0", name="value_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    metric: Mapped[TargetMetric] = mapped_column(enum_column(TargetMetric, "target_metric"))
    value: Mapped[int]
    # True for the figures in the city's announcement; False for an official's later setting.
    from_source: Mapped[bool] = mapped_column(default=False)
    set_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id"), index=True)
    set_at: Mapped[datetime] = mapped_column(default=utcnow)


class AllianceKind(enum.StrEnum):
    COMPANY = "company"
    UNIVERSITY = "university"
    ASSOCIATION = "association"
    RESEARCH_INSTITUTE = "research_institute"


class AllianceMember(db.Model):
    """A member institution of the Seoul AI Alliance (서울 AI 얼라이언스)."""

    __table_args__ = (
        sa.CheckConstraint("left_on IS NULL OR left_on >= joined_on", name="left_after_join"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(150), unique=True)
    kind: Mapped[AllianceKind] = mapped_column(enum_column(AllianceKind, "alliance_kind"))
    joined_on: Mapped[date]
    left_on: Mapped[Optional[date]]


class AdvancedTrackSelection(db.Model):
    """산·학·연 연계 고급 인재 양성 트랙: 20 completers selected a year."""

    __table_args__ = (sa.UniqueConstraint("year", "trainee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    trainee_id: Mapped[int] = mapped_column(sa.ForeignKey("trainee.id"), index=True)
    selected_on: Mapped[date]
    programme: Mapped[Optional[str]] = mapped_column(sa.String(150))  # research lab or degree

    trainee: Mapped["Trainee"] = relationship()


class DonationKind(enum.StrEnum):
    MONEY = "money"
    TALENT = "talent"  # 재능 기부, e.g. AI teaching hours


class FundDonation(db.Model):
    __table_args__ = (
        sa.CheckConstraint(
            "(kind = 'money' AND amount IS NOT NULL AND amount > 0)"
            " OR (kind = 'talent' AND amount IS NULL)",
            name="money_has_amount",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    donor: Mapped[str] = mapped_column(sa.String(150))
    kind: Mapped[DonationKind] = mapped_column(enum_column(DonationKind, "donation_kind"))
    amount: Mapped[Optional[int]] = mapped_column(sa.BigInteger)  # whole won
    description: Mapped[Optional[str]] = mapped_column(sa.String(300))
    received_on: Mapped[date]


class Scholarship(db.Model):
    """Paid out of the development fund to trainees from vulnerable groups."""

    __table_args__ = (sa.CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(sa.ForeignKey("trainee.id"), index=True)
    amount: Mapped[int] = mapped_column(sa.BigInteger)
    awarded_on: Mapped[date]
    reason: Mapped[Optional[str]] = mapped_column(sa.String(300))

    trainee: Mapped["Trainee"] = relationship()
