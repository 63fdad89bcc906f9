"""The demo's internships (academy.seeding): the three programmes of the source (company-linked,
city-administration-linked, youth job camps) in monthly intakes; about 15% of completers are
placed, every paid intern (E3) among them, others before any job they found."""

from datetime import date, timedelta

from academy.cohorts.demo import WEEKS_BACK
from academy.models import (
    EnrolmentStatus,
    HostOrganisation,
    InternshipOpening,
    InternshipPlacement,
    InternshipProgramme,
    OutcomeCode,
    PlacementStatus,
)
from academy.seeding import WorldBuilder, first_monday

PUBLIC_HOSTS = (
    "서울특별시 교통정책과",
    "서울특별시 인구정책담당관",
    "서울특별시 빅데이터담당관",
    "서울특별시 기후환경정책과",
    "서울특별시 안전총괄과",
    "서울특별시 복지정책과",
)
CITY_ADMIN_TITLES = (
    "교통 데이터 분석",
    "생활인구 데이터 AI 분석",
    "민원 데이터 자연어 처리",
    "대기질 예측 모델링",
    "재난안전 영상 분석",
    "복지 사각지대 예측",
)
COMPANY_TITLES = (
    "AI 서비스 개발 인턴",
    "데이터 분석 인턴",
    "MLOps 인턴",
    "LLM 응용 개발 인턴",
    "컴퓨터 비전 인턴",
)
CAMP_TITLES = (
    "AI 직무캠프: 데이터 구축·검수",
    "AI 직무캠프: AI 서비스 기획",
    "AI 직무캠프: 업무 자동화",
)


def _host(b: WorldBuilder, name: str, public: bool, member_id: int | None = None) -> int:
    return b.add(HostOrganisation, name=name, public_sector=public, alliance_member_id=member_id)


def add_internships(b: WorldBuilder, alliance_companies: list[tuple]) -> None:
    """Hosts among the alliance's companies and the city's departments; a new intake each
    month from 18 months back to 7 months ahead of the load date."""
    rng, fake = b.rng, b.fake
    companies = [_host(b, name, False, member_id) for member_id, _, name in alliance_companies[:15]]
    companies += [_host(b, fake.unique.company(), False) for _ in range(10)]
    public = [_host(b, name, True) for name in PUBLIC_HOSTS]

    openings = []
    start = b.monday - timedelta(weeks=WEEKS_BACK)
    for month in range(26):
        index = start.month - 1 + month
        monday = first_monday(date(start.year + index // 12, index % 12 + 1, 1))
        plan = [
            (
                InternshipProgramme.COMPANY_LINKED,
                rng.choice(companies),
                rng.choice(COMPANY_TITLES),
                rng.randint(3, 6),
                40,
            )
        ]
        if month % 2 == 0:
            plan.append(
                (
                    InternshipProgramme.CITY_ADMIN_LINKED,
                    rng.choice(public),
                    f"{rng.choice(CITY_ADMIN_TITLES)} (시정 연계)",
                    5,
                    40,
                )
            )
        if month % 3 == 1:
            plan.append(
                (
                    InternshipProgramme.YOUTH_JOB_CAMP,
                    rng.choice(companies + public),
                    rng.choice(CAMP_TITLES),
                    3,
                    30,
                )
            )
        for programme, host_id, title, months, hours in plan:
            openings.append(
                dict(
                    host_id=host_id,
                    programme=programme,
                    title=title,
                    starts_on=monday,
                    ends_on=monday + timedelta(days=30 * months - 3),
                    seats=0,
                    paid=True,
                    weekly_hours=hours,
                )
            )

    today = b.today
    completers = [p for p in b.people if p.status == EnrolmentStatus.COMPLETED]
    interns = [p for p in completers if p.outcome == OutcomeCode.E3]
    # Others are placed before any job they found: an internship that leads to the job.
    free = [
        p
        for p in completers
        if p.outcome != OutcomeCode.E3
        and (p.job_starts_on is None or p.job_starts_on > p.cohort.ends_on + timedelta(days=90))
    ]
    extra = max(0, round(len(completers) * 0.15) - len(interns))
    placements = []
    for person in interns + rng.sample(free, min(extra, len(free))):
        if person.outcome == OutcomeCode.E3:
            wanted = person.job_starts_on
        else:
            wanted = person.cohort.ends_on + timedelta(days=rng.randint(7, 60))
        fitting = [
            o for o in openings if o["starts_on"] <= wanted <= o["ends_on"] - timedelta(days=30)
        ]
        if not fitting:
            continue
        opening = rng.choice(fitting)
        ends_on = opening["ends_on"]
        if person.outcome != OutcomeCode.E3 and person.job_starts_on:
            ends_on = min(ends_on, person.job_starts_on - timedelta(days=1))
        if rng.random() < 0.07:
            status = PlacementStatus.DROPPED
            ends_on = wanted + timedelta(days=rng.randint(7, 28))
        elif wanted > today:
            status = PlacementStatus.PLANNED
        elif ends_on < today:
            status = PlacementStatus.COMPLETED
        else:
            status = PlacementStatus.ONGOING
        opening["seats"] += 1
        placement = dict(
            trainee_id=person.trainee_id,
            starts_on=wanted,
            ends_on=ends_on,
            paid=True,
            weekly_hours=opening["weekly_hours"],
            status=status,
        )
        placements.append((opening, placement))
    for opening in openings:
        opening["seats"] += rng.randint(1, 4)  # seats left unfilled
        opening["id"] = b.add(InternshipOpening, **opening)
    for opening, placement in placements:
        b.add(InternshipPlacement, opening_id=opening["id"], **placement)


def add_scale_internships(b: WorldBuilder) -> None:
    """Company hosts from the name pool and the city's departments; an intake a month per
    programme, opened when its first intern starts."""
    rng = b.rng
    hosts = [_host(b, name, False) for name in b.companies[:25]]
    public = [_host(b, name, True) for name in PUBLIC_HOSTS]
    openings: dict[tuple, dict] = {}
    completers = [p for p in b.people if p.status == EnrolmentStatus.COMPLETED]
    for person in completers:
        if person.outcome != OutcomeCode.E3 and rng.random() >= 0.12:
            continue
        if person.outcome == OutcomeCode.E3:
            starts_on = person.job_starts_on
        else:
            starts_on = person.cohort.ends_on + timedelta(days=rng.randint(7, 60))
        if starts_on > b.today + timedelta(days=60):
            continue
        programme = rng.choices(list(InternshipProgramme), (70, 20, 10))[0]
        key = (starts_on.year, starts_on.month, programme)
        if key not in openings:  # one intake a month per programme
            months = 5 if programme == InternshipProgramme.CITY_ADMIN_LINKED else 4
            intake = first_monday(starts_on.replace(day=1))
            b.add(
                InternshipOpening,
                host_id=rng.choice(
                    hosts if programme == InternshipProgramme.COMPANY_LINKED else public
                ),
                programme=programme,
                title=rng.choice(COMPANY_TITLES),
                starts_on=intake,
                ends_on=intake + timedelta(days=30 * months + 27),
                seats=0,
                paid=True,
                weekly_hours=30 if programme == InternshipProgramme.YOUTH_JOB_CAMP else 40,
            )
            openings[key] = b.rows[InternshipOpening][-1]
        opening = openings[key]
        opening["seats"] += 1
        ends_on = starts_on + timedelta(days=30 * rng.randint(3, 5))
        if rng.random() < 0.07 and starts_on + timedelta(days=7) <= b.today:
            status, ends_on = PlacementStatus.DROPPED, starts_on + timedelta(days=7)
        elif starts_on > b.today:
            status = PlacementStatus.PLANNED
        elif ends_on < b.today:
            status = PlacementStatus.COMPLETED
        else:
            status = PlacementStatus.ONGOING
        b.add(
            InternshipPlacement,
            opening_id=opening["id"],
            trainee_id=person.trainee_id,
            campus_id=person.cohort.campus.id,
            starts_on=starts_on,
            ends_on=ends_on,
            paid=True,
            weekly_hours=opening["weekly_hours"],
            status=status,
        )
