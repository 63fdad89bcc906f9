"""Campus queries: the citywide overview by tier and the campus list, in a fixed number of queries."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from academy.extensions import db
from academy.kpi.capacity import CapacityRange, tier_capacity, total_capacity
from academy.models import Campus, CampusKind, Classroom, Cohort, Enrolment, EnrolmentStatus, Tier


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
    year: int, kind: CampusKind | None = None, tier: Tier | None = None, campus_id: int | None = None
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
                Enrolment.status != EnrolmentStatus.WAITLISTED,
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
    return [CampusRow(c, n_rooms, n_cohorts, n_trainees)
            for c, n_rooms, n_cohorts, n_trainees in db.session.execute(query)]  # fmt: skip


def tier_summary(rows: list[CampusRow]) -> list[TierRow]:
    """The source's size table, rebuilt from the district campuses in `rows`."""
    summary = []
    for tier in Tier:
        members = [r for r in rows if r.campus.kind == CampusKind.DISTRICT and r.campus.tier == tier]
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
    rows = campus_overview(year=date.today().year)
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
