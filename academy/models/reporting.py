"""The city's KPI settings (quality-job rules), their change history, and archived reports."""

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from academy.extensions import db
from academy.models.base import enum_column, utcnow
from academy.models.campuses import CampusKind, Tier

if TYPE_CHECKING:
    from academy.models.accounts import User
    from academy.models.campuses import Campus


class QualityRule(db.Model):
    """The quality-job rules for jobs that start in `year`, as the city set them.

    Years without a row use the defaults in academy.kpi.rules (the legal minimum monthly wage).
    """

    __table_args__ = (
        sa.CheckConstraint("monthly_pay_floor >= 0", name="pay_floor_not_negative"),
        sa.CheckConstraint("min_weekly_hours BETWEEN 1 AND 168", name="weekly_hours_range"),
        sa.CheckConstraint("min_contract_months >= 1", name="contract_months_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    monthly_pay_floor: Mapped[int] = mapped_column(sa.BigInteger)  # whole won
    min_weekly_hours: Mapped[int]
    min_contract_months: Mapped[int]  # an E2 (fixed-term) job of at least this many months
    set_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id"), index=True)
    set_at: Mapped[datetime] = mapped_column(default=utcnow)


class KpiSetting(enum.StrEnum):
    """What an official can change: the yearly targets and the quality rules."""

    TRAINEES = "trainees"
    BIGTECH_CAMPUSES = "bigtech_campuses"
    ALLIANCE_MEMBERS = "alliance_members"
    ADVANCED_TRACK = "advanced_track"
    PAY_FLOOR = "pay_floor"
    MIN_WEEKLY_HOURS = "min_weekly_hours"
    MIN_CONTRACT_MONTHS = "min_contract_months"


class KpiSettingChange(db.Model):
    """One change an official made to a target or a quality rule: who, when, from what, to what."""

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    setting: Mapped[KpiSetting] = mapped_column(enum_column(KpiSetting, "kpi_setting"))
    old_value: Mapped[Optional[int]] = mapped_column(sa.BigInteger)  # blank: interpolated/default
    new_value: Mapped[int] = mapped_column(sa.BigInteger)
    reason: Mapped[Optional[str]] = mapped_column(sa.String(300))
    changed_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id"), index=True)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    changed_by: Mapped[Optional["User"]] = relationship()


class ReportFormat(enum.StrEnum):
    PDF = "pdf"
    XLSX = "xlsx"


class ArchivedReport(db.Model):
    """A report exactly as an official downloaded it; it can be downloaded again byte for byte."""

    __table_args__ = (
        sa.CheckConstraint(
            "NOT includes_personal_data OR reason IS NOT NULL", name="personal_data_has_reason"
        ),
        sa.CheckConstraint("size_bytes > 0", name="size_positive"),
        sa.CheckConstraint(
            "content IS NOT NULL OR storage_key IS NOT NULL", name="content_or_storage_key"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    format: Mapped[ReportFormat] = mapped_column(enum_column(ReportFormat, "report_format"))
    year: Mapped[int]
    campus_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("campus.id"), index=True)
    tier: Mapped[Optional[Tier]] = mapped_column(enum_column(Tier, "report_tier"))
    kind: Mapped[Optional[CampusKind]] = mapped_column(enum_column(CampusKind, "report_kind"))
    as_of: Mapped[date]  # the figures are computed as of this day
    data_as_of: Mapped[Optional[datetime]]  # the newest record the figures read
    includes_personal_data: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[Optional[str]] = mapped_column(sa.String(500))
    filename: Mapped[str] = mapped_column(sa.String(200))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    size_bytes: Mapped[int]
    # Reports live in the report store (academy.storage) under storage_key; rows archived
    # before it keep their bytes in `content`.
    content: Mapped[Optional[bytes]] = deferred(mapped_column(sa.LargeBinary))
    storage_key: Mapped[Optional[str]] = mapped_column(sa.String(300))
    created_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    campus: Mapped[Optional["Campus"]] = relationship()
    created_by: Mapped[Optional["User"]] = relationship()
