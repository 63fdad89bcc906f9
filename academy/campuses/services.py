"""Campus queries: the citywide overview by tier and the campus list, in bounded queries."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from academy.clock import seoul_today
from academy.extensions import db
from academy.kpi.capacity import CapacityRange, tier_capacity, total_capacity
from academy.models import (
    NEVER_STARTED,
    Campus,
    CampusKind,
    Classroom,
    Cohort,
    Enrolment,
    EnrolmentStatus,
    Tier,
)
from academy.years import latest_year


@dataclass(frozen=True)
class CampusRow:
    campus: Campus
    classrooms: int
    cohorts: int
    trainees: int

    @property
    def capacity(self) -> CapacityRange:
        return tier_capacity(self.campus.tier)


@dataclass(frozen=True)
class TierRow:
    tier: Tier
    campuses: int
    average_area_m2: float | None
    capacity: CapacityRange
    trainees: int


def year_bounds(year: int) -> tuple[date, date]:
    """A cohort's figures belong to the year of its end date."""
    return date(year, 1, 1), date(year, 12, 31)


def campus_overview(
    year: int,
    kind: CampusKind | None = None,
    tier: Tier | None = None,
    campus_id: int | None = None,
) -> list[CampusRow]:
    """Each campus with classrooms, cohorts ending in `year` and trainees on their rosters."""
    first, last = year_bounds(year)
    rooms = (
        sa.select(Classroom.campus_id, sa.func.count(Classroom.id).label("n"))
        .group_by(Classroom.campus_id)
        .subquery()
    )
    cohort_counts = (
        sa.select(
            Cohort.campus_id,
            sa.func.count(sa.distinct(Cohort.id)).label("cohorts"),
            sa.func.count(Enrolment.id).label("trainees"),
        )
        .outerjoin(
            Enrolment,
            sa.and_(
                Enrolment.cohort_id == Cohort.id,
                Enrolment.status.not_in(NEVER_STARTED),
            ),
        )
        .where(Cohort.ends_on.between(first, last))
        .group_by(Cohort.campus_id)
        .subquery()
    )
    query = (
        sa.select(
            Campus,
            sa.func.coalesce(rooms.c.n, 0),
            sa.func.coalesce(cohort_counts.c.cohorts, 0),
            sa.func.coalesce(cohort_counts.c.trainees, 0),
        )
        .outerjoin(rooms, rooms.c.campus_id == Campus.id)
        .outerjoin(cohort_counts, cohort_counts.c.campus_id == Campus.id)
        .order_by(Campus.kind, Campus.name)
    )
    if kind is not None:
        query = query.where(Campus.kind == kind)
    if tier is not None:
        query = query.where(Campus.tier == tier.value)
    if campus_id is not None:
        query = query.where(Campus.id == campus_id)
    return [
        CampusRow(c, n_rooms, n_cohorts, n_trainees)
        for c, n_rooms, n_cohorts, n_trainees in db.session.execute(query)
    ]


def tier_summary(rows: list[CampusRow]) -> list[TierRow]:
    """The source's size table, rebuilt from the district campuses in `rows`."""
    summary = []
    for tier in Tier:
        members = [
            r for r in rows if r.campus.kind == CampusKind.DISTRICT and r.campus.tier == tier
        ]
        areas = [r.campus.floor_area_m2 for r in members]
        summary.append(
            TierRow(
                tier=tier,
                campuses=len(members),
                average_area_m2=sum(areas) / len(areas) if areas else None,
                capacity=total_capacity(r.campus.tier for r in members),
                trainees=sum(r.trainees for r in members),
            )
        )
    return summary


def campus_rows() -> list[dict]:
    """Every campus as plain data, for `flask academy campuses --json`."""
    rows = campus_overview(year=seoul_today().year)
    return [
        {
            "name": r.campus.name,
            "kind": r.campus.kind.value,
            "district": r.campus.district,
            "tier": r.campus.tier.value,
            "floor_area_m2": r.campus.floor_area_m2,
            "classrooms": r.classrooms,
            "partner_company": r.campus.partner_company,
            "capacity_per_year": {"min": r.capacity.low, "max": r.capacity.high},
        }
        for r in rows
    ]


def default_year() -> int:
    """The latest year, up to this one, whose cohorts have ended; this year when there are none."""
    return latest_year(Cohort.ends_on)


def cohort_rows(
    campus_id: int, year: int | None = None, ending_from: date | None = None
) -> list["CohortRow"]:
    """A campus's cohorts with roster counts by status, in one query: those that end in `year`,
    or on or after `ending_from` (the page's default: what is running, coming and recently
    ended, not every cohort the campus has had)."""
    counts = {
        status: sa.func.count(Enrolment.id).filter(Enrolment.status == status)
        for status in EnrolmentStatus
    }
    query = (
        sa.select(Cohort, *counts.values())
        .outerjoin(Enrolment, Enrolment.cohort_id == Cohort.id)
        .where(Cohort.campus_id == campus_id)
        .group_by(Cohort.id)
        .order_by(Cohort.starts_on.desc(), Cohort.code)
        .options(selectinload(Cohort.course), selectinload(Cohort.classroom))
    )
    if year is not None:
        first, last = year_bounds(year)
        query = query.where(Cohort.ends_on.between(first, last))
    if ending_from is not None:
        query = query.where(Cohort.ends_on >= ending_from)
    rows = []
    for cohort, *numbers in db.session.execute(query):
        by_status = dict(zip(counts.keys(), numbers, strict=True))
        rows.append(CohortRow(cohort, by_status))
    return rows


@dataclass(frozen=True)
class CohortRow:
    cohort: Cohort
    by_status: dict[EnrolmentStatus, int]

    @property
    def on_roster(self) -> int:
        """Everyone enrolled at the start or later, including those who left: not the waitlist."""
        return sum(n for s, n in self.by_status.items() if s not in NEVER_STARTED)

    @property
    def waitlisted(self) -> int:
        return self.by_status[EnrolmentStatus.WAITLISTED]

    @property
    def completed(self) -> int:
        return (
            self.by_status[EnrolmentStatus.COMPLETED]
            + self.by_status[EnrolmentStatus.EARLY_EMPLOYED]
        )
