"""Planning capacity of campuses by tier, from the source's size table (unit: trainees a year)."""

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from math import ceil

from academy.models.campuses import CampusKind, Tier

# 대형 연 200~300명, 중형 연 150~250명, 소형 연 100~150명.
TIER_CAPACITY: dict[Tier, tuple[int, int]] = {
    Tier.LARGE: (200, 300),
    Tier.MEDIUM: (150, 250),
    Tier.SMALL: (100, 150),
}

# Classrooms per tier in the source's table: large 8–12, medium 4–8, small 2–3.
TIER_CLASSROOMS: dict[Tier, tuple[int, int]] = {
    Tier.LARGE: (8, 12),
    Tier.MEDIUM: (4, 8),
    Tier.SMALL: (2, 3),
}


@dataclass(frozen=True)
class CapacityRange:
    low: int
    high: int

    def __add__(self, other: "CapacityRange") -> "CapacityRange":
        return CapacityRange(self.low + other.low, self.high + other.high)


def tier_capacity(tier: Tier) -> CapacityRange:
    return CapacityRange(*TIER_CAPACITY[tier])


def total_capacity(tiers: Iterable[Tier]) -> CapacityRange:
    """The yearly planning capacity of a set of campuses: the sum of their tier ranges."""
    total = CapacityRange(0, 0)
    for tier in tiers:
        total = total + tier_capacity(tier)
    return total


# A campus the source gives no size for (a new big-tech or industry hub campus) is planned as a
# medium one: the 2025 big-tech campuses are of medium floor area.
PLANNED_TIER_OF_KIND: dict[CampusKind, Tier] = {
    CampusKind.BIGTECH: Tier.MEDIUM,
    CampusKind.INDUSTRY_HUB: Tier.MEDIUM,
}
DEFAULT_SEATS = 25  # seats per classroom when there is no classroom to average
DEFAULT_COHORTS_PER_CLASSROOM = Fraction(3, 2)


def planned_classrooms(tier: Tier) -> int:
    """A new campus of a tier gets the middle of the source's classroom range, rounded up."""
    low, high = TIER_CLASSROOMS[tier]
    return ceil(Fraction(low + high, 2))


@dataclass(frozen=True)
class CampusPlant:
    """An existing campus as capacity planning sees it."""

    tier: Tier
    kind: CampusKind
    classrooms: int
    seats: int  # all classrooms together


@dataclass(frozen=True)
class Plan:
    """The what-if: campuses added (opening in `opens_in`) and cohorts per classroom a year."""

    add_large: int = 0
    add_medium: int = 0
    add_small: int = 0
    add_bigtech: int = 0
    add_hub: int = 0
    opens_in: int = 2026
    cohorts_per_classroom: Fraction = DEFAULT_COHORTS_PER_CLASSROOM

    def added(self) -> list[tuple[CampusKind, Tier]]:
        return (
            [(CampusKind.DISTRICT, Tier.LARGE)] * self.add_large
            + [(CampusKind.DISTRICT, Tier.MEDIUM)] * self.add_medium
            + [(CampusKind.DISTRICT, Tier.SMALL)] * self.add_small
            + [(CampusKind.BIGTECH, PLANNED_TIER_OF_KIND[CampusKind.BIGTECH])] * self.add_bigtech
            + [(CampusKind.INDUSTRY_HUB, PLANNED_TIER_OF_KIND[CampusKind.INDUSTRY_HUB])]
            * self.add_hub
        )


@dataclass(frozen=True)
class CapacityYear:
    year: int
    target: int | None
    campuses: int
    tier_range: CapacityRange  # the source's planning ranges of the campuses open that year
    seats: int  # seats in all classrooms open that year
    classroom_capacity: int  # classrooms × seats × cohorts per classroom a year
    planned_cohorts: int  # places in the cohorts coordinators have planned to end that year
    enrolled: int

    @property
    def gap(self) -> int | None:
        """How many places short of the target (negative: to spare)."""
        return None if self.target is None else self.target - self.classroom_capacity

    @property
    def meets_target(self) -> bool:
        return self.target is not None and self.classroom_capacity >= self.target


@dataclass(frozen=True)
class CapacityPlan:
    plan: Plan
    years: list[CapacityYear]
    goal: int
    goal_year: int
    seats_per_classroom: Fraction

    @property
    def first_year_on_target(self) -> int | None:
        """The first year from which capacity meets every later year's target."""
        on_target = None
        for row in reversed(self.years):
            if row.target is None or not row.meets_target:
                break
            on_target = row.year
        return on_target

    @property
    def goal_capacity(self) -> int:
        return next(r.classroom_capacity for r in self.years if r.year == self.goal_year)

    @property
    def goal_reachable(self) -> bool:
        return self.goal_capacity >= self.goal

    @property
    def cohorts_per_classroom_for_goal(self) -> Fraction | None:
        """Cohorts per classroom a year that the goal-year campuses would need for the goal."""
        row = next(r for r in self.years if r.year == self.goal_year)
        return Fraction(self.goal, row.seats) if row.seats else None

    def more_campuses_for_goal(self, tier: Tier) -> int:
        """How many more campuses of a tier would close the goal-year gap."""
        short = self.goal - self.goal_capacity
        if short <= 0:
            return 0
        per_campus = (
            planned_classrooms(tier) * self.seats_per_classroom * self.plan.cohorts_per_classroom
        )
        return ceil(Fraction(short) / per_campus) if per_campus else 0


def plan_capacity(
    campuses: list[CampusPlant],
    plan: Plan,
    targets: dict[int, int | None],
    planned_cohorts: dict[int, int],
    enrolled: dict[int, int],
    goal: int,
    goal_year: int,
) -> CapacityPlan:
    """Yearly capacity of today's campuses plus the plan's, against the yearly trainee target.

    Capacity counts classrooms × average seats × cohorts per classroom a year; the source's
    tier ranges are shown beside it. A new campus gets its tier's planned classrooms and the
    average seats of today's classrooms.
    """
    rooms = sum(c.classrooms for c in campuses)
    seats = Fraction(sum(c.seats for c in campuses), rooms) if rooms else Fraction(DEFAULT_SEATS)
    base_range = total_capacity(c.tier for c in campuses)
    base_seats = sum(c.seats for c in campuses)
    added = plan.added()
    added_range = total_capacity(tier for _, tier in added)
    added_seats = sum(planned_classrooms(tier) for _, tier in added) * seats
    years = []
    for year in sorted(targets):
        opened = year >= plan.opens_in
        all_seats = base_seats + (added_seats if opened else 0)
        years.append(
            CapacityYear(
                year=year,
                target=targets[year],
                campuses=len(campuses) + (len(added) if opened else 0),
                tier_range=base_range + added_range if opened else base_range,
                seats=round(all_seats),
                classroom_capacity=int(all_seats * plan.cohorts_per_classroom),
                planned_cohorts=planned_cohorts.get(year, 0),
                enrolled=enrolled.get(year, 0),
            )
        )
    return CapacityPlan(plan, years, goal, goal_year, seats)
