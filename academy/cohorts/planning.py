"""Courses, cohorts and their sessions at a campus: the rules of planning them.

A classroom holds one cohort at a time and no more people than it has seats; big-tech campuses
and project-based courses name their partner company; sessions are the weekdays between a
cohort's dates less Korean public holidays (the `holidays` package, substitute holidays included).
"""

from dataclasses import dataclass
from datetime import date, timedelta

import holidays
import sqlalchemy as sa
from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from academy.cohorts.seats import promote_waitlisted, seats_taken
from academy.errors import FieldsRefused, RuleRefused
from academy.extensions import db
from academy.locking import lock_row
from academy.models import (
    AttendanceMark,
    Campus,
    CampusKind,
    Classroom,
    ClassSession,
    Cohort,
    Course,
    Enrolment,
    Level,
)

Errors = dict[str, list[object]]


class PlanRefused(FieldsRefused):
    """The change breaks a planning rule; `errors` maps a form field to translatable reasons."""


def _add(errors: Errors, field: str, message: object) -> None:
    errors.setdefault(field, []).append(message)


# Courses ------------------------------------------------------------------------------------


MAX_GRACE_DAYS = 30  # as the database's check allows


@dataclass
class CourseData:
    name: str
    level: Level
    field: str = "AI"
    partner_company: str | None = None
    project_based: bool = False
    attendance_threshold_pct: int = 80
    lates_per_absence: int = 3
    cancellation_grace_days: int = 3


def course_problems(campus: Campus, data: CourseData, course: Course | None = None) -> Errors:
    errors: Errors = {}
    name = data.name.strip()
    if not name:
        _add(errors, "name", _l("Enter the course title."))
    else:
        clash = db.session.scalar(
            sa.select(Course.id).where(
                Course.campus_id == campus.id,
                Course.name == name,
                Course.id != (course.id if course else -1),
            )
        )
        if clash:
            _add(errors, "name", _l("This campus already has a course with this title."))
    if not data.partner_company:
        if campus.kind == CampusKind.BIGTECH:
            _add(
                errors,
                "partner_company",
                _l("Courses at a big-tech campus name the company that runs them."),
            )
        elif data.project_based:
            _add(
                errors,
                "partner_company",
                _l("A project-based course names the company that runs the project."),
            )
    if not 1 <= data.attendance_threshold_pct <= 100:
        _add(errors, "attendance_threshold_pct", _l("Enter a percentage from 1 to 100."))
    if data.lates_per_absence < 1:
        _add(errors, "lates_per_absence", _l("Enter 1 or more."))
    if not 0 <= data.cancellation_grace_days <= MAX_GRACE_DAYS:
        _add(errors, "cancellation_grace_days", _l("Enter 0 to 30 days."))
    return errors


def _apply_course(course: Course, data: CourseData) -> None:
    course.name = data.name.strip()
    course.level = data.level
    course.field = (data.field or "AI").strip()
    course.partner_company = (data.partner_company or "").strip() or None
    course.project_based = data.project_based
    course.attendance_threshold_pct = data.attendance_threshold_pct
    course.lates_per_absence = data.lates_per_absence
    course.cancellation_grace_days = data.cancellation_grace_days


def create_course(campus: Campus, data: CourseData) -> Course:
    if campus.kind == CampusKind.BIGTECH and not data.partner_company:
        data.partner_company = campus.partner_company
    errors = course_problems(campus, data)
    if errors:
        raise PlanRefused(errors)
    course = Course(campus=campus)
    _apply_course(course, data)
    db.session.add(course)
    db.session.commit()
    return course


def update_course(course: Course, data: CourseData) -> Course:
    errors = course_problems(course.campus, data, course)
    if errors:
        raise PlanRefused(errors)
    _apply_course(course, data)
    db.session.commit()
    return course


def campus_courses(campus_id: int) -> list[Course]:
    return db.session.scalars(
        sa.select(Course).where(Course.campus_id == campus_id).order_by(Course.level, Course.name)
    ).all()


# Sessions -------------------------------------------------------------------------------------


def korean_holidays(first: date, last: date, language: str = "ko") -> holidays.HolidayBase:
    return holidays.KR(years=range(first.year, last.year + 1), language=language)


def teaching_days(first: date, last: date) -> list[date]:
    """Weekdays from `first` to `last`, less Korean public holidays."""
    closed = korean_holidays(first, last)
    days, day = [], first
    while day <= last:
        if day.weekday() < 5 and day not in closed:
            days.append(day)
        day += timedelta(days=1)
    return days


def skipped_holidays(first: date, last: date) -> list[tuple[date, str]]:
    """Public holidays on weekdays between the dates, with their names, for the sessions page."""
    language = "ko" if str(get_locale() or "ko") == "ko" else "en_US"
    closed = korean_holidays(first, last, language)
    return sorted((d, name) for d, name in closed.items() if first <= d <= last and d.weekday() < 5)


def _add_sessions(cohort: Cohort, days: list[date]) -> None:
    if days:
        db.session.execute(
            sa.insert(ClassSession), [{"cohort_id": cohort.id, "held_on": d} for d in days]
        )


class SessionRefused(RuleRefused):
    """A rule of the cohort's timetable refused adding or removing a session."""


def add_session(cohort: Cohort, day: date) -> ClassSession:
    """An extra teaching day (a make-up Saturday, say) within the cohort's dates."""
    if cohort.closed_on:
        raise SessionRefused(_l("The cohort is closed: its sessions no longer change."))
    if not cohort.starts_on <= day <= cohort.ends_on:
        raise SessionRefused(_l("A session must fall within the cohort's dates."))
    exists = db.session.scalar(
        sa.select(ClassSession.id).where(
            ClassSession.cohort_id == cohort.id, ClassSession.held_on == day
        )
    )
    if exists:
        raise SessionRefused(_l("There is a session on this day already."))
    session = ClassSession(cohort=cohort, held_on=day)
    db.session.add(session)
    db.session.commit()
    return session


def remove_session(session: ClassSession) -> None:
    """A day that is not taught after all. Days with attendance marks stay: delete the marks
    would silently change everyone's rate."""
    if session.cohort.closed_on:
        raise SessionRefused(_l("The cohort is closed: its sessions no longer change."))
    marked = db.session.scalar(
        sa.select(sa.func.count(AttendanceMark.id)).where(AttendanceMark.session_id == session.id)
    )
    if marked:
        raise SessionRefused(
            _l(
                "Attendance has been recorded on this day (%(n)s marks): it cannot be removed.",
                n=marked,
            )
        )
    db.session.delete(session)
    db.session.commit()


# Cohorts --------------------------------------------------------------------------------------


@dataclass
class CohortData:
    code: str
    course_id: int | None
    starts_on: date | None
    ends_on: date | None
    capacity: int | None
    classroom_id: int | None = None


def normalise_code(code: str) -> str:
    return "".join(code.split()).upper()


def cohort_problems(campus: Campus, data: CohortData, cohort: Cohort | None = None) -> Errors:
    """Every planning rule the cohort breaks, by form field."""
    errors: Errors = {}
    code = normalise_code(data.code or "")
    if not code:
        _add(errors, "code", _l("Enter the cohort code."))
    elif db.session.scalar(
        sa.select(Cohort.id).where(Cohort.code == code, Cohort.id != (cohort.id if cohort else -1))
    ):
        _add(errors, "code", _l("Another cohort already has this code."))
    course = db.session.get(Course, data.course_id) if data.course_id else None
    if course is None or course.campus_id != campus.id:
        _add(errors, "course_id", _l("Choose one of this campus's courses."))
    if data.starts_on is None:
        _add(errors, "starts_on", _l("Enter the first day."))
    if data.ends_on is None:
        _add(errors, "ends_on", _l("Enter the last day."))
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        _add(errors, "ends_on", _l("The last day comes before the first day."))
    elif data.starts_on and data.ends_on:
        longest = current_app.config["COHORT_MAX_DAYS"]
        if (data.ends_on - data.starts_on).days + 1 > longest:
            # A course is months, not decades: a 2030–2100 cohort made 17,370 sessions and a
            # 10 MB page (issue 13, item 6). Sessions follow from the dates, so this bounds both.
            _add(
                errors,
                "ends_on",
                _l("A cohort lasts at most %(days)s days: check the dates.", days=longest),
            )
    if data.capacity is None or data.capacity < 1:
        _add(errors, "capacity", _l("Enter how many trainees the cohort takes (1 or more)."))
    classroom = db.session.get(Classroom, data.classroom_id) if data.classroom_id else None
    if data.classroom_id and (classroom is None or classroom.campus_id != campus.id):
        _add(errors, "classroom_id", _l("Choose one of this campus's classrooms."))
        classroom = None
    if classroom and data.capacity and data.capacity > classroom.seats:
        _add(
            errors,
            "capacity",
            _l(
                "%(room)s has %(seats)s seats: the capacity cannot be larger.",
                room=classroom.name,
                seats=classroom.seats,
            ),
        )
    if classroom and data.starts_on and data.ends_on and data.ends_on >= data.starts_on:
        clash = db.session.scalars(
            sa.select(Cohort)
            .where(
                Cohort.classroom_id == classroom.id,
                Cohort.id != (cohort.id if cohort else -1),
                Cohort.starts_on <= data.ends_on,
                Cohort.ends_on >= data.starts_on,
            )
            .order_by(Cohort.starts_on)
            .limit(1)
        ).first()
        if clash:
            _add(
                errors,
                "classroom_id",
                _l(
                    "%(room)s is taken by cohort %(code)s from %(start)s to %(end)s.",
                    room=classroom.name,
                    code=clash.code,
                    start=clash.starts_on.isoformat(),
                    end=clash.ends_on.isoformat(),
                ),
            )
    if cohort is not None:
        if cohort.closed_on:
            _add(errors, "code", _l("The cohort is closed: it can no longer be changed."))
        taken = seats_taken(cohort.id)
        if data.capacity and data.capacity < taken:
            _add(
                errors,
                "capacity",
                _l("%(n)s trainees are enrolled: the capacity cannot be lower.", n=taken),
            )
        if data.starts_on and data.ends_on:
            marked_outside = db.session.scalar(
                sa.select(sa.func.count(AttendanceMark.id))
                .join(ClassSession, ClassSession.id == AttendanceMark.session_id)
                .where(
                    ClassSession.cohort_id == cohort.id,
                    sa.or_(
                        ClassSession.held_on < data.starts_on, ClassSession.held_on > data.ends_on
                    ),
                )
            )
            if marked_outside:
                _add(
                    errors,
                    "starts_on",
                    _l("Attendance has been recorded on days outside these dates."),
                )
    return errors


def create_cohort(campus: Campus, data: CohortData) -> Cohort:
    """A cohort with its sessions generated from its dates, in one transaction."""
    if data.classroom_id:
        lock_row(Classroom, data.classroom_id)  # two coordinators booking one room take turns
    errors = cohort_problems(campus, data)
    if errors:
        db.session.rollback()
        raise PlanRefused(errors)
    cohort = Cohort(
        code=normalise_code(data.code),
        campus_id=campus.id,
        course_id=data.course_id,
        classroom_id=data.classroom_id or None,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        capacity=data.capacity,
    )
    db.session.add(cohort)
    db.session.flush()
    _add_sessions(cohort, teaching_days(cohort.starts_on, cohort.ends_on))
    db.session.commit()
    return cohort


def update_cohort(cohort: Cohort, data: CohortData) -> list[Enrolment]:
    """Changes the cohort; returns whoever a larger capacity moved off the waitlist.

    New dates keep the sessions inside them (edits included), drop those outside and add the
    teaching days of any extension.
    """
    lock_row(Cohort, cohort.id)
    if data.classroom_id:
        lock_row(Classroom, data.classroom_id)
    errors = cohort_problems(cohort.campus, data, cohort)
    if errors:
        db.session.rollback()
        raise PlanRefused(errors)
    old_start, old_end = cohort.starts_on, cohort.ends_on
    cohort.code = normalise_code(data.code)
    cohort.course_id = data.course_id
    cohort.classroom_id = data.classroom_id or None
    cohort.starts_on, cohort.ends_on = data.starts_on, data.ends_on
    cohort.capacity = data.capacity
    db.session.execute(
        sa.delete(ClassSession).where(
            ClassSession.cohort_id == cohort.id,
            sa.or_(ClassSession.held_on < cohort.starts_on, ClassSession.held_on > cohort.ends_on),
        )
    )
    extension = [
        d for d in teaching_days(cohort.starts_on, cohort.ends_on) if d < old_start or d > old_end
    ]
    _add_sessions(cohort, extension)
    db.session.flush()
    promoted = promote_waitlisted(cohort)
    db.session.commit()
    db.session.expire(cohort, ["sessions"])
    return promoted
