from datetime import date

import pytest
import sqlalchemy as sa

from academy.campuses import services
from academy.models import Campus, CampusKind, EnrolmentStatus, Tier, tier_for_area
from tests import factories


@pytest.mark.parametrize(
    ("area", "tier"),
    [(2001, Tier.LARGE), (2000, Tier.MEDIUM), (1000, Tier.MEDIUM), (999, Tier.SMALL)],
)
def test_tier_follows_floor_area_with_the_source_thresholds(area, tier):
    assert tier_for_area(area) == tier


def test_tier_in_sql_matches_tier_in_python(db):
    for area in (2237, 2000, 1282, 1000, 494):
        factories.CampusFactory(floor_area_m2=area)
    db.session.flush()
    rows = db.session.execute(sa.select(Campus.floor_area_m2, Campus.tier)).all()
    assert {area: Tier(tier) for area, tier in rows} == {a: tier_for_area(a) for a, _ in rows}


def test_overview_counts_trainees_of_cohorts_ending_in_the_year(db):
    campus = factories.CampusFactory()
    factories.ClassroomFactory(campus=campus)
    factories.ClassroomFactory(campus=campus)
    cohort = factories.CohortFactory(campus=campus)  # ends in 2025
    for status in (EnrolmentStatus.COMPLETED, EnrolmentStatus.WITHDRAWN):
        factories.EnrolmentFactory(cohort=cohort, status=status, left_on=date(2025, 5, 1))
    factories.EnrolmentFactory(
        cohort=cohort, status=EnrolmentStatus.WAITLISTED, waitlist_position=1
    )
    db.session.flush()
    (row,) = services.campus_overview(2025)
    assert (row.classrooms, row.cohorts, row.trainees) == (2, 1, 2)
    (row_2026,) = services.campus_overview(2026)
    assert (row_2026.cohorts, row_2026.trainees) == (0, 0)


def test_tier_summary_rebuilds_the_size_table_from_district_campuses(db):
    for area in (2100, 2374):
        factories.CampusFactory(floor_area_m2=area)
    factories.CampusFactory(floor_area_m2=900, kind=CampusKind.BIGTECH)
    db.session.flush()
    summary = {t.tier: t for t in services.tier_summary(services.campus_overview(2025))}
    assert summary[Tier.LARGE].campuses == 2
    assert summary[Tier.LARGE].average_area_m2 == 2237
    assert (summary[Tier.LARGE].capacity.low, summary[Tier.LARGE].capacity.high) == (400, 600)
    assert summary[Tier.SMALL].campuses == 0  # the big-tech campus is not a district campus


def test_overview_filters_by_kind_and_tier(db):
    factories.CampusFactory(floor_area_m2=2237)
    factories.CampusFactory(floor_area_m2=494, kind=CampusKind.BIGTECH)
    db.session.flush()
    assert len(services.campus_overview(2025, kind=CampusKind.BIGTECH)) == 1
    assert len(services.campus_overview(2025, tier=Tier.LARGE)) == 1
    assert services.campus_overview(2025, kind=CampusKind.BIGTECH, tier=Tier.LARGE) == []


def test_default_year_is_the_latest_year_with_ended_cohorts(db):
    factories.CohortFactory()
    db.session.flush()
    assert services.default_year() == 2025
    assert db.session.scalar(sa.select(sa.func.count(Campus.id))) == 1
