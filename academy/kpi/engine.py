"""The KPI queries: each reads the database once, grouped, and hands plain counts to the pure
definitions (academy.kpi.definitions). Every page, report, export, API and CLI calls these.

A query costs the same whatever the number of trainees: the people of a year are classified and
counted per cohort in one statement, and a campus, a tier, a kind or the city is a sum of cohorts.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from datetime import date, datetime
from functools import cached_property
from operator import itemgetter

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from academy.kpi.certifications import AttemptCounts, pass_rate
from academy.kpi.definitions import (
    Figures,
    Maturity,
    OutcomeCounts,
    Rate,
    cohort_maturity,
    figures,
    ratio,
)
from academy.kpi.rules import EARLY_SIGNAL_DAYS, OUTCOME_DAYS, QualityRules, YearRule, quality_rules
from academy.kpi.sql import days_between, end_of_day_utc, flag, within
from academy.kpi.subsidies import SubsidyTotals, budget_use, cost_per_pass
from academy.models import (
    NEVER_STARTED,
    NON_COMPLETERS,
    AdvancedTrackSelection,
    AllianceKind,
    AllianceMember,
    Campus,
    CampusKind,
    Certification,
    CertificationKind,
    ClaimStatus,
    Cohort,
    Course,
    DonationKind,
    Enrolment,
    EnrolmentStatus,
    ExamAttempt,
    ExamResult,
    FundDonation,
    InternshipOpening,
    InternshipPlacement,
    InternshipProgramme,
    Level,
    OutcomeCode,
    OutcomeRecord,
    PlacementStatus,
    QualityRule,
    Scholarship,
    SubsidyClaim,
    SubsidyProgramme,
    Tier,
    Verification,
)

EMPLOYED_CODES = [c for c in OutcomeCode if c.is_employed]
PENDING = [Verification.SELF_REPORTED, Verification.EVIDENCE_ATTACHED]
COMPLETED = [EnrolmentStatus.COMPLETED, EnrolmentStatus.EARLY_EMPLOYED]
STARTED_INTERNSHIP = [PlacementStatus.ONGOING, PlacementStatus.COMPLETED]


def year_bounds(year: int) -> tuple[date, date]:
    """A cohort's figures belong to the year of its end date."""
    return date(year, 1, 1), date(year, 12, 31)


@dataclass(frozen=True)
class Scope:
    """Which cohorts: all (the city), one campus, a tier, a kind, or where these meet."""

    campus_id: int | None = None
    tier: Tier | None = None
    kind: CampusKind | None = None

    def where(self, query: sa.Select) -> sa.Select:
        """Narrow a query that joins Campus to this scope."""
        if self.campus_id is not None:
            query = query.where(Campus.id == self.campus_id)
        if self.tier is not None:
            query = query.where(Campus.tier == self.tier.value)
        if self.kind is not None:
            query = query.where(Campus.kind == self.kind)
        return query

    @property
    def is_city(self) -> bool:
        return self.campus_id is None and self.tier is None and self.kind is None


CITY = Scope()


def load_quality_rules(session: Session) -> QualityRules:
    """The defaults with the city's settings laid over them."""
    rows = session.scalars(sa.select(QualityRule))
    return quality_rules(
        {
            r.year: YearRule(r.monthly_pay_floor, r.min_weekly_hours, r.min_contract_months)
            for r in rows
        }
    )


@dataclass(frozen=True)
class CohortOutcome:
    """One cohort of the year with its counted people."""

    cohort_id: int
    code: str
    campus_id: int
    campus_name: str
    campus_tier: Tier
    campus_kind: CampusKind
    course_name: str
    level: Level
    starts_on: date
    ends_on: date
    capacity: int
    counts: OutcomeCounts
    internship_started: int
    maturity: Maturity
    newest: datetime | None = None  # the latest enrolment or outcome its counts read

    @property
    def figures(self) -> Figures:
        return figures([(self.counts, self.maturity)])


@dataclass(frozen=True)
class Snapshot:
    """The year's cohorts in a scope, as of a date: the one source of every outcome figure."""

    year: int
    as_of: date
    scope: Scope
    cohorts: list[CohortOutcome]
    newest_record: datetime | None = None  # the latest enrolment or outcome the figures read

    def figures(self, keep: Callable[[CohortOutcome], bool] | None = None) -> Figures:
        if keep is None:
            return self.headline
        return figures((c.counts, c.maturity) for c in self.cohorts if keep(c))

    @cached_property
    def headline(self) -> Figures:
        return figures((c.counts, c.maturity) for c in self.cohorts)

    def grouped(self, key: Callable[[CohortOutcome], object]) -> dict[object, Figures]:
        groups: dict[object, list[CohortOutcome]] = defaultdict(list)
        for c in self.cohorts:
            groups[key(c)].append(c)
        return {k: figures((c.counts, c.maturity) for c in v) for k, v in groups.items()}

    def by_campus(self) -> dict[int, Figures]:
        return self._by_campus

    @cached_property
    def _by_campus(self) -> dict[int, Figures]:
        return self.grouped(lambda c: c.campus_id)

    def by_tier(self) -> dict[Tier, Figures]:
        return self._by_tier

    @cached_property
    def _by_tier(self) -> dict[Tier, Figures]:
        """District campuses by size tier, as in the source's table."""
        return {
            tier: self.figures(
                lambda c, t=tier: c.campus_kind == CampusKind.DISTRICT and c.campus_tier == t
            )
            for tier in Tier
        }

    def by_kind(self) -> dict[CampusKind, Figures]:
        return {kind: self.figures(lambda c, k=kind: c.campus_kind == k) for kind in CampusKind}

    @property
    def internship_started(self) -> int:
        return sum(c.internship_started for c in self.cohorts)

    def internship_placement(self) -> Rate:
        """Completers who started an internship ÷ completers."""
        return ratio(self.internship_started, self.figures().counts.completers)


def _by_period(rules: QualityRules, starts_on, attribute: str):
    """The rule's value for the year the job started, as a SQL CASE over the start date."""
    periods = rules.periods()
    if len(periods) == 1:
        return sa.literal(getattr(periods[0][1], attribute))
    whens = [
        (starts_on < periods[i + 1][0], getattr(rule, attribute))
        for i, (_, rule) in enumerate(periods[:-1])
    ]
    return sa.case(*whens, else_=getattr(periods[-1][1], attribute))


def cohort_outcomes(
    session: Session,
    year: int,
    as_of: date,
    rules: QualityRules,
    scope: Scope = CITY,
) -> Snapshot:
    """Every person of the year's cohorts classified by the definitions, counted per cohort.

    As of a date: each job counts in its version recorded by the end of that day (Seoul), as
    verified only if it was verified by then, as pending if it was sent back only later; a job
    counts once it has started by that day. A person is employed when any of their jobs started
    inside the window, whatever they reported later; quality is judged on the best such job.
    Cancelled places (취소) are counted on their own line, outside enrolled; people who started
    and did not complete (미수료) have their jobs counted on their own line, in no rate.
    """
    first, last = year_bounds(year)
    in_year = Cohort.ends_on.between(first, last)
    people = _people(as_of, end_of_day_utc(as_of), rules, in_year)
    if not scope.is_city:
        people = scope.where(people.join(Campus, Campus.id == Cohort.campus_id))
    per_cohort = _per_cohort(people.subquery("people")).subquery("per_cohort")
    query = cohort_details(sa.select(*per_cohort.c), in_year).outerjoin(
        per_cohort, per_cohort.c.cohort_id == Cohort.id
    )
    result = session.execute(scope.where(query))
    details = detail_reader(result.keys())
    rows = [
        cohort_outcome(details(row), as_of, CohortCounts.from_row(row._mapping)) for row in result
    ]
    return snapshot(year, as_of, scope, rows)


@dataclass(frozen=True)
class CohortCounts:
    """What one cohort's figures are made of, as of a date: its people counted by category,
    those who started an internship, and the newest enrolment, statement and verification read."""

    counts: OutcomeCounts
    internship_started: int = 0
    recorded_at: datetime | None = None
    verified_at: datetime | None = None
    enrolled_at: datetime | None = None

    @classmethod
    def from_row(cls, row) -> "CohortCounts":
        return cls(
            counts=OutcomeCounts(*(int(row.get(name) or 0) for name in COUNT_COLUMNS)),
            internship_started=int(row.get("internship_started") or 0),
            recorded_at=_as_datetime(row.get("recorded_at")),
            verified_at=_as_datetime(row.get("verified_at")),
            enrolled_at=_as_datetime(row.get("enrolled_at")),
        )

    @property
    def moments(self) -> list[datetime]:
        return [m for m in (self.recorded_at, self.verified_at, self.enrolled_at) if m is not None]


COUNT_COLUMNS = tuple(f.name for f in fields(OutcomeCounts))


def cohort_counts(
    session: Session, cohort_ids: Iterable[int], as_of: date, rules: QualityRules
) -> dict[int, CohortCounts]:
    """The counts of the given cohorts as of a date, by the same classification as
    cohort_outcomes (cohorts without anyone on their roster get zeros)."""
    ids = sorted(set(cohort_ids))
    found = {cohort_id: CohortCounts(OutcomeCounts()) for cohort_id in ids}
    if not ids:
        return found
    params = {"as_of": as_of, "moment": end_of_day_utc(as_of), "cohort_ids": ids}
    for row in session.execute(_counts_statement(rules), params):
        found[row.cohort_id] = CohortCounts.from_row(row._mapping)
    return found


_STATEMENTS: dict[tuple, sa.Select] = {}


def _counts_statement(rules: QualityRules) -> sa.Select:
    """cohort_counts's statement, with the date and the cohorts as parameters: built once per
    set of quality rules (building it costs more than running it for one cohort, and every
    write that changes a cohort's figures runs it)."""
    key = tuple(rules.periods())
    if key not in _STATEMENTS:
        if len(_STATEMENTS) > 8:  # rules change a few times a year
            _STATEMENTS.clear()
        as_of, moment = (
            sa.bindparam("as_of", type_=sa.Date),
            sa.bindparam("moment", type_=sa.DateTime),
        )
        cohorts = Cohort.id.in_(sa.bindparam("cohort_ids", expanding=True))
        people = _people(as_of, moment, rules, cohorts).subquery("people")
        _STATEMENTS[key] = _per_cohort(people)
    return _STATEMENTS[key]


def cohort_details(query: sa.Select, where) -> sa.Select:
    """`query` with each cohort's campus, course and dates, for the cohorts `where` selects, in
    the order the pages list them."""
    return (
        query.add_columns(
            Cohort.id.label("id"),
            Cohort.code,
            Cohort.campus_id,
            Campus.name.label("campus_name"),
            Campus.tier.label("campus_tier"),
            Campus.kind.label("campus_kind"),
            Course.name.label("course_name"),
            Course.level,
            Cohort.starts_on,
            Cohort.ends_on,
            Cohort.capacity,
        )
        .select_from(Cohort)
        .join(Campus, Campus.id == Cohort.campus_id)
        .join(Course, Course.id == Cohort.course_id)
        .where(where)
        .order_by(Campus.name, Cohort.starts_on, Cohort.code)
    )


DETAIL_COLUMNS = (
    "id",
    "code",
    "campus_id",
    "campus_name",
    "campus_tier",
    "campus_kind",
    "course_name",
    "level",
    "starts_on",
    "ends_on",
    "capacity",
)


def detail_reader(keys) -> Callable[[sa.Row], tuple]:
    """Reads the columns of cohort_details from a result's rows by position (hundreds of rows
    a page: by name costs more than the SQL)."""
    return itemgetter(*(list(keys).index(name) for name in DETAIL_COLUMNS))


def cohort_outcome(details: tuple, as_of: date, counts: CohortCounts) -> CohortOutcome:
    """A cohort (the columns of cohort_details, as detail_reader reads them) with its counts."""
    (id_, code, campus_id, campus_name, tier, kind, course, level, starts_on, ends_on, capacity) = (
        details
    )
    return CohortOutcome(
        cohort_id=id_,
        code=code,
        campus_id=campus_id,
        campus_name=campus_name,
        campus_tier=Tier(tier),
        campus_kind=kind,
        course_name=course,
        level=level,
        starts_on=starts_on,
        ends_on=ends_on,
        capacity=capacity,
        counts=counts.counts,
        internship_started=counts.internship_started,
        maturity=cohort_maturity(ends_on, as_of),
        newest=max(counts.moments, default=None),
    )


def snapshot(year: int, as_of: date, scope: Scope, rows: list[CohortOutcome]) -> Snapshot:
    newest = max((c.newest for c in rows if c.newest is not None), default=None)
    return Snapshot(year, as_of, scope, rows, newest)


def _verified_by(record, moment: datetime):
    return sa.and_(
        record.verification == Verification.VERIFIED,
        sa.func.coalesce(record.verified_at, record.created_at) < moment,
    )


def _latest_versions(moment: datetime, cohorts, *keys) -> sa.Subquery:
    """The highest version of each (enrolment, *keys) recorded before `moment`, for the people
    of the cohorts `cohorts` selects."""
    return (
        sa.select(
            OutcomeRecord.enrolment_id,
            *keys,
            sa.func.max(OutcomeRecord.version).label("version"),
        )
        .join(Enrolment, Enrolment.id == OutcomeRecord.enrolment_id)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .where(cohorts)
        .where(OutcomeRecord.created_at < moment)
        .group_by(OutcomeRecord.enrolment_id, *keys)
    )


def _quality_job(job, rules: QualityRules):
    """Whether a job meets the quality rules of the year it started in."""
    floor = _by_period(rules, job.starts_on, "monthly_pay_floor")
    hours = _by_period(rules, job.starts_on, "min_weekly_hours")
    months = _by_period(rules, job.starts_on, "min_contract_months")
    return sa.or_(
        sa.and_(job.code == OutcomeCode.E5, job.in_field.is_(True)),
        sa.and_(
            sa.or_(
                job.code == OutcomeCode.E1,
                sa.and_(job.code == OutcomeCode.E2, job.contract_months >= months),
            ),
            job.in_field.is_(True),
            job.weekly_hours >= hours,
            job.monthly_pay >= floor,
        ),
    )


def _jobs(as_of, moment, rules: QualityRules, cohorts) -> sa.Subquery:
    """Per person: whether any job, in its state on `as_of` (its highest version then), meets
    each test; a later job never erases a job that started inside the window, and the best
    qualifying job decides quality."""
    job_latest = _latest_versions(moment, cohorts, OutcomeRecord.job).subquery("job_latest")
    job = aliased(OutcomeRecord, name="job_state")
    # Verified, or still waiting for the coordinator on `as_of`: self-reported or with evidence,
    # verified after `as_of`, or sent back after `as_of`. Sent back by then counts in neither.
    counted = sa.or_(
        job.verification.in_([*PENDING, Verification.VERIFIED]),
        sa.and_(
            job.verification == Verification.RETURNED,
            sa.func.coalesce(job.returned_at, job.created_at) >= moment,
        ),
    )
    verified = _verified_by(job, moment)

    def started_in(days):
        return sa.and_(
            job.code.in_(EMPLOYED_CODES),
            days_between(job.starts_on, Cohort.ends_on) <= days,
            job.starts_on <= as_of,
        )

    in_window = started_in(OUTCOME_DAYS)
    quality = _quality_job(job, rules)

    def any_job(condition):
        return sa.func.max(flag(condition))

    return (
        sa.select(
            job.enrolment_id,
            any_job(sa.and_(in_window, verified)).label("emp"),
            any_job(sa.and_(in_window, counted)).label("emp_p"),
            any_job(sa.and_(started_in(EARLY_SIGNAL_DAYS), verified)).label("emp90"),
            any_job(sa.and_(in_window, verified, quality)).label("quality"),
            any_job(sa.and_(in_window, counted, quality)).label("quality_p"),
            any_job(sa.and_(in_window, verified, job.insurance_match_id.is_not(None))).label(
                "emp_ins"
            ),
        )
        .select_from(job_latest)
        .join(
            job,
            sa.and_(
                job.enrolment_id == job_latest.c.enrolment_id, job.version == job_latest.c.version
            ),
        )
        .join(Enrolment, Enrolment.id == job.enrolment_id)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .group_by(job.enrolment_id)
        .subquery("jobs")
    )


def _people(as_of, moment, rules: QualityRules, cohorts) -> sa.Select:
    """One row per person on the rosters of the cohorts `cohorts` selects (a condition on
    Cohort), with a 0/1 flag for each category the definitions count, as of `as_of` (a date or
    a bound parameter), `moment` being the end of that day (end_of_day_utc)."""
    # The person's latest statement (the highest version recorded by `as_of`): it decides an
    # exclusion (X) and an unknown outcome (U or nothing).
    latest = _latest_versions(moment, cohorts).subquery("latest")
    current = aliased(OutcomeRecord, name="current_outcome")
    jobs = _jobs(as_of, moment, rules, cohorts)
    # Looked up person by person (an index probe each), not by grouping every placement ever.
    interned = sa.exists().where(
        InternshipPlacement.trainee_id == Enrolment.trainee_id,
        InternshipPlacement.status.in_(STARTED_INTERNSHIP),
        InternshipPlacement.starts_on <= as_of,
    )
    emp = sa.func.coalesce(jobs.c.emp, 0)
    emp_p = sa.func.coalesce(jobs.c.emp_p, 0)
    return (
        sa.select(
            Enrolment.id.label("enrolment_id"),
            Enrolment.cohort_id,
            flag(Enrolment.status == EnrolmentStatus.CANCELLED).label("cancelled"),
            flag(Enrolment.status.in_(COMPLETED)).label("completer"),
            flag(Enrolment.status.in_(NON_COMPLETERS)).label("non_completer"),
            flag(Enrolment.status == EnrolmentStatus.EARLY_EMPLOYED).label("early"),
            flag(Enrolment.employed_at_start.is_(True)).label("at_start"),
            # A verified job that started in the window outweighs a later exclusion.
            flag(
                sa.and_(current.code == OutcomeCode.X, _verified_by(current, moment), emp == 0)
            ).label("x"),
            emp.label("emp"),
            emp_p.label("emp_p"),
            sa.func.coalesce(jobs.c.emp90, 0).label("emp90"),
            sa.func.coalesce(jobs.c.quality, 0).label("quality"),
            sa.func.coalesce(jobs.c.quality_p, 0).label("quality_p"),
            sa.func.coalesce(jobs.c.emp_ins, 0).label("emp_ins"),
            flag(
                sa.and_(sa.or_(current.id.is_(None), current.code == OutcomeCode.U), emp_p == 0)
            ).label("unknown"),
            flag(interned).label("interned"),
            current.created_at.label("recorded_at"),
            sa.case((current.verified_at < moment, current.verified_at)).label("verified_at"),
            Enrolment.created_at.label("enrolled_at"),
        )
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .outerjoin(latest, latest.c.enrolment_id == Enrolment.id)
        .outerjoin(
            current,
            sa.and_(
                current.enrolment_id == latest.c.enrolment_id, current.version == latest.c.version
            ),
        )
        .outerjoin(jobs, jobs.c.enrolment_id == Enrolment.id)
        .where(Enrolment.status != EnrolmentStatus.WAITLISTED)
        .where(cohorts)
    )


def _per_cohort(people: sa.Subquery) -> sa.Select:
    """The people's flags summed per cohort, one column per OutcomeCounts field (in its order),
    then the internships started and the newest moments read."""
    p = people.c
    completer = p.completer
    kept = completer * (1 - p.x)  # completers not excluded
    in_denominator = kept * (1 - p.at_start)

    def total_of(expression):
        return sa.func.coalesce(sa.func.sum(expression), 0)

    sums = {
        "enrolled": 1 - p.cancelled,
        "completers": completer,
        "early_employed": completer * p.early,
        "excluded": completer * p.x,
        "employed_at_start": kept * p.at_start,
        "employed": in_denominator * p.emp,
        "employed_incl_pending": in_denominator * p.emp_p,
        "employed_90d": in_denominator * p.emp90,
        "quality_employed": in_denominator * p.quality,
        "quality_employed_incl_pending": in_denominator * p.quality_p,
        "unknown": in_denominator * p.unknown,
        "cancelled": p.cancelled,
        "non_completers": p.non_completer,
        "non_completers_employed": p.non_completer * p.emp,
        "non_completers_employed_incl_pending": p.non_completer * p.emp_p,
        "employed_insurance_match": in_denominator * p.emp_ins,
        "internship_started": completer * p.interned,
    }
    return sa.select(
        p.cohort_id.label("cohort_id"),
        *(total_of(expression).label(name) for name, expression in sums.items()),
        sa.func.max(p.recorded_at).label("recorded_at"),
        sa.func.max(p.verified_at).label("verified_at"),
        sa.func.max(p.enrolled_at).label("enrolled_at"),
    ).group_by(p.cohort_id)


def _as_datetime(moment) -> datetime | None:
    """SQLite returns max() of a timestamp column as text."""
    return datetime.fromisoformat(moment) if isinstance(moment, str) else moment


def _as_date(day) -> date | None:
    """SQLite returns min() of a date column as text."""
    return date.fromisoformat(day) if isinstance(day, str) else day


def _scope_cohorts(year: int, scope: Scope) -> sa.Select:
    """The ids of the year's cohorts in the scope."""
    first, last = year_bounds(year)
    query = (
        sa.select(Cohort.id)
        .join(Campus, Campus.id == Cohort.campus_id)
        .where(Cohort.ends_on.between(first, last))
    )
    return scope.where(query)


def scope_trainees(year: int, scope: Scope) -> sa.Select:
    """The trainees on the rosters of the year's cohorts in the scope."""
    return (
        sa.select(Enrolment.trainee_id)
        .where(Enrolment.status.not_in(NEVER_STARTED))
        .where(within(Enrolment.cohort_id, _scope_cohorts(year, scope)))
    )


def yearly_enrolled(session: Session, years: Iterable[int], scope: Scope = CITY) -> dict[int, int]:
    """Trainees per year: places on the rosters of the cohorts ending that year.

    Rosters are counted per cohort first, then summed by year (a third of the time of joining
    every enrolment to its cohort on 50,000 people)."""
    years = list(years)
    rosters = (
        sa.select(Enrolment.cohort_id, sa.func.count(Enrolment.id).label("n"))
        .where(Enrolment.status.not_in(NEVER_STARTED))
        .group_by(Enrolment.cohort_id)
        .subquery("rosters")
    )
    year = sa.extract("year", Cohort.ends_on)
    query = (
        sa.select(year, sa.func.sum(rosters.c.n))
        .join(rosters, rosters.c.cohort_id == Cohort.id)
        .where(Cohort.ends_on.between(date(min(years), 1, 1), date(max(years), 12, 31)))
        .group_by(year)
    )
    if not scope.is_city:
        query = scope.where(query.join(Campus, Campus.id == Cohort.campus_id))
    found = {int(y): int(n) for y, n in session.execute(query)}
    return {y: found.get(y, 0) for y in years}


@dataclass(frozen=True)
class CertificationRow:
    name: str
    issuer: str
    kind: CertificationKind | None
    attempts: AttemptCounts

    @property
    def sat(self) -> int:
        return self.attempts.sat

    @property
    def passed(self) -> int:
        return self.attempts.passed

    @property
    def pass_rate(self) -> Rate:
        return pass_rate(self.attempts)


def certification_results(
    session: Session, year: int, as_of: date, scope: Scope = CITY
) -> list[CertificationRow]:
    """Attempts per certification by result, for exams sat by the year's trainees by `as_of`."""
    by_result = [
        sa.func.count().filter(ExamAttempt.result == result)
        for result in (ExamResult.PASSED, ExamResult.FAILED, ExamResult.ABSENT, ExamResult.PENDING)
    ]
    query = (
        sa.select(Certification.name, Certification.issuer, Certification.kind, *by_result)
        .join(ExamAttempt, ExamAttempt.certification_id == Certification.id)
        .where(ExamAttempt.sat_on <= as_of)
        .where(ExamAttempt.trainee_id.in_(scope_trainees(year, scope)))
        .group_by(Certification.id)
        .order_by(Certification.name)
    )
    return [
        CertificationRow(name, issuer, kind, AttemptCounts(*counts))
        for name, issuer, kind, *counts in session.execute(query)
    ]


def internships_by_programme(
    session: Session, year: int, as_of: date, scope: Scope = CITY
) -> dict[InternshipProgramme, int]:
    """Completers of the year who started an internship, by programme."""
    completers = (
        sa.select(Enrolment.trainee_id)
        .where(Enrolment.status.in_(COMPLETED))
        .where(within(Enrolment.cohort_id, _scope_cohorts(year, scope)))
    )
    query = (
        sa.select(
            InternshipOpening.programme, sa.func.count(sa.distinct(InternshipPlacement.trainee_id))
        )
        .join(InternshipPlacement, InternshipPlacement.opening_id == InternshipOpening.id)
        .where(InternshipPlacement.status.in_(STARTED_INTERNSHIP))
        .where(InternshipPlacement.starts_on <= as_of)
        .where(InternshipPlacement.trainee_id.in_(completers))
        .group_by(InternshipOpening.programme)
    )
    found = dict(session.execute(query).all())
    return {programme: found.get(programme, 0) for programme in InternshipProgramme}


@dataclass(frozen=True)
class SubsidyUse:
    budget: int | None  # the year's citywide budget; None for a narrower scope or no programme
    totals: SubsidyTotals

    @property
    def budget_use(self) -> Rate | None:
        return budget_use(self.totals, self.budget) if self.budget else None

    @property
    def cost_per_pass(self) -> int | None:
        return cost_per_pass(self.totals)

    @property
    def paid(self) -> int:
        return self.totals.paid

    @property
    def approved(self) -> int:
        return self.totals.approved

    @property
    def people(self) -> int:
        return self.totals.people


def subsidy_use(session: Session, year: int, as_of: date, scope: Scope = CITY) -> SubsidyUse:
    """The year's exam-fee subsidy programme as of a date: decisions taken by the end of that day,
    payments whose date has come; for a scope narrower than the city, its trainees' claims."""
    moment = end_of_day_utc(as_of)
    decided = sa.and_(SubsidyClaim.decided_at.is_not(None), SubsidyClaim.decided_at < moment)
    approved = sa.and_(SubsidyClaim.status == ClaimStatus.APPROVED, decided)
    paid = sa.and_(approved, SubsidyClaim.paid_on <= as_of)
    waiting = sa.and_(
        SubsidyClaim.applied_on <= as_of,
        sa.or_(SubsidyClaim.status == ClaimStatus.SUBMITTED, sa.not_(decided)),
    )
    rejected = sa.and_(SubsidyClaim.status == ClaimStatus.REJECTED, decided)

    def amount(condition, column=SubsidyClaim.amount_approved):
        return sa.func.coalesce(sa.func.sum(sa.case((condition, column))), 0)

    claims = (
        sa.select(
            amount(approved).label("approved"),
            amount(paid).label("paid"),
            sa.func.count(sa.distinct(sa.case((approved, SubsidyClaim.trainee_id)))).label(
                "people"
            ),
            sa.func.count(SubsidyClaim.id).filter(approved).label("claims_approved"),
            sa.func.count(SubsidyClaim.id).filter(waiting).label("claims_pending"),
            amount(waiting, SubsidyClaim.amount_requested).label("pending_amount"),
            sa.func.count(SubsidyClaim.id).filter(rejected).label("claims_rejected"),
            sa.func.count(
                sa.distinct(
                    sa.case(
                        (sa.and_(approved, ExamAttempt.result == ExamResult.PASSED), ExamAttempt.id)
                    )
                )
            ).label("passed"),
        )
        .select_from(SubsidyClaim)
        .join(SubsidyProgramme, SubsidyProgramme.id == SubsidyClaim.programme_id)
        .join(ExamAttempt, ExamAttempt.id == SubsidyClaim.exam_attempt_id)
        .where(SubsidyProgramme.year == year)
    )
    if not scope.is_city:
        claims = claims.where(SubsidyClaim.trainee_id.in_(scope_trainees(year, scope)))
    claims = claims.subquery("claims")
    budget = sa.select(SubsidyProgramme.budget).where(SubsidyProgramme.year == year)
    *numbers, budget = session.execute(sa.select(*claims.c, budget.scalar_subquery())).one()
    return SubsidyUse(
        budget=budget if scope.is_city else None,
        totals=SubsidyTotals(*(int(n) for n in numbers)),
    )


@dataclass(frozen=True)
class Ecosystem:
    """Citywide: alliance members, big-tech campuses, the advanced track and the fund."""

    alliance_members: int
    alliance_by_kind: dict[AllianceKind, int]
    bigtech_campuses: int
    advanced_track: int
    donations_money: int
    donations_talent: int
    scholarships_paid: int
    scholarship_people: int

    @property
    def fund_balance(self) -> int:
        return self.donations_money - self.scholarships_paid


def ecosystem(session: Session, year: int, as_of: date) -> Ecosystem:
    """As of the year's last day or `as_of`, whichever comes first; the fund is cumulative."""
    on = min(as_of, date(year, 12, 31))
    member = sa.and_(
        AllianceMember.joined_on <= on,
        sa.or_(AllianceMember.left_on.is_(None), AllianceMember.left_on > on),
    )
    by_kind = dict(
        session.execute(
            sa.select(AllianceMember.kind, sa.func.count(AllianceMember.id))
            .where(member)
            .group_by(AllianceMember.kind)
        ).all()
    )

    def scalar(query):
        return query.scalar_subquery()

    money, talent, paid, people, bigtech, advanced = session.execute(
        sa.select(
            scalar(
                sa.select(sa.func.coalesce(sa.func.sum(FundDonation.amount), 0)).where(
                    FundDonation.kind == DonationKind.MONEY, FundDonation.received_on <= as_of
                )
            ),
            scalar(
                sa.select(sa.func.count(FundDonation.id)).where(
                    FundDonation.kind == DonationKind.TALENT, FundDonation.received_on <= as_of
                )
            ),
            scalar(
                sa.select(sa.func.coalesce(sa.func.sum(Scholarship.amount), 0)).where(
                    Scholarship.awarded_on <= as_of
                )
            ),
            scalar(
                sa.select(sa.func.count(sa.distinct(Scholarship.trainee_id))).where(
                    Scholarship.awarded_on <= as_of
                )
            ),
            scalar(
                sa.select(sa.func.count(Campus.id)).where(
                    Campus.kind == CampusKind.BIGTECH,
                    sa.or_(Campus.opened_on.is_(None), Campus.opened_on <= date(year, 12, 31)),
                )
            ),
            scalar(
                sa.select(sa.func.count(AdvancedTrackSelection.id)).where(
                    AdvancedTrackSelection.year == year, AdvancedTrackSelection.selected_on <= as_of
                )
            ),
        )
    ).one()
    return Ecosystem(
        alliance_members=sum(by_kind.values()),
        alliance_by_kind=dict(by_kind),
        bigtech_campuses=bigtech,
        advanced_track=advanced,
        donations_money=int(money),
        donations_talent=talent,
        scholarships_paid=int(paid),
        scholarship_people=people,
    )
