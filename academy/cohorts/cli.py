"""Operator commands for cohorts, rosters and attendance: thin wrappers over the same services
as the pages. A file with problems prints every problem (row, column, reason) and exits 1 with
nothing written.

    flask cohort create CODE --campus NAME --course TITLE --level LEVEL --start DATE --end DATE
                        --capacity N
    flask cohort show CODE [--json]
    flask cohort close CODE
    flask roster import FILE --cohort CODE [--dry-run]
    flask attendance import FILE --cohort CODE [--dry-run]
"""

import json
from datetime import date
from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from academy.cli import fail as _fail
from academy.extensions import db
from academy.models import NEVER_STARTED, Campus, Cohort, Course, Enrolment, EnrolmentStatus, Level


def _cohort(code: str) -> Cohort:
    from academy.cohorts.planning import normalise_code

    cohort = db.session.scalar(sa.select(Cohort).where(Cohort.code == normalise_code(code)))
    if cohort is None:
        _fail(f"no cohort with the code {code}")
    return cohort


def _day(value: str) -> date:
    from academy.exchange.cells import CellError, parse_date

    try:
        return parse_date(value)
    except CellError:
        raise click.BadParameter(f"{value!r} is not a date (write 2025-03-10)") from None


@click.group()
def cohort() -> None:
    """Create, show and close cohorts."""


@cohort.command("create")
@click.argument("code")
@click.option("--campus", "campus_name", required=True, help="Campus name, e.g. 종로캠퍼스.")
@click.option("--course", "course_title", required=True, help="Course title (created if new).")
@click.option(
    "--level", type=click.Choice([v.value for v in Level], case_sensitive=False), required=True
)
@click.option("--start", "starts_on", required=True, help="First day, e.g. 2025-03-03.")
@click.option("--end", "ends_on", required=True, help="Last day.")
@click.option("--capacity", type=click.IntRange(min=1), required=True)
@click.option("--classroom", "classroom_name", default=None, help="Classroom name.")
@click.option("--partner", default=None, help="Partner company of a new course.")
@with_appcontext
def create(
    code, campus_name, course_title, level, starts_on, ends_on, capacity, classroom_name, partner
) -> None:
    """Create a cohort and its sessions (weekdays less public holidays)."""
    from academy.cohorts.planning import (
        CohortData,
        CourseData,
        PlanRefused,
        create_cohort,
        create_course,
    )
    from academy.models import Classroom

    campus = db.session.scalar(sa.select(Campus).where(Campus.name == campus_name))
    if campus is None:
        _fail(f"no campus named {campus_name}")
    course = db.session.scalar(
        sa.select(Course).where(Course.campus_id == campus.id, Course.name == course_title)
    )
    try:
        if course is None:
            course = create_course(
                campus,
                CourseData(name=course_title, level=Level(level.lower()), partner_company=partner),
            )
            click.echo(f"created course {course.name} ({course.level.value})")
        room_id = None
        if classroom_name:
            room_id = db.session.scalar(
                sa.select(Classroom.id).where(
                    Classroom.campus_id == campus.id, Classroom.name == classroom_name
                )
            )
            if room_id is None:
                _fail(f"{campus.name} has no classroom named {classroom_name}")
        created = create_cohort(
            campus,
            CohortData(
                code=code,
                course_id=course.id,
                starts_on=_day(starts_on),
                ends_on=_day(ends_on),
                capacity=capacity,
                classroom_id=room_id,
            ),
        )
    except PlanRefused as refused:
        _fail("; ".join(refused.messages()))
    click.echo(
        f"created cohort {created.code} at {campus.name}: {created.starts_on} to "
        f"{created.ends_on}, {len(created.sessions)} sessions, capacity {created.capacity}"
    )


def cohort_summary(target: Cohort) -> dict:
    """Everything `flask cohort show` prints, as plain data."""
    from academy.clock import seoul_today
    from academy.cohorts.attendance import attendance_of, session_counts
    from academy.cohorts.completion import completion_of
    from academy.cohorts.services import cohort_state

    counts = {
        status.value: n
        for status, n in db.session.execute(
            sa.select(Enrolment.status, sa.func.count())
            .where(Enrolment.cohort_id == target.id)
            .group_by(Enrolment.status)
        )
    }
    held, scheduled = session_counts(target.id, seoul_today())
    trainees = []
    for line in attendance_of(target, statuses=tuple(EnrolmentStatus)):
        enrolment, rate = line.enrolment, line.rate
        trainees.append(
            {
                "name": enrolment.trainee.user.name,
                "email": enrolment.trainee.user.email,
                "status": enrolment.status.value,
                "waitlist_position": enrolment.waitlist_position,
                "attendance_rate": None if rate.rate is None else round(rate.rate, 4),
                "sessions_attended": float(rate.attended),
                "sessions_counted": rate.denominator,
                "outlook": line.outlook.outlook.value
                if enrolment.status == EnrolmentStatus.ENROLLED
                else None,
                "completion_override_reason": enrolment.completion_override_reason,
            }
        )
    summary = {
        "code": target.code,
        "campus": target.campus.name,
        "course": target.course.name,
        "level": target.course.level.value,
        "starts_on": target.starts_on.isoformat(),
        "ends_on": target.ends_on.isoformat(),
        "capacity": target.capacity,
        "classroom": target.classroom.name if target.classroom else None,
        "state": cohort_state(target),
        "closed_on": target.closed_on.isoformat() if target.closed_on else None,
        "completion_rule": {
            "threshold_pct": target.course.attendance_threshold_pct,
            "lates_per_absence": target.course.lates_per_absence,
        },
        # The KPI's "enrolled" (등록 인원): everyone who took a place, leavers included; not
        # the waitlist nor cancelled places. Never zero for a closed cohort that had people.
        "roster_count": sum(n for s, n in counts.items() if s not in NEVER_STARTED),
        # Holding a seat now, before the close decides completion (status "enrolled").
        "seats_taken": counts.get("enrolled", 0),
        "waitlisted": counts.get("waitlisted", 0),
        "withdrawn": counts.get("withdrawn", 0),
        "cancelled": counts.get("cancelled", 0),
        "status_counts": {status.value: counts.get(status.value, 0) for status in EnrolmentStatus},
        "sessions": {"scheduled": scheduled, "held": held},
        "trainees": trainees,
        "completion": None,
    }
    if target.closed_on:
        result = completion_of(target)
        summary["completion"] = {
            "completers": len(result.completers) + len(result.early_employed),
            "completed": [e.trainee.user.email for e, _ in result.completers],
            "early_employed": [e.trainee.user.email for e, _ in result.early_employed],
            "not_completed": [e.trainee.user.email for e, _ in result.non_completers],
            "withdrawn": [e.trainee.user.email for e, _ in result.withdrawn],
        }
    return summary


@cohort.command("show")
@click.argument("code")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_appcontext
def show(code: str, as_json: bool) -> None:
    """Roster count, status counts, sessions, each trainee's attendance rate, completers."""
    summary = cohort_summary(_cohort(code))
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    click.echo(
        f"{summary['code']} {summary['course']} ({summary['level']}) at "
        f"{summary['campus']}: {summary['starts_on']} to {summary['ends_on']}, "
        f"{summary['state']}"
    )
    click.echo(
        f"  capacity {summary['capacity']}: on the roster {summary['roster_count']} "
        f"(holding a seat {summary['seats_taken']}, withdrawn {summary['withdrawn']}), "
        f"waitlisted {summary['waitlisted']}, cancelled {summary['cancelled']}; "
        f"sessions {summary['sessions']['held']} held of "
        f"{summary['sessions']['scheduled']}"
    )
    for t in summary["trainees"]:
        rate = "–" if t["attendance_rate"] is None else f"{t['attendance_rate']:.1%}"
        click.echo(f"  {t['name']}\t{t['email']}\t{t['status']}\t{rate}")
    if summary["completion"]:
        c = summary["completion"]
        click.echo(
            f"  completers {c['completers']} (early employment "
            f"{len(c['early_employed'])}), not completed {len(c['not_completed'])}"
        )


@cohort.command("close")
@click.argument("code")
@with_appcontext
def close(code: str) -> None:
    """Apply the completion rule and close the cohort (from its last day on)."""
    from academy.cohorts.completion import CompletionRefused, close_cohort

    target = _cohort(code)
    try:
        result = close_cohort(target, by=None)
    except CompletionRefused as refused:
        _fail(str(refused.args[0]))
    click.echo(
        f"closed {target.code}: {len(result.completers)} completed, "
        f"{len(result.early_employed)} early employment, "
        f"{len(result.non_completers)} not completed"
    )


def _report_problems(problems) -> None:
    for p in problems:
        where = f"row {p.line}" + (f", {p.column}" if p.column else "")
        value = f" ({p.value})" if p.value else ""
        click.echo(f"{where}: {p.message}{value}", err=True)
    rows = len({p.line for p in problems})
    _fail(f"{len(problems)} problems in {rows} rows; nothing was written")


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        _fail(f"cannot read {path}: {error.strerror}")


@click.group()
def roster() -> None:
    """Import rosters (명단) from Excel or CSV."""


@roster.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--cohort", "code", required=True, help="The cohort's code.")
@click.option("--dry-run", is_flag=True, help="Check the file and write nothing.")
@click.option(
    "--apply-changes",
    is_flag=True,
    help="Also correct known trainees' name, phone and 취약계층 from the file.",
)
@with_appcontext
def import_roster(file: str, code: str, dry_run: bool, apply_changes: bool) -> None:
    """Enrol everyone in FILE (all or nothing); over-capacity rows join the waitlist."""
    from academy.cohorts.imports import ImportRefused, check_roster, commit_roster
    from academy.exchange.reading import UnreadableFile

    target = _cohort(code)
    data = _read(file)
    try:
        if dry_run:
            check = check_roster(target, data)
        else:
            check = commit_roster(target, data, by=None, apply_changes=apply_changes)
    except (UnreadableFile, ImportRefused) as refused:
        _fail(str(refused.args[0]))
    for warning in check.parsed.warnings:
        click.echo(f"warning: {warning}", err=True)
    if check.problems:
        _report_problems(check.problems)
    applied = apply_changes and not dry_run
    for line in check.changed:
        fields = ", ".join(
            f"{key} {old or '-'} -> {new}" for key, (old, new) in line.changes.items()
        )
        state = "corrected" if applied else "differs (--apply-changes corrects it)"
        click.echo(f"row {line.line}: {line.row.values['email']} {state}: {fields}", err=True)
    verb = "would enrol" if dry_run else "enrolled"
    click.echo(
        f"{verb} {check.count(place='seat')} in {target.code}, "
        f"waitlisted {check.count(place='waitlist')}, "
        f"already on the roster {check.count('on_roster')}; "
        f"new trainees {check.count('new')}"
    )


@click.group()
def attendance() -> None:
    """Import attendance (출결), e.g. HRD-Net exports."""


@attendance.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--cohort", "code", required=True, help="The cohort's code.")
@click.option("--dry-run", is_flag=True, help="Check the file and write nothing.")
@with_appcontext
def import_attendance(file: str, code: str, dry_run: bool) -> None:
    """Record every mark in FILE (all or nothing); a mark already recorded is replaced."""
    from academy.cohorts.imports import ImportRefused, check_attendance, commit_attendance
    from academy.exchange.reading import UnreadableFile

    target = _cohort(code)
    data = _read(file)
    try:
        if dry_run:
            check = check_attendance(target, data)
        else:
            check = commit_attendance(target, data, by=None)
    except (UnreadableFile, ImportRefused) as refused:
        _fail(str(refused.args[0]))
    for warning in check.parsed.warnings:
        click.echo(f"warning: {warning}", err=True)
    if check.problems:
        _report_problems(check.problems)
    verb = "would record" if dry_run else "recorded"
    click.echo(
        f"{verb} {check.count('new')} new marks and {check.count('changed')} changed in "
        f"{target.code}; {check.count('unchanged')} unchanged"
    )


COMMANDS = (cohort, roster, attendance)
