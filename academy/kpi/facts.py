"""Each cohort's KPI facts, kept up to date by every write, so that today's figures sum one row
per cohort instead of classifying every person of the year (academy.models.CohortKpiFacts).

The facts are the engine's own counts (academy.kpi.engine.cohort_counts): nothing here counts
people another way. They are refreshed in the transaction that changes what they are made of:

- every change made through the session (enrolments, cancellations, withdrawals, closing a
  cohort, outcome statements and decisions, internships, quality rules) is noticed by a hook on
  the session, which refreshes the touched cohorts just before the commit. A hook rather than a
  call in each service: a write path added later cannot forget it, and an ORM bulk statement
  (the roster import's INSERT, a verification's conditional UPDATE) is noticed too;
- loads that bypass the session (the demo, the scale generator, a restore) refresh every cohort
  themselves before they commit.

Dates: the facts hold as of the day they were counted and on every later day until something
dated later comes into force (a job or an internship starting, a statement recorded, verified
or sent back after that day); `valid_until` is that day. A cohort whose facts are missing or
past it is counted by the engine on the spot, so a figure is never stale, only slower; the
nightly task (academy.jobs.queue) counts those cohorts again just after midnight in Seoul.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from importlib import import_module
from operator import itemgetter
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from academy import database
from academy.clock import SEOUL, seoul_today
from academy.kpi import engine
from academy.kpi.definitions import OutcomeCounts
from academy.kpi.sql import end_of_day_utc
from academy.models import (
    NEVER_STARTED,
    Campus,
    Cohort,
    CohortKpiFacts,
    Enrolment,
    InternshipPlacement,
    OutcomeRecord,
    QualityRule,
    utcnow,
)

FACTS = CohortKpiFacts.__table__
COUNT_COLUMNS = (*engine.COUNT_COLUMNS, "internship_started", "rostered")
MOMENT_COLUMNS = ("recorded_at", "verified_at", "enrolled_at")
BATCH = 500  # cohorts counted per statement when many are refreshed at once
ADVISORY_NAMESPACE = 20_014  # pg_advisory_xact_lock(namespace, cohort id)
ADVISORY_LIMIT = 200  # above this many cohorts, one table lock instead of a lock per cohort


def _code_fingerprint() -> str:
    """The counting code's fingerprint: the modules the counts come from. Facts written by
    other code (before a release, or by a server of the other version during a rolling
    deploy) do not hold: those cohorts are counted by this code's engine until the worker
    counts them again (the nightly task, or the one the worker queues when it starts)."""
    digest = hashlib.sha256()
    for name in ("definitions", "engine", "rules", "sql"):
        digest.update(Path(import_module(f"academy.kpi.{name}").__file__).read_bytes())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()[:16]


COUNTED_BY = _code_fingerprint()


@dataclass(frozen=True)
class Facts:
    """One cohort's stored counts, as the engine gave them."""

    counts: engine.CohortCounts
    rostered: int
    as_of: date
    valid_until: date | None
    counted_by: str | None = COUNTED_BY

    def hold_on(self, day: date) -> bool:
        return (
            self.counted_by == COUNTED_BY
            and self.as_of <= day
            and (self.valid_until is None or day < self.valid_until)
        )


def _seoul_date(moment) -> date:
    moment = engine._as_datetime(moment)
    return moment.replace(tzinfo=UTC).astimezone(SEOUL).date()


def rosters(session: Session, cohort_ids: Iterable[int]) -> dict[int, int]:
    """Places on each cohort's roster (the waitlist and cancelled places not): whatever the date."""
    ids = sorted(set(cohort_ids))
    found = dict.fromkeys(ids, 0)
    for start in range(0, len(ids), BATCH):
        query = (
            sa.select(Enrolment.cohort_id, sa.func.count(Enrolment.id))
            .where(Enrolment.cohort_id.in_(ids[start : start + BATCH]))
            .where(Enrolment.status.not_in(NEVER_STARTED))
            .group_by(Enrolment.cohort_id)
        )
        found.update({cohort_id: int(n) for cohort_id, n in session.execute(query)})
    return found


def valid_until(session: Session, cohort_ids: list[int], as_of: date) -> dict[int, date | None]:
    """Per cohort, the first day after `as_of` on which the engine may count differently on the
    same data: a job or an internship starts, or a statement recorded, verified or sent back
    after `as_of` comes into force. None when there is no such day."""
    moment = end_of_day_utc(as_of)
    found: dict[int, date | None] = dict.fromkeys(cohort_ids)

    def keep(cohort_id: int, day: date | None) -> None:
        if day is not None and (found[cohort_id] is None or day < found[cohort_id]):
            found[cohort_id] = day

    def later(column):
        return sa.func.min(sa.case((column >= moment, column)))

    outcomes = (
        sa.select(
            Enrolment.cohort_id,
            sa.func.min(sa.case((OutcomeRecord.starts_on > as_of, OutcomeRecord.starts_on))),
            later(OutcomeRecord.created_at),
            later(OutcomeRecord.verified_at),
            later(OutcomeRecord.returned_at),
        )
        .join(Enrolment, Enrolment.id == OutcomeRecord.enrolment_id)
        .where(Enrolment.cohort_id.in_(cohort_ids))
        .group_by(Enrolment.cohort_id)
    )
    for cohort_id, starts_on, *moments in session.execute(outcomes):
        keep(cohort_id, engine._as_date(starts_on))
        for m in moments:
            keep(cohort_id, _seoul_date(m) if m is not None else None)
    internships = (
        sa.select(Enrolment.cohort_id, sa.func.min(InternshipPlacement.starts_on))
        .join(InternshipPlacement, InternshipPlacement.trainee_id == Enrolment.trainee_id)
        .where(Enrolment.cohort_id.in_(cohort_ids))
        .where(InternshipPlacement.starts_on > as_of)
        .group_by(Enrolment.cohort_id)
    )
    for cohort_id, starts_on in session.execute(internships):
        keep(cohort_id, engine._as_date(starts_on))
    return found


def compute(
    session: Session, cohort_ids: Iterable[int], as_of: date, rules=None
) -> dict[int, Facts]:
    """What the facts of these cohorts are as of `as_of`, by the engine (nothing is written)."""
    rules = rules or engine.load_quality_rules(session)
    ids = sorted(set(cohort_ids))
    result: dict[int, Facts] = {}
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        counts = engine.cohort_counts(session, batch, as_of, rules)
        roster = rosters(session, batch)
        until = valid_until(session, batch, as_of)
        for cohort_id in batch:
            result[cohort_id] = Facts(counts[cohort_id], roster[cohort_id], as_of, until[cohort_id])
    return result


def _row(cohort_id: int, facts: Facts, now: datetime) -> dict:
    c = facts.counts
    return {
        "cohort_id": cohort_id,
        "as_of": facts.as_of,
        "valid_until": facts.valid_until,
        **{name: getattr(c.counts, name) for name in engine.COUNT_COLUMNS},
        "internship_started": c.internship_started,
        "rostered": facts.rostered,
        "recorded_at": c.recorded_at,
        "verified_at": c.verified_at,
        "enrolled_at": c.enrolled_at,
        "computed_at": now,
        "counted_by": COUNTED_BY,
    }


def _lock(session: Session, ids: list[int]) -> None:
    """Writers refresh a cohort one after the other, each counting after the previous one has
    committed (READ COMMITTED reads afresh per statement): two simultaneous writes to a cohort
    cannot leave the facts of only one of them. A large refresh locks out every other refresh.
    SQLite has one writer at a time already."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return
    if len(ids) > ADVISORY_LIMIT:
        connection.exec_driver_sql("LOCK TABLE cohort_kpi_facts IN SHARE ROW EXCLUSIVE MODE")
        return
    connection.exec_driver_sql("LOCK TABLE cohort_kpi_facts IN ROW EXCLUSIVE MODE")
    connection.execute(
        sa.text(
            "SELECT count(pg_advisory_xact_lock(:namespace, i)) "
            "FROM (SELECT unnest(CAST(:ids AS integer[])) AS i ORDER BY 1) AS sorted"
        ),
        {"namespace": ADVISORY_NAMESPACE, "ids": ids},
    )


def refresh_cohort_facts(
    session: Session, cohort_ids: Iterable[int], as_of: date | None = None
) -> int:
    """Count these cohorts again through the engine and store their facts, in the session's
    transaction (the caller commits). Ids of cohorts that no longer exist are skipped."""
    wanted = sorted(set(cohort_ids))
    if not wanted:
        return 0
    _lock(session, wanted)
    existing = []
    for start in range(0, len(wanted), BATCH):
        existing += session.scalars(
            sa.select(Cohort.id).where(Cohort.id.in_(wanted[start : start + BATCH]))
        ).all()
    as_of = as_of or seoul_today()
    rules = engine.load_quality_rules(session)
    now = utcnow()
    for start in range(0, len(existing), BATCH):
        batch = existing[start : start + BATCH]
        rows = [_row(i, f, now) for i, f in compute(session, batch, as_of, rules).items()]
        _upsert(session, rows)
    return len(existing)


def _upsert(session: Session, rows: list[dict]) -> None:
    if not rows:
        return
    dialect = session.connection().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(FACTS)
    updated = {c.name: statement.excluded[c.name] for c in FACTS.c if c.name != "cohort_id"}
    # A row whose facts did not change is left alone (no dead row, the same computed_at).
    changed = sa.or_(
        *(
            FACTS.c[name].is_distinct_from(value)
            for name, value in updated.items()
            if name != "computed_at"
        )
    )
    session.execute(
        statement.on_conflict_do_update(index_elements=["cohort_id"], set_=updated, where=changed),
        rows,
    )


def refresh_all(session: Session, as_of: date | None = None) -> int:
    """Every cohort counted again (after a bulk load or a restore); the caller commits."""
    session.flush()
    session.info.pop(TOUCHED, None)  # every cohort covers them
    return refresh_cohort_facts(session, session.scalars(sa.select(Cohort.id)).all(), as_of)


def forget_all(session: Session) -> int:
    """Drop every cohort's facts in the caller's transaction, for a change that may move any
    cohort's counts (a quality rule). Counting them all again took 39 s at 250,000 trainees,
    too long for the official's request: until they are counted again (refresh_stale, which
    the queue runs after the commit, or the nightly task), today's figures count those cohorts
    through the engine, exact and slower. The table lock is the one a large refresh takes, so a
    refresh running meanwhile either commits first (and its rows go) or waits and then counts
    under the new rule: none stores counts made under the old one."""
    session.info.pop(TOUCHED, None)  # every cohort covers them
    if session.connection().dialect.name == "postgresql":
        session.connection().exec_driver_sql(
            "LOCK TABLE cohort_kpi_facts IN SHARE ROW EXCLUSIVE MODE"
        )
    return session.execute(sa.delete(FACTS)).rowcount


def stale_cohorts(session: Session, day: date) -> list[int]:
    """Cohorts whose facts are missing or do not hold on `day`."""
    query = (
        sa.select(Cohort.id)
        .outerjoin(FACTS, FACTS.c.cohort_id == Cohort.id)
        .where(
            sa.or_(
                FACTS.c.cohort_id.is_(None),
                FACTS.c.counted_by.is_distinct_from(COUNTED_BY),
                FACTS.c.as_of > day,
                FACTS.c.valid_until <= day,
            )
        )
        .order_by(Cohort.id)
    )
    return list(session.scalars(query))


def refresh_stale(session: Session, day: date | None = None) -> int:
    """Count again the cohorts whose facts are missing or no longer hold, committing per batch
    so that a long refresh does not hold back the writers."""
    day = day or seoul_today()
    ids = stale_cohorts(session, day)
    for start in range(0, len(ids), BATCH):
        refresh_cohort_facts(session, ids[start : start + BATCH], day)
        session.commit()
    return len(ids)


def _stored(row) -> Facts:
    m = row._mapping
    return Facts(
        counts=engine.CohortCounts.from_row(m),
        rostered=int(m["rostered"]),
        as_of=engine._as_date(m["as_of"]),
        valid_until=engine._as_date(m["valid_until"]),
        counted_by=m["counted_by"],
    )


class _HeldCounts:
    """A facts row's counts if they hold on the day, else None; read by position (a dashboard
    reads hundreds of rows, and twenty lookups by name per row cost more than its SQL)."""

    def __init__(self, keys, day: date):
        at = list(keys).index
        self.day = day
        self.cohort, self.as_of, self.valid_until, self.counted_by = (
            at("cohort_id"),
            at("as_of"),
            at("valid_until"),
            at("counted_by"),
        )
        self.internship = at("internship_started")
        self.counts = itemgetter(*(at(name) for name in engine.COUNT_COLUMNS))
        self.moments = itemgetter(*(at(name) for name in MOMENT_COLUMNS))

    def __call__(self, row) -> engine.CohortCounts | None:
        if row[self.cohort] is None or row[self.counted_by] != COUNTED_BY:
            return None
        as_of, until = engine._as_date(row[self.as_of]), engine._as_date(row[self.valid_until])
        if as_of > self.day or (until is not None and self.day >= until):
            return None
        recorded, verified, enrolled = map(engine._as_datetime, self.moments(row))
        return engine.CohortCounts(
            OutcomeCounts(*self.counts(row)), row[self.internship], recorded, verified, enrolled
        )


@dataclass
class Difference:
    cohort_id: int
    code: str
    fields: dict[str, tuple[object, object]] = field(default_factory=dict)  # stored, counted


def check(session: Session, day: date | None = None) -> tuple[list[Difference], list[int]]:
    """Every cohort counted by the engine as of `day` and compared with its stored facts:
    the cohorts whose facts hold on `day` and differ, and those without facts that hold."""
    day = day or seoul_today()
    stored = {
        row.cohort_id: (row.code, _stored(row))
        for row in session.execute(
            sa.select(FACTS, Cohort.code).join(Cohort, Cohort.id == FACTS.c.cohort_id)
        )
    }
    all_ids = list(session.scalars(sa.select(Cohort.id).order_by(Cohort.id)))
    counted = compute(session, all_ids, day)
    differences, missing = [], []
    for cohort_id in all_ids:
        if cohort_id not in stored or not stored[cohort_id][1].hold_on(day):
            missing.append(cohort_id)
            continue
        code, facts = stored[cohort_id]
        expected = counted[cohort_id]
        found = _comparable(facts)
        wanted = _comparable(expected)
        fields_ = {k: (found[k], wanted[k]) for k in found if found[k] != wanted[k]}
        if fields_:
            differences.append(Difference(cohort_id, code, fields_))
    return differences, missing


def _comparable(facts: Facts) -> dict[str, object]:
    c = facts.counts
    return {
        **{name: getattr(c.counts, name) for name in engine.COUNT_COLUMNS},
        "internship_started": c.internship_started,
        "rostered": facts.rostered,
        "recorded_at": c.recorded_at,
        "verified_at": c.verified_at,
        "enrolled_at": c.enrolled_at,
        "valid_until": facts.valid_until,
    }


def cohort_outcomes(
    session: Session,
    year: int,
    as_of: date,
    rules,
    scope: engine.Scope = engine.CITY,
) -> engine.Snapshot:
    """The engine's snapshot of the year's cohorts; today's sums the stored facts of each cohort
    whose facts hold today and counts only the others through the engine."""
    if as_of != seoul_today():
        return engine.cohort_outcomes(session, year, as_of, rules, scope)
    first, last = engine.year_bounds(year)
    query = engine.cohort_details(sa.select(FACTS), Cohort.ends_on.between(first, last))
    query = scope.where(query.outerjoin(FACTS, FACTS.c.cohort_id == Cohort.id))
    result = session.execute(query)
    read = _HeldCounts(result.keys(), as_of)
    rows = result.all()
    held = {row.id: counts for row in rows if (counts := read(row)) is not None}
    missing = [row.id for row in rows if row.id not in held]
    held.update(engine.cohort_counts(session, missing, as_of, rules))
    details = engine.detail_reader(result.keys())
    cohorts = [engine.cohort_outcome(details(row), as_of, held[row.id]) for row in rows]
    return engine.snapshot(year, as_of, scope, cohorts)


def yearly_enrolled(
    session: Session, years: Iterable[int], scope: engine.Scope = engine.CITY
) -> dict[int, int]:
    """engine.yearly_enrolled from each cohort's stored roster count (it does not depend on the
    date), counting the rosters of cohorts without facts."""
    years = list(years)
    year = sa.extract("year", Cohort.ends_on)
    query = (
        sa.select(Cohort.id, year, FACTS.c.rostered)
        .outerjoin(FACTS, FACTS.c.cohort_id == Cohort.id)
        .where(Cohort.ends_on.between(date(min(years), 1, 1), date(max(years), 12, 31)))
    )
    if not scope.is_city:
        query = scope.where(query.join(Campus, Campus.id == Cohort.campus_id))
    rows = session.execute(query).all()
    counted = rosters(session, [cohort_id for cohort_id, _, n in rows if n is None])
    found = dict.fromkeys(years, 0)
    for cohort_id, y, n in rows:
        found[int(y)] += n if n is not None else counted[cohort_id]
    return found


# The session hook: which cohorts a transaction touched, refreshed just before it commits.

TOUCHED = "kpi_facts_touched"


@dataclass
class _Touched:
    cohorts: set[int] = field(default_factory=set)
    enrolments: set[int] = field(default_factory=set)
    trainees: set[int] = field(default_factory=set)
    every_cohort: bool = False

    def __bool__(self) -> bool:
        return bool(self.cohorts or self.enrolments or self.trainees or self.every_cohort)


def _touched(session: Session) -> _Touched:
    return session.info.setdefault(TOUCHED, _Touched())


def touch(session: Session, cohort_ids: Iterable[int]) -> None:
    """Have these cohorts' facts refreshed when the session commits."""
    _touched(session).cohorts.update(cohort_ids)


def _old_and_new(obj, attribute: str) -> set:
    history = sa.inspect(obj).attrs[attribute].history
    values = {getattr(obj, attribute)} | set(history.deleted or ())
    return {v for v in values if v is not None}


@event.listens_for(Session, "after_flush")
def _note_changes(session: Session, _context) -> None:
    changed = [*session.new, *session.dirty, *session.deleted]
    if not changed:
        return
    touched = _touched(session)
    for obj in changed:
        if isinstance(obj, Enrolment):
            touched.cohorts |= _old_and_new(obj, "cohort_id")
        elif isinstance(obj, OutcomeRecord):
            touched.enrolments |= _old_and_new(obj, "enrolment_id")
        elif isinstance(obj, InternshipPlacement):
            touched.trainees |= _old_and_new(obj, "trainee_id")
        elif isinstance(obj, Cohort) and obj not in session.deleted:
            touched.cohorts.add(obj.id)
        elif isinstance(obj, QualityRule):
            touched.every_cohort = True


_KEYS = {Enrolment: "cohort_id", OutcomeRecord: "enrolment_id", InternshipPlacement: "trainee_id"}


@event.listens_for(Session, "do_orm_execute")
def _note_statements(state) -> None:
    """ORM bulk statements bypass the flush: an INSERT names its rows' keys; an UPDATE or a
    DELETE is read first for the rows it will change."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    mapper = state.bind_mapper
    model = mapper.class_ if mapper is not None else None
    if model is QualityRule:
        _touched(state.session).every_cohort = True
        return
    if model not in _KEYS:
        return
    key = _KEYS[model]
    touched = _touched(state.session)
    target = {
        "cohort_id": touched.cohorts,
        "enrolment_id": touched.enrolments,
        "trainee_id": touched.trainees,
    }
    if state.is_insert:
        params = state.parameters
        rows = params if isinstance(params, list) else [params or state.statement.compile().params]
        _note_rows(touched, rows)
        return
    whereclause = state.statement.whereclause
    column = getattr(model, key)
    query = sa.select(column).distinct()
    if whereclause is not None:
        query = query.where(whereclause)
    elif isinstance(state.parameters, list):  # a bulk UPDATE by primary key
        query = query.where(model.id.in_([row["id"] for row in state.parameters if "id" in row]))
        target[key].update(row[key] for row in state.parameters if row.get(key) is not None)
    target[key].update(v for v in state.session.execute(query).scalars() if v is not None)
    moved = state.statement.compile().params.get(key) if state.is_update else None
    if moved is not None:
        target[key].add(moved)


def _note_rows(touched: _Touched, rows: list[dict]) -> None:
    target = {
        "cohort_id": touched.cohorts,
        "enrolment_id": touched.enrolments,
        "trainee_id": touched.trainees,
    }
    for row in rows:
        for name, values in target.items():
            if row.get(name) is not None:
                values.add(row[name])


@database.after_bulk_insert
def _note_bulk_insert(session: Session, table: sa.Table, rows: list[dict]) -> None:
    """Rows written by academy.database.bulk_insert (COPY) pass no ORM event."""
    if table in {model.__table__ for model in _KEYS}:
        _note_rows(_touched(session), rows)


@event.listens_for(Session, "before_commit")
def _refresh_touched(session: Session) -> None:
    session.flush()  # what is still pending is noted by the flush
    touched = session.info.pop(TOUCHED, None)
    if not touched:
        return
    if touched.every_cohort:
        forget_all(session)
        return
    ids = set(touched.cohorts)
    if touched.enrolments:
        ids.update(
            session.scalars(
                sa.select(Enrolment.cohort_id).where(Enrolment.id.in_(touched.enrolments))
            )
        )
    if touched.trainees:
        ids.update(
            session.scalars(
                sa.select(Enrolment.cohort_id).where(Enrolment.trainee_id.in_(touched.trainees))
            )
        )
    refresh_cohort_facts(session, ids)


@event.listens_for(Session, "after_rollback")
def _forget_touched(session: Session) -> None:
    session.info.pop(TOUCHED, None)
