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

The rows come from the domains' demo modules (academy.<domain>.demo) through the builder they
share with the scale generator (academy.seeding, academy.scale).
"""

import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from academy.accounts.demo import (
    add_staff,
    demo_logins,
    demo_totp_secret,
    key_note,
    login_lines,
    two_factor_keys,
)
from academy.certifications.demo import add_exams
from academy.clock import seoul_today
from academy.cohorts.demo import (
    add_cohorts,
    add_courses,
    close_demo_cohorts,
    demo_marks,
    override_demo_results,
)
from academy.ecosystem.demo import add_alliance, add_track_and_fund
from academy.extensions import db
from academy.instructors.demo import add_instructors
from academy.internships.demo import add_internships
from academy.kpi import facts
from academy.models import (
    AllianceKind,
    AllianceMember,
    ClassSession,
    Course,
    Enrolment,
    Instructor,
    InternshipPlacement,
    OutcomeRecord,
    Role,
    SubsidyClaim,
    SubsidyProgramme,
    Trainee,
    User,
)
from academy.outcomes.demo import add_outcomes
from academy.outcomes.demo import extend_demo as extend_outcome_demo
from academy.reference import load_reference_data
from academy.seeding import (
    DEMO_LOGINS,
    DEMO_PASSWORD,
    SHOWCASE_CAMPUS,
    DemoRefused,
    WorldBuilder,
    delete_all_rows,
    refuse_if_in_use,
)
from academy.subsidies.demo import add_claims
from academy.subsidies.demo import extend_demo as extend_programme_demo
from academy.trainees.demo import add_rosters

__all__ = [
    "DEMO_LOGINS",
    "DEMO_PASSWORD",
    "SHOWCASE_CAMPUS",
    "DemoRefused",
    "DemoSummary",
    "delete_all_rows",
    "demo_totp_secret",
    "load_demo",
    "login_lines",
]


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
            + key_note(self.two_factor_keys.get(email))
            for role, email in self.logins
        ]
        return "\n".join(lines)


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
        summary = build_demo(seed, scale, today or seoul_today())
        facts.refresh_all(db.session)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    summary.seconds = time.perf_counter() - started
    return summary


def build_demo(seed: int, scale: float, today: date) -> DemoSummary:
    """Every domain's demo rows, in the order their random draws were fixed in; then insert."""
    year = today.year
    b = WorldBuilder(seed, today, range(year - 3, year + 2), scale=scale)
    summary = DemoSummary(today=today)
    add_staff(b, key_seed=seed, titles=True)
    add_courses(b)
    for campus in b.campuses:
        add_cohorts(b, campus)
    add_rosters(b)
    close_demo_cohorts(b)
    add_instructors(b)
    add_outcomes(b)
    override_demo_results(b)
    summary.__dict__.update(extend_outcome_demo(b, seed))
    attempts = add_exams(b)
    add_claims(b, attempts)
    members = add_alliance(b)
    add_internships(b, [m for m in members if m[1] == AllianceKind.COMPANY])
    add_track_and_fund(b, members)
    extend_programme_demo(b, seed)
    summary.attendance_marks = b.insert(demo_marks(b))
    return _summarise(b, summary, len(attempts))


def _summarise(b: WorldBuilder, summary: DemoSummary, exam_attempts: int) -> DemoSummary:
    rows = b.rows
    summary.campuses = len(b.campuses)
    summary.classrooms = sum(len(c.rooms) for c in b.campuses)
    summary.courses = len(rows[Course])
    summary.cohorts = len(b.cohorts)
    summary.class_sessions = len(rows[ClassSession])
    summary.trainees = len(rows[Trainee])
    summary.enrolments = len(rows[Enrolment])
    summary.instructors = len(rows[Instructor])
    summary.coordinators = sum(1 for row in rows[User] if row["role"] == Role.COORDINATOR)
    summary.outcome_records = len(rows[OutcomeRecord])
    current: dict[int, dict] = {}
    for record in rows[OutcomeRecord]:  # the highest version is the current one
        if record["version"] > current.get(record["enrolment_id"], {}).get("version", 0):
            current[record["enrolment_id"]] = record
    summary.outcomes_by_code = dict(Counter(r["code"].value for r in current.values()))
    summary.exam_attempts = exam_attempts
    summary.subsidy_claims = len(rows[SubsidyClaim])
    summary.subsidy_spent = sum(p["spent"] for p in rows[SubsidyProgramme])
    summary.internship_placements = len(rows[InternshipPlacement])
    summary.alliance_members = len(rows[AllianceMember])
    summary.logins = demo_logins(b)
    summary.two_factor_keys = two_factor_keys(b)
    return summary
