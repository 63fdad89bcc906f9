"""No page reads rows that grow with a campus's history (issue: no page's statements or rows grow
with a campus's history; pickers search, they do not list everyone).

The query-count tests grow today's data; here the data of today stays as it is and the
coordinator's campus gains past years: cohorts that ended years ago with their rosters, marks,
outcomes, follow-up contacts, exam attempts, subsidy claims and internships. Every page a
coordinator, official, instructor or trainee opens, in its default view (or a year filter set to a
year the history does not reach), must read as many rows afterwards as before, give or take a
few: a page that lists every ended cohort, or every unknown outcome since the campus opened,
reads more with every year the campus runs."""

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from academy.clock import seoul_today
from academy.demo import DEMO_LOGINS, delete_all_rows, load_demo
from academy.extensions import db, limiter
from academy.kpi import facts
from academy.models import (
    AttendanceMark,
    Campus,
    Certification,
    ClaimStatus,
    ClassSession,
    Cohort,
    ContactAttempt,
    ContactChannel,
    ContactResult,
    Course,
    EnrolmentStatus,
    HostOrganisation,
    Instructor,
    InstructorAssignment,
    InternshipOpening,
    InternshipPlacement,
    InternshipProgramme,
    Mark,
    OutcomeCode,
    PlacementStatus,
    Role,
    SubsidyClaim,
    User,
    Verification,
    utcnow,
)
from tests import factories
from tests.test_query_counts import PAGES, Page, Seen, signed_in


def open_cohort(seen: Seen) -> int:
    """A cohort of the campus not yet closed: the one whose forms are still open."""
    return db.session.scalar(
        sa.select(Cohort.id)
        .where(Cohort.campus_id == seen.campus_id, Cohort.closed_on.is_(None))
        .order_by(Cohort.starts_on.desc())
        .limit(1)
    )


C, O, I, T = Role.COORDINATOR, Role.OFFICIAL, Role.INSTRUCTOR, Role.TRAINEE  # noqa: E741

# Pages the query-count table does not open, or opens only with an explicit year: their default
# views, and the forms with pickers.
DEFAULT_VIEWS = [
    Page("campus overview, this year", O, lambda s: "/campuses/"),
    Page("campus page, this year", C, lambda s: f"/campuses/{s.campus_id}"),
    Page("city dashboard, this year", O, lambda s: "/dashboard/"),
    Page("campus dashboard, this year", C, lambda s: f"/dashboard/campus/{s.campus_id}"),
    Page("new cohort", C, lambda s: "/cohorts/new"),
    Page("edit cohort", C, lambda s: f"/cohorts/{open_cohort(s)}/edit"),
    Page("enrol one trainee", C, lambda s: f"/cohorts/{open_cohort(s)}/enrol"),
    Page("invite an instructor", C, lambda s: "/instructors/new"),
    Page("outcome import", C, lambda s: f"/outcomes/campuses/{s.campus_id}/import"),
    Page("insurance match", C, lambda s: "/outcomes/match"),
    Page(
        "follow-up list, open windows",
        C,
        lambda s: f"/outcomes/campuses/{s.campus_id}/follow-up?window=open",
    ),
]
ROLES = {C, O, I, T}
CHECKED = [page for page in PAGES if page.form is None and page.role in ROLES] + DEFAULT_VIEWS

YEARS = 6  # past years added to the campus
SLACK = 2  # rows a page may read more (a many-to-one the history happens to fill)
PAGE_SIZE = 5  # lists that page read a page at a time, before and after alike

# Pages still reading history, each with why it was left: strict, so a fix shows up here.
KNOWN: dict[str, str] = {}

CASES = [
    pytest.param(page, marks=pytest.mark.xfail(reason=KNOWN[page.name], strict=True))
    if page.name in KNOWN
    else page
    for page in CHECKED
]


@contextmanager
def counting_rows():
    """[(rows, statement)] of every SELECT sent: the rows it returned, whether or not the caller
    fetched them all. PostgreSQL's driver says how many; SQLite's does not, so the same
    statement is counted by the database itself."""
    counted: list[tuple[int, str]] = []

    def record(_conn, cursor, statement, parameters, _context, _many):
        if not statement.lstrip().upper().startswith(("SELECT", "WITH")):
            return
        rows = cursor.rowcount
        if rows is None or rows < 0:
            counter = cursor.connection.cursor()
            try:
                counter.execute(f"SELECT count(*) FROM ({statement}) AS counted", parameters)
                rows = counter.fetchone()[0]
            finally:
                counter.close()
        counted.append((rows, statement))

    event.listen(db.engine, "after_cursor_execute", record)
    try:
        yield counted
    finally:
        event.remove(db.engine, "after_cursor_execute", record)


@dataclass
class History:
    """What was added, to say what a page read it for."""

    cohorts: int = 0
    enrolments: int = 0


def add_history(campus_id: int, years: int) -> History:
    """`years` past years at the campus, ending four years before today's (the demo's own history
    starts three years back): two closed cohorts a year taught by the demo instructor, each with
    four completers and one who left, three days of marks, a verified job, a verified S1, a U
    and one with no outcome at all after two contact attempts, an exam each and approved claims
    on that year's programme, and an internship done."""
    today = seoul_today()
    campus = db.session.get(Campus, campus_id)
    coordinator = db.session.scalar(sa.select(User).where(User.email == DEMO_LOGINS[C]))
    instructor = db.session.scalar(
        sa.select(Instructor).join(Instructor.user).where(User.email == DEMO_LOGINS[I])
    )
    course = db.session.scalar(
        sa.select(Course).where(Course.campus_id == campus_id).order_by(Course.id)
    )
    certification = db.session.scalar(sa.select(Certification).order_by(Certification.id))
    host = db.session.scalar(sa.select(HostOrganisation).order_by(HostOrganisation.id))
    added = History()
    for year in range(today.year - 4 - years, today.year - 4):
        programme = factories.SubsidyProgrammeFactory(year=year)
        opening = InternshipOpening(
            host=host,
            programme=InternshipProgramme.COMPANY_LINKED,
            title="데이터 분석 인턴",
            starts_on=date(year, 12, 1),
            ends_on=date(year, 12, 26),
            seats=4,
        )
        db.session.add(opening)
        for half, starts in enumerate((date(year, 3, 2), date(year, 6, 1))):
            ends = starts + timedelta(weeks=20)
            cohort = Cohort(
                code=f"H{campus_id}-{year}-{half + 1}",
                campus=campus,
                course=course,
                starts_on=starts,
                ends_on=ends,
                capacity=20,
                closed_on=ends + timedelta(days=3),
                closed_by_id=coordinator.id,
            )
            db.session.add(cohort)
            db.session.flush()
            db.session.add(InstructorAssignment(cohort=cohort, instructor=instructor))
            completers = [
                factories.EnrolmentFactory(cohort=cohort, status=EnrolmentStatus.COMPLETED)
                for _ in range(4)
            ]
            left = factories.EnrolmentFactory(
                cohort=cohort, status=EnrolmentStatus.WITHDRAWN, left_on=starts + timedelta(9)
            )
            for day in range(3):
                session = ClassSession(cohort=cohort, held_on=starts + timedelta(days=day))
                db.session.add(session)
                for enrolment in [*completers, left]:
                    db.session.add(
                        AttendanceMark(session=session, enrolment=enrolment, mark=Mark.PRESENT)
                    )
            job, seeking, unknown, silent = completers
            factories.OutcomeRecordFactory(
                enrolment=job, version=1, verification=Verification.VERIFIED
            )
            for enrolment, code in ((seeking, OutcomeCode.S1), (unknown, OutcomeCode.U)):
                factories.OutcomeRecordFactory(
                    enrolment=enrolment,
                    version=1,
                    code=code,
                    employer=None,
                    starts_on=None,
                    insured=None,
                    weekly_hours=None,
                    in_field=None,
                    monthly_pay=None,
                    verification=Verification.VERIFIED,
                )
            for enrolment in (unknown, silent):
                for n in range(2):
                    db.session.add(
                        ContactAttempt(
                            enrolment=enrolment,
                            channel=ContactChannel.PHONE,
                            result=ContactResult.NO_ANSWER,
                            attempted_at=utcnow().replace(year=year) + timedelta(days=n),
                            by_id=coordinator.id,
                        )
                    )
            for enrolment in completers:
                attempt = factories.ExamAttemptFactory(
                    certification=certification,
                    trainee=enrolment.trainee,
                    cohort_id=cohort.id,
                    sat_on=ends - timedelta(days=10),
                )
                db.session.add(
                    SubsidyClaim(
                        programme=programme,
                        trainee=enrolment.trainee,
                        campus_id=campus_id,
                        exam_attempt=attempt,
                        amount_requested=attempt.fee_paid,
                        amount_approved=attempt.fee_paid,
                        status=ClaimStatus.APPROVED,
                        applied_on=attempt.sat_on + timedelta(days=3),
                        decided_at=utcnow().replace(year=year),
                        decided_by_id=coordinator.id,
                        paid_on=attempt.sat_on + timedelta(days=20),
                    )
                )
                programme.spent += attempt.fee_paid
            db.session.add(
                InternshipPlacement(
                    opening=opening,
                    trainee=seeking.trainee,
                    campus_id=campus_id,
                    starts_on=opening.starts_on,
                    ends_on=opening.ends_on,
                    weekly_hours=40,
                    status=PlacementStatus.COMPLETED,
                )
            )
            added.cohorts += 1
            added.enrolments += len(completers) + 1
    db.session.flush()
    facts.refresh_all(db.session)
    db.session.commit()
    return added


def rows_of(page: Page, client, seen: Seen) -> list[tuple[int, str]]:
    page.open(client, seen)  # warm any per-process cache before counting
    with counting_rows() as counted:
        page.open(client, seen)
    return counted[:]


@pytest.fixture(scope="module")
def page_rows(app):
    """{page name: (rows before, rows after the history)}, measured once; the demo is removed
    afterwards, so the other tests find the empty database they expect."""
    measured: dict[str, tuple[list, list]] = {}
    page_size = app.config["PAGE_SIZE"]
    app.config["PAGE_SIZE"] = PAGE_SIZE
    with app.app_context():
        try:
            load_demo(reset=True, scale=0.1)
            seen = Seen.find()
            clients = {role: signed_in(app, role) for role in {page.role for page in CHECKED}}
            before = {page.name: rows_of(page, clients[page.role], seen) for page in CHECKED}
            add_history(seen.campus_id, YEARS)
            db.session.expunge_all()
            for page in CHECKED:
                measured[page.name] = (before[page.name], rows_of(page, clients[page.role], seen))
        finally:
            app.config["PAGE_SIZE"] = page_size
            db.session.rollback()
            delete_all_rows()
            db.session.commit()
            db.session.remove()
            limiter.reset()
    return measured


@pytest.mark.parametrize("page", CASES, ids=lambda page: page.name)
def test_pages_do_not_read_a_campus_history(page_rows, page):
    before, after = page_rows[page.name]
    total_before = sum(rows for rows, _ in before)
    total_after = sum(rows for rows, _ in after)
    grown = [
        f"{b} -> {a} rows: {statement[:300]}"
        for (b, statement), (a, _) in zip(before, after, strict=False)
        if a > b
    ]
    assert total_after <= total_before + SLACK, (
        f"{total_before} -> {total_after} rows after {YEARS} past years\n" + "\n".join(grown)
    )
