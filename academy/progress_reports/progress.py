"""The progress report: every figure of a year and scope, gathered once from academy.kpi.

The dashboards, the PDF, the Excel export, the JSON endpoint and the CLI all take a
`ProgressReport` from `build_progress()`, so a figure is computed in one place and shown the same
everywhere. It reads the database in a fixed number of grouped queries.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from fractions import Fraction
from functools import cached_property

import sqlalchemy as sa
from sqlalchemy.orm import Session

from academy.kpi import engine, facts
from academy.kpi.capacity import CampusPlant, CapacityPlan, Plan, plan_capacity
from academy.kpi.certifications import AttemptCounts
from academy.kpi.definitions import Figures, Rate
from academy.kpi.rules import QualityRules
from academy.kpi.targets import GOAL_YEAR, TARGET_YEARS, Target, target_for, targets_table
from academy.models import (
    Campus,
    CampusKind,
    Classroom,
    Cohort,
    InternshipProgramme,
    TargetMetric,
    Tier,
    YearlyTarget,
)


@dataclass(frozen=True)
class CampusInfo:
    id: int
    name: str
    kind: CampusKind
    district: str
    tier: Tier
    partner_company: str | None


@dataclass(frozen=True)
class CampusFigures:
    campus: CampusInfo
    figures: Figures


@dataclass(frozen=True)
class RampYear:
    year: int
    enrolled: int
    target: int | None


@dataclass
class ProgressReport:
    year: int
    as_of: date
    scope: engine.Scope
    campus: CampusInfo | None  # the campus of a one-campus scope
    campuses: list[CampusInfo]  # every campus in the scope
    rules: QualityRules
    snapshot: engine.Snapshot
    targets: dict[TargetMetric, list[Target]]
    ramp: list[RampYear]
    capacity: CapacityPlan | None  # citywide reports only
    certifications: list[engine.CertificationRow]
    internships: dict[InternshipProgramme, int]
    subsidy: engine.SubsidyUse
    ecosystem: engine.Ecosystem
    data_as_of: datetime | None
    cohorts_per_classroom: Fraction = field(default=Fraction(0))

    @property
    def headline(self) -> Figures:
        return self.snapshot.headline

    @property
    def trainee_target(self) -> int | None:
        """The citywide target applies to the city only."""
        if not self.scope.is_city:
            return None
        return target_for(self.targets, TargetMetric.TRAINEES, self.year)

    @property
    def trainees_against_target(self) -> Rate | None:
        target = self.trainee_target
        return Rate(self.headline.counts.enrolled, target) if target else None

    def target(self, metric: TargetMetric) -> int | None:
        return target_for(self.targets, metric, self.year)

    @property
    def alliance_target(self) -> int | None:
        return self.target(TargetMetric.ALLIANCE_MEMBERS)

    @property
    def bigtech_target(self) -> int | None:
        return self.target(TargetMetric.BIGTECH_CAMPUSES)

    @property
    def advanced_track_target(self) -> int | None:
        return self.target(TargetMetric.ADVANCED_TRACK)

    @cached_property
    def campus_rows(self) -> list[CampusFigures]:
        by_campus = self.snapshot.by_campus()
        empty = engine.figures([])
        return [CampusFigures(c, by_campus.get(c.id, empty)) for c in self.campuses]

    @property
    def tier_rows(self) -> dict[Tier, Figures]:
        return self.snapshot.by_tier()

    @property
    def certifications_total(self) -> engine.CertificationRow | None:
        if not self.certifications:
            return None
        attempts = AttemptCounts()
        for row in self.certifications:
            attempts = attempts + row.attempts
        return engine.CertificationRow(name="", issuer="", kind=None, attempts=attempts)


def campus_infos(session: Session, scope: engine.Scope = engine.CITY) -> list[CampusInfo]:
    query = sa.select(
        Campus.id, Campus.name, Campus.kind, Campus.district, Campus.tier, Campus.partner_company
    ).order_by(Campus.kind, Campus.name)
    return [
        CampusInfo(id_, name, kind, district, Tier(tier), partner)
        for id_, name, kind, district, tier, partner in session.execute(scope.where(query))
    ]


def load_targets(session: Session) -> dict[TargetMetric, list[Target]]:
    rows = session.execute(
        sa.select(
            YearlyTarget.year, YearlyTarget.metric, YearlyTarget.value, YearlyTarget.from_source
        )
    )
    return targets_table(rows)


def campus_plants(session: Session) -> list[CampusPlant]:
    """Every campus with its classrooms and seats, in one grouped query."""
    query = (
        sa.select(
            Campus.tier,
            Campus.kind,
            sa.func.count(Classroom.id),
            sa.func.coalesce(sa.func.sum(Classroom.seats), 0),
        )
        .outerjoin(Classroom, Classroom.campus_id == Campus.id)
        .group_by(Campus.id)
    )
    return [
        CampusPlant(Tier(t), k, rooms, int(seats)) for t, k, rooms, seats in session.execute(query)
    ]


def planned_places(session: Session) -> tuple[dict[int, int], dict[int, int]]:
    """Places (capacity) and number of the cohorts ending each target year, citywide."""
    year = sa.extract("year", Cohort.ends_on)
    rows = session.execute(
        sa.select(year, sa.func.sum(Cohort.capacity), sa.func.count(Cohort.id))
        .where(Cohort.ends_on.between(date(TARGET_YEARS[0], 1, 1), date(TARGET_YEARS[-1], 12, 31)))
        .group_by(year)
    )
    places, cohorts = {}, {}
    for y, total, n in rows:
        places[int(y)], cohorts[int(y)] = int(total), n
    return places, cohorts


def observed_cohorts_per_classroom(
    plants: list[CampusPlant], cohorts_by_year: dict[int, int], year: int
) -> Fraction:
    """Cohorts that ended in `year` per classroom, to one decimal: the planner's starting point."""
    rooms = sum(p.classrooms for p in plants)
    cohorts = cohorts_by_year.get(year, 0)
    if not rooms or not cohorts:
        return Plan().cohorts_per_classroom
    return max(Fraction(round(Fraction(cohorts, rooms) * 10), 10), Fraction(1, 10))


def capacity_plan(
    session: Session, year: int, plan: Plan | None = None, targets=None, enrolled=None
) -> tuple[CapacityPlan, Fraction]:
    """The capacity gap to 2030 for a plan (today's campuses at today's pace when None)."""
    targets = targets if targets is not None else load_targets(session)
    plants = campus_plants(session)
    places, cohorts = planned_places(session)
    observed = observed_cohorts_per_classroom(plants, cohorts, year)
    plan = plan or Plan(cohorts_per_classroom=observed)
    trainee_targets = {t.year: t.value for t in targets[TargetMetric.TRAINEES]}
    goal = target_for(targets, TargetMetric.TRAINEES, GOAL_YEAR) or 0
    if enrolled is None:
        enrolled = facts.yearly_enrolled(session, TARGET_YEARS)
    result = plan_capacity(plants, plan, trainee_targets, places, enrolled, goal, GOAL_YEAR)
    return result, observed


def build_progress(
    session: Session,
    year: int,
    as_of: date,
    scope: engine.Scope = engine.CITY,
    every_campus: list[CampusInfo] | None = None,
) -> ProgressReport:
    """Every figure of the progress report for a year and scope, as of a date. A caller that
    has read `campus_infos` of the whole city already passes them as `every_campus`."""
    rules = engine.load_quality_rules(session)
    if every_campus is not None and scope.is_city:
        campuses = every_campus
    else:
        campuses = campus_infos(session, scope)
    campus = next((c for c in campuses if c.id == scope.campus_id), None)
    targets = load_targets(session)
    snapshot = facts.cohort_outcomes(session, year, as_of, rules, scope)
    enrolled = facts.yearly_enrolled(session, TARGET_YEARS, scope)
    trainee_targets = {t.year: t.value for t in targets[TargetMetric.TRAINEES]}
    ramp = [
        RampYear(y, enrolled[y], trainee_targets.get(y) if scope.is_city else None)
        for y in TARGET_YEARS
    ]
    # The capacity plan is citywide and only a citywide report shows it.
    capacity, observed = (
        capacity_plan(session, year, targets=targets, enrolled=enrolled)
        if scope.is_city
        else (None, Fraction(0))
    )
    return ProgressReport(
        year=year,
        as_of=as_of,
        scope=scope,
        campus=campus,
        campuses=campuses,
        rules=rules,
        snapshot=snapshot,
        targets=targets,
        ramp=ramp,
        capacity=capacity,
        certifications=engine.certification_results(session, year, as_of, scope),
        internships=engine.internships_by_programme(session, year, as_of, scope),
        subsidy=engine.subsidy_use(session, year, as_of, scope),
        ecosystem=engine.ecosystem(session, year, as_of),
        data_as_of=snapshot.newest_record,
        cohorts_per_classroom=observed,
    )


def kpi_json(report: ProgressReport) -> dict:
    """The machine-readable figures (`flask kpi --json` and /api/v1/kpi): rates from 0 to 1,
    null when their denominator is 0."""
    f = report.headline
    c = f.counts
    return {
        "year": report.year,
        "as_of": report.as_of.isoformat(),
        "scope": {
            "campus": report.campus.name if report.campus else None,
            "tier": report.scope.tier.value if report.scope.tier else None,
            "kind": report.scope.kind.value if report.scope.kind else None,
        },
        "enrolled": c.enrolled,
        "completers": c.completers,
        "completion_rate": f.completion_rate.value,
        "excluded": c.excluded,
        "employed_at_start": c.employed_at_start,
        "denominator": f.denominator,
        "employed": c.employed,
        "employed_incl_pending": c.employed_incl_pending,
        "quality_employed": c.quality_employed,
        "quality_employed_incl_pending": c.quality_employed_incl_pending,
        "unknown": c.unknown,
        "cancelled": c.cancelled,
        "non_completers": c.non_completers,
        "non_completers_employed": c.non_completers_employed,
        "non_completers_employed_incl_pending": c.non_completers_employed_incl_pending,
        "employed_insurance_match": c.employed_insurance_match,
        "insurance_confirmed_share": f.insurance_confirmed_share.value,
        "employment_rate": f.employment_rate.value,
        "employment_rate_incl_pending": f.employment_rate_incl_pending.value,
        "employment_rate_90d": f.employment_rate_90d.value,
        "quality_rate": f.quality_rate.value,
        "quality_rate_incl_pending": f.quality_rate_incl_pending.value,
        "knowledge_rate": f.knowledge_rate.value,
        "maturity": f.maturity.value if f.maturity else None,
    }
