"""Internships (인턴십): host organisations, openings and placements of trainees."""

import enum
from datetime import date
from typing import TYPE_CHECKING, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.extensions import db
from academy.models.base import enum_column

if TYPE_CHECKING:
    from academy.models.campuses import Campus
    from academy.models.ecosystem import AllianceMember
    from academy.models.trainees import Trainee


class InternshipProgramme(enum.StrEnum):
    COMPANY_LINKED = "company_linked"  # 기업 연계 인턴십
    CITY_ADMIN_LINKED = "city_admin_linked"  # 시정 연계 인턴십
    YOUTH_JOB_CAMP = "youth_job_camp"  # 서울형 청년 인턴 직무캠프 (AI)


class HostOrganisation(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(150), unique=True)
    public_sector: Mapped[bool] = mapped_column(default=False)
    alliance_member_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("alliance_member.id"))

    alliance_member: Mapped[Optional["AllianceMember"]] = relationship()
    openings: Mapped[list["InternshipOpening"]] = relationship(back_populates="host")


class InternshipOpening(db.Model):
    __table_args__ = (
        sa.CheckConstraint("seats > 0", name="seats_positive"),
        sa.CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    host_id: Mapped[int] = mapped_column(sa.ForeignKey("host_organisation.id"), index=True)
    programme: Mapped[InternshipProgramme] = mapped_column(
        enum_column(InternshipProgramme, "internship_programme"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(150))
    starts_on: Mapped[date] = mapped_column(index=True)  # the year picker's newest year
    ends_on: Mapped[date]
    seats: Mapped[int]
    paid: Mapped[bool] = mapped_column(default=True)
    weekly_hours: Mapped[Optional[int]]

    host: Mapped["HostOrganisation"] = relationship(back_populates="openings")
    placements: Mapped[list["InternshipPlacement"]] = relationship(back_populates="opening")


class PlacementStatus(enum.StrEnum):
    PLANNED = "planned"
    ONGOING = "ongoing"
    COMPLETED = "completed"
    DROPPED = "dropped"


class InternshipPlacement(db.Model):
    __table_args__ = (
        sa.UniqueConstraint("opening_id", "trainee_id"),
        sa.CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_after_start"),
        # The internships of the year's completers, looked up from the index alone.
        sa.Index(
            "ix_internship_placement_trainee_id_starts_on",
            "trainee_id",
            "starts_on",
            postgresql_include=["status", "opening_id"],
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    opening_id: Mapped[int] = mapped_column(sa.ForeignKey("internship_opening.id"), index=True)
    trainee_id: Mapped[int] = mapped_column(sa.ForeignKey("trainee.id"))  # indexed above
    # The campus whose coordinator placed the trainee: counts by campus follow it.
    campus_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("campus.id"), index=True)
    starts_on: Mapped[date] = mapped_column(index=True)  # the year picker's range
    ends_on: Mapped[Optional[date]]
    paid: Mapped[bool] = mapped_column(default=True)
    weekly_hours: Mapped[Optional[int]]
    status: Mapped[PlacementStatus] = mapped_column(
        enum_column(PlacementStatus, "placement_status"), default=PlacementStatus.PLANNED
    )

    opening: Mapped["InternshipOpening"] = relationship(back_populates="placements")
    trainee: Mapped["Trainee"] = relationship()
    campus: Mapped[Optional["Campus"]] = relationship()
