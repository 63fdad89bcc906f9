"""The reference data reproduces the source's campus table and targets (domain.md)."""

from collections import defaultdict

import sqlalchemy as sa

from academy.kpi.capacity import TIER_CLASSROOMS, total_capacity
from academy.models import (
    SEOUL_DISTRICTS,
    Campus,
    CampusKind,
    Classroom,
    TargetMetric,
    Tier,
    YearlyTarget,
    tier_for_area,
)
from academy.reference import ILLUSTRATIVE_DISTRICT_TIERS, load_reference_data
from tests.conftest import count_rows


def district_campuses(db) -> list[Campus]:
    return db.session.scalars(sa.select(Campus).where(Campus.kind == CampusKind.DISTRICT)).all()


def test_district_campuses_follow_the_source_tier_table(db):
    load_reference_data()
    areas = defaultdict(list)
    for campus in district_campuses(db):
        areas[campus.tier].append(campus.floor_area_m2)

    assert {tier: len(a) for tier, a in areas.items()} == {
        Tier.LARGE: 3,
        Tier.MEDIUM: 6,
        Tier.SMALL: 16,
    }
    # Exactly the source's averages, in whole square metres.
    assert sum(areas[Tier.LARGE]) == 2_237 * 3
    assert sum(areas[Tier.MEDIUM]) == 1_282 * 6
    assert sum(areas[Tier.SMALL]) == 494 * 16
    for tier_areas in areas.values():
        assert len(set(tier_areas)) > 1  # illustrative, but not all the same


def test_district_campuses_plan_3100_to_4800_trainees_a_year(db):
    load_reference_data()
    capacity = total_capacity(c.tier for c in district_campuses(db))
    assert (capacity.low, capacity.high) == (3_100, 4_800)


def test_one_district_campus_in_each_of_the_25_districts(db):
    load_reference_data()
    campuses = district_campuses(db)

    assert sorted(c.district for c in campuses) == sorted(SEOUL_DISTRICTS)
    names = {c.district: c.name for c in campuses}
    assert names["종로구"] == "종로캠퍼스"
    assert names["중구"] == "중구캠퍼스"
    assert names["동대문구"] == "동대문캠퍼스"


def test_illustrative_tier_assignment_matches_the_floor_areas(db):
    load_reference_data()
    for campus in district_campuses(db):
        assert tier_for_area(campus.floor_area_m2) == ILLUSTRATIVE_DISTRICT_TIERS[campus.district]


def test_classrooms_per_campus_within_the_tier_range_with_20_to_35_seats(db):
    load_reference_data()
    rooms = db.session.execute(
        sa.select(
            Campus,
            sa.func.count(Classroom.id),
            sa.func.min(Classroom.seats),
            sa.func.max(Classroom.seats),
        )
        .join(Classroom)
        .group_by(Campus.id)
    ).all()

    assert len(rooms) == 28  # every campus has classrooms
    for campus, count, fewest_seats, most_seats in rooms:
        if campus.kind == CampusKind.DISTRICT:
            low, high = TIER_CLASSROOMS[campus.tier]
            assert low <= count <= high, campus.name
        assert 20 <= fewest_seats and most_seats <= 35, campus.name


def test_three_bigtech_campuses_in_mapo_jung_and_jongno_run_by_an_ai_company(db):
    load_reference_data()
    bigtech = db.session.scalars(sa.select(Campus).where(Campus.kind == CampusKind.BIGTECH)).all()

    assert sorted(c.district for c in bigtech) == ["마포구", "종로구", "중구"]
    assert "마포 빅테크캠퍼스" in {c.name for c in bigtech}
    assert all(c.partner_company and c.floor_area_m2 > 0 for c in bigtech)
    assert {"NVIDIA", "Oracle"} <= {c.partner_company for c in bigtech}


def test_targets_are_exactly_the_source_figures(db):
    load_reference_data()
    targets = {
        (t.year, t.metric): t.value
        for t in db.session.scalars(sa.select(YearlyTarget))
        if t.from_source
    }

    assert targets == {
        (2025, TargetMetric.TRAINEES): 3_300,
        (2030, TargetMetric.TRAINEES): 10_000,
        (2025, TargetMetric.BIGTECH_CAMPUSES): 3,
        (2026, TargetMetric.BIGTECH_CAMPUSES): 5,
        (2030, TargetMetric.BIGTECH_CAMPUSES): 10,
        (2030, TargetMetric.ALLIANCE_MEMBERS): 250,
        **{(year, TargetMetric.ADVANCED_TRACK): 20 for year in range(2025, 2031)},
    }
    # Years the source leaves blank are interpolated, so they have no row.
    assert (2026, TargetMetric.TRAINEES) not in targets


def test_loading_twice_adds_nothing_the_second_time(db):
    first = load_reference_data()
    rows = count_rows(Campus) + count_rows(Classroom) + count_rows(YearlyTarget)

    assert first == rows
    assert load_reference_data() == 0
    assert count_rows(Campus) + count_rows(Classroom) + count_rows(YearlyTarget) == rows


def test_reloading_keeps_an_officials_target_and_a_removed_classroom_removed(db):
    load_reference_data()
    target = db.session.scalar(
        sa.select(YearlyTarget).where(
            YearlyTarget.year == 2025, YearlyTarget.metric == TargetMetric.TRAINEES
        )
    )
    target.value, target.from_source = 3_500, False
    room = db.session.scalar(sa.select(Classroom).order_by(Classroom.id).limit(1))
    db.session.delete(room)
    db.session.commit()
    rooms = count_rows(Classroom)

    assert load_reference_data() == 0
    db.session.refresh(target)
    assert target.value == 3_500
    assert count_rows(Classroom) == rooms


def test_a_renamed_district_campus_is_not_created_again(db):
    load_reference_data()
    campus = db.session.scalar(sa.select(Campus).where(Campus.name == "종로캠퍼스"))
    campus.name = "청년취업사관학교 종로캠퍼스"
    db.session.commit()

    assert load_reference_data() == 0
    assert count_rows(Campus) == 28
