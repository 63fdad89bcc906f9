"""Planning capacity of campuses by tier, from the source's size table (unit: trainees a year)."""

from collections.abc import Iterable
from dataclasses import dataclass

from academy.models.campuses import Tier

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
