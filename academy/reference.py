"""Reference data: the 25 district campuses, the 2025 big-tech campuses and the source's targets.

Every figure here comes from the city's announcement (sources/000_74182e0898048116.txt) except
where a constant's name says ILLUSTRATIVE: the source gives how many campuses each size tier
has and their average floor area, but not which district is which, nor any single campus's area.
"""

import sqlalchemy as sa

from academy.extensions import db
from academy.models import (
    SEOUL_DISTRICTS,
    Campus,
    CampusKind,
    Classroom,
    TargetMetric,
    Tier,
    YearlyTarget,
)

# Illustrative: the source does not say which district has which tier. The demo picks the three
# largest and six medium campuses among districts with many young residents or IT clusters.
ILLUSTRATIVE_DISTRICT_TIERS: dict[str, Tier] = {
    "종로구": Tier.SMALL,
    "중구": Tier.SMALL,
    "용산구": Tier.SMALL,
    "성동구": Tier.MEDIUM,
    "광진구": Tier.SMALL,
    "동대문구": Tier.SMALL,
    "중랑구": Tier.SMALL,
    "성북구": Tier.SMALL,
    "강북구": Tier.SMALL,
    "도봉구": Tier.SMALL,
    "노원구": Tier.MEDIUM,
    "은평구": Tier.SMALL,
    "서대문구": Tier.SMALL,
    "마포구": Tier.MEDIUM,
    "양천구": Tier.SMALL,
    "강서구": Tier.MEDIUM,
    "구로구": Tier.MEDIUM,
    "금천구": Tier.SMALL,
    "영등포구": Tier.LARGE,
    "동작구": Tier.SMALL,
    "관악구": Tier.LARGE,
    "서초구": Tier.SMALL,
    "강남구": Tier.LARGE,
    "송파구": Tier.MEDIUM,
    "강동구": Tier.SMALL,
}

# Illustrative (floor area ㎡, classrooms) per campus of each tier, handed out in district order.
# The areas average exactly the source's 2,237 / 1,282 / 494㎡ and stay inside the tier's bounds;
# classroom counts stay inside the source's 8–12 / 4–8 / 2–3.
ILLUSTRATIVE_TIER_LAYOUTS: dict[Tier, tuple[tuple[int, int], ...]] = {
    Tier.LARGE: ((2105, 8), (2240, 10), (2366, 12)),
    Tier.MEDIUM: ((1045, 4), (1160, 5), (1238, 5), (1310, 6), (1402, 7), (1537, 8)),
    Tier.SMALL: (
        (286, 2),
        (318, 2),
        (352, 2),
        (379, 2),
        (405, 2),
        (428, 2),
        (447, 2),
        (466, 3),
        (489, 3),
        (512, 3),
        (538, 3),
        (567, 3),
        (601, 3),
        (648, 3),
        (712, 3),
        (756, 3),
    ),
}

# 3 in 2025 in Mapo, Jung-gu and Jongno (source). The source names NVIDIA and Oracle among the AI
# companies that run them; which company runs which campus, the third company, the floor areas
# and the classroom counts are illustrative.
BIGTECH_CAMPUSES: tuple[tuple[str, str, str, int, int], ...] = (
    ("마포 빅테크캠퍼스", "마포구", "NVIDIA", 1650, 6),
    ("중구 빅테크캠퍼스", "중구", "Oracle", 1420, 5),
    ("종로 빅테크캠퍼스", "종로구", "Microsoft", 1180, 4),
)

# Seats per classroom cycle through these (20–35): rooms differ, and capacities with them.
CLASSROOM_SEATS = (30, 24, 28, 35, 20, 32, 26, 22, 34, 25)

# The source's targets, exactly. Years it leaves blank get no row: they are interpolated.
SOURCE_TARGETS: tuple[tuple[int, TargetMetric, int], ...] = (
    (2025, TargetMetric.TRAINEES, 3_300),
    (2030, TargetMetric.TRAINEES, 10_000),
    (2025, TargetMetric.BIGTECH_CAMPUSES, 3),
    (2026, TargetMetric.BIGTECH_CAMPUSES, 5),
    (2030, TargetMetric.BIGTECH_CAMPUSES, 10),
    (2030, TargetMetric.ALLIANCE_MEMBERS, 250),
    *((year, TargetMetric.ADVANCED_TRACK, 20) for year in range(2025, 2031)),
)


def district_campus_name(district: str) -> str:
    """종로구 → 종로캠퍼스: the district without 구, except 중구, which would be one syllable."""
    stem = district[:-1] if district.endswith("구") and len(district) > 2 else district
    return f"{stem}캠퍼스"


def _campus_plans() -> list[dict]:
    plans = []
    next_layout = {tier: iter(layouts) for tier, layouts in ILLUSTRATIVE_TIER_LAYOUTS.items()}
    for district in SEOUL_DISTRICTS:
        area, rooms = next(next_layout[ILLUSTRATIVE_DISTRICT_TIERS[district]])
        plans.append(
            dict(
                name=district_campus_name(district),
                kind=CampusKind.DISTRICT,
                district=district,
                floor_area_m2=area,
                partner_company=None,
                rooms=rooms,
            )
        )
    for name, district, company, area, rooms in BIGTECH_CAMPUSES:
        plans.append(
            dict(
                name=name,
                kind=CampusKind.BIGTECH,
                district=district,
                floor_area_m2=area,
                partner_company=company,
                rooms=rooms,
            )
        )
    return plans


def load_reference_data() -> int:
    """Add whatever reference rows are missing and commit; returns how many rows were added.

    Rows are matched by natural key (campus name, or the district of a district campus, since
    there is one per district even after a rename; year and metric), so running it at every
    start is safe. Classrooms are only added with a new campus: a classroom an admin removed
    later stays removed, and a target an official changed keeps the official's value.
    """
    added = 0
    names = set(db.session.scalars(sa.select(Campus.name)))
    districts = set(
        db.session.scalars(sa.select(Campus.district).where(Campus.kind == CampusKind.DISTRICT))
    )
    seat_cycle = 0
    for plan in _campus_plans():
        rooms = plan.pop("rooms")
        renamed = plan["kind"] == CampusKind.DISTRICT and plan["district"] in districts
        if plan["name"] in names or renamed:
            seat_cycle += rooms
            continue
        campus = Campus(**plan)
        for number in range(1, rooms + 1):
            seats = CLASSROOM_SEATS[seat_cycle % len(CLASSROOM_SEATS)]
            seat_cycle += 1
            campus.classrooms.append(Classroom(name=f"강의실 {number}", seats=seats))
        db.session.add(campus)
        added += 1 + rooms

    have = {
        (year, metric)
        for year, metric in db.session.execute(sa.select(YearlyTarget.year, YearlyTarget.metric))
    }
    for year, metric, value in SOURCE_TARGETS:
        if (year, metric) not in have:
            db.session.add(YearlyTarget(year=year, metric=metric, value=value, from_source=True))
            added += 1
    db.session.commit()
    return added
