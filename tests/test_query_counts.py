"""Pages issue a bounded number of queries, whatever the amount of data (no N+1)."""

import re
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

import pyotp
import pytest
import sqlalchemy as sa
from sqlalchemy import event

from academy.auth.access import CAMPUS_RECORD_STATUSES
from academy.auth.two_factor import REQUIRED_ROLES
from academy.demo import DEMO_LOGINS, DEMO_PASSWORD, delete_all_rows, load_demo
from academy.extensions import db, limiter
from academy.models import (
    AttendanceMark,
    Campus,
    ClassSession,
    Cohort,
    Enrolment,
    EnrolmentStatus,
    Instructor,
    InstructorAssignment,
    InternshipOpening,
    Mark,
    Role,
    SubsidyClaim,
    SubsidyProgramme,
    Trainee,
    User,
    utcnow,
)
from tests import factories
from tests.conftest import sign_in


@contextmanager
def counting_queries():
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def grow(campus, n):
    """n more cohorts at the campus, each with n trainees."""
    for _ in range(n):
        cohort = factories.CohortFactory(campus=campus)
        factories.ClassroomFactory(campus=campus)
        for _ in range(n):
            factories.EnrolmentFactory(cohort=cohort)
    db.session.commit()


def queries_for(client, url):
    with counting_queries() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


@pytest.mark.parametrize("role", [Role.OFFICIAL, Role.COORDINATOR])
def test_campus_pages_do_not_grow_with_the_data(client, login_as, db, role):
    campus = factories.CampusFactory()
    db.session.commit()
    login_as(role, campus=campus if role == Role.COORDINATOR else None)
    url = "/campuses/?year=2025" if role == Role.OFFICIAL else f"/campuses/{campus.id}?year=2025"
    grow(campus, 1)
    small = queries_for(client, url)
    grow(campus, 6)
    for _ in range(5):
        factories.CampusFactory()
    db.session.commit()
    assert queries_for(client, url) == small


def test_roster_does_not_grow_with_the_cohort(client, login_as, db):
    campus = factories.CampusFactory()
    cohort = factories.CohortFactory(campus=campus)
    factories.EnrolmentFactory(cohort=cohort)
    db.session.commit()
    login_as(Role.COORDINATOR, campus=campus)
    url = f"/cohorts/{cohort.id}"
    small = queries_for(client, url)
    for _ in range(15):
        factories.EnrolmentFactory(cohort=cohort)
    db.session.commit()
    assert queries_for(client, url) == small


def test_instructor_home_does_not_grow_with_assignments(client, login_as, db):
    user = login_as(Role.INSTRUCTOR)
    db.session.add(
        InstructorAssignment(cohort=factories.CohortFactory(), instructor=user.instructor)
    )
    db.session.commit()
    small = queries_for(client, "/instructors/me")
    for _ in range(6):
        db.session.add(
            InstructorAssignment(cohort=factories.CohortFactory(), instructor=user.instructor)
        )
    db.session.commit()
    assert queries_for(client, "/instructors/me") == small


# Every list page, dashboard and report, on the demo data at two sizes: the same number of
# queries at 67 trainees as at 331 (the demo's scale 0.02 and 0.1), with six more cohorts and
# their rosters, sessions and marks at the coordinator's campus in the larger one. A new list
# page is one line in PAGES.


@dataclass(frozen=True)
class Seen:
    """The demo's objects each page is opened on, found again after every reload."""

    campus_id: int
    cohort_id: int
    trainee_id: int
    instructor_id: int
    instructor_cohort_id: int
    programme_id: int
    claim_id: int
    opening_id: int
    own_enrolment_id: int
    contact_enrolment_id: int

    @classmethod
    def find(cls) -> "Seen":
        def first(query):
            found = db.session.scalar(query.limit(1))
            assert found is not None, str(query)
            return found

        coordinator = first(sa.select(User).where(User.email == DEMO_LOGINS[Role.COORDINATOR]))
        campus_id = coordinator.campus_id
        cohort_id = first(
            sa.select(Cohort.id)
            .where(Cohort.campus_id == campus_id, Cohort.enrolments.any())
            .order_by(Cohort.id)
        )
        instructor_user = DEMO_LOGINS[Role.INSTRUCTOR]
        instructor_id = first(
            sa.select(Instructor.id).join(Instructor.user).where(User.email == instructor_user)
        )
        trainee_user = DEMO_LOGINS[Role.TRAINEE]
        return cls(
            campus_id=campus_id,
            cohort_id=cohort_id,
            trainee_id=first(
                sa.select(Enrolment.trainee_id)
                .where(
                    Enrolment.cohort_id == cohort_id, Enrolment.status.in_(CAMPUS_RECORD_STATUSES)
                )
                .order_by(Enrolment.id)
            ),
            instructor_id=instructor_id,
            instructor_cohort_id=first(
                sa.select(InstructorAssignment.cohort_id)
                .where(InstructorAssignment.instructor_id == instructor_id)
                .order_by(InstructorAssignment.cohort_id)
            ),
            programme_id=first(sa.select(SubsidyProgramme.id).where(SubsidyProgramme.year == 2025)),
            claim_id=first(
                sa.select(SubsidyClaim.id)
                .where(SubsidyClaim.campus_id == campus_id)
                .order_by(SubsidyClaim.id)
            ),
            opening_id=first(sa.select(InternshipOpening.id).order_by(InternshipOpening.id)),
            own_enrolment_id=first(
                sa.select(Enrolment.id)
                .join(Enrolment.trainee)
                .join(Trainee.user)
                .where(User.email == trainee_user)
                .order_by(Enrolment.id)
            ),
            contact_enrolment_id=first(
                sa.select(Enrolment.id)
                .join(Enrolment.cohort)
                .where(Cohort.campus_id == campus_id, Enrolment.status == EnrolmentStatus.COMPLETED)
                .order_by(Enrolment.id)
            ),
        )


@dataclass(frozen=True)
class Page:
    name: str
    role: Role
    url: Callable[[Seen], str]
    htmx: bool = False
    form: dict | None = None  # posted instead of fetched: a report generated and archived

    def open(self, client, seen: Seen):
        headers = {"HX-Request": "true"} if self.htmx else {}
        if self.form is not None:
            response = client.post(self.url(seen), data=self.form, headers=headers)
            assert response.status_code == 303, response.get_data(as_text=True)[:500]
        else:
            response = client.get(self.url(seen), headers=headers)
            assert response.status_code == 200, (
                self.url(seen),
                response.get_data(as_text=True)[:500],
            )


O, A, C, I, T = Role.OFFICIAL, Role.ADMIN, Role.COORDINATOR, Role.INSTRUCTOR, Role.TRAINEE  # noqa: E741
PAGES = [
    Page("campus overview", O, lambda s: "/campuses/?year=2025"),
    Page("campus page", C, lambda s: f"/campuses/{s.campus_id}?year=2025"),
    Page("cohort list (official)", O, lambda s: "/cohorts/"),
    Page("cohort list filtered (htmx)", O, lambda s: "/cohorts/?year=2025", htmx=True),
    Page("cohort list (coordinator)", C, lambda s: "/cohorts/"),
    Page("cohort roster and at-risk list", C, lambda s: f"/cohorts/{s.cohort_id}"),
    Page("cohort page (official)", O, lambda s: f"/cohorts/{s.cohort_id}"),
    Page("cohort page (instructor)", I, lambda s: f"/cohorts/{s.instructor_cohort_id}"),
    Page("attendance sheet", C, lambda s: f"/cohorts/{s.cohort_id}/attendance"),
    Page(
        "attendance sheet (instructor)",
        I,
        lambda s: f"/cohorts/{s.instructor_cohort_id}/attendance",
    ),
    Page("session days", C, lambda s: f"/cohorts/{s.cohort_id}/sessions"),
    Page("courses", C, lambda s: "/cohorts/courses"),
    Page("invitations", C, lambda s: f"/accounts/cohorts/{s.cohort_id}/invitations"),
    Page("trainee record", C, lambda s: f"/trainees/{s.trainee_id}"),
    Page("trainee's own record", T, lambda s: "/trainees/me"),
    Page("instructors", C, lambda s: "/instructors/"),
    Page("instructors (official)", O, lambda s: "/instructors/"),
    Page("instructor", C, lambda s: f"/instructors/{s.instructor_id}"),
    Page("instructor's own page", I, lambda s: "/instructors/me"),
    Page("cohort instructors", C, lambda s: f"/instructors/cohorts/{s.cohort_id}"),
    Page("internships", C, lambda s: "/internships/"),
    Page("internships (official)", O, lambda s: "/internships/"),
    Page("internship openings", C, lambda s: "/internships/openings"),
    Page("internship opening", C, lambda s: f"/internships/openings/{s.opening_id}"),
    Page("certifications", C, lambda s: "/certifications/"),
    Page("certifications (official)", O, lambda s: "/certifications/"),
    Page("trainee's certifications", T, lambda s: "/certifications/mine"),
    Page("cohort certifications", C, lambda s: f"/certifications/cohorts/{s.cohort_id}"),
    Page("subsidy programmes", O, lambda s: "/subsidies/"),
    Page("subsidy programmes (coordinator)", C, lambda s: "/subsidies/"),
    Page("subsidy ledger", O, lambda s: f"/subsidies/programmes/{s.programme_id}"),
    Page(
        "subsidy ledger export",
        O,
        lambda s: f"/subsidies/programmes/{s.programme_id}/ledger.xlsx?reason=reporting",
    ),
    Page("subsidy claim queue", C, lambda s: "/subsidies/claims"),
    Page("subsidy claim", C, lambda s: f"/subsidies/claims/{s.claim_id}"),
    Page("subsidy application", T, lambda s: "/subsidies/apply"),
    Page("outcome verification queue", C, lambda s: f"/outcomes/campuses/{s.campus_id}/queue"),
    Page("follow-up list", C, lambda s: f"/outcomes/campuses/{s.campus_id}/follow-up"),
    Page(
        "contact attempts", C, lambda s: f"/outcomes/enrolments/{s.contact_enrolment_id}/contacts"
    ),
    Page("trainee's outcome", T, lambda s: f"/outcomes/enrolments/{s.own_enrolment_id}/report"),
    Page("city dashboard", O, lambda s: "/dashboard/?year=2025"),
    Page(
        "city dashboard results (htmx)", O, lambda s: "/dashboard/?year=2025&tier=small", htmx=True
    ),
    Page("campus dashboard", C, lambda s: f"/dashboard/campus/{s.campus_id}?year=2025"),
    Page(
        "campus dashboard results (htmx)",
        C,
        lambda s: f"/dashboard/campus/{s.campus_id}?year=2025",
        htmx=True,
    ),
    Page("capacity planner", O, lambda s: "/dashboard/planner"),
    Page(
        "capacity planner result (htmx)", O, lambda s: "/dashboard/planner?add_small=3", htmx=True
    ),
    Page("targets", O, lambda s: "/dashboard/targets"),
    Page("methodology", O, lambda s: "/dashboard/methodology"),
    Page("ecosystem", O, lambda s: "/ecosystem/"),
    Page("report archive", O, lambda s: "/reports/"),
    Page("citywide PDF report", O, lambda s: "/reports/", form={"format": "pdf", "year": "2025"}),
    Page(
        "citywide Excel report", O, lambda s: "/reports/", form={"format": "xlsx", "year": "2025"}
    ),
    Page("KPI API", O, lambda s: "/api/v1/kpi?year=2025"),
    Page("accounts", A, lambda s: "/admin/accounts"),
    Page("account search (htmx)", A, lambda s: "/admin/accounts?role=trainee&q=example", htmx=True),
]
SIZES = (("small", 0.1, 0), ("large", 0.4, 6))  # demo scale, extra cohorts at the campus


def grow_campus(campus_id: int, cohorts: int) -> None:
    """More cohorts at the coordinator's campus, each with a roster, marked sessions and the demo
    instructor assigned."""
    campus = db.session.get(Campus, campus_id)
    instructor = db.session.scalar(
        sa.select(Instructor)
        .join(Instructor.user)
        .where(User.email == DEMO_LOGINS[Role.INSTRUCTOR])
    )
    for _ in range(cohorts):
        cohort = factories.CohortFactory(campus=campus)
        db.session.add(InstructorAssignment(cohort=cohort, instructor=instructor))
        enrolments = [factories.EnrolmentFactory(cohort=cohort) for _ in range(6)]
        for day in range(3):
            session = ClassSession(cohort=cohort, held_on=cohort.starts_on + timedelta(days=day))
            db.session.add(session)
            for enrolment in enrolments:
                db.session.add(
                    AttendanceMark(session=session, enrolment=enrolment, mark=Mark.PRESENT)
                )
    db.session.commit()


def signed_in(app, role: Role):
    """A client signed in as the demo's account of `role`; staff get a second factor enrolled
    first, as they would have before using the app."""
    user = db.session.scalar(sa.select(User).where(User.email == DEMO_LOGINS[role]))
    if user.role in REQUIRED_ROLES and not user.two_factor_enabled:
        user.totp_secret, user.totp_enrolled_at = pyotp.random_base32(), utcnow()
        db.session.commit()
    client = app.test_client()
    sign_in(client, user, DEMO_PASSWORD)
    return client


@pytest.fixture(scope="module")
def page_queries(app):
    """{(page name, size): queries}, measured once for the whole table; the demo is removed
    afterwards, so the other tests find the empty database they expect."""
    measured = {}
    with app.app_context():
        try:
            for size, scale, extra_cohorts in SIZES:
                load_demo(reset=True, scale=scale)
                seen = Seen.find()
                grow_campus(seen.campus_id, extra_cohorts)
                clients = {role: signed_in(app, role) for role in {page.role for page in PAGES}}
                for page in PAGES:
                    client = clients[page.role]
                    if page.form is None:  # warm any per-process cache before counting
                        page.open(client, seen)
                    with counting_queries() as statements:
                        page.open(client, seen)
                    measured[page.name, size] = statements[:]
        finally:
            db.session.rollback()
            delete_all_rows()
            db.session.commit()
            db.session.remove()
            limiter.reset()
    return measured


def shape(statement: str) -> str:
    """The statement with its IN lists of any length written alike."""
    return re.sub(r"IN \((?:[^()]|\([^()]*\))*\)", "IN (…)", statement)


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_list_pages_and_reports_do_not_grow_with_the_data(page_queries, page):
    """No kind of statement runs more often with more rows. One more of a kind is allowed (a
    many-to-one loaded only when the larger data set happens to fill it, such as who closed a
    cohort): an N+1 repeats its statement once per added cohort, trainee or claim, six or more
    times here."""
    small = Counter(map(shape, page_queries[page.name, "small"]))
    large = Counter(map(shape, page_queries[page.name, "large"]))
    grown = {kind: (small[kind], n) for kind, n in large.items() if n > small[kind] + 1}
    assert not grown, "\n".join(
        f"{before} -> {after} times: {kind}" for kind, (before, after) in grown.items()
    )
