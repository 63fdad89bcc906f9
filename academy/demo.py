"""The illustrative demo: a new user sees a working academy at once (domain.md, "Demo data").

The demo is dated relative to the day it is loaded (`today`, Seoul's date by default): cohorts
that ended over the past 18 months with their outcomes (the recent ones still in their 180-day
window), cohorts running today with an attendance sheet to mark and a trainee at risk, cohorts
starting soon with enrolment open and a waitlist, last year's and this year's exam-fee subsidy
programme (this year's with a round open and budget left) and outcomes waiting in the
coordinator's queue. Nothing is dated after `today` except what is planned: sessions of running
and coming cohorts, and internships that start later.

Everything here is synthetic: names come from Faker's ko_KR locale, e-mails are numbered addresses
on the example.* domains, and the mixes (attendance, outcomes, exam results, claims) are plausible
shapes, not statistics from the source. The same seed and load date give the same data.

Rows are built in Python and inserted in bulk with explicit ids, because `make run` loads the demo
on first start and one ORM object per row would take minutes for ~300,000 attendance marks.
"""

import base64
import hashlib
import random
import time
from bisect import bisect
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from math import ceil

import holidays
import sqlalchemy as sa
from faker import Faker

from academy.auth.passwords import hash_password
from academy.auth.two_factor import REQUIRED_ROLES, grouped_secret
from academy.clock import seoul_today
from academy.cohorts.demo import close_demo_cohorts, override_demo_results
from academy.extensions import db
from academy.kpi import facts
from academy.kpi.attendance import AttendanceRules, attendance_rate, meets_threshold
from academy.kpi.capacity import TIER_CAPACITY
from academy.models import (
    AccessLog,
    AdvancedTrackSelection,
    AllianceKind,
    AllianceMember,
    AssignmentRole,
    AttendanceMark,
    Campus,
    CampusKind,
    CareerField,
    CareerPeriod,
    Certification,
    CertificationKind,
    ClaimStatus,
    Classroom,
    ClassSession,
    Cohort,
    Course,
    DonationKind,
    Enrolment,
    EnrolmentStatus,
    ExamAttempt,
    ExamResult,
    ExclusionReason,
    FundDonation,
    HostOrganisation,
    Instructor,
    InstructorAssignment,
    InternshipOpening,
    InternshipPlacement,
    InternshipProgramme,
    Level,
    Mark,
    MockExam,
    OutcomeCode,
    OutcomeRecord,
    PaymentMethod,
    PlacementStatus,
    Role,
    Scholarship,
    SubsidyClaim,
    SubsidyProgramme,
    SubsidyRound,
    Tier,
    Trainee,
    User,
    Verification,
    YearlyTarget,
    age_on,
)
from academy.outcomes.demo import extend_demo as extend_outcome_demo
from academy.reference import district_campus_name, load_reference_data
from academy.subsidies.demo import extend_demo as extend_programme_demo

DEMO_PASSWORD = "academy-demo-2025"
# One sign-in per role, printed by `make run`; every other demo account is numbered.
DEMO_LOGINS = {
    Role.OFFICIAL: "official@example.com",
    Role.COORDINATOR: "coordinator@example.com",
    Role.INSTRUCTOR: "instructor@example.com",
    Role.TRAINEE: "trainee@example.com",
    Role.ADMIN: "admin@example.com",
}
SHOWCASE_CAMPUS = district_campus_name("종로구")
TRAINEE_DOMAINS = ("example.com", "example.org", "example.net")

# The 2025 legal minimum monthly wage (209 hours): a few jobs pay less, to show the quality rule.
PAY_FLOOR_2025 = 2_096_270

# The window the demo covers, in weeks from the Monday of the load date's week: cohorts that ended
# in the last 18 months, and cohorts starting within the next ten weeks (enrolment open).
WEEKS_BACK = 78
WEEKS_AHEAD = 10
# The showcase campus's first two classrooms, as (weeks from this Monday to a cohort's start, weeks
# a cohort lasts, weeks between starts), so its logins always meet the same moments:
# room 1: a cohort running today (started 6 weeks ago) after one that ended 8 weeks ago (the demo
#         trainee's, in its outcome window);
# room 2: a cohort that ended last Friday and waits to be closed, then one starting in 3 weeks
#         (full, with a waitlist).
SHOWCASE_ROOMS = ((-6, 20, 22), (3, 20, 23))
SHOWCASE_MIN_SIZE = 8  # trainees in each showcase cohort, whatever the scale
# The fees the demo trainee paid: an earlier exam (claimed and paid this year, when it fell in this
# year) and one sat days ago that is not claimed yet (SQLD and ADsP, 50,000 won each).
# First-half and second-half subsidy rounds from 2026, and last year's recipients excluded (source).
ROUNDS_FROM = 2026
SHOWCASE_EXAMS = ("데이터분석 준전문가 (ADsP)", "SQL 개발자 (SQLD)")

# Tables the reference data fills, and the access log (a failed sign-in on an empty database
# writes one): rows there do not make the database "in use".
_NOT_DEMO_TABLES = {
    Campus.__tablename__,
    Classroom.__tablename__,
    YearlyTarget.__tablename__,
    AccessLog.__tablename__,
}

# Cohort codes: romanised district names (Revised Romanisation, as the districts spell them).
DISTRICT_CODES = {
    "종로구": "JONGNO",
    "중구": "JUNG",
    "용산구": "YONGSAN",
    "성동구": "SEONGDONG",
    "광진구": "GWANGJIN",
    "동대문구": "DONGDAEMUN",
    "중랑구": "JUNGNANG",
    "성북구": "SEONGBUK",
    "강북구": "GANGBUK",
    "도봉구": "DOBONG",
    "노원구": "NOWON",
    "은평구": "EUNPYEONG",
    "서대문구": "SEODAEMUN",
    "마포구": "MAPO",
    "양천구": "YANGCHEON",
    "강서구": "GANGSEO",
    "구로구": "GURO",
    "금천구": "GEUMCHEON",
    "영등포구": "YEONGDEUNGPO",
    "동작구": "DONGJAK",
    "관악구": "GWANAK",
    "서초구": "SEOCHO",
    "강남구": "GANGNAM",
    "송파구": "SONGPA",
    "강동구": "GANGDONG",
}

COURSE_NAMES = {
    Level.BEGINNER: ("AI 기초와 파이썬 프로그래밍", "데이터 분석 입문", "생성형 AI 활용 실무"),
    Level.INTERMEDIATE: (
        "머신러닝 엔지니어링",
        "AI 서비스 개발 (웹·앱)",
        "데이터 엔지니어링과 MLOps",
        "컴퓨터 비전 응용",
    ),
    Level.ADVANCED: ("LLM 애플리케이션 개발", "딥러닝 모델 최적화", "AI 에이전트 시스템 설계"),
}
# The source: "SK, KT 등 국내 대기업이 참여하는 프로젝트 기반형 현장 실무 교육".
PROJECT_PARTNERS = ("SK", "KT")

# Illustrative catalogue; fees are close to the published 2025 prices, in whole won.
CERTIFICATIONS = (
    (
        "Google Cloud Professional Machine Learning Engineer",
        "Google",
        CertificationKind.AI_COMPANY,
        280_000,
    ),
    (
        "Microsoft Certified: Azure AI Engineer Associate",
        "Microsoft",
        CertificationKind.AI_COMPANY,
        231_000,
    ),
    (
        "AWS Certified Machine Learning Engineer – Associate",
        "Amazon Web Services",
        CertificationKind.AI_COMPANY,
        210_000,
    ),
    (
        "NVIDIA-Certified Associate: Generative AI LLMs",
        "NVIDIA",
        CertificationKind.AI_COMPANY,
        190_000,
    ),
    ("정보처리기사", "한국산업인력공단", CertificationKind.NATIONAL, 19_400),
    ("데이터분석 준전문가 (ADsP)", "한국데이터산업진흥원", CertificationKind.LICENSED, 50_000),
    ("SQL 개발자 (SQLD)", "한국데이터산업진흥원", CertificationKind.LICENSED, 50_000),
    ("TOEIC", "ETS", CertificationKind.LANGUAGE, 52_500),
)
# Which certification a trainee sits, by the level of their course (same order as above).
CERTIFICATION_WEIGHTS = {
    Level.BEGINNER: (2, 6, 3, 2, 25, 25, 22, 15),
    Level.INTERMEDIATE: (10, 18, 14, 10, 16, 14, 12, 6),
    Level.ADVANCED: (22, 18, 18, 22, 6, 6, 5, 3),
}

# About 85% employed, so that with the jobs found after the 180-day window and the unknowns kept
# in the denominator most cohorts' employment rate lands near the 80% line of the "1089" target.
OUTCOME_MIX = (
    (OutcomeCode.E1, 60),
    (OutcomeCode.E2, 8),
    (OutcomeCode.E3, 5),
    (OutcomeCode.E4, 4),
    (OutcomeCode.E5, 3),
    (OutcomeCode.E6, 5),
    (OutcomeCode.S1, 6),
    (OutcomeCode.S2, 2),
    (OutcomeCode.X, 3),
    (OutcomeCode.U, 4),
)
# Cohorts that ended this long before the load date have had their outcomes checked: nearly every
# job with evidence is verified by then.
CHECKED_AFTER_DAYS = 240

# Cumulative chances of present / late / left early / absent / excused per attendance profile.
_MARKS = (Mark.PRESENT, Mark.LATE, Mark.EARLY_LEAVE, Mark.ABSENT, Mark.EXCUSED)
_PROFILES = {
    "good": (0.935, 0.03, 0.012, 0.013, 0.01),
    "fair": (0.86, 0.055, 0.03, 0.04, 0.015),
    "borderline": (0.745, 0.06, 0.04, 0.14, 0.015),
    "poor": (0.62, 0.08, 0.05, 0.23, 0.02),
}

AGE_WEIGHTS = (1, 2, 3, 5, 7, 9, 10, 10, 10, 9, 8, 7, 6, 5, 4, 3, 3, 2, 2, 1, 1)  # 19 … 39

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


class DemoRefused(Exception):
    """The database already holds data that the demo would mix with or, with reset, delete."""


@dataclass
class DemoSummary:
    campuses: int = 0
    classrooms: int = 0
    courses: int = 0
    cohorts: int = 0
    class_sessions: int = 0
    trainees: int = 0
    enrolments: int = 0
    attendance_marks: int = 0
    instructors: int = 0
    coordinators: int = 0
    outcome_records: int = 0
    evidence_files: int = 0
    contact_attempts: int = 0
    outcomes_by_code: dict[str, int] = field(default_factory=dict)
    exam_attempts: int = 0
    subsidy_claims: int = 0
    subsidy_spent: int = 0
    internship_placements: int = 0
    alliance_members: int = 0
    seconds: float = 0.0
    today: date | None = None  # the load date the demo is dated from
    password: str = DEMO_PASSWORD
    logins: list[tuple[str, str]] = field(default_factory=list)  # (role, e-mail)
    two_factor_keys: dict[str, str] = field(default_factory=dict)  # e-mail -> TOTP key

    def describe(self) -> str:
        codes = ", ".join(f"{code} {n:,}" for code, n in sorted(self.outcomes_by_code.items()))
        lines = [
            f"Demo data as of {self.today} loaded in {self.seconds:.1f} s "
            "(illustrative: the district tiers and every person are invented).",
            f"  campuses {self.campuses}, classrooms {self.classrooms}, courses {self.courses}, "
            f"cohorts {self.cohorts}, class sessions {self.class_sessions:,}",
            f"  trainees {self.trainees:,}, enrolments {self.enrolments:,}, "
            f"attendance marks {self.attendance_marks:,}",
            f"  instructors {self.instructors}, coordinators {self.coordinators}",
            f"  outcome records {self.outcome_records:,} (current: {codes}), evidence files "
            f"{self.evidence_files:,}, follow-up contact attempts {self.contact_attempts:,}",
            f"  exam attempts {self.exam_attempts:,}, subsidy claims {self.subsidy_claims:,} "
            f"(spent {self.subsidy_spent:,} KRW), internship placements "
            f"{self.internship_placements:,}, alliance members {self.alliance_members}",
            "Demo logins:",
        ]
        role_width = max((len(role) for role, _ in self.logins), default=0)
        email_width = max((len(email) for _, email in self.logins), default=0)
        lines += [
            f"  {role:<{role_width}}  {email:<{email_width}}  password: {self.password}"
            + _key_note(self.two_factor_keys.get(email))
            for role, email in self.logins
        ]
        return "\n".join(lines)


def demo_totp_secret(email: str, seed: int = 2025) -> str:
    """The demo staff's TOTP key, derived from the demo seed: the same on every machine, so
    `make run` can print it for an authenticator app and browser tests can compute codes. Only
    demo accounts get such a key; real accounts get a random one when they enrol."""
    digest = hashlib.sha256(f"academy-demo-totp:{seed}:{email}".encode()).digest()
    return base64.b32encode(digest[:20]).decode()


def _key_note(secret: str | None) -> str:
    return f"  2FA key: {grouped_secret(secret)}" if secret else ""


def login_lines() -> list[str]:
    """The demo sign-ins that exist in this database, for `make run` to print on every start,
    with the key of each staff account's second factor (add it to an authenticator app)."""
    found = {
        email: (role, secret if enrolled_at else None)
        for email, role, secret, enrolled_at in db.session.execute(
            sa.select(User.email, User.role, User.totp_secret, User.totp_enrolled_at).where(
                User.email.in_(DEMO_LOGINS.values())
            )
        )
    }
    return [
        f"  {role.value:<11}  {email:<24}  password: {DEMO_PASSWORD}" + _key_note(found[email][1])
        for role, email in DEMO_LOGINS.items()
        if email in found and found[email][0] == role
    ]


def load_demo(
    reset: bool = False, seed: int = 2025, scale: float = 1.0, today: date | None = None
) -> DemoSummary:
    """Load the demo into an empty database, or into a wiped one with reset=True.

    It refuses to touch a database in use: demo rows mixed with real ones could never be told
    apart again. `scale` multiplies the number of trainees (tests use 0.05); `today` is the
    load date every demo date is relative to (Seoul's today by default; tests pin it).
    """
    if scale <= 0:
        raise ValueError("scale must be positive")
    started = time.perf_counter()
    if reset:
        delete_all_rows()
    else:
        refuse_if_in_use()
    load_reference_data()  # commits the reset and the reference rows together
    try:
        summary = _DemoBuilder(seed, scale, today or seoul_today()).load()
        facts.refresh_all(db.session)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    summary.seconds = time.perf_counter() - started
    return summary


def delete_all_rows() -> None:
    """Children before parents. PostgreSQL gets one TRUNCATE instead: after deleting 300,000
    attendance marks, each deleted user costs a scan of their dead rows for the foreign key on
    the unindexed attendance_mark.recorded_by_id (16 s of 17 s measured)."""
    from academy.audit import purge_allowed

    tables = list(reversed(db.metadata.sorted_tables))
    with purge_allowed(db.session.connection()):  # --reset deletes every row, the log's too
        if db.session.get_bind().dialect.name == "postgresql":
            quote = db.session.get_bind().dialect.identifier_preparer.quote
            db.session.execute(
                sa.text(f"TRUNCATE {', '.join(quote(t.name) for t in tables)} RESTART IDENTITY")
            )
            return
        for table in tables:
            db.session.execute(table.delete())


def refuse_if_in_use() -> None:
    counts = {}
    for table in db.metadata.sorted_tables:
        if table.name not in _NOT_DEMO_TABLES:
            counts[table.name] = db.session.scalar(sa.select(sa.func.count()).select_from(table))
    in_use = [name for name, count in counts.items() if count]
    if in_use:
        shown = sorted(in_use, key=lambda name: name not in ("user", "cohort"))[:2]
        found = ", ".join(f"{counts[name]:,} rows in {name}" for name in shown)
        if len(in_use) > 2:
            found += f" and {len(in_use) - 2} more tables"
        raise DemoRefused(
            f"The database already holds data ({found}). The demo is only loaded into an empty "
            "database; use --reset to delete every row and load the demo instead."
        )


def _weekdays(first: date, last: date, closed: holidays.HolidayBase) -> list[date]:
    days, day = [], first
    while day <= last:
        if day.weekday() < 5 and day not in closed:
            days.append(day)
        day += timedelta(days=1)
    return days


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _at(day: date, hour: int = 1, minute: int = 0) -> datetime:
    """A naive UTC timestamp on a Seoul working day (01:00 UTC is 10:00 in Seoul)."""
    return datetime(day.year, day.month, day.day, hour, minute)


def _round_to(amount: float, unit: int = 10_000) -> int:
    return int(round(amount / unit)) * unit


@dataclass
class _Campus:
    id: int
    name: str
    kind: CampusKind
    district: str
    tier: Tier
    partner: str | None
    rooms: list[tuple[int, int]]  # (classroom id, seats)
    coordinators: list[int] = field(default_factory=list)  # user ids
    courses: dict[Level, list[int]] = field(default_factory=lambda: defaultdict(list))

    @property
    def code(self) -> str:
        stem = DISTRICT_CODES[self.district]
        return f"{stem}-BT" if self.kind == CampusKind.BIGTECH else stem


@dataclass
class _Cohort:
    id: int
    campus: _Campus
    level: Level
    starts_on: date
    ends_on: date
    sessions: list[tuple[int, date]] = field(default_factory=list)  # (session id, held on)
    size: int = 0  # places taken; the waitlist comes on top
    waitlisted: int = 0
    lead_user_id: int | None = None
    state: str = "ended"  # on the load date: "ended", "running" or "coming"


@dataclass
class _Person:
    trainee_id: int
    user_id: int
    enrolment_id: int
    cohort: _Cohort
    status: EnrolmentStatus
    left_on: date | None
    employed_at_start: bool
    vulnerable: bool
    birth_date: date
    showcase: bool = False
    fails_rule: bool = False  # attends too little to complete (미수료 at the close)
    at_risk: bool = False  # in a running cohort, a few absences short of failing the rule
    outcome: OutcomeCode | None = None  # the current code, if a row exists
    job_starts_on: date | None = None

    @property
    def completer(self) -> bool:
        return self.status in (EnrolmentStatus.COMPLETED, EnrolmentStatus.EARLY_EMPLOYED)


def read_campuses() -> list[_Campus]:
    """The district and big-tech campuses that have classrooms, districts first in the
    order of DISTRICT_CODES."""
    rooms = defaultdict(list)
    for room in db.session.scalars(sa.select(Classroom).order_by(Classroom.name)):
        rooms[room.campus_id].append((room.id, room.seats))
    campuses = [
        _Campus(c.id, c.name, c.kind, c.district, c.tier, c.partner_company, rooms[c.id])
        for c in db.session.scalars(
            sa.select(Campus).where(Campus.kind.in_([CampusKind.DISTRICT, CampusKind.BIGTECH]))
        )
    ]
    order = list(DISTRICT_CODES)
    campuses.sort(key=lambda c: (c.kind != CampusKind.DISTRICT, order.index(c.district)))
    return [c for c in campuses if c.rooms]


def job_terms(rng: random.Random, code: OutcomeCode) -> dict:
    """Plausible terms of a job of each outcome code; about 6% of salaried jobs pay under the
    legal minimum, so the quality rule has someone to refuse."""

    def pay(low: int, high: int, centre: int) -> int:
        if rng.random() < 0.06:  # under the legal minimum: fails the quality rule
            return _round_to(rng.uniform(1_800_000, PAY_FLOOR_2025 - 10_000))
        return _round_to(min(max(rng.gauss(centre, 550_000), low), high))

    if code == OutcomeCode.E1:
        return dict(
            insured=True,
            weekly_hours=rng.choice((40,) * 8 + (35, 38, 45)),
            contract_months=None,
            in_field=rng.random() < 0.88,
            monthly_pay=pay(2_300_000, 4_500_000, 3_200_000),
        )
    if code == OutcomeCode.E2:
        return dict(
            insured=True,
            weekly_hours=40,
            contract_months=rng.choice((6, 10, 12, 12, 24)),
            in_field=rng.random() < 0.8,
            monthly_pay=pay(2_300_000, 4_000_000, 2_900_000),
        )
    if code == OutcomeCode.E3:
        return dict(
            insured=True,
            weekly_hours=40,
            contract_months=rng.choice((2, 3, 4, 6)),
            in_field=rng.random() < 0.9,
            monthly_pay=_round_to(rng.uniform(2_100_000, 2_500_000)),
        )
    if code == OutcomeCode.E4:
        return dict(
            insured=rng.random() < 0.3,
            weekly_hours=rng.randint(15, 30),
            contract_months=rng.choice((None, 1, 3, 6)),
            in_field=rng.random() < 0.6,
            monthly_pay=_round_to(rng.uniform(800_000, 2_000_000)),
        )
    if code == OutcomeCode.E5:
        return dict(
            insured=False,
            weekly_hours=rng.randint(40, 55),
            contract_months=None,
            in_field=rng.random() < 0.8,
            monthly_pay=None,
        )
    return dict(
        insured=True,
        weekly_hours=40,
        contract_months=rng.choice((None, None, 12)),
        in_field=False,
        monthly_pay=pay(2_300_000, 3_500_000, 2_700_000),
    )


class _DemoBuilder:
    """Builds every demo row as a dict with an explicit id, then inserts them table by table."""

    def __init__(self, seed: int, scale: float, today: date) -> None:
        self.today = today
        self.year = today.year
        self.monday = today - timedelta(days=today.weekday())
        self.rng = random.Random(seed)
        self.seed = seed
        self.fake = Faker("ko_KR")
        self.fake.seed_instance(seed)
        self.scale = scale
        self.rows: dict[type, list[dict]] = defaultdict(list)
        self.closed = holidays.KR(years=range(self.year - 3, self.year + 2))
        self.password_hash = hash_password(DEMO_PASSWORD)  # argon2 is slow: hash once, reuse
        self.summary = DemoSummary(today=today)
        self.cohorts: list[_Cohort] = []
        # The showcase campus's cohorts its logins meet: "trainee" (the demo trainee's, ended 8
        # weeks ago), "closing" (ended last Friday), "running" (today) and "coming" (in 3 weeks).
        self.showcase: dict[str, _Cohort] = {}
        self.people: list[_Person] = []

    def add(self, model: type, **values) -> int:
        values["id"] = len(self.rows[model]) + 1
        self.rows[model].append(values)
        return values["id"]

    def load(self) -> DemoSummary:
        self.campuses = read_campuses()
        self._staff()
        self._courses()
        for campus in self.campuses:
            self._cohorts_of(campus)
        self._trainees()
        close_demo_cohorts(self)
        self._instructors()
        self._outcomes()
        override_demo_results(self)
        self.summary.__dict__.update(extend_outcome_demo(self, self.seed))
        self._certifications_and_subsidies()
        self._ecosystem()
        extend_programme_demo(self, self.seed)
        self._insert()
        self.summary.attendance_marks = self._insert_attendance()
        self._reset_sequences()
        return self._summarise()

    def _user(
        self,
        email: str,
        name: str,
        role: Role,
        campus_id: int | None = None,
        password_hash: str | None = None,
    ) -> int:
        return self.add(
            User,
            email=email,
            name=name,
            role=role,
            campus_id=campus_id,
            password_hash=password_hash,
            active=True,
            session_version=1,
            totp_secret=None,
            totp_enrolled_at=None,
        )

    def _staff(self) -> None:
        login = self.summary.logins
        self._user(
            DEMO_LOGINS[Role.OFFICIAL],
            "서울시 담당자",
            Role.OFFICIAL,
            password_hash=self.password_hash,
        )
        login.append((Role.OFFICIAL.value, DEMO_LOGINS[Role.OFFICIAL]))
        self._user(
            DEMO_LOGINS[Role.ADMIN], "시스템 관리자", Role.ADMIN, password_hash=self.password_hash
        )
        login.append((Role.ADMIN.value, DEMO_LOGINS[Role.ADMIN]))
        number = 0
        for campus in self.campuses:
            wanted = 2 if campus.tier == Tier.LARGE and campus.kind == CampusKind.DISTRICT else 1
            for _ in range(wanted):
                if campus.name == SHOWCASE_CAMPUS and not campus.coordinators:
                    email = DEMO_LOGINS[Role.COORDINATOR]
                    login.append((Role.COORDINATOR.value, email))
                else:
                    number += 1
                    email = f"coordinator+{number}@example.com"
                user_id = self._user(
                    email, self.fake.name(), Role.COORDINATOR, campus.id, self.password_hash
                )
                campus.coordinators.append(user_id)
        self.summary.coordinators = len(self.rows[User]) - 2
        # The demo's staff sign-ins come with the second factor they must have, from a key
        # printed beside them (other demo staff enrol at their first sign-in).
        staff_logins = {DEMO_LOGINS[role] for role in REQUIRED_ROLES}
        for row in self.rows[User]:
            if row["email"] in staff_logins:
                row["totp_secret"] = demo_totp_secret(row["email"], self.seed)
                row["totp_enrolled_at"] = _at(self.today - timedelta(days=300))
                self.summary.two_factor_keys[row["email"]] = row["totp_secret"]

    def _courses(self) -> None:
        rng = self.rng
        for campus in self.campuses:
            if campus.kind == CampusKind.BIGTECH:
                plan = [(Level.INTERMEDIATE, 2), (Level.ADVANCED, 1)]
            else:
                beginners = 2 if campus.tier == Tier.LARGE else 1
                middles = 1 if campus.tier == Tier.SMALL else 2
                plan = [
                    (Level.BEGINNER, beginners),
                    (Level.INTERMEDIATE, middles),
                    (Level.ADVANCED, 1),
                ]
            for level, count in plan:
                for name in rng.sample(COURSE_NAMES[level], count):
                    partner, project = campus.partner, False
                    if campus.kind == CampusKind.BIGTECH:
                        name = f"{campus.partner} {name}"
                    elif level == Level.INTERMEDIATE and not campus.courses[level]:
                        # Large and medium campuses all run one project course; some small ones.
                        if campus.tier != Tier.SMALL or rng.random() < 0.35:
                            partner = rng.choice(PROJECT_PARTNERS)
                            project = True
                            name = f"{name} ({partner} 현장 프로젝트)"
                    course_id = self.add(
                        Course,
                        campus_id=campus.id,
                        name=name,
                        level=level,
                        field="AI",
                        attendance_threshold_pct=80,
                        lates_per_absence=3,
                        partner_company=partner,
                        project_based=project,
                    )
                    campus.courses[level].append(course_id)

    def _yearly_trainees(self, campus: _Campus) -> int:
        """Roughly the tier's planning capacity, near its low end: the city total lands near the
        3,300 of the 2025 target, as the source says the academy trains this year."""
        if campus.kind == CampusKind.BIGTECH:
            wanted = self.rng.randint(45, 60)
        else:
            low, high = TIER_CAPACITY[campus.tier]
            wanted = low + round((high - low) * self.rng.uniform(0.0, 0.12))
        return max(1, round(wanted * self.scale))

    def _cohorts_of(self, campus: _Campus) -> None:
        """Each classroom runs cohorts of 16–24 weeks one after another, Monday to Friday, as many a
        year as the campus's yearly trainees need; those that ended in the last 18 months, run
        today or start in the next ten weeks are kept. The showcase campus's first two rooms
        follow SHOWCASE_ROOMS."""
        rng = self.rng
        wanted = self._yearly_trainees(campus)
        mean_seats = sum(seats for _, seats in campus.rooms) / len(campus.rooms)
        showcase = campus.name == SHOWCASE_CAMPUS
        slots = min(max(1, ceil(wanted / (mean_seats * 0.9))), 3 * len(campus.rooms))
        if showcase:
            slots = max(slots, len(SHOWCASE_ROOMS))
        rooms = campus.rooms[:]
        if not showcase:
            rng.shuffle(rooms)
        per_room = Counter(rooms[i % len(rooms)] for i in range(slots))
        yearly = []  # (room id, seats, cohorts a year)
        for room_id, seats in rooms:
            if per_room[(room_id, seats)]:
                yearly.append((room_id, seats, per_room[(room_id, seats)]))
        capacities = [
            max(10, seats - rng.choice((0, 0, 0, 2, 4, 5)))
            for _, seats, count in yearly
            for _ in range(count)
        ]
        sizes = _share(min(wanted, sum(capacities)), capacities)
        levels = (
            [Level.INTERMEDIATE, Level.ADVANCED]
            if campus.kind == CampusKind.BIGTECH
            else [Level.BEGINNER, Level.INTERMEDIATE, Level.ADVANCED]
        )
        weights = (0.6, 0.4) if campus.kind == CampusKind.BIGTECH else (0.45, 0.35, 0.2)
        planned = []  # (starts_on, ends_on, room id, capacity, size, room number)
        slot = 0
        for number, (room_id, _, count) in enumerate(yearly):
            shapes = list(
                zip(capacities[slot : slot + count], sizes[slot : slot + count], strict=True)
            )
            slot += count
            fixed = SHOWCASE_ROOMS[number] if showcase and number < len(SHOWCASE_ROOMS) else None
            for i, (starts_on, ends_on) in enumerate(self._room_schedule(count, fixed)):
                capacity, size = shapes[i % count]
                if showcase:
                    size = max(size, SHOWCASE_MIN_SIZE)
                    capacity = max(capacity, size)
                planned.append((starts_on, ends_on, room_id, capacity, size, number))
        planned.sort()
        numbers: Counter[int] = Counter()  # cohorts per start year, for the codes
        for starts_on, ends_on, room_id, capacity, size, room_number in planned:
            level = rng.choices(levels, weights)[0]
            waitlisted = 0
            if size and rng.random() < 0.12:  # a full cohort with people waiting
                capacity, waitlisted = size, rng.randint(1, 3)
            state = (
                "ended" if ends_on < self.today
                else "running" if starts_on <= self.today
                else "coming"
            )  # fmt: skip
            role = None
            if showcase and room_number < len(SHOWCASE_ROOMS):
                offset = (starts_on - self.monday).days // 7
                role = {(0, -28): "trainee", (0, -6): "running", (1, -20): "closing",
                        (1, 3): "coming"}.get((room_number, offset))  # fmt: skip
            if role == "coming":  # full, with people waiting for a place
                capacity, waitlisted = size, max(waitlisted, 2)
            numbers[starts_on.year] += 1
            cohort_id = self.add(
                Cohort,
                code=f"{campus.code}-{starts_on.year}-{numbers[starts_on.year]:02d}",
                campus_id=campus.id,
                course_id=rng.choice(campus.courses[level]),
                classroom_id=room_id,
                starts_on=starts_on,
                ends_on=ends_on,
                capacity=capacity,
                created_at=_at(min(starts_on - timedelta(days=60), self.today)),
            )
            cohort = _Cohort(cohort_id, campus, level, starts_on, ends_on, state=state)
            for day in _weekdays(starts_on, ends_on, self.closed):
                cohort.sessions.append(
                    (self.add(ClassSession, cohort_id=cohort_id, held_on=day), day)
                )
            cohort.size, cohort.waitlisted = size, waitlisted
            self.cohorts.append(cohort)
            if role:
                self.showcase[role] = cohort

    def _room_schedule(
        self, count: int, fixed: tuple[int, int, int] | None = None
    ) -> list[tuple[date, date]]:
        """One classroom's cohorts, `count` a year at a steady pace, inside the demo's window.
        `fixed` pins (weeks from this Monday to one start, weeks long, weeks between starts)."""
        rng = self.rng
        if fixed:
            offset, weeks, period = fixed
            lengths = None
        else:
            period = 52 // count
            offset = rng.randint(0, period - 1)
            weeks = None
            lengths = (16, min(24, period - 1))
        first = offset - period * ((offset + WEEKS_BACK + 24) // period + 1)
        schedule = []
        for start in range(first, WEEKS_AHEAD + 1, period):
            length = weeks or rng.randint(*lengths)
            starts_on = self.monday + timedelta(weeks=start)
            ends_on = starts_on + timedelta(weeks=length, days=-3)
            if (self.monday - ends_on).days <= WEEKS_BACK * 7:
                schedule.append((starts_on, ends_on))
        return schedule

    def _birth_date(self, starts_on: date) -> date:
        """Aged 19–39 (만 나이) on the cohort's first day, mostly mid-twenties."""
        age = self.rng.choices(range(19, 40), AGE_WEIGHTS)[0]
        latest = _years_before(starts_on, age)
        earliest = _years_before(starts_on, age + 1) + timedelta(days=1)
        born = earliest + timedelta(days=self.rng.randint(0, (latest - earliest).days))
        assert age_on(born, starts_on) == age
        return born

    def _trainees(self) -> None:
        """Rosters as of the load date: ended cohorts have completers, leavers and a few who did
        not complete; running ones are enrolled, less those who left before today; coming ones
        are enrolled, with the waitlist on top."""
        rng, fake, today = self.rng, self.fake, self.today
        showcase = self.showcase["trainee"]
        number = 0
        for cohort in self.cohorts:
            held = [day for _, day in cohort.sessions]
            for place in range(cohort.size + cohort.waitlisted):
                number += 1
                is_showcase = cohort is showcase and place == 0
                domain = TRAINEE_DOMAINS[number % len(TRAINEE_DOMAINS)]
                email = (
                    DEMO_LOGINS[Role.TRAINEE] if is_showcase else f"trainee{number:05d}@{domain}"
                )
                user_id = self._user(
                    email,
                    fake.name(),
                    Role.TRAINEE,
                    password_hash=self.password_hash if is_showcase else None,
                )
                vulnerable = rng.random() < 0.15
                birth_date = self._birth_date(cohort.starts_on)
                if is_showcase:  # 27 today: within 19–39 on any day the demo shows
                    birth_date = _years_before(today, 27) - timedelta(days=40)
                trainee_id = self.add(
                    Trainee,
                    user_id=user_id,
                    birth_date=birth_date,
                    phone=f"010-{rng.randint(2000, 9999)}-{rng.randint(0, 9999):04d}",
                    vulnerable=vulnerable,
                )
                enrolled_on = cohort.starts_on - timedelta(days=rng.randint(3, 21))
                enrolled_on = min(enrolled_on, today - timedelta(days=rng.randint(0, 6)))
                status, left_on, position = EnrolmentStatus.COMPLETED, None, None
                if cohort.state != "ended":
                    status = EnrolmentStatus.ENROLLED
                employed_at_start = False
                roll = rng.random()
                if place >= cohort.size:
                    status, position = EnrolmentStatus.WAITLISTED, place - cohort.size + 1
                elif is_showcase or cohort.state == "coming":
                    pass
                # Nobody leaves a cohort with a waitlist: a leaver's seat would have gone to the
                # first person waiting (academy.cohorts.enrolment).
                elif roll < 0.085 and not cohort.waitlisted:
                    status = EnrolmentStatus.WITHDRAWN
                    left_on = held[rng.randint(len(held) // 10, len(held) * 7 // 10)]
                elif roll < 0.115 and not cohort.waitlisted:
                    status = EnrolmentStatus.EARLY_EMPLOYED
                    left_on = held[rng.randint(len(held) * 6 // 10, len(held) * 95 // 100)]
                elif 0.115 <= roll < 0.135 and cohort.state == "ended":
                    status = EnrolmentStatus.NOT_COMPLETED  # stayed, but attended too little
                else:
                    employed_at_start = rng.random() < 0.03
                if left_on is not None and left_on >= today:  # not gone yet
                    status, left_on = EnrolmentStatus.ENROLLED, None
                enrolment_id = self.add(
                    Enrolment,
                    cohort_id=cohort.id,
                    trainee_id=trainee_id,
                    status=status,
                    waitlist_position=position,
                    enrolled_on=enrolled_on,
                    left_on=left_on,
                    employed_at_start=employed_at_start,
                    created_at=_at(enrolled_on),
                )
                if status != EnrolmentStatus.WAITLISTED:
                    self.people.append(
                        _Person(
                            trainee_id=trainee_id,
                            user_id=user_id,
                            enrolment_id=enrolment_id,
                            cohort=cohort,
                            status=status,
                            left_on=left_on,
                            employed_at_start=employed_at_start,
                            vulnerable=vulnerable,
                            birth_date=birth_date,
                            showcase=is_showcase,
                            fails_rule=status == EnrolmentStatus.NOT_COMPLETED,
                        )
                    )
                if is_showcase:
                    self.summary.logins.append((Role.TRAINEE.value, email))
        # Two at risk in the cohort running today at the showcase campus: a few more absences
        # and they cannot complete (the cohort page's at-risk list).
        running = [
            p
            for p in self.people
            if p.cohort is self.showcase["running"] and p.status == EnrolmentStatus.ENROLLED
        ]
        for person in running[-2:]:
            person.at_risk = True

    def _instructors(self) -> None:
        """Leads are qualified (2+ years of verified AI/SW work); a few others are not yet. The demo
        instructor leads the showcase campus's cohort running today (and earlier ones)."""
        rng = self.rng
        by_campus = defaultdict(list)
        for cohort in self.cohorts:
            by_campus[cohort.campus.id].append(cohort)
        qualified = 0
        running = self.showcase["running"]
        for campus in sorted(self.campuses, key=lambda c: c.name != SHOWCASE_CAMPUS):
            pool: list[list] = []  # [instructor id, user id, [(first day, last day) taught]]
            if campus is running.campus:  # the first instructor made: the demo login
                pool.append([*self._instructor(campus, qualified=True),
                             [(running.starts_on, running.ends_on)]])  # fmt: skip
                qualified += 1
            for cohort in sorted(by_campus[campus.id], key=lambda c: (c.starts_on, c.id)):
                free = [
                    p for p in pool
                    if all(end < cohort.starts_on or start > cohort.ends_on for start, end in p[2])
                ]  # fmt: skip
                if cohort is running:
                    chosen = pool[0]
                elif free and rng.random() < 0.85:
                    chosen = rng.choice(free)
                    chosen[2].append((cohort.starts_on, cohort.ends_on))
                else:
                    chosen = [*self._instructor(campus, qualified=True),
                              [(cohort.starts_on, cohort.ends_on)]]  # fmt: skip
                    pool.append(chosen)
                    qualified += 1
                cohort.lead_user_id = chosen[1]
                self.add(
                    InstructorAssignment,
                    cohort_id=cohort.id,
                    instructor_id=chosen[0],
                    role=AssignmentRole.LEAD,
                    assigned_by_id=campus.coordinators[0],
                    assigned_at=_at(min(cohort.starts_on - timedelta(days=21), self.today)),
                )
        districts = [c for c in self.campuses if c.kind == CampusKind.DISTRICT]
        for _ in range(max(2, round(qualified * 0.05))):
            self._instructor(rng.choice(districts), qualified=False)
        self.summary.instructors = len(self.rows[Instructor])

    def _instructor(self, campus: _Campus, qualified: bool) -> tuple[int, int]:
        rng = self.rng
        number = len(self.rows[Instructor])
        if number == 0:
            email = DEMO_LOGINS[Role.INSTRUCTOR]
            self.summary.logins.append((Role.INSTRUCTOR.value, email))
        else:
            email = f"instructor+{number}@example.com"
        user_id = self._user(
            email, self.fake.name(), Role.INSTRUCTOR, password_hash=self.password_hash
        )
        instructor_id = self.add(
            Instructor, user_id=user_id, campus_id=campus.id, specialty=rng.choice(SPECIALTIES)
        )
        verifier = campus.coordinators[0]
        for field_, starts_on, ends_on, verified in (
            self._qualified_career() if qualified else self._short_career()
        ):
            self.add(
                CareerPeriod,
                instructor_id=instructor_id,
                employer=self.fake.company(),
                role_title=rng.choice(AI_SW_TITLES[field_]),
                field=field_,
                starts_on=starts_on,
                ends_on=ends_on,
                verified_at=_at(date(self.year - 2, rng.randint(1, 12), rng.randint(1, 28)))
                if verified
                else None,
                verified_by_id=verifier if verified else None,
            )
        return instructor_id, user_id

    def _qualified_career(self) -> Iterator[tuple[CareerField, date, date | None, bool]]:
        """At least 3 verified years of AI/SW work before the demo's first cohorts (two years
        back), sometimes split, overlapping or ongoing."""
        rng = self.rng
        years = rng.randint(3, 12)
        starts_on = date(self.year - 3 - years, rng.randint(1, 12), 1)
        if rng.random() < 0.3:
            yield CareerField.OTHER, _years_before(starts_on, rng.randint(2, 4)), starts_on, True
        ongoing = rng.random() < 0.35
        ends_on = None if ongoing else date(self.year - 2, rng.randint(1, 12), 28)
        if years >= 6 and rng.random() < 0.5:
            middle = _years_before(starts_on, -rng.randint(2, years - 3))
            yield CareerField.SOFTWARE, starts_on, middle, True
            yield CareerField.AI, middle + timedelta(days=1), ends_on, True
        else:
            yield rng.choice([CareerField.AI, CareerField.SOFTWARE]), starts_on, ends_on, True
        if rng.random() < 0.2:  # a side job inside the main one: overlapping time counts once
            side = _years_before(starts_on, -1)
            yield CareerField.AI, side, side + timedelta(days=rng.randint(90, 360)), True
        if rng.random() < 0.1:  # waiting for the coordinator to check the evidence
            recent = self.today - timedelta(days=rng.randint(30, 180))
            yield CareerField.AI, recent, None, False

    def _short_career(self) -> Iterator[tuple[CareerField, date, date | None, bool]]:
        """Under 2 verified AI/SW years: shows the qualification gate refusing an assignment."""
        rng = self.rng
        ends_on = date(self.year - 2, rng.randint(6, 12), 28)
        yield CareerField.AI, ends_on - timedelta(days=rng.randint(180, 540)), ends_on, True
        if rng.random() < 0.5:
            starts_on = date(self.year - 5, rng.randint(1, 12), 1)
            yield CareerField.SOFTWARE, starts_on, _years_before(starts_on, -2), False
        else:
            starts_on = date(self.year - 8, rng.randint(1, 12), 1)
            yield CareerField.OTHER, starts_on, _years_before(starts_on, -3), True

    def _outcomes(self) -> None:
        """Outcomes as of 180 days after each cohort's end, one row per completer except some
        unknowns, who have none (no row and a U row both mean unknown). What would be reported
        after the load date is not known yet, and what would be verified later is still waiting
        for the coordinator: cohorts in their window show provisional figures."""
        rng = self.rng
        codes, weights = zip(*OUTCOME_MIX, strict=True)
        for person in self.people:
            if not person.completer:
                continue
            cohort = person.cohort
            if person.showcase:  # still looking for work: eligible for the exam-fee subsidy
                reported = cohort.ends_on + timedelta(days=20)
                self.add(OutcomeRecord, enrolment_id=person.enrolment_id, version=1,
                         code=OutcomeCode.S1, verification=Verification.SELF_REPORTED,
                         reported_by_id=person.user_id, created_at=_at(reported, 3))  # fmt: skip
                person.outcome = OutcomeCode.S1
                continue
            elif person.status == EnrolmentStatus.EARLY_EMPLOYED:
                code = OutcomeCode.E1 if rng.random() < 0.8 else OutcomeCode.E2
            else:
                code = rng.choices(codes, weights)[0]
            if code == OutcomeCode.U and rng.random() < 0.5:
                continue
            record = self._outcome(person, code)
            first = None
            if (
                code == OutcomeCode.E1
                and record["starts_on"] > cohort.ends_on + timedelta(days=60)
                and rng.random() < 0.04
            ):
                first = dict(
                    enrolment_id=person.enrolment_id,
                    version=1,
                    code=OutcomeCode.S1,
                    verification=Verification.SELF_REPORTED,
                    reported_by_id=person.user_id,
                    created_at=_at(cohort.ends_on + timedelta(days=rng.randint(25, 50))),
                )
            if record["created_at"].date() > self.today:  # not reported yet
                if first is None or first["created_at"].date() > self.today:
                    continue
                record, first, code = first, None, OutcomeCode.S1
            settled = (self.today - cohort.ends_on).days > CHECKED_AFTER_DAYS
            if (
                settled
                and code.is_employed
                and record["verification"] != Verification.VERIFIED
                and rng.random() < 0.85
            ):
                record.update(
                    verification=Verification.VERIFIED,
                    verified_by_id=cohort.campus.coordinators[0],
                    verified_at=record["created_at"] + timedelta(days=rng.randint(1, 21), hours=2),
                )
            if record.get("verified_at") and record["verified_at"].date() > self.today:
                record.update(verified_by_id=None, verified_at=None,
                              verification=Verification.EVIDENCE_ATTACHED
                              if code.is_employed or code == OutcomeCode.X
                              else Verification.SELF_REPORTED)  # fmt: skip
            if first is not None:
                self.add(OutcomeRecord, **first)
                record["version"] = 2
            self.add(OutcomeRecord, **record)
            person.outcome = code
            person.job_starts_on = record.get("starts_on") if code.is_employed else None

    def _outcome(self, person: _Person, code: OutcomeCode) -> dict:
        rng, cohort = self.rng, person.cohort
        coordinator = cohort.campus.coordinators[0]
        ended = cohort.ends_on
        record = dict(enrolment_id=person.enrolment_id, version=1, code=code)
        if code.is_employed:
            if person.status == EnrolmentStatus.EARLY_EMPLOYED:
                starts_on = person.left_on + timedelta(days=rng.randint(1, 10))
            elif person.employed_at_start:
                starts_on = _years_before(cohort.starts_on, rng.randint(1, 3))
            elif rng.random() < 0.07:  # found a job, but after the 180-day window
                starts_on = ended + timedelta(days=rng.randint(181, 270))
            else:
                starts_on = ended + timedelta(days=rng.randint(7, 178))
            record.update(
                starts_on=starts_on, employer=self.fake.company(), **job_terms(self.rng, code)
            )
            created = max(starts_on, ended) + timedelta(days=rng.randint(3, 30))
            verification = rng.choices(
                (Verification.VERIFIED, Verification.EVIDENCE_ATTACHED, Verification.SELF_REPORTED),
                (80, 12, 8),
            )[0]
        elif code == OutcomeCode.X:
            record["exclusion_reason"] = rng.choices(list(ExclusionReason), (35, 45, 12, 8))[0]
            created = ended + timedelta(days=rng.randint(60, 175))
            verification = rng.choices(
                (Verification.VERIFIED, Verification.EVIDENCE_ATTACHED), (85, 15)
            )[0]
        else:
            created = ended + timedelta(days=rng.randint(150, 178))
            verification = (
                Verification.VERIFIED
                if code != OutcomeCode.U and rng.random() < 0.4
                else Verification.SELF_REPORTED
            )
        self_reported = code != OutcomeCode.U and rng.random() < 0.65
        created_at = _at(created, rng.randint(0, 8), rng.randint(0, 59))
        record.update(
            verification=verification,
            reported_by_id=person.user_id if self_reported else coordinator,
            created_at=created_at,
        )
        if verification == Verification.VERIFIED:
            record.update(
                verified_by_id=coordinator,
                verified_at=created_at + timedelta(days=rng.randint(1, 21), hours=2),
            )
        return record

    def _certifications_and_subsidies(self) -> None:
        """Exams sat by about 40% of trainees from their seventh week on, and claims on last
        year's and this year's programme (from 2026 in a first-half and a second-half round).
        The demo trainee sat an exam days ago and has not claimed it yet."""
        rng, today = self.rng, self.today
        fees, by_name = [], {}
        for name, issuer, kind, fee in CERTIFICATIONS:
            cert_id = self.add(Certification, name=name, issuer=issuer, kind=kind, exam_fee=fee)
            fees.append((cert_id, fee))
            by_name[name] = (cert_id, fee)
        attempts = []
        for person in self.people:
            cohort = person.cohort
            if person.showcase:
                earlier, recent = (by_name[name] for name in SHOWCASE_EXAMS)
                recently = max(date(self.year, 1, 1), today - timedelta(days=10))
                sat = [(earlier, cohort.ends_on - timedelta(days=30)), (recent, recently)]
            else:
                if rng.random() >= 0.4:
                    continue
                first = cohort.starts_on + timedelta(days=42)
                last = min(cohort.ends_on + timedelta(days=100), today)
                if first > last:
                    continue
                sat = [
                    (rng.choices(fees, CERTIFICATION_WEIGHTS[cohort.level])[0],
                     first + timedelta(days=rng.randint(0, (last - first).days)))
                    for _ in range(2 if rng.random() < 0.15 else 1)
                ]  # fmt: skip
            for (cert_id, fee), sat_on in sat:
                result = rng.choices(
                    (ExamResult.PASSED, ExamResult.FAILED, ExamResult.ABSENT), (60, 36, 4)
                )[0]
                if person.showcase:
                    result = ExamResult.PASSED
                attempt = dict(
                    certification_id=cert_id,
                    trainee_id=person.trainee_id,
                    sat_on=sat_on,
                    result=result,
                    fee_paid=fee,
                )
                attempt["id"] = self.add(ExamAttempt, **attempt)
                attempts.append((sat_on, attempt["id"], person, attempt))
                centre = 78 if result == ExamResult.PASSED else 58
                for _ in range(rng.randint(1, 2)):
                    self.add(
                        MockExam,
                        certification_id=cert_id,
                        trainee_id=person.trainee_id,
                        taken_on=sat_on - timedelta(days=rng.randint(5, 35)),
                        score=min(100, max(0, round(rng.gauss(centre, 9)))),
                    )
        self.summary.exam_attempts = len(attempts)

        programmes, rounds = {}, {}
        for year in (self.year - 1, self.year):
            row_id = self.add(
                SubsidyProgramme,
                year=year,
                name=f"{year}년 청년 자격시험 응시료 지원",
                budget=200_000_000,
                spent=0,
                per_person_cap=200_000,
                min_age=19,
                max_age=39,
                unemployed_only=True,
                exclude_prior_year_recipients=year >= ROUNDS_FROM,
                payment_method=PaymentMethod.LOCAL_GIFT_CERTIFICATE,
            )
            programmes[year] = self.rows[SubsidyProgramme][-1]  # `spent` grows on the row
            if year >= ROUNDS_FROM:  # the halves cover the year: a round is open on any day
                for half, opens, closes in ((1, (1, 1), (6, 30)), (2, (7, 1), (12, 31))):
                    rounds[year, half] = self.add(
                        SubsidyRound, programme_id=row_id, half=half,
                        opens_on=date(year, *opens), closes_on=date(year, *closes),
                    )  # fmt: skip

        used: Counter[tuple[int, int]] = Counter()  # (trainee, year) -> approved won
        for sat_on, attempt_id, person, attempt in sorted(attempts, key=lambda a: a[:2]):
            if person.showcase and sat_on > person.cohort.ends_on:
                continue  # the demo trainee's recent exam: theirs to claim
            if person.employed_at_start or not (person.showcase or rng.random() < 0.75):
                continue
            applied_on = min(sat_on + timedelta(days=rng.randint(2, 25)), date(sat_on.year, 12, 31))
            programme = programmes.get(applied_on.year)
            if applied_on > today or programme is None:
                continue
            if person.showcase and applied_on.year != self.year:
                continue  # supported last year would exclude them this year
            year = applied_on.year
            employed = person.job_starts_on is not None and person.job_starts_on <= applied_on
            if employed and rng.random() < 0.85:
                continue  # most people with a job know they are not eligible
            fee = attempt["fee_paid"]
            claim = dict(
                programme_id=programme["id"],
                round_id=rounds.get((year, 1 if applied_on.month <= 6 else 2)),
                trainee_id=person.trainee_id,
                exam_attempt_id=attempt_id,
                amount_requested=fee,
                applied_on=applied_on,
                created_at=_at(applied_on),
            )
            room = min(fee, programme["per_person_cap"] - used[person.trainee_id, year])
            reason = None
            if attempt["result"] == ExamResult.ABSENT:
                reason = "결시: 응시하지 않은 시험은 지원 대상이 아닙니다."
            elif employed:
                reason = "신청일 기준 재직 중: 미취업 청년 요건을 충족하지 않습니다."
            elif not 19 <= age_on(person.birth_date, applied_on) <= 39:
                reason = "신청일 기준 만 19–39세가 아닙니다."
            elif programme["exclude_prior_year_recipients"] and used[person.trainee_id, year - 1]:
                reason = "전년도에 지원을 받아 올해는 지원 대상이 아닙니다."
            elif room <= 0:
                reason = "연간 1인 지원 한도(200,000원)를 모두 사용했습니다."
            elif programme["spent"] + room > programme["budget"]:
                reason = "예산 소진으로 조기 마감되었습니다."
            elif not person.showcase and rng.random() < 0.03:
                reason = "응시료 영수증이 확인되지 않습니다."
            recent = (today - applied_on).days < 14
            waiting = rng.random() < (0.6 if recent else 0.03 if year == self.year else 0)
            if reason is None and not person.showcase and waiting:
                claim["status"] = ClaimStatus.SUBMITTED
                self.add(SubsidyClaim, **claim)
                continue
            decided = min(applied_on + timedelta(days=rng.randint(2, 10)), today)
            claim.update(
                decided_at=_at(decided, 5), decided_by_id=person.cohort.campus.coordinators[0]
            )
            if reason:
                claim.update(status=ClaimStatus.REJECTED, decision_reason=reason)
            else:
                claim.update(
                    status=ClaimStatus.APPROVED,
                    amount_approved=room,
                    paid_on=min(decided + timedelta(days=rng.randint(5, 15)), today),
                    payment_method=PaymentMethod.LOCAL_GIFT_CERTIFICATE,
                )
                used[person.trainee_id, year] += room
                programme["spent"] += room
            self.add(SubsidyClaim, **claim)
        self.summary.subsidy_claims = len(self.rows[SubsidyClaim])
        self.summary.subsidy_spent = sum(p["spent"] for p in programmes.values())

    def _ecosystem(self) -> None:
        """The alliance (formed in December 2025, the source: "다음 달") gained its members over
        the year before the load date; the fund and this year's advanced track with it."""
        rng, fake, today = self.rng, self.fake, self.today
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
            member_id = self.add(
                AllianceMember,
                name=name,
                kind=kind,
                joined_on=today - timedelta(days=rng.randint(0, 364)),
            )
            members.append((member_id, kind, name))
        self.summary.alliance_members = len(members)
        companies = [m for m in members if m[1] == AllianceKind.COMPANY]
        universities = [m[2] for m in members if m[1] == AllianceKind.UNIVERSITY]
        institutes = [m[2] for m in members if m[1] == AllianceKind.RESEARCH_INSTITUTE]

        self._internships(companies)

        completers = [p for p in self.people if p.status == EnrolmentStatus.COMPLETED]
        advanced = [p for p in completers if p.cohort.level != Level.BEGINNER]
        for person in rng.sample(advanced, min(20, len(advanced))):
            where = rng.choice(
                [
                    f"{rng.choice(universities)} AI대학원 석사과정",
                    f"{rng.choice(institutes)} 연구 과제 참여",
                ]
            )
            self.add(
                AdvancedTrackSelection,
                year=self.year,
                trainee_id=person.trainee_id,
                selected_on=max(date(self.year, 1, 1), today - timedelta(days=rng.randint(0, 60))),
                programme=where,
            )

        donated = 0
        donors = rng.sample(companies, 12)
        talents = (
            "현직자 AI 실무 특강 40시간",
            "모의 면접과 포트폴리오 멘토링",
            "프로젝트 코드 리뷰 멘토링 20시간",
            "GPU 실습 환경 운영 지원",
        )
        for number, (_, _, donor) in enumerate(donors):
            received_on = today - timedelta(days=rng.randint(0, 300))
            if number < 8:
                amount = rng.choice((5, 10, 20, 30, 50)) * 1_000_000
                donated += amount
                self.add(
                    FundDonation,
                    donor=donor,
                    kind=DonationKind.MONEY,
                    amount=amount,
                    description="발전 기금 기부",
                    received_on=received_on,
                )
            else:
                self.add(
                    FundDonation,
                    donor=donor,
                    kind=DonationKind.TALENT,
                    amount=None,
                    description=talents[number - 8],
                    received_on=received_on,
                )
        vulnerable = [p for p in self.people if p.vulnerable and p.completer]
        awarded = 0
        for person in rng.sample(vulnerable, min(len(vulnerable), max(1, round(40 * self.scale)))):
            amount = rng.choice((500_000, 1_000_000))
            if awarded + amount > donated:
                break
            awarded += amount
            self.add(
                Scholarship,
                trainee_id=person.trainee_id,
                amount=amount,
                awarded_on=today - timedelta(days=rng.randint(0, 200)),
                reason="취약계층 교육생 장학금 (발전 기금)",
            )

    def _internships(self, alliance_companies: list[tuple[int, AllianceKind, str]]) -> None:
        """All three programmes of the source; about 15% of completers are placed, every paid
        intern (E3) among them."""
        rng, fake = self.rng, self.fake

        def host(name: str, public: bool, member_id: int | None = None) -> int:
            return self.add(
                HostOrganisation, name=name, public_sector=public, alliance_member_id=member_id
            )

        companies = [host(name, False, member_id) for member_id, _, name in alliance_companies[:15]]
        companies += [host(fake.unique.company(), False) for _ in range(10)]
        public = [host(name, True) for name in PUBLIC_HOSTS]

        openings = []
        start = self.monday - timedelta(weeks=WEEKS_BACK)
        for month in range(26):  # a new intake each month, 18 months back to 7 months ahead
            index = start.month - 1 + month
            monday = _first_monday(date(start.year + index // 12, index % 12 + 1, 1))
            plan = [
                (InternshipProgramme.COMPANY_LINKED, rng.choice(companies),
                 rng.choice(COMPANY_TITLES), rng.randint(3, 6), 40),
            ]  # fmt: skip
            if month % 2 == 0:
                plan.append(
                    (InternshipProgramme.CITY_ADMIN_LINKED, rng.choice(public),
                     f"{rng.choice(CITY_ADMIN_TITLES)} (시정 연계)", 5, 40)
                )  # fmt: skip
            if month % 3 == 1:
                plan.append(
                    (InternshipProgramme.YOUTH_JOB_CAMP, rng.choice(companies + public),
                     rng.choice(CAMP_TITLES), 3, 30)
                )  # fmt: skip
            for programme, host_id, title, months, hours in plan:
                openings.append(
                    dict(host_id=host_id, programme=programme, title=title, starts_on=monday,
                         ends_on=monday + timedelta(days=30 * months - 3), seats=0, paid=True,
                         weekly_hours=hours)
                )  # fmt: skip

        today = self.today
        completers = [p for p in self.people if p.status == EnrolmentStatus.COMPLETED]
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
            placements.append(
                (opening, dict(trainee_id=person.trainee_id, starts_on=wanted, ends_on=ends_on,
                               paid=True, weekly_hours=opening["weekly_hours"], status=status))
            )  # fmt: skip
        for opening in openings:
            opening["seats"] += rng.randint(1, 4)  # seats left unfilled
            opening["id"] = self.add(InternshipOpening, **opening)
        for opening, placement in placements:
            self.add(InternshipPlacement, opening_id=opening["id"], **placement)
        self.summary.internship_placements = len(placements)

    def _insert(self) -> None:
        """Parents before children, in the order the foreign keys require."""
        models = {model.__table__: model for model in self.rows}
        for table in db.metadata.sorted_tables:
            if table in models and self.rows[models[table]]:
                db.session.execute(sa.insert(models[table]), self.rows[models[table]])

    def _marks(self) -> Iterator[dict]:
        """Mostly present; about 10% of trainees attend poorly (those who withdraw, a few who
        scrape through). Completers always meet their course's 80% rule, as completion requires.
        Marks exist for sessions before the load date only: today's sheets are still to mark
        (at the showcase campus's running cohort, the latest session's when no class is today)."""
        rng, today = self.rng, self.today
        running = self.showcase["running"]
        unmarked = max((d for _, d in running.sessions if d <= today), default=today)
        rules = AttendanceRules()
        number = 0
        cumulative = {
            name: [sum(chances[: i + 1]) for i in range(len(chances) - 1)]
            for name, chances in _PROFILES.items()
        }
        for person in self.people:
            if person.status == EnrolmentStatus.WITHDRAWN or person.fails_rule:
                profile = "poor"
            elif person.status == EnrolmentStatus.EARLY_EMPLOYED or person.showcase:
                profile = "good"
            else:
                roll = rng.random()
                profile = "borderline" if roll < 0.02 else "fair" if roll < 0.27 else "good"
            chances = cumulative[profile]
            cohort = person.cohort
            until = min(today, person.left_on) if person.left_on else today
            if cohort is running:
                until = min(until, unmarked)
            sessions = [s for s in cohort.sessions if s[1] < until]
            marks = [_MARKS[bisect(chances, rng.random())] for _ in sessions]
            held = len(cohort.sessions)
            if cohort.state != "ended":  # the rule over the sessions held so far
                held = sum(1 for _, day in cohort.sessions if day < until)
            if person.at_risk:
                # Two absences short of the most the course allows, none excused: at risk.
                allowed = len(cohort.sessions) - -(-80 * len(cohort.sessions) // 100)
                absences = min(len(marks), max(allowed - 2, 0))
                marks = [Mark.PRESENT] * len(marks)
                for i in range(absences):
                    marks[len(marks) - 1 - i * len(marks) // max(absences, 1)] = Mark.ABSENT
            elif not held:
                pass
            elif person.fails_rule:  # the completion rule, applied at the close, says no
                while meets_threshold(attendance_rate(Counter(marks), held, rules), rules):
                    marks[marks.index(Mark.PRESENT)] = Mark.ABSENT
            elif person.status in (
                EnrolmentStatus.COMPLETED,
                EnrolmentStatus.ENROLLED,
                EnrolmentStatus.NOT_COMPLETED,
            ):  # the last: overridden
                while not meets_threshold(attendance_rate(Counter(marks), held, rules), rules):
                    worst = Mark.ABSENT if Mark.ABSENT in marks else Mark.LATE
                    marks[marks.index(worst if worst in marks else Mark.EARLY_LEAVE)] = Mark.PRESENT
            recorder = person.cohort.lead_user_id
            for (session_id, held_on), mark in zip(sessions, marks, strict=True):
                number += 1
                yield dict(
                    id=number,
                    session_id=session_id,
                    enrolment_id=person.enrolment_id,
                    mark=mark,
                    recorded_by_id=recorder,
                    recorded_at=_at(held_on, 0, 30),
                )

    def _insert_attendance(self, batch: int = 50_000) -> int:
        """In batches: holding 300,000 row dicts at once costs more memory than time saved."""
        count = 0
        for rows in _batched(self._marks(), batch):
            db.session.execute(sa.insert(AttendanceMark), rows)
            count += len(rows)
        return count

    def _reset_sequences(self) -> None:
        """PostgreSQL's id sequences did not see the explicit ids: move them past the largest."""
        if db.session.get_bind().dialect.name != "postgresql":
            return
        quote = db.session.get_bind().dialect.identifier_preparer.quote
        models = [m for m, rows in self.rows.items() if rows] + [AttendanceMark]
        for model in models:
            table = quote(model.__tablename__)
            db.session.execute(
                sa.text(
                    f"SELECT setval(pg_get_serial_sequence(:table, 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                ),
                {"table": table},
            )

    def _summarise(self) -> DemoSummary:
        summary = self.summary
        summary.campuses = len(self.campuses)
        summary.classrooms = sum(len(c.rooms) for c in self.campuses)
        summary.courses = len(self.rows[Course])
        summary.cohorts = len(self.cohorts)
        summary.class_sessions = len(self.rows[ClassSession])
        summary.trainees = len(self.rows[Trainee])
        summary.enrolments = len(self.rows[Enrolment])
        summary.outcome_records = len(self.rows[OutcomeRecord])
        current: dict[int, dict] = {}
        for record in self.rows[OutcomeRecord]:  # the highest version is the current one
            if record["version"] > current.get(record["enrolment_id"], {}).get("version", 0):
                current[record["enrolment_id"]] = record
        summary.outcomes_by_code = dict(Counter(r["code"].value for r in current.values()))
        order = [Role.OFFICIAL, Role.ADMIN, Role.COORDINATOR, Role.INSTRUCTOR, Role.TRAINEE]
        summary.logins.sort(key=lambda login: order.index(Role(login[0])))
        return summary


def _first_monday(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7)


def _share(total: int, capacities: list[int]) -> list[int]:
    """Split `total` in proportion to capacities (largest remainder), never above a capacity."""
    whole = sum(capacities)
    if not whole:
        return [0] * len(capacities)
    exact = [total * c / whole for c in capacities]
    sizes = [int(x) for x in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: exact[i] - sizes[i], reverse=True)
    for i in by_remainder[: total - sum(sizes)]:
        sizes[i] += 1
    return sizes


def _batched(rows: Iterable[dict], size: int) -> Iterator[list[dict]]:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
