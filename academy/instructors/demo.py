"""The demo's instructors (academy.seeding): each cohort has a qualified lead (2+ verified years
of AI/SW work), reused when free again; in the dated demo (academy.demo) a few others are not
qualified yet, and the demo instructor leads the showcase campus's cohort running today."""

from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta

from academy.models import (
    AssignmentRole,
    CampusKind,
    CareerField,
    CareerPeriod,
    Instructor,
    InstructorAssignment,
    Role,
)
from academy.seeding import DEMO_LOGINS, SHOWCASE_CAMPUS, SeedCampus, WorldBuilder, at, years_before

SPECIALTIES = (
    "머신러닝",
    "딥러닝",
    "데이터 분석",
    "자연어 처리",
    "컴퓨터 비전",
    "MLOps",
    "백엔드 개발",
    "클라우드",
    "생성형 AI",
)
AI_SW_TITLES = {
    CareerField.AI: ("머신러닝 엔지니어", "데이터 사이언티스트", "AI 연구원", "MLOps 엔지니어"),
    CareerField.SOFTWARE: ("백엔드 개발자", "소프트웨어 엔지니어", "데이터 엔지니어"),
    CareerField.OTHER: ("영업 관리", "마케팅 담당", "교육 운영", "회계 담당"),
}


def _cohorts_by_campus(b: WorldBuilder) -> dict:
    by_campus = defaultdict(list)
    for cohort in b.cohorts:
        by_campus[cohort.campus.id].append(cohort)
    return by_campus


def _assign(b: WorldBuilder, cohort, instructor_id: int) -> None:
    b.add(
        InstructorAssignment,
        cohort_id=cohort.id,
        instructor_id=instructor_id,
        role=AssignmentRole.LEAD,
        assigned_by_id=cohort.campus.coordinators[0],
        assigned_at=at(min(cohort.starts_on - timedelta(days=21), b.today)),
    )


def _instructor_user(b: WorldBuilder) -> int:
    """The first instructor made has the demo's instructor sign-in; the others are numbered."""
    number = len(b.rows[Instructor])
    email = DEMO_LOGINS[Role.INSTRUCTOR] if number == 0 else f"instructor+{number}@example.com"
    return b.user(email, Role.INSTRUCTOR, password_hash=b.password_hash)


def add_instructors(b: WorldBuilder) -> None:
    """Leads are qualified; a few others are not yet. The demo instructor leads the showcase
    campus's cohort running today (and earlier ones)."""
    rng = b.rng
    by_campus = _cohorts_by_campus(b)
    qualified = 0
    running = b.showcase["running"]
    for campus in sorted(b.campuses, key=lambda c: c.name != SHOWCASE_CAMPUS):
        pool: list[list] = []  # [instructor id, user id, [(first day, last day) taught]]
        if campus is running.campus:  # the first instructor made: the demo login
            taught = [(running.starts_on, running.ends_on)]
            pool.append([*_instructor(b, campus, qualified=True), taught])
            qualified += 1
        for cohort in sorted(by_campus[campus.id], key=lambda c: (c.starts_on, c.id)):
            free = [
                p
                for p in pool
                if all(end < cohort.starts_on or start > cohort.ends_on for start, end in p[2])
            ]
            if cohort is running:
                chosen = pool[0]
            elif free and rng.random() < 0.85:
                chosen = rng.choice(free)
                chosen[2].append((cohort.starts_on, cohort.ends_on))
            else:
                taught = [(cohort.starts_on, cohort.ends_on)]
                chosen = [*_instructor(b, campus, qualified=True), taught]
                pool.append(chosen)
                qualified += 1
            cohort.lead_user_id = chosen[1]
            _assign(b, cohort, chosen[0])
    districts = [c for c in b.campuses if c.kind == CampusKind.DISTRICT]
    for _ in range(max(2, round(qualified * 0.05))):
        _instructor(b, rng.choice(districts), qualified=False)


def _instructor(b: WorldBuilder, campus: SeedCampus, qualified: bool) -> tuple[int, int]:
    rng = b.rng
    user_id = _instructor_user(b)
    instructor_id = b.add(
        Instructor, user_id=user_id, campus_id=campus.id, specialty=rng.choice(SPECIALTIES)
    )
    verifier = campus.coordinators[0]
    for field_, starts_on, ends_on, verified in (
        _qualified_career(b) if qualified else _short_career(b)
    ):
        b.add(
            CareerPeriod,
            instructor_id=instructor_id,
            employer=b.company_name(),
            role_title=rng.choice(AI_SW_TITLES[field_]),
            field=field_,
            starts_on=starts_on,
            ends_on=ends_on,
            verified_at=at(date(b.today.year - 2, rng.randint(1, 12), rng.randint(1, 28)))
            if verified
            else None,
            verified_by_id=verifier if verified else None,
        )
    return instructor_id, user_id


def _qualified_career(b: WorldBuilder) -> Iterator[tuple[CareerField, date, date | None, bool]]:
    """At least 3 verified years of AI/SW work before the demo's first cohorts (two years
    back), sometimes split, overlapping or ongoing."""
    rng, year = b.rng, b.today.year
    years = rng.randint(3, 12)
    starts_on = date(year - 3 - years, rng.randint(1, 12), 1)
    if rng.random() < 0.3:
        yield CareerField.OTHER, years_before(starts_on, rng.randint(2, 4)), starts_on, True
    ongoing = rng.random() < 0.35
    ends_on = None if ongoing else date(year - 2, rng.randint(1, 12), 28)
    if years >= 6 and rng.random() < 0.5:
        middle = years_before(starts_on, -rng.randint(2, years - 3))
        yield CareerField.SOFTWARE, starts_on, middle, True
        yield CareerField.AI, middle + timedelta(days=1), ends_on, True
    else:
        yield rng.choice([CareerField.AI, CareerField.SOFTWARE]), starts_on, ends_on, True
    if rng.random() < 0.2:  # a side job inside the main one: overlapping time counts once
        side = years_before(starts_on, -1)
        yield CareerField.AI, side, side + timedelta(days=rng.randint(90, 360)), True
    if rng.random() < 0.1:  # waiting for the coordinator to check the evidence
        recent = b.today - timedelta(days=rng.randint(30, 180))
        yield CareerField.AI, recent, None, False


def _short_career(b: WorldBuilder) -> Iterator[tuple[CareerField, date, date | None, bool]]:
    """Under 2 verified AI/SW years: shows the qualification gate refusing an assignment."""
    rng, year = b.rng, b.today.year
    ends_on = date(year - 2, rng.randint(6, 12), 28)
    yield CareerField.AI, ends_on - timedelta(days=rng.randint(180, 540)), ends_on, True
    if rng.random() < 0.5:
        starts_on = date(year - 5, rng.randint(1, 12), 1)
        yield CareerField.SOFTWARE, starts_on, years_before(starts_on, -2), False
    else:
        starts_on = date(year - 8, rng.randint(1, 12), 1)
        yield CareerField.OTHER, starts_on, years_before(starts_on, -3), True


def add_scale_instructors(b: WorldBuilder) -> None:
    """One qualified lead per cohort, reused when free again; each with one verified period of
    AI/SW work that ended a month before their first cohort."""
    rng = b.rng
    by_campus = _cohorts_by_campus(b)
    for campus in b.campuses:
        pool: list[list] = []  # [instructor id, user id, busy until]
        for cohort in sorted(by_campus[campus.id], key=lambda c: (c.starts_on, c.id)):
            free = [p for p in pool if p[2] < cohort.starts_on]
            if free and rng.random() < 0.85:
                chosen = rng.choice(free)
            else:
                chosen = [*_scale_instructor(b, campus, cohort.starts_on), None]
                pool.append(chosen)
            chosen[2] = cohort.ends_on
            cohort.lead_user_id = chosen[1]
            _assign(b, cohort, chosen[0])


def _scale_instructor(b: WorldBuilder, campus: SeedCampus, first_cohort: date) -> tuple[int, int]:
    rng = b.rng
    user_id = _instructor_user(b)
    instructor_id = b.add(
        Instructor, user_id=user_id, campus_id=campus.id, specialty=rng.choice(SPECIALTIES)
    )
    starts_on = years_before(first_cohort, rng.randint(3, 12))
    b.add(
        CareerPeriod,
        instructor_id=instructor_id,
        employer=b.company_name(),
        role_title="머신러닝 엔지니어",
        field=rng.choice([CareerField.AI, CareerField.SOFTWARE]),
        starts_on=starts_on,
        ends_on=first_cohort - timedelta(days=30),
        verified_at=at(first_cohort - timedelta(days=25)),
        verified_by_id=campus.coordinators[0],
    )
    return instructor_id, user_id
