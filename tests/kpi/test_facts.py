"""Each cohort's KPI facts: every write path keeps them equal to the engine (`flask kpi
check-facts --strict` after each), today's figures sum them, and a cohort whose facts no longer
hold (missing, or past a date they depend on) is counted by the engine instead."""

import io
from datetime import date, timedelta

import openpyxl
import pytest
import redis
import sqlalchemy as sa
from flask_babel import force_locale

from academy import create_app
from academy.clock import seoul_today
from academy.cohorts import attendance, completion, enrolment, imports
from academy.dashboard import services as settings
from academy.demo import load_demo
from academy.extensions import db as _db
from academy.internships import services as internships
from academy.kpi import engine, facts
from academy.kpi.rules import YearRule
from academy.models import (
    AttendanceMark,
    ClassSession,
    CohortKpiFacts,
    EnrolmentStatus,
    Mark,
    OutcomeCode,
    OutcomeRecord,
    Role,
    Verification,
)
from academy.outcomes import importing
from academy.outcomes import services as outcomes
from academy.outcomes.services import JobKind, OutcomeAnswer, Situation
from academy.progress_reports.progress import build_progress, kpi_json
from academy.scale import load_scale
from academy.uploads import StoredFile
from tests import factories
from tests.databases import config_for, fresh_database, preserve_logging
from tests.kpi.people import add_version

TODAY = seoul_today()


def weekdays(first: date, last: date) -> list[date]:
    days = (first + timedelta(days=d) for d in range((last - first).days + 1))
    return [d for d in days if d.weekday() < 5]


def xlsx(rows) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def job(starts_on: date) -> OutcomeAnswer:
    return OutcomeAnswer(
        Situation.EMPLOYED,
        employer="주식회사 새솔데이터",
        starts_on=starts_on,
        job_kind=JobKind.OPEN_ENDED,
        insured=True,
        weekly_hours=40,
        monthly_pay=3_100_000,
        in_field=True,
    )


class World:
    """A campus with a cohort that ended 100 days ago (completers, outcomes), one that ended
    yesterday and is still open, one running today, and one starting in ten days."""

    def __init__(self, db):
        self.campus = factories.CampusFactory()
        self.coordinator = factories.UserFactory(role=Role.COORDINATOR, campus=self.campus)
        self.official = factories.UserFactory(role=Role.OFFICIAL)
        course = factories.CourseFactory(campus=self.campus, attendance_threshold_pct=80)

        def cohort(starts_on, ends_on):
            return factories.CohortFactory(
                campus=self.campus, course=course, starts_on=starts_on, ends_on=ends_on
            )

        ended = TODAY - timedelta(days=100)
        self.ended = cohort(ended - timedelta(weeks=12), ended)
        self.completers = [
            factories.EnrolmentFactory(
                cohort=self.ended,
                status=EnrolmentStatus.COMPLETED,
                trainee__user__email=f"done{i}@example.com",
            )
            for i in range(4)
        ]
        add_version(
            self.completers[0], OutcomeCode.E1, Verification.VERIFIED, start=20, created=None
        )
        yesterday = TODAY - timedelta(days=1)
        self.closing = cohort(yesterday - timedelta(days=13), yesterday)
        days = weekdays(self.closing.starts_on, self.closing.ends_on)
        sessions = [ClassSession(cohort=self.closing, held_on=d) for d in days]
        db.session.add_all(sessions)
        self.closing_people = []
        for i, share in enumerate((1.0, 1.0, 0.5)):  # the last one falls short of 80%
            person = factories.EnrolmentFactory(
                cohort=self.closing, trainee__user__email=f"closing{i}@example.com"
            )
            self.closing_people.append(person)
            for n, s in enumerate(sessions):
                mark = Mark.PRESENT if n < share * len(sessions) else Mark.ABSENT
                db.session.add(AttendanceMark(session=s, enrolment=person, mark=mark))
        self.running = cohort(TODAY - timedelta(days=20), TODAY + timedelta(days=60))
        self.running_sessions = [
            ClassSession(cohort=self.running, held_on=d)
            for d in weekdays(self.running.starts_on, TODAY)
        ]
        db.session.add_all(self.running_sessions)
        self.running_people = [
            factories.EnrolmentFactory(
                cohort=self.running,
                trainee__user__email=f"run{i}@example.com",
                enrolled_on=self.running.starts_on,
            )
            for i in range(3)
        ]
        self.future = cohort(TODAY + timedelta(days=10), TODAY + timedelta(days=100))
        self.booked = factories.EnrolmentFactory(
            cohort=self.future, enrolled_on=TODAY, trainee__user__email="booked@example.com"
        )
        db.session.commit()
        facts.refresh_all(db.session)
        db.session.commit()


def stored(db) -> dict:
    return {
        row.cohort_id: tuple(row)
        for row in db.session.execute(sa.select(*CohortKpiFacts.__table__.c)).all()
    }


def enrol(w, db):
    data = enrolment.TraineeData(
        name="김새롬", birth_date=date(2000, 5, 17), email="new.person@example.com"
    )
    enrolment.enrol(w.future, data, by=w.coordinator)


def withdraw(w, db):
    enrolment.leave(w.running_people[0], TODAY, early_employment=False, by=w.coordinator)


def leave_for_a_job(w, db):
    enrolment.leave(w.running_people[1], TODAY, early_employment=True, by=w.coordinator)


def cancel(w, db):
    enrolment.cancel(w.booked, TODAY, by=w.coordinator)


def mark_attendance(w, db):
    attendance.record_mark(w.running_sessions[-1], w.running_people[0], Mark.ABSENT, by=None)


def mark_the_rest_present(w, db):
    attendance.mark_rest_present(w.running, w.running_sessions[-1], by=None)


def close(w, db):
    completion.close_cohort(w.closing, by=w.coordinator, today=TODAY)


def override(w, db):
    completion.close_cohort(w.closing, by=w.coordinator, today=TODAY)
    completion.override_completion(
        w.closing_people[2], True, "병원 진단서로 결석 사유를 확인함", w.coordinator
    )


def report(w, db):
    person = w.completers[1]
    outcomes.report_outcome(person, job(w.ended.ends_on + timedelta(days=30)), person.trainee.user)


def stored_file() -> StoredFile:
    return StoredFile("1" * 32 + ".pdf", "재직증명서.pdf", "application/pdf", 1234)


def verify(w, db):
    person = w.completers[1]
    record = outcomes.report_outcome(
        person, job(w.ended.ends_on + timedelta(days=30)), person.trainee.user, stored_file()
    )
    outcomes.verify(record, w.coordinator)


def send_back(w, db):
    person = w.completers[1]
    record = outcomes.report_outcome(
        person, job(w.ended.ends_on + timedelta(days=30)), person.trainee.user, stored_file()
    )
    outcomes.send_back(record, "입사일이 보이지 않습니다.", w.coordinator)


def report_a_job_starting_later(w, db):
    person = w.completers[2]
    outcomes.report_outcome(person, job(TODAY + timedelta(days=5)), person.trainee.user)


def import_roster(w, db):
    rows = [["이름", "생년월일", "이메일", "휴대전화"]] + [
        [f"교육생{i}", "1999-04-0" + str(1 + i), f"import{i}@example.com", f"010-1234-{i:04d}"]
        for i in range(3)
    ]
    imports.commit_roster(w.future, xlsx(rows), by=None)


def import_attendance(w, db):
    day = w.running_sessions[-1].held_on.isoformat()
    rows = [["이메일", "날짜", "출결"], ["run0@example.com", day, "결석"]]
    imports.commit_attendance(w.running, xlsx(rows), by=None)


def import_outcomes(w, db):
    start = (w.ended.ends_on + timedelta(days=40)).isoformat()
    workbook = [
        [
            "이메일",
            "결과",
            "시작일",
            "기관명",
            "고용보험",
            "주당근로시간",
            "계약기간(개월)",
            "분야일치",
            "월기본급",
            "제외사유",
            "검증",
        ],
        [
            "done3@example.com",
            "E1",
            start,
            "한빛소프트",
            "Y",
            40,
            None,
            "Y",
            "3,100,000",
            None,
            "Y",
        ],
        ["done2@example.com", "X", None, None, None, None, None, None, None, "군입대", "예"],
    ]
    importing.commit_import(xlsx(workbook), w.coordinator, w.campus.id, "hrd.xlsx")


def place_an_intern(w, db):
    opening = factories.InternshipOpeningFactory(
        starts_on=TODAY - timedelta(days=3), ends_on=TODAY + timedelta(days=60)
    )
    db.session.commit()
    internships.place(
        opening.id,
        w.completers[3].trainee_id,
        w.campus.id,
        {"starts_on": TODAY - timedelta(days=1), "paid": True},
    )


def change_a_quality_rule(w, db):
    year = (w.ended.ends_on + timedelta(days=20)).year
    settings.set_quality_rule(year, YearRule(9_000_000, 35, 12), by=w.official, reason="test")


def move_a_cohort(w, db):
    w.ended.starts_on -= timedelta(days=200)
    w.ended.ends_on -= timedelta(days=200)  # the job now starts outside its window
    db.session.commit()


WRITE_PATHS = [
    enrol,
    withdraw,
    leave_for_a_job,
    cancel,
    mark_attendance,
    mark_the_rest_present,
    close,
    override,
    report,
    verify,
    send_back,
    report_a_job_starting_later,
    import_roster,
    import_attendance,
    import_outcomes,
    place_an_intern,
    change_a_quality_rule,
    move_a_cohort,
]
CHANGE_NOTHING = {mark_attendance, mark_the_rest_present, import_attendance}


@pytest.fixture
def world(app, db):
    with app.test_request_context(), force_locale("ko"):
        yield World(db)


def check(runner):
    return runner.invoke(args=["kpi", "check-facts", "--strict"])


@pytest.mark.parametrize("write", WRITE_PATHS, ids=lambda f: f.__name__)
def test_every_write_path_keeps_the_facts_equal_to_the_engine(app, db, runner, world, write):
    before = stored(db)
    with app.test_request_context(), force_locale("ko"):
        write(world, db)
    db.session.remove()

    result = check(runner)

    assert result.exit_code == 0, result.output
    assert "0 cohorts differ; 0 without facts" in result.output
    if write not in CHANGE_NOTHING:  # the path changed a figure, so the check could have failed
        assert stored(db) != before


def test_the_check_fails_on_facts_that_differ_from_the_engine(db, runner, world):
    db.session.execute(
        sa.update(CohortKpiFacts)
        .where(CohortKpiFacts.cohort_id == world.ended.id)
        .values(completers=CohortKpiFacts.completers + 1)
    )
    db.session.commit()

    result = check(runner)

    assert result.exit_code == 1
    assert f"cohort {world.ended.code} (#{world.ended.id}): completers 5 ≠ 4" in result.output


def test_missing_facts_fail_only_the_strict_check_and_the_refresh_fills_them(db, runner, world):
    db.session.execute(sa.delete(CohortKpiFacts).where(CohortKpiFacts.cohort_id == world.ended.id))
    db.session.commit()

    assert check(runner).exit_code == 1
    assert runner.invoke(args=["kpi", "check-facts"]).exit_code == 0
    result = runner.invoke(args=["kpi", "refresh-facts"])
    assert result.exit_code == 0 and "counted 1 cohorts" in result.output
    assert check(runner).exit_code == 0


def test_a_rolled_back_write_leaves_the_facts_alone(db, world):
    before = stored(db)
    world.completers[0].status = EnrolmentStatus.NOT_COMPLETED
    db.session.flush()
    db.session.rollback()
    db.session.commit()
    assert stored(db) == before


def test_todays_figures_sum_the_facts_and_equal_the_engine(app, db, world):
    year = world.ended.ends_on.year
    from_facts = kpi_json(build_progress(db.session, year, TODAY))
    # Facts that were wrong would show: today's figures read them, not the people.
    db.session.execute(
        sa.update(CohortKpiFacts)
        .where(CohortKpiFacts.cohort_id == world.ended.id)
        .values(employed=0)
    )
    tampered = kpi_json(build_progress(db.session, year, TODAY))
    db.session.rollback()
    snapshot = engine.cohort_outcomes(
        db.session, year, TODAY, engine.load_quality_rules(db.session)
    )

    assert from_facts["employed"] == snapshot.headline.counts.employed == 1
    assert tampered["employed"] == 0
    assert from_facts["enrolled"] == snapshot.headline.counts.enrolled


def test_a_past_date_is_counted_by_the_engine(app, db, world):
    year = world.ended.ends_on.year
    db.session.execute(sa.update(CohortKpiFacts).values(employed=0))
    yesterday = kpi_json(build_progress(db.session, year, TODAY - timedelta(days=1)))
    assert yesterday["employed"] == 1


def test_facts_stop_holding_on_the_day_a_reported_job_starts(app, db, runner, world):
    person = world.completers[2]
    with app.test_request_context():
        outcomes.report_outcome(person, job(TODAY + timedelta(days=5)), person.trainee.user)
    row = db.session.get(CohortKpiFacts, world.ended.id)
    assert (row.as_of, row.valid_until) == (TODAY, TODAY + timedelta(days=5))
    later = TODAY + timedelta(days=5)
    assert world.ended.id in facts.stale_cohorts(db.session, later)
    assert world.ended.id not in facts.stale_cohorts(db.session, later - timedelta(days=1))

    # On that day the engine counts the job as started; the stored facts (as of today) do not.
    rules = engine.load_quality_rules(db.session)
    counted = engine.cohort_counts(db.session, [world.ended.id], later, rules)[world.ended.id]
    held = facts.compute(db.session, [world.ended.id], TODAY)[world.ended.id]
    assert counted.counts.employed_incl_pending == held.counts.counts.employed_incl_pending + 1
    assert facts.refresh_stale(db.session, later) >= 1
    row = db.session.get(CohortKpiFacts, world.ended.id)
    db.session.refresh(row)
    assert (row.as_of, row.valid_until, row.employed_incl_pending) == (
        later,
        None,
        counted.counts.employed_incl_pending,
    )


def test_yearly_enrolled_from_facts_equals_the_engine(db, world):
    years = range(TODAY.year - 1, TODAY.year + 2)
    assert facts.yearly_enrolled(db.session, years) == engine.yearly_enrolled(db.session, years)
    db.session.execute(sa.delete(CohortKpiFacts))
    assert facts.yearly_enrolled(db.session, years) == engine.yearly_enrolled(db.session, years)


@pytest.mark.parametrize("load", ["scale", "demo"])
def test_bulk_loads_count_every_cohort_they_write(app, db, runner, load):
    if load == "scale":
        load_scale(300, seed=5)
    else:
        load_demo(scale=0.05)
    db.session.remove()

    result = check(runner)

    assert result.exit_code == 0, result.output
    assert "0 cohorts differ; 0 without facts" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CohortKpiFacts)) > 0


def test_a_restore_counts_every_cohort_again(tmp_path):
    with fresh_database(tmp_path, "facts_restore") as url, preserve_logging():
        app = create_app(config_for(url))
        runner = app.test_cli_runner()
        backup = tmp_path / "academy.backup"
        with app.app_context():
            try:
                assert runner.invoke(args=["academy", "init"]).exit_code == 0
                cohort = factories.CohortFactory()
                factories.EnrolmentFactory.create_batch(3, cohort=cohort)
                _db.session.commit()
                cohort_id = cohort.id
                # Facts that were wrong when the backup was taken are not brought back as such.
                _db.session.execute(sa.update(CohortKpiFacts).values(enrolled=99))
                _db.session.commit()
                assert check(runner).exit_code == 1
                assert runner.invoke(args=["academy", "backup", str(backup)]).exit_code == 0
                _db.session.remove()

                result = runner.invoke(args=["academy", "restore", "--yes", str(backup)])

                assert result.exit_code == 0, result.output
                result = check(runner)
                assert result.exit_code == 0, result.output
                assert _db.session.get(CohortKpiFacts, cohort_id).enrolled == 3
            finally:
                _db.session.remove()
                _db.engine.dispose()


def test_a_bulk_update_by_primary_key_refreshes_only_its_cohorts(db, runner, world, monkeypatch):
    record = world.completers[0].outcomes[0]
    add_version(world.closing_people[0], OutcomeCode.S1, Verification.SELF_REPORTED)
    db.session.commit()  # another cohort with a statement, which the update does not touch
    refreshed, refresh = [], facts.refresh_cohort_facts

    def spy(session, cohort_ids, as_of=None):
        refreshed.append(set(cohort_ids))
        return refresh(session, cohort_ids, as_of)

    monkeypatch.setattr(facts, "refresh_cohort_facts", spy)
    db.session.execute(
        sa.update(OutcomeRecord),
        [{"id": record.id, "starts_on": world.ended.ends_on + timedelta(days=200)}],
    )  # the job now starts outside the window
    db.session.commit()

    assert refreshed == [{world.ended.id}]
    assert db.session.get(CohortKpiFacts, world.ended.id).employed == 0
    assert check(runner).exit_code == 0


def test_a_quality_rule_drops_the_facts_and_the_figures_stay_exact_until_the_recount(
    app, db, runner, world, monkeypatch, caplog
):
    """A rule change does not count every cohort in the official's request (39 s at 250,000
    trainees): it drops the facts, and until the worker counts them again (here the queue is
    down) today's figures are the engine's under the new rule, not the old facts."""
    from academy.jobs import queue

    def queue_down():
        raise redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6379.")

    monkeypatch.setattr(queue, "refresh_kpi_facts", queue_down)
    year = (world.ended.ends_on + timedelta(days=20)).year
    old_rules = engine.load_quality_rules(db.session)
    before = facts.cohort_outcomes(db.session, year, TODAY, old_rules).headline.counts
    assert stored(db)
    with app.test_request_context(), force_locale("ko"):
        settings.set_quality_rule(year, YearRule(9_000_000, 35, 12), by=world.official)
    db.session.remove()

    assert stored(db) == {}
    assert "nightly task" in caplog.text
    rules = engine.load_quality_rules(db.session)
    shown = build_progress(db.session, year, TODAY).headline.counts
    counted = engine.cohort_outcomes(db.session, year, TODAY, rules).headline.counts
    assert shown == counted
    assert shown.quality_employed != before.quality_employed  # the rule moved the figure

    assert "0 without facts" not in check(runner).output  # the check sees them missing
    monkeypatch.undo()
    settings.recount_facts()  # what the worker runs (immediately in the tests)
    result = check(runner)
    assert result.exit_code == 0 and "0 cohorts differ; 0 without facts" in result.output


def test_facts_written_by_other_counting_code_do_not_hold(app, db, runner, world):
    """A release that changes a definition must not show counts its predecessor stored: rows
    naming other code are counted by the engine, the check lists them as without facts, and
    the refresh counts them again under this code."""
    year = world.ended.ends_on.year
    rules = engine.load_quality_rules(db.session)
    db.session.execute(
        sa.update(CohortKpiFacts)
        .where(CohortKpiFacts.cohort_id == world.ended.id)
        .values(counted_by="an-old-release", completers=CohortKpiFacts.completers + 3)
    )
    db.session.commit()

    shown = facts.cohort_outcomes(db.session, year, TODAY, rules).headline.counts
    counted = engine.cohort_outcomes(db.session, year, TODAY, rules).headline.counts
    assert shown == counted  # the wrong stored count is not used
    result = check(runner)
    assert "1 without facts" in result.output

    assert facts.refresh_stale(db.session) == 1
    assert db.session.get(CohortKpiFacts, world.ended.id).counted_by == facts.COUNTED_BY
    assert "0 cohorts differ; 0 without facts" in check(runner).output
