"""Years of trainees at the 2030 rate, for benchmarks and capacity checks.

`load_scale(50_000)` builds five years of 10,000 trainees each over every campus, dated from the
load date (`today`, Seoul's date by default) as the demo is: the last year's cohorts end from
half a year before today to half a year after it, so some run today and some start soon, and each
earlier year is 52 weeks before the next. With `last_year` (the benchmarks: 2030) the years are
calendar years instead, with cohorts ending from February to December. Either way there are
cohorts with their sessions, enrolments, attendance, instructors, job outcomes, certification
exams, exam-fee subsidy claims and internships, in the proportions of the demo: the rows come
from the domains' demo modules (academy.<domain>.demo) through the builder the demo uses
(academy.seeding). The same seed gives the same data.

The state of the data is as of `as_of` (by default the load date, or 1 December of `last_year`):
cohorts that end later are still in training (enrolled, attendance up to that day, no outcomes);
outcomes, claims and placements dated later do not exist yet. Rows are streamed into the
database in bulk: COPY on PostgreSQL (about five million attendance marks for 50,000 trainees),
executemany elsewhere.
"""

import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from math import ceil

from academy.accounts.demo import add_staff
from academy.certifications.demo import add_scale_exams
from academy.clock import seoul_today
from academy.cohorts.demo import add_scale_cohorts, add_scale_courses, scale_marks
from academy.extensions import db
from academy.instructors.demo import add_scale_instructors
from academy.internships.demo import add_scale_internships
from academy.kpi import facts
from academy.models import (
    ClassSession,
    Enrolment,
    ExamAttempt,
    Instructor,
    InternshipPlacement,
    OutcomeRecord,
    SubsidyClaim,
    Trainee,
)
from academy.outcomes.demo import add_scale_outcomes
from academy.reference import load_reference_data
from academy.seeding import (
    DEMO_LOGINS,
    DEMO_PASSWORD,
    WorldBuilder,
    delete_all_rows,
    first_monday,
    refuse_if_in_use,
)
from academy.subsidies.demo import add_scale_claims
from academy.trainees.demo import add_scale_rosters

PER_YEAR = 10_000  # the 2030 target (domain.md, "Targets by year")
LAST_YEAR = 2030
DEMO_KEY_SEED = 2025  # staff get the dated demo's documented two-factor keys (README)


@dataclass
class ScaleSummary:
    years: list[int] = field(default_factory=list)
    as_of: date | None = None
    first_end: date | None = None
    last_end: date | None = None
    trainees: int = 0
    cohorts: int = 0
    class_sessions: int = 0
    enrolments: int = 0
    attendance_marks: int = 0
    instructors: int = 0
    outcome_records: int = 0
    exam_attempts: int = 0
    subsidy_claims: int = 0
    internship_placements: int = 0
    seconds: float = 0.0

    def describe(self) -> str:
        years = f"{self.years[0]}–{self.years[-1]}" if len(self.years) > 1 else str(self.years[0])
        return "\n".join(
            [
                f"Scale data for {years}, cohorts ending {self.first_end} – {self.last_end} "
                f"(as of {self.as_of}), loaded in {self.seconds:.1f} s.",
                f"  trainees {self.trainees:,}, cohorts {self.cohorts:,}, class sessions "
                f"{self.class_sessions:,}, enrolments {self.enrolments:,}",
                f"  attendance marks {self.attendance_marks:,}, instructors {self.instructors:,}, "
                f"outcome records {self.outcome_records:,}",
                f"  exam attempts {self.exam_attempts:,}, subsidy claims {self.subsidy_claims:,}, "
                f"internship placements {self.internship_placements:,}",
                f"Sign in as {', '.join(DEMO_LOGINS.values())} with password {DEMO_PASSWORD}; "
                "staff use the demo's two-factor keys (README).",
            ]
        )


def scale_years(trainees: int, last_year: int = LAST_YEAR) -> list[tuple[int, int]]:
    """(year, trainees) for as many consecutive years at about 10,000 a year as `trainees` fills,
    ending in `last_year`: 50,000 is 2026–2030 at 10,000 each; 300 is 2030 alone."""
    count = max(1, ceil(trainees / PER_YEAR))
    base, extra = divmod(trainees, count)
    first = last_year - count + 1
    return [(first + i, base + (1 if i >= count - extra else 0)) for i in range(count)]


def load_scale(
    trainees: int,
    seed: int = 2030,
    reset: bool = False,
    last_year: int | None = None,
    as_of: date | None = None,
    today: date | None = None,
) -> ScaleSummary:
    """Load `trainees` trainees over consecutive years into an empty database (or a wiped one
    with reset=True), and commit. It refuses a database in use, as the demo does. The years end
    around `today` (Seoul's date by default), or are the calendar years up to `last_year`."""
    if trainees < 1:
        raise ValueError("trainees must be at least 1")
    started = time.perf_counter()
    if reset:
        delete_all_rows()
    else:
        refuse_if_in_use()
    load_reference_data()
    try:
        today = today or seoul_today()
        if last_year is None:
            summary = build_scale(seed, scale_years(trainees, today.year), as_of or today, True)
        else:
            summary = build_scale(seed, scale_years(trainees, last_year), as_of, False)
        facts.refresh_all(db.session)  # the rows went in bulk, past the session's hook
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    if db.session.get_bind().dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            # Fresh statistics and visibility maps: plans (index-only scans) as in production.
            conn.exec_driver_sql("VACUUM ANALYZE")
    summary.seconds = time.perf_counter() - started
    return summary


def _spans(years: list[tuple[int, int]], as_of: date, rolling: bool) -> dict:
    """The span of cohort end dates (two Fridays) of each year: rolling, the last year's is
    centred on `as_of`; else calendar years, from February to December."""
    spans = {}
    for year, _ in years:
        if rolling:
            friday = as_of + timedelta(days=(4 - as_of.weekday()) % 7)
            last_end = friday + timedelta(weeks=26 - 52 * (years[-1][0] - year))
            spans[year] = (last_end - timedelta(weeks=51), last_end)
        else:
            spans[year] = (first_monday(date(year, 2, 1)) + timedelta(days=4), date(year, 12, 26))
    return spans


def build_scale(
    seed: int, years: list[tuple[int, int]], as_of: date | None, rolling: bool
) -> ScaleSummary:
    """Every domain's rows at scale, in the order their random draws were fixed in; then insert."""
    as_of = as_of or date(years[-1][0], 12, 1)
    spans = _spans(years, as_of, rolling)
    first_end, last_end = spans[years[0][0]][0], spans[years[-1][0]][1]
    b = WorldBuilder(seed, as_of, range(first_end.year - 1, last_end.year + 2))
    b.use_name_pools()
    add_staff(b, key_seed=DEMO_KEY_SEED)
    add_scale_courses(b)
    numbers: Counter[tuple[int, int]] = Counter()
    for year, count in years:
        add_scale_cohorts(b, spans[year], count, numbers)
    add_scale_rosters(b)
    add_scale_instructors(b)
    add_scale_outcomes(b)
    add_scale_claims(b, add_scale_exams(b), first_end.year)
    add_scale_internships(b)
    rows = b.rows
    return ScaleSummary(
        years=[y for y, _ in years],
        as_of=as_of,
        first_end=first_end,
        last_end=last_end,
        attendance_marks=b.insert(scale_marks(b)),
        trainees=len(rows[Trainee]),
        cohorts=len(b.cohorts),
        class_sessions=len(rows[ClassSession]),
        enrolments=len(rows[Enrolment]),
        instructors=len(rows[Instructor]),
        outcome_records=len(rows[OutcomeRecord]),
        exam_attempts=len(rows[ExamAttempt]),
        subsidy_claims=len(rows[SubsidyClaim]),
        internship_placements=len(rows[InternshipPlacement]),
    )
