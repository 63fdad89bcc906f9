"""The pure KPI pieces: rates, maturity, targets to 2030, quality rules by year, capacity."""

from datetime import date
from fractions import Fraction

import pytest

from academy.kpi.capacity import CampusPlant, Plan, plan_capacity, planned_classrooms
from academy.kpi.definitions import (
    Maturity,
    OutcomeCounts,
    Rate,
    cohort_maturity,
    denominator,
    employment_rate,
    group_maturity,
    knowledge_rate,
    reliable,
)
from academy.kpi.rules import DEFAULT_PAY_FLOORS, YearRule, quality_rules
from academy.kpi.targets import TargetSource, interpolate, targets_table
from academy.models import CampusKind, TargetMetric, Tier


def test_a_rate_over_nobody_is_none_and_small_under_ten():
    assert Rate(0, 0).value is None
    assert Rate(3, 9).small and not Rate(3, 10).small


def test_denominator_and_rates_from_counts():
    c = OutcomeCounts(
        enrolled=30, completers=25, excluded=2, employed_at_start=3, employed=16, unknown=4
    )
    assert denominator(c) == 20
    assert employment_rate(c) == Rate(16, 20)
    assert knowledge_rate(c) == Rate(16, 20)
    assert reliable(c)
    assert not reliable(OutcomeCounts(completers=20, unknown=8))  # 60% known


def test_counts_add_up():
    a = OutcomeCounts(enrolled=2, completers=1, employed=1)
    b = OutcomeCounts(enrolled=3, completers=3, unknown=1)
    assert a + b == OutcomeCounts(enrolled=5, completers=4, employed=1, unknown=1)


def test_group_maturity():
    assert group_maturity([]) is None
    assert group_maturity([Maturity.FINAL, Maturity.FINAL]) == Maturity.FINAL
    assert group_maturity([Maturity.IN_TRAINING]) == Maturity.IN_TRAINING
    assert group_maturity([Maturity.FINAL, Maturity.IN_TRAINING]) == Maturity.IN_WINDOW
    assert cohort_maturity(date(2025, 6, 30), date(2025, 12, 27)) == Maturity.FINAL


def test_quality_rules_default_to_the_legal_minimum_and_carry_forward():
    rules = quality_rules({})
    assert rules.for_year(2025).monthly_pay_floor == DEFAULT_PAY_FLOORS[2025] == 2_096_270
    assert rules.for_year(2026).monthly_pay_floor == 2_156_880
    assert rules.for_year(2029).monthly_pay_floor == 2_156_880  # the latest year's rule
    assert rules.for_year(2024).monthly_pay_floor == 2_060_740  # 9,860 won × 209
    assert rules.for_year(2020).monthly_pay_floor == 2_060_740  # before the first: the first
    raised = quality_rules({2027: YearRule(2_300_000, 35, 12)})
    assert raised.for_year(2028).monthly_pay_floor == 2_300_000
    assert raised.for_year(2026).monthly_pay_floor == 2_156_880


def test_targets_from_the_source_with_the_blank_years_interpolated():
    rows = [
        (2025, TargetMetric.TRAINEES, 3_300, True),
        (2030, TargetMetric.TRAINEES, 10_000, True),
        (2025, TargetMetric.BIGTECH_CAMPUSES, 3, True),
        (2026, TargetMetric.BIGTECH_CAMPUSES, 5, True),
        (2030, TargetMetric.BIGTECH_CAMPUSES, 10, True),
        (2030, TargetMetric.ALLIANCE_MEMBERS, 250, True),
    ]
    table = targets_table(rows)
    trainees = [t.value for t in table[TargetMetric.TRAINEES]]
    assert trainees == [3_300, 4_640, 5_980, 7_320, 8_660, 10_000]
    # 6.25, 7.5 and 8.75 rounded half up.
    assert [t.value for t in table[TargetMetric.BIGTECH_CAMPUSES]] == [3, 5, 6, 8, 9, 10]
    alliance = table[TargetMetric.ALLIANCE_MEMBERS]
    assert [t.value for t in alliance] == [None, 50, 100, 150, 200, 250]
    assert alliance[0].source == TargetSource.NONE
    assert table[TargetMetric.TRAINEES][1].source == TargetSource.INTERPOLATED
    assert table[TargetMetric.TRAINEES][0].source == TargetSource.SOURCE


def test_an_officials_target_bends_the_line():
    values = {2025: (3_300, True), 2027: (7_000, False), 2030: (10_000, True)}
    targets = interpolate(TargetMetric.TRAINEES, values)
    assert [t.value for t in targets] == [3_300, 5_150, 7_000, 8_000, 9_000, 10_000]
    assert targets[2].source == TargetSource.OFFICIAL


def plants():
    return [CampusPlant(Tier.SMALL, CampusKind.DISTRICT, classrooms=2, seats=50)] * 10


def test_capacity_counts_classrooms_seats_and_cohorts_per_classroom():
    targets = {2025: 1_000, 2026: 1_500, 2030: 2_500}
    plan = plan_capacity(
        plants(),
        Plan(cohorts_per_classroom=Fraction(2)),
        targets,
        {2025: 900},
        {2025: 950},
        goal=2_500,
        goal_year=2030,
    )
    first = plan.years[0]
    assert first.classroom_capacity == 500 * 2  # 20 rooms × 25 seats × 2 cohorts
    assert (first.tier_range.low, first.tier_range.high) == (1_000, 1_500)
    assert first.gap == 0 and first.meets_target
    assert plan.first_year_on_target is None  # 2026 falls short
    assert not plan.goal_reachable
    assert plan.cohorts_per_classroom_for_goal == Fraction(2_500, 500)
    # 1,500 short; a new small campus has 3 rooms × 25 seats × 2 = 150 places.
    assert plan.more_campuses_for_goal(Tier.SMALL) == 10


def test_added_campuses_count_from_the_year_they_open():
    targets = {2025: 1_000, 2026: 1_000, 2027: 1_200}
    plan = plan_capacity(
        plants(),
        Plan(add_large=1, opens_in=2026, cohorts_per_classroom=Fraction(2)),
        targets,
        {},
        {},
        goal=1_200,
        goal_year=2027,
    )
    capacity = [r.classroom_capacity for r in plan.years]
    assert capacity == [1_000, 1_500, 1_500]  # a large campus adds 10 rooms × 25 seats × 2
    assert plan.first_year_on_target == 2025
    assert plan.goal_reachable


@pytest.mark.parametrize(("tier", "rooms"), [(Tier.LARGE, 10), (Tier.MEDIUM, 6), (Tier.SMALL, 3)])
def test_a_planned_campus_gets_the_middle_of_its_tiers_classroom_range(tier, rooms):
    assert planned_classrooms(tier) == rooms
