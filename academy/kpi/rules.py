"""The quality-job rules (domain.md, "Quality-job rate"), with the defaults in this one place.

The city can change every figure here for a year (QualityRule rows); these are what applies to a
year nobody has set. The pay floor is the legal minimum monthly wage (209 hours) of the year the
job started.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

# 최저임금 월 환산액 (209시간): 2024 9,860원 × 209, 2025 10,030원 × 209, 2026 10,320원 × 209.
# 2024 is here for the jobs of cohorts that end in 2025 but started in 2024 (a cohort from
# November to February, a trainee who left early for a job in December): their floor is 2024's.
DEFAULT_PAY_FLOORS: dict[int, int] = {2024: 2_060_740, 2025: 2_096_270, 2026: 2_156_880}
DEFAULT_MIN_WEEKLY_HOURS = 35
DEFAULT_MIN_CONTRACT_MONTHS = 12  # an E2 (fixed-term) job counts from 12 months

# The 1089 target: 8 or 9 in 10 in quality jobs.
QUALITY_FLOOR = 0.8
QUALITY_STRETCH = 0.9
# NACE: below this share of known outcomes a rate is not reliable.
KNOWLEDGE_FLOOR = 0.65
# A rate over fewer people than this is shown with its counts and flagged.
SMALL_NUMBER = 10
# Days after a cohort's end: the outcome date, and the early signal.
OUTCOME_DAYS = 180
EARLY_SIGNAL_DAYS = 90


@dataclass(frozen=True)
class YearRule:
    monthly_pay_floor: int
    min_weekly_hours: int
    min_contract_months: int


@dataclass(frozen=True)
class QualityRules:
    """The rules by the year a job started. A year with no rule of its own takes the latest
    earlier year's (or, before the first, the first year's)."""

    by_year: Mapping[int, YearRule] = field(default_factory=dict)

    def for_year(self, year: int) -> YearRule:
        years = sorted(self.by_year)
        earlier = [y for y in years if y <= year]
        return self.by_year[earlier[-1] if earlier else years[0]]

    def periods(self) -> list[tuple[date | None, YearRule]]:
        """(first day, rule) in date order; the first period is open towards the past."""
        years = sorted(self.by_year)
        return [(None if i == 0 else date(y, 1, 1), self.by_year[y]) for i, y in enumerate(years)]


def default_rules() -> dict[int, YearRule]:
    return {
        year: YearRule(floor, DEFAULT_MIN_WEEKLY_HOURS, DEFAULT_MIN_CONTRACT_MONTHS)
        for year, floor in DEFAULT_PAY_FLOORS.items()
    }


def quality_rules(overrides: Mapping[int, YearRule]) -> QualityRules:
    """The defaults with the city's own settings laid over them, year by year."""
    return QualityRules({**default_rules(), **overrides})
