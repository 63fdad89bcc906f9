"""Campuses: one per autonomous district, plus big-tech and industry-hub campuses."""

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING, Optional

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.extensions import db
from academy.models.base import enum_column, utcnow

if TYPE_CHECKING:
    from academy.models.accounts import User
    from academy.models.cohorts import Cohort, Course


class CampusKind(enum.StrEnum):
    DISTRICT = "district"  # 자치구 캠퍼스
    BIGTECH = "bigtech"  # 글로벌 빅테크 전담 캠퍼스
    INDUSTRY_HUB = "industry_hub"  # 특화 산업 거점 캠퍼스


class Tier(enum.StrEnum):
    LARGE = "large"
    MEDIUM = "medium"
    SMALL = "small"


# The source's size table: over 2,000㎡ is large, 1,000–2,000㎡ medium, under 1,000㎡ small.
LARGE_OVER_M2 = 2000
SMALL_UNDER_M2 = 1000


def tier_for_area(floor_area_m2: int) -> Tier:
    if floor_area_m2 > LARGE_OVER_M2:
        return Tier.LARGE
    if floor_area_m2 < SMALL_UNDER_M2:
        return Tier.SMALL
    return Tier.MEDIUM


# The 25 autonomous districts of Seoul, in the city's customary order.
SEOUL_DISTRICTS = (
    "종로구",
    "중구",
    "용산구",
    "성동구",
    "광진구",
    "동대문구",
    "중랑구",
    "성북구",
    "강북구",
    "도봉구",
    "노원구",
    "은평구",
    "서대문구",
    "마포구",
    "양천구",
    "강서구",
    "구로구",
    "금천구",
    "영등포구",
    "동작구",
    "관악구",
    "서초구",
    "강남구",
    "송파구",
    "강동구",
)


class Campus(db.Model):
    __table_args__ = (
        sa.CheckConstraint("floor_area_m2 > 0", name="floor_area_positive"),
        # 1자치구 1캠퍼스: one district campus per district.
        sa.Index(
            "uq_campus_district_kind",
            "district",
            unique=True,
            sqlite_where=sa.text("kind = 'district'"),
            postgresql_where=sa.text("kind = 'district'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    kind: Mapped[CampusKind] = mapped_column(enum_column(CampusKind, "campus_kind"), index=True)
    district: Mapped[str] = mapped_column(sa.String(10), index=True)
    floor_area_m2: Mapped[int]
    partner_company: Mapped[Optional[str]] = mapped_column(sa.String(100))
    industry: Mapped[Optional[str]] = mapped_column(sa.String(100))
    opened_on: Mapped[Optional[date]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    classrooms: Mapped[list["Classroom"]] = relationship(
        back_populates="campus", order_by="Classroom.name"
    )
    cohorts: Mapped[list["Cohort"]] = relationship(back_populates="campus")
    courses: Mapped[list["Course"]] = relationship(back_populates="campus")
    staff: Mapped[list["User"]] = relationship(back_populates="campus")

    @hybrid_property
    def tier(self) -> Tier:
        return tier_for_area(self.floor_area_m2)

    @tier.inplace.expression
    @classmethod
    def _tier_expression(cls) -> sa.ColumnElement[str]:
        return sa.case(
            (cls.floor_area_m2 > LARGE_OVER_M2, Tier.LARGE.value),
            (cls.floor_area_m2 < SMALL_UNDER_M2, Tier.SMALL.value),
            else_=Tier.MEDIUM.value,
        )

    def __repr__(self) -> str:
        return f"<Campus {self.name}>"


class Classroom(db.Model):
    __table_args__ = (
        sa.UniqueConstraint("campus_id", "name"),
        sa.CheckConstraint("seats > 0", name="seats_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campus_id: Mapped[int] = mapped_column(sa.ForeignKey("campus.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(50))
    seats: Mapped[int]

    campus: Mapped["Campus"] = relationship(back_populates="classrooms")
