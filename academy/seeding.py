"""The builder of synthetic academies: the rows every demo domain adds to, and their loading.

Two uses share it: the dated demo (academy.demo) and the scale generator (academy.scale). Each
domain package keeps its own demo rows in its `demo` module (academy.cohorts.demo,
academy.outcomes.demo, ...), as functions of a `WorldBuilder`; this module holds what they
share: the row store with explicit ids, the campuses the reference data made, the cohorts and
people built so far, calendar helpers, and the bulk load (COPY on PostgreSQL, executemany
elsewhere). Rows are built in Python and inserted in bulk with explicit ids: one ORM object per
row would take minutes for the hundreds of thousands of attendance marks.
"""

import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import holidays
import sqlalchemy as sa
from faker import Faker

from academy import database
from academy.audit import purge_allowed
from academy.auth.passwords import hash_password
from academy.extensions import db
from academy.models import (
    AccessLog,
    AttendanceMark,
    Campus,
    CampusKind,
    Classroom,
    EnrolmentStatus,
    Level,
    OutcomeCode,
    Role,
    Tier,
    User,
    YearlyTarget,
)
from academy.reference import district_campus_name

DEMO_PASSWORD = "academy-demo-2025"
# One sign-in per role, printed by `make run`; every other demo account is numbered.
DEMO_LOGINS = {
    Role.OFFICIAL: "official@example.com",
    Role.COORDINATOR: "coordinator@example.com",
    Role.INSTRUCTOR: "instructor@example.com",
    Role.TRAINEE: "trainee@example.com",
    Role.ADMIN: "admin@example.com",
}
# The campus where the demo's logins meet.
SHOWCASE_CAMPUS = district_campus_name("종로구")

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


class DemoRefused(Exception):
    """The database already holds data that the demo would mix with or, with reset, delete."""


def delete_all_rows() -> None:
    """Children before parents. PostgreSQL gets one TRUNCATE instead: after deleting 300,000
    attendance marks, each deleted user costs a scan of their dead rows for the foreign key on
    the unindexed attendance_mark.recorded_by_id (16 s of 17 s measured)."""
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


def weekdays(first: date, last: date, closed: holidays.HolidayBase) -> list[date]:
    days, day = [], first
    while day <= last:
        if day.weekday() < 5 and day not in closed:
            days.append(day)
        day += timedelta(days=1)
    return days


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def at(day: date, hour: int = 1, minute: int = 0) -> datetime:
    """A naive UTC timestamp on a Seoul working day (01:00 UTC is 10:00 in Seoul)."""
    return datetime(day.year, day.month, day.day, hour, minute)


def round_to(amount: float, unit: int = 10_000) -> int:
    return int(round(amount / unit)) * unit


def first_monday(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7)


def share(total: int, capacities: list[int]) -> list[int]:
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


def batched(rows: Iterable, size: int) -> Iterator[list]:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass
class SeedCampus:
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
class SeedCohort:
    id: int
    campus: SeedCampus
    level: Level
    starts_on: date
    ends_on: date
    sessions: list[tuple[int, date]] = field(default_factory=list)  # (session id, held on)
    closed_on: date | None = None
    size: int = 0  # places taken; the waitlist comes on top
    waitlisted: int = 0
    lead_user_id: int | None = None
    state: str = "ended"  # on the load date: "ended", "running" or "coming"

    @property
    def open(self) -> bool:
        return self.closed_on is None


@dataclass
class SeedPerson:
    trainee_id: int
    user_id: int
    enrolment_id: int
    cohort: SeedCohort
    status: EnrolmentStatus
    left_on: date | None
    employed_at_start: bool
    birth_date: date
    vulnerable: bool = False
    showcase: bool = False
    fails_rule: bool = False  # attends too little to complete (미수료 at the close)
    at_risk: bool = False  # in a running cohort, a few absences short of failing the rule
    outcome: OutcomeCode | None = None  # the current code, if a row exists
    job_starts_on: date | None = None

    @property
    def completer(self) -> bool:
        return self.status in (EnrolmentStatus.COMPLETED, EnrolmentStatus.EARLY_EMPLOYED)


def read_campuses() -> list[SeedCampus]:
    """The district and big-tech campuses that have classrooms, districts first in the
    order of DISTRICT_CODES."""
    rooms = defaultdict(list)
    for room in db.session.scalars(sa.select(Classroom).order_by(Classroom.name)):
        rooms[room.campus_id].append((room.id, room.seats))
    campuses = [
        SeedCampus(c.id, c.name, c.kind, c.district, c.tier, c.partner_company, rooms[c.id])
        for c in db.session.scalars(
            sa.select(Campus).where(Campus.kind.in_([CampusKind.DISTRICT, CampusKind.BIGTECH]))
        )
    ]
    order = list(DISTRICT_CODES)
    campuses.sort(key=lambda c: (c.kind != CampusKind.DISTRICT, order.index(c.district)))
    return [c for c in campuses if c.rooms]


class WorldBuilder:
    """Every row as a dict with an explicit id, in `rows` by model, until `insert` loads them.

    `today` is the day the data is as of: nothing is recorded after it, only planned. The domain
    functions draw from the one `rng` in a fixed order, so the same seed gives the same data.
    """

    def __init__(self, seed: int, today: date, holiday_years: range, scale: float = 1.0) -> None:
        self.seed = seed
        self.today = today
        self.monday = today - timedelta(days=today.weekday())
        self.scale = scale  # the dated demo's multiplier of its yearly trainees
        self.rng = random.Random(seed)
        self.fake = Faker("ko_KR")
        self.fake.seed_instance(seed)
        self.closed = holidays.KR(years=holiday_years)
        self.password_hash = hash_password(DEMO_PASSWORD)  # argon2 is slow: hash once, reuse
        self.person_name: Callable[[], str] = self.fake.name
        self.company_name: Callable[[], str] = self.fake.company
        self.companies: list[str] = []  # the pool of company names, with use_name_pools
        self.rows: dict[type, list[dict]] = defaultdict(list)
        self.campuses: list[SeedCampus] = read_campuses()
        self.cohorts: list[SeedCohort] = []
        self.people: list[SeedPerson] = []
        # The showcase campus's cohorts its logins meet, by role (academy.cohorts.demo).
        self.showcase: dict[str, SeedCohort] = {}

    def use_name_pools(self, names: int = 3000, companies: int = 400) -> None:
        """Faker is slow per call; pools of names are as synthetic and 50 times faster."""
        pool = [self.fake.name() for _ in range(names)]
        self.companies = sorted({self.fake.company() for _ in range(companies)})
        self.person_name = lambda: self.rng.choice(pool)
        self.company_name = lambda: self.rng.choice(self.companies)

    def add(self, model: type, **values) -> int:
        values["id"] = len(self.rows[model]) + 1
        self.rows[model].append(values)
        return values["id"]

    def user(
        self,
        email: str,
        role: Role,
        campus_id: int | None = None,
        password_hash: str | None = None,
        name: str | None = None,
    ) -> int:
        return self.add(
            User,
            email=email,
            name=name if name is not None else self.person_name(),
            role=role,
            campus_id=campus_id,
            password_hash=password_hash,
            active=True,
            session_version=1,
            totp_secret=None,
            totp_enrolled_at=None,
        )

    def insert(self, marks: Iterable[tuple]) -> int:
        """Every table in foreign-key order, the attendance marks (tuples in MARK_COLUMNS
        order, streamed) with their constraints deferred; returns how many marks."""
        count = 0
        for table in db.metadata.sorted_tables:
            model = next((m for m in self.rows if m.__table__ is table), None)
            if model is not None:
                _bulk_insert(table, self.rows[model])
            elif table is AttendanceMark.__table__:
                with _constraints_deferred(table):
                    count = _bulk_insert(table, marks)
        _reset_sequences([*self.rows, AttendanceMark])
        return count


MARK_COLUMNS = ("id", "session_id", "enrolment_id", "mark", "recorded_by_id", "recorded_at")


def _bulk_insert(table: sa.Table, rows: Iterable) -> int:
    """COPY on PostgreSQL; executemany in batches elsewhere. `rows` are dicts, or tuples in
    the attendance mark's column order. No listener is told: the loaders count the facts of
    every cohort once they are done."""
    if isinstance(rows, list):
        if not rows:
            return 0
        names, tuples = database.complete_rows(table, rows)
    else:
        names, tuples = list(MARK_COLUMNS), rows
    return database.copy_rows(db.session, table, names, tuples)


@contextmanager
def _constraints_deferred(table: sa.Table) -> Iterator[None]:
    """On PostgreSQL, load the table without its foreign keys, unique constraints and indexes,
    then put them back: one check and one sorted index build beat millions of row-by-row ones
    (PostgreSQL manual, "Populating a Database": 63 s → 13 s for 850,000 marks measured here).
    The definitions come from the catalogue, so they come back exactly as they were, in the
    same transaction."""
    session = db.session
    if session.get_bind().dialect.name != "postgresql":
        yield
        return
    name = session.get_bind().dialect.identifier_preparer.quote(table.name)
    constraints = session.execute(
        sa.text(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = CAST(:t AS regclass) AND contype IN ('f', 'u') ORDER BY contype DESC"
        ),
        {"t": name},
    ).all()
    indexes = session.execute(
        sa.text(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid "
            "WHERE x.indrelid = CAST(:t AS regclass) AND NOT x.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)"
        ),
        {"t": name},
    ).all()
    for constraint, _ in constraints:
        session.execute(sa.text(f'ALTER TABLE {name} DROP CONSTRAINT "{constraint}"'))
    for index, _ in indexes:
        session.execute(sa.text(f'DROP INDEX "{index}"'))
    yield
    session.execute(sa.text("SET LOCAL maintenance_work_mem = '256MB'"))
    for _, definition in indexes:
        session.execute(sa.text(definition))
    for constraint, definition in reversed(constraints):  # unique ones before foreign keys
        session.execute(sa.text(f'ALTER TABLE {name} ADD CONSTRAINT "{constraint}" {definition}'))


def _reset_sequences(models: list[type]) -> None:
    """PostgreSQL's id sequences did not see the explicit ids: move them past the largest."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    quote = db.session.get_bind().dialect.identifier_preparer.quote
    for model in models:
        table = quote(model.__tablename__)
        db.session.execute(
            sa.text(
                f"SELECT setval(pg_get_serial_sequence(:table, 'id'), "
                f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
            ),
            {"table": table},
        )
