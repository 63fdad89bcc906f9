"""Yearly targets to 2030: the source's values, an official's settings, the rest interpolated.

domain.md, "Targets by year": years the source leaves blank are interpolated linearly between
the nearest set years, rounded half up to whole units.
"""

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from academy.models.ecosystem import TargetMetric

FIRST_YEAR = 2025
GOAL_YEAR = 2030
TARGET_YEARS = tuple(range(FIRST_YEAR, GOAL_YEAR + 1))

# The source announces the alliance for December 2025 with 250 members by 2030 and gives no
# 2025 figure: the ramp starts from 0 at the end of 2025 (2025 itself has no target).
RAMP_STARTS: dict[TargetMetric, tuple[int, int]] = {TargetMetric.ALLIANCE_MEMBERS: (2025, 0)}


class TargetSource(enum.StrEnum):
    SOURCE = "source"  # the city's announcement
    OFFICIAL = "official"  # set by an official
    INTERPOLATED = "interpolated"
    NONE = "none"  # no target for the year


@dataclass(frozen=True)
class Target:
    year: int
    metric: TargetMetric
    value: int | None
    source: TargetSource


def _round_half_up(value: Fraction) -> int:
    return int(value + Fraction(1, 2)) if value >= 0 else -int(-value + Fraction(1, 2))


def interpolate(
    metric: TargetMetric,
    set_values: Mapping[int, tuple[int, bool]],
    years: Iterable[int] = TARGET_YEARS,
) -> list[Target]:
    """Targets for `years` from the set ones ({year: (value, from_source)}).

    A year between two set years lies on the straight line between them; a year before the first
    or after the last set year has no target (there is nothing to draw the line from).
    """
    anchors = {year: value for year, (value, _) in set_values.items()}
    start = RAMP_STARTS.get(metric)
    if start and start[0] not in anchors:
        anchors[start[0]] = start[1]
    known = sorted(anchors)
    result = []
    for year in years:
        if year in set_values:
            value, from_source = set_values[year]
            source = TargetSource.SOURCE if from_source else TargetSource.OFFICIAL
            result.append(Target(year, metric, value, source))
            continue
        before = [y for y in known if y < year]
        after = [y for y in known if y > year]
        if not before or not after:
            result.append(Target(year, metric, None, TargetSource.NONE))
            continue
        y0, y1 = before[-1], after[0]
        v0, v1 = anchors[y0], anchors[y1]
        value = _round_half_up(Fraction(v0) + Fraction(v1 - v0) * Fraction(year - y0, y1 - y0))
        result.append(Target(year, metric, value, TargetSource.INTERPOLATED))
    return result


def targets_table(
    rows: Iterable[tuple[int, TargetMetric, int, bool]], years: Iterable[int] = TARGET_YEARS
) -> dict[TargetMetric, list[Target]]:
    """Every metric's targets from the stored rows (year, metric, value, from_source)."""
    years = list(years)
    by_metric: dict[TargetMetric, dict[int, tuple[int, bool]]] = {m: {} for m in TargetMetric}
    for year, metric, value, from_source in rows:
        by_metric[metric][year] = (value, from_source)
    return {metric: interpolate(metric, values, years) for metric, values in by_metric.items()}


def target_for(table: Mapping[TargetMetric, list[Target]], metric: TargetMetric, year: int):
    """The target of a metric in a year, or None."""
    return next((t.value for t in table[metric] if t.year == year), None)
