"""The ecosystem of the dated demo (academy.demo): the alliance (formed in December 2025, the
source: "다음 달") gained its members over the year before the load date; this year's advanced
track, the development fund's donations and the scholarships it pays vulnerable completers."""

from datetime import date, timedelta

from academy.models import (
    AdvancedTrackSelection,
    AllianceKind,
    AllianceMember,
    DonationKind,
    EnrolmentStatus,
    FundDonation,
    Level,
    Scholarship,
)
from academy.seeding import WorldBuilder

SYNTHETIC_STEMS = (
    "한빛",
    "새솔",
    "누리",
    "가온",
    "다온",
    "한결",
    "솔빛",
    "이음",
    "미리내",
    "아라",
    "온누리",
    "해오름",
    "별무리",
    "늘품",
    "라온",
    "도담",
)
ASSOCIATION_FIELDS = (
    "AI 스타트업",
    "데이터산업",
    "인공지능 교육",
    "클라우드산업",
    "로봇산업",
    "핀테크",
    "게임개발",
    "디지털헬스케어",
    "스마트시티",
    "AI 윤리",
)
TALENTS = (
    "현직자 AI 실무 특강 40시간",
    "모의 면접과 포트폴리오 멘토링",
    "프로젝트 코드 리뷰 멘토링 20시간",
    "GPU 실습 환경 운영 지원",
)


def add_alliance(b: WorldBuilder) -> list[tuple[int, AllianceKind, str]]:
    """Companies, universities, associations and research institutes; returns (id, kind, name)
    of each member."""
    rng, fake = b.rng, b.fake
    members = []
    stems = list(SYNTHETIC_STEMS)
    rng.shuffle(stems)
    names = (
        [(AllianceKind.COMPANY, fake.unique.company()) for _ in range(30)]
        + [(AllianceKind.UNIVERSITY, f"{stem}대학교") for stem in stems[:12]]
        + [(AllianceKind.ASSOCIATION, f"서울 {f} 협회") for f in ASSOCIATION_FIELDS]
        + [(AllianceKind.RESEARCH_INSTITUTE, f"{stem} AI 연구소") for stem in stems[8:16]]
    )
    for kind, name in names:
        member_id = b.add(
            AllianceMember,
            name=name,
            kind=kind,
            joined_on=b.today - timedelta(days=rng.randint(0, 364)),
        )
        members.append((member_id, kind, name))
    return members


def add_track_and_fund(b: WorldBuilder, members: list[tuple[int, AllianceKind, str]]) -> None:
    """Twenty completers of upper-level courses selected for this year's advanced track at an
    alliance university or institute; money and talent donated by alliance companies; and
    scholarships for vulnerable completers as far as the money donated goes."""
    rng, today, year = b.rng, b.today, b.today.year
    companies = [m for m in members if m[1] == AllianceKind.COMPANY]
    universities = [m[2] for m in members if m[1] == AllianceKind.UNIVERSITY]
    institutes = [m[2] for m in members if m[1] == AllianceKind.RESEARCH_INSTITUTE]
    completers = [p for p in b.people if p.status == EnrolmentStatus.COMPLETED]
    advanced = [p for p in completers if p.cohort.level != Level.BEGINNER]
    for person in rng.sample(advanced, min(20, len(advanced))):
        where = rng.choice(
            [
                f"{rng.choice(universities)} AI대학원 석사과정",
                f"{rng.choice(institutes)} 연구 과제 참여",
            ]
        )
        b.add(
            AdvancedTrackSelection,
            year=year,
            trainee_id=person.trainee_id,
            selected_on=max(date(year, 1, 1), today - timedelta(days=rng.randint(0, 60))),
            programme=where,
        )

    donated = 0
    for number, (_, _, donor) in enumerate(rng.sample(companies, 12)):
        received_on = today - timedelta(days=rng.randint(0, 300))
        if number < 8:
            amount = rng.choice((5, 10, 20, 30, 50)) * 1_000_000
            donated += amount
            b.add(
                FundDonation,
                donor=donor,
                kind=DonationKind.MONEY,
                amount=amount,
                description="발전 기금 기부",
                received_on=received_on,
            )
        else:
            b.add(
                FundDonation,
                donor=donor,
                kind=DonationKind.TALENT,
                amount=None,
                description=TALENTS[number - 8],
                received_on=received_on,
            )
    vulnerable = [p for p in b.people if p.vulnerable and p.completer]
    awarded = 0
    for person in rng.sample(vulnerable, min(len(vulnerable), max(1, round(40 * b.scale)))):
        amount = rng.choice((500_000, 1_000_000))
        if awarded + amount > donated:
            break
        awarded += amount
        b.add(
            Scholarship,
            trainee_id=person.trainee_id,
            amount=amount,
            awarded_on=today - timedelta(days=rng.randint(0, 200)),
            reason="취약계층 교육생 장학금 (발전 기금)",
        )
