"""Roster and attendance files for a cohort: check every row, then write all of them or none.

The exchange reader (academy.exchange.reading) turns the file into values and problems by row
and column; the checks here add the cohort's rules as further problems:

- roster: the age range on the cohort's first day, e-mails that belong to staff or to a trainee
  with another birth date, people active in an overlapping cohort. People already on this
  cohort's roster are skipped (so the same file imported twice adds no one twice), and rows
  beyond the free seats go to the waitlist in file order. A known trainee whose name, phone or
  취약계층 in the file differs from their record is shown with the difference; the record is
  corrected only when the coordinator asks for it (apply_changes), never silently.
- attendance: e-mails not on the roster, dates that are not sessions (or still to come), days
  after a trainee left, marks that are not 출석/지각/조퇴/결석/공가 (or their English names, their
  first syllables, ○/△/▲/×), the same trainee and day twice. A mark already recorded is
  replaced. The wide layout of training portals (a column per session, academy.exchange.wide)
  is read too; a sheet without e-mails names trainees by name and birth date, matched to the
  roster here, and a name that fits no one or several people is refused at its row.

Every database check is set-based (a query per thousand e-mails at most, never one per row), and
the writes are bulk inserts inside one transaction that holds the cohort's lock.
"""

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from academy import audit
from academy.audit import append_many, role_entry
from academy.clock import seoul_today
from academy.cohorts.attendance import present_on
from academy.cohorts.enrolment import (
    active_overlaps,
    age_problem,
    chunks,
    closed_problem,
    enrolment_date,
    identity_problems,
    next_waitlist_position,
    overlap_problem,
    people_by_email,
    roster_statuses,
    youth_ages,
)
from academy.cohorts.seats import seats_taken
from academy.database import bulk_insert, reserve_ids
from academy.errors import RuleRefused
from academy.exchange.formats import ATTENDANCE, ROSTER
from academy.exchange.reading import ParsedFile, ParsedRow, Problem, UnreadableFile, parse
from academy.exchange.wide import NotWide, parse_wide
from academy.extensions import db
from academy.locking import lock_row
from academy.models import (
    AccessAction,
    AttendanceMark,
    ClassSession,
    Cohort,
    Enrolment,
    EnrolmentStatus,
    Mark,
    Role,
    Trainee,
    User,
    utcnow,
)

Progress = Callable[[str, int, int], None]  # (phase, done, total)
WRITE_CHUNK = 1000


def _quiet(_phase: str, _done: int, _total: int) -> None:
    pass


def sorted_problems(parsed: ParsedFile) -> list:
    """Every problem in the order a reader meets them: by row, then by the column's place."""
    order = {header: i for i, header in enumerate(parsed.headers.values())}
    return sorted(parsed.problems, key=lambda p: (p.line, order.get(p.column, len(order))))


class ImportRefused(RuleRefused):
    """The file cannot be imported into this cohort at all."""


# Roster -----------------------------------------------------------------------------------


# What a roster row may correct in a known trainee's record: (file column, record field).
CORRECTABLE = ("name", "phone", "vulnerable")


@dataclass
class RosterLine:
    row: ParsedRow
    action: str  # "new" person, "existing" person, "on_roster" already (skipped), "problem"
    place: str | None = None  # "seat" or "waitlist"
    waitlist_position: int | None = None
    person: object = None  # the known account (enrolment.Person), if any
    # A known trainee's fields that the file writes differently: {field: (recorded, in file)}
    changes: dict[str, tuple[object, object]] = field(default_factory=dict)

    @property
    def line(self) -> int:
        return self.row.line


@dataclass
class RosterCheck:
    parsed: ParsedFile
    lines: list[RosterLine]
    free_seats: int
    written: bool = False
    promoted: list = field(default_factory=list)

    @property
    def problems(self):
        return sorted_problems(self.parsed)

    @property
    def ok(self) -> bool:
        return not self.problems

    def count(self, action: str | None = None, place: str | None = None) -> int:
        return sum(
            1
            for line in self.lines
            if (action is None or line.action == action) and (place is None or line.place == place)
        )

    @property
    def changed(self) -> list[RosterLine]:
        """Known trainees whose record the file would correct."""
        return [line for line in self.lines if line.changes and line.action != "problem"]


def record_changes(person, values: dict) -> dict[str, tuple[object, object]]:
    """The fields of a known trainee's record that the row writes differently. A blank cell
    changes nothing: a roster without phones does not erase the phones on record."""
    if person is None or person.trainee_id is None:
        return {}
    recorded = {"name": person.name, "phone": person.phone, "vulnerable": person.vulnerable}
    return {
        key: (recorded[key], values[key])
        for key in CORRECTABLE
        if values.get(key) is not None and values[key] != recorded[key]
    }


def check_roster(
    cohort: Cohort, data: bytes | ParsedFile, progress: Progress = _quiet, lock: bool = False
) -> RosterCheck:
    """Every row's problems and what importing it would do (nothing is written here). `data` is
    the file, or its rows as already read (and not yet checked against the cohort)."""
    closed = closed_problem(cohort)
    if closed:
        raise ImportRefused(closed)
    progress("reading", 0, 0)
    parsed = data if isinstance(data, ParsedFile) else parse(data, ROSTER)
    total = len(parsed.rows)
    progress("checking", 0, total)
    emails = [row.values["email"] for row in parsed.rows if row.values.get("email")]
    people = people_by_email(emails)
    trainee_ids = [p.trainee_id for p in people.values() if p.trainee_id]
    if lock:
        _lock_trainees(trainee_ids)
    on_roster = roster_statuses(cohort.id)
    overlaps = active_overlaps(cohort, trainee_ids)
    lines, ages = [], youth_ages()
    for row in parsed.rows:
        values = row.values
        email, birth_date = values.get("email"), values.get("birth_date")
        if birth_date is not None:
            problem = age_problem(birth_date, cohort, ages)
            if problem:
                parsed.add_problem(row, "birth_date", problem, birth_date.isoformat())
        person = people.get(email) if email else None
        for key, message in identity_problems(person, birth_date):
            parsed.add_problem(row, key, message, email if key == "email" else str(birth_date))
        action = "new" if person is None else "existing"
        if person and person.trainee_id in on_roster:
            action = "on_roster"
        elif person and person.trainee_id in overlaps:
            parsed.add_problem(row, "email", overlap_problem(overlaps[person.trainee_id]), email)
        if row.problems:
            action = "problem"
        lines.append(RosterLine(row, action, person=person, changes=record_changes(person, values)))
    _warn_same_person(parsed)
    free = max(cohort.capacity - seats_taken(cohort.id), 0)
    position = next_waitlist_position(cohort.id)
    for line in lines:
        if line.action not in ("new", "existing"):
            continue
        if free > 0:
            line.place, free = "seat", free - 1
        else:
            line.place, line.waitlist_position = "waitlist", position
            position += 1
    progress("checking", total, total)
    return RosterCheck(parsed, lines, max(cohort.capacity - seats_taken(cohort.id), 0))


def _warn_same_person(parsed: ParsedFile) -> None:
    """Rows with one name and birth date under different e-mails are most likely one person
    entered twice (a new address, a typo): each e-mail would get its own account, and the
    employment-insurance match and the wide attendance sheet, which find people by name and
    birth date, could no longer tell them apart. Said once per group, not refused: two people
    may share both."""
    groups: dict[tuple[str, date], dict[str, int]] = {}
    written: dict[tuple[str, date], str] = {}
    for row in parsed.rows:
        name, born, email = (row.values.get(k) for k in ("name", "birth_date", "email"))
        if name and born and email:
            key = (_squeezed(name), born)
            written.setdefault(key, name)
            groups.setdefault(key, {}).setdefault(email, row.line)
    shown = {str(w) for w in parsed.warnings}
    for key, emails in groups.items():
        name, born = written[key], key[1]
        if len(emails) < 2:
            continue
        warning = _l(
            "Rows %(rows)s have the same name and birth date (%(name)s, %(born)s) under "
            "different e-mails (%(emails)s): if this is one person, keep one row, or each "
            "e-mail becomes an account of its own.",
            rows=", ".join(str(line) for line in sorted(emails.values())),
            name=name,
            born=born.isoformat(),
            emails=", ".join(emails),
        )
        if str(warning) not in shown:
            parsed.warnings.append(warning)


def _lock_trainees(trainee_ids: list[int]) -> None:
    """PostgreSQL: the people in the file cannot be enrolled elsewhere until this commits.
    (SQLite holds the whole database's write lock already.)"""
    if db.session.get_bind().dialect.name == "sqlite":
        return
    for chunk in chunks(sorted(trainee_ids)):
        db.session.execute(sa.select(Trainee.id).where(Trainee.id.in_(chunk)).with_for_update())


def commit_roster(
    cohort: Cohort,
    data: bytes | ParsedFile,
    by: User | None,
    progress: Progress = _quiet,
    apply_changes: bool = False,
) -> RosterCheck:
    """Import the roster if every row is clean; otherwise write nothing and return the problems.

    New people get a trainee account (no password until they activate it); people known by
    their e-mail keep their record, corrected from the file (name, phone, 취약계층) only with
    apply_changes. The check runs again here, under the cohort's lock, so the seats and the
    waitlist are counted as they are at the moment of writing.
    """
    lock_row(Cohort, cohort.id)
    db.session.refresh(cohort)
    try:
        check = check_roster(cohort, data, progress, lock=True)
    except Exception:
        db.session.rollback()
        raise
    if not check.ok:
        db.session.rollback()
        return check
    writing = [line for line in check.lines if line.place]
    new_lines = [line for line in writing if line.action == "new"]
    # Progress counts rows written: accounts for new people first, then every enrolment.
    total, done = len(new_lines) + len(writing), 0
    progress("writing", done, total)
    now, joined = utcnow(), enrolment_date(cohort)
    trainee_of = {
        email: person.trainee_id
        for email, person in people_by_email(
            line.row.values["email"] for line in writing if line.action == "existing"
        ).items()
    }
    # Ids are reserved first, so the accounts, trainees and enrolments go in as streams (COPY
    # on PostgreSQL) instead of statements that must return each new id; a chunk at a time,
    # so the page's progress bar moves while they are written.
    user_ids = reserve_ids(db.session, User, len(new_lines))
    trainee_ids = reserve_ids(db.session, Trainee, len(new_lines))
    people = list(zip(new_lines, user_ids, trainee_ids, strict=True))
    for line, _user_id, trainee_id in people:
        trainee_of[line.row.values["email"]] = trainee_id
    for chunk in chunks(people, WRITE_CHUNK):
        _write_people(chunk, now, by)
        done += len(chunk)
        progress("writing", done, total)
    for chunk in chunks(writing, WRITE_CHUNK):
        bulk_insert(
            db.session,
            Enrolment,
            [
                {
                    "cohort_id": cohort.id,
                    "trainee_id": trainee_of[line.row.values["email"]],
                    "status": EnrolmentStatus.ENROLLED
                    if line.place == "seat"
                    else EnrolmentStatus.WAITLISTED,
                    "waitlist_position": line.waitlist_position,
                    "enrolled_on": joined,
                    "employed_at_start": bool(line.row.values.get("employed_at_start")),
                    "created_at": now,
                }
                for line in chunk
            ],
        )
        done += len(chunk)
        progress("writing", done, total)
    corrected = _apply_changes(check.changed, by) if apply_changes else 0
    db.session.add(
        audit.entry(
            AccessAction.CREATE,
            subject=("roster_import", cohort.id),
            by=by,
            detail=f"cohort {cohort.code}: {check.count(place='seat')} enrolled, "
            f"{check.count(place='waitlist')} waitlisted, "
            f"{check.count('new')} new trainees, {corrected} records corrected",
        )
    )
    db.session.commit()
    check.written = True
    return check


def _write_people(people: list[tuple[RosterLine, int, int]], now, by: User | None) -> None:
    """New people's accounts (with their role grants, kept three years) and trainee records,
    under the ids reserved for them."""
    bulk_insert(
        db.session,
        User,
        [
            {
                "id": user_id,
                "email": line.row.values["email"],
                "name": line.row.values["name"],
                "role": Role.TRAINEE,
                "password_hash": None,
                "active": True,
                "session_version": 1,
                "created_at": now,
            }
            for line, user_id, _ in people
        ],
    )
    append_many(
        [
            role_entry(
                AccessAction.ROLE_GRANT,
                user_id=user_id,
                email=line.row.values["email"],
                role=Role.TRAINEE,
                campus_id=None,
                by=by,
                change="created",
                plain=True,
            )
            for line, user_id, _ in people
        ]
    )
    bulk_insert(
        db.session,
        Trainee,
        [
            {
                "id": trainee_id,
                "user_id": user_id,
                "birth_date": line.row.values["birth_date"],
                "phone": line.row.values.get("phone"),
                "vulnerable": bool(line.row.values.get("vulnerable")),
                "created_at": now,
            }
            for line, user_id, trainee_id in people
        ],
    )


def _apply_changes(lines: list[RosterLine], by: User | None) -> int:
    """Write the corrections the coordinator accepted in the preview, each logged as a change
    of personal data (who, whose record, which fields: never the values)."""
    names = [
        {"id": line.person.user_id, "name": line.changes["name"][1]}
        for line in lines
        if "name" in line.changes
    ]
    trainees = [
        {
            "id": line.person.trainee_id,
            **{key: line.changes[key][1] for key in ("phone", "vulnerable") if key in line.changes},
        }
        for line in lines
        if {"phone", "vulnerable"} & set(line.changes)
    ]
    for chunk in chunks(names, WRITE_CHUNK):
        db.session.execute(sa.update(User), chunk)
    for key_set in {tuple(sorted(row)) for row in trainees}:
        same = [row for row in trainees if tuple(sorted(row)) == key_set]
        for chunk in chunks(same, WRITE_CHUNK):
            db.session.execute(sa.update(Trainee), chunk)
    db.session.add_all(
        audit.entry(
            AccessAction.UPDATE,
            subject=("trainee", line.person.trainee_id),
            by=by,
            detail="roster import corrected: " + ", ".join(sorted(line.changes)),
        )
        for line in lines
    )
    return len(lines)


# Attendance -------------------------------------------------------------------------------

MARK_WORDS = {
    "출석": Mark.PRESENT,
    "present": Mark.PRESENT,
    "출": Mark.PRESENT,
    "지각": Mark.LATE,
    "late": Mark.LATE,
    "지": Mark.LATE,
    "조퇴": Mark.EARLY_LEAVE,
    "early_leave": Mark.EARLY_LEAVE,
    "earlyleave": Mark.EARLY_LEAVE,
    "조": Mark.EARLY_LEAVE,
    "결석": Mark.ABSENT,
    "absent": Mark.ABSENT,
    "결": Mark.ABSENT,
    "공가": Mark.EXCUSED,
    "excused": Mark.EXCUSED,
    "공": Mark.EXCUSED,
    # The symbols of attendance sheets: ○ present, △ late, ▲ left early, × absent.
    "○": Mark.PRESENT,
    "◯": Mark.PRESENT,
    "o": Mark.PRESENT,
    "△": Mark.LATE,
    "▲": Mark.EARLY_LEAVE,
    "×": Mark.ABSENT,
    "✕": Mark.ABSENT,
    "x": Mark.ABSENT,
}


def parse_mark(text: str) -> Mark | None:
    folded = unicodedata.normalize("NFKC", text)
    return MARK_WORDS.get("".join(folded.split()).lower().replace("-", "_"))


def _year_for(cohort: Cohort) -> Callable[[int, int], int]:
    """The year a session's month and day fall in: the one inside the cohort's dates."""

    def year_for(month: int, day: int) -> int:
        for year in range(cohort.starts_on.year, cohort.ends_on.year + 1):
            try:
                if cohort.starts_on <= date(year, month, day) <= cohort.ends_on:
                    return year
            except ValueError:
                continue
        return cohort.starts_on.year

    return year_for


def read_attendance(cohort: Cohort, data: bytes) -> ParsedFile:
    """The long layout (이메일, 날짜, 출결), or else the wide one (a column per session)."""
    try:
        return parse(data, ATTENDANCE)
    except UnreadableFile as long_layout:
        try:
            return parse_wide(data, _year_for(cohort))
        except NotWide:
            raise long_layout from None


def _squeezed(name: str | None) -> str:
    return "".join(unicodedata.normalize("NFC", name or "").split())


def match_by_name(parsed: ParsedFile, cohort: Cohort) -> None:
    """Rows of a wide sheet without an e-mail: the trainee is the one on the roster with that
    name and birth date (or that name alone when the row has no birth date). A row that fits no
    one, or several people, is a problem at its row; the e-mail found is filled in."""
    people: dict[str, list[tuple[str, date]]] = {}
    for email, name, born in db.session.execute(
        sa.select(User.email, User.name, Trainee.birth_date)
        .join(Trainee, Trainee.user_id == User.id)
        .join(Enrolment, Enrolment.trainee_id == Trainee.id)
        .where(Enrolment.cohort_id == cohort.id)
    ):
        people.setdefault(_squeezed(name), []).append((email, born))
    name_column = parsed.headers.get("name", "이름")
    by_line: dict[int, list[ParsedRow]] = {}
    for row in parsed.rows:
        by_line.setdefault(row.line, []).append(row)
    name_only = False
    for line, rows in by_line.items():
        first, values = rows[0], rows[0].values
        if values.get("email") or any(p.column in parsed.headers.values() for p in first.problems):
            continue  # named by e-mail, or the identity cells are already reported
        if "name" not in parsed.headers:
            required = _l("required: fill in this cell")
            first.problems.append(Problem(line, parsed.headers["email"], required))
            continue
        name, born = values.get("name"), values.get("birth_date")
        if not name:
            first.problems.append(Problem(line, name_column, _l("required: the trainee's name")))
            continue
        found = people.get(_squeezed(name), [])
        if born is not None:
            found = [person for person in found if person[1] == born]
        else:
            name_only = True
        if not found:
            message = (
                _l(
                    "no one of this name and birth date (%(born)s) is on this cohort's roster",
                    born=born.isoformat(),
                )
                if born is not None
                else _l("no one of this name is on this cohort's roster")
            )
            first.problems.append(Problem(line, name_column, message, name))
        elif len(found) > 1:
            first.problems.append(
                Problem(
                    line,
                    name_column,
                    _l(
                        "%(n)s trainees on the roster have this name%(born)s: add an 이메일 column "
                        "to tell them apart",
                        n=len(found),
                        born=f" ({born.isoformat()})" if born is not None else "",
                    ),
                    name,
                )
            )
        else:
            for row in rows:
                row.values["email"] = found[0][0]
    if name_only:
        parsed.warnings.append(
            _l(
                "Some trainees were matched by name alone (no 이메일 or 생년월일 in their row): "
                "check the names in the preview."
            )
        )


@dataclass
class AttendanceLine:
    row: ParsedRow
    action: str  # "new" mark, "changed" mark, "unchanged", "problem"
    mark: Mark | None = None
    session_id: int | None = None
    enrolment_id: int | None = None
    mark_id: int | None = None

    @property
    def line(self) -> int:
        return self.row.line


@dataclass
class AttendanceCheck:
    parsed: ParsedFile
    lines: list[AttendanceLine]
    written: bool = False

    @property
    def problems(self):
        return sorted_problems(self.parsed)

    @property
    def ok(self) -> bool:
        return not self.problems

    def count(self, action: str) -> int:
        return sum(1 for line in self.lines if line.action == action)


def check_attendance(
    cohort: Cohort, data: bytes | ParsedFile, progress: Progress = _quiet
) -> AttendanceCheck:
    """Every row's problems and what importing it would do (nothing is written here). `data` is
    the file, or its rows as already read (and not yet checked against the cohort)."""
    if cohort.closed_on:
        raise ImportRefused(_l("The cohort is closed: attendance no longer changes."))
    progress("reading", 0, 0)
    parsed = data if isinstance(data, ParsedFile) else read_attendance(cohort, data)
    if parsed.layout == "wide":
        match_by_name(parsed, cohort)
    total = len(parsed.rows)
    progress("checking", 0, total)
    roster = {
        email: enrolment
        for enrolment, email in db.session.execute(
            sa.select(Enrolment, User.email)
            .join(Trainee, Trainee.id == Enrolment.trainee_id)
            .join(User, User.id == Trainee.user_id)
            .where(Enrolment.cohort_id == cohort.id)
        )
    }
    sessions = dict(
        db.session.execute(
            sa.select(ClassSession.held_on, ClassSession.id).where(
                ClassSession.cohort_id == cohort.id
            )
        ).all()
    )
    recorded = {
        (session_id, enrolment_id): (mark_id, mark)
        for mark_id, session_id, enrolment_id, mark in db.session.execute(
            sa.select(
                AttendanceMark.id,
                AttendanceMark.session_id,
                AttendanceMark.enrolment_id,
                AttendanceMark.mark,
            )
            .join(ClassSession, ClassSession.id == AttendanceMark.session_id)
            .where(ClassSession.cohort_id == cohort.id)
        )
    }
    today = seoul_today()
    seen: dict[tuple[str, date], int] = {}
    lines = []
    for row in parsed.rows:
        values = row.values
        email, day, raw_mark = values.get("email"), values.get("date"), values.get("mark")
        line = AttendanceLine(row, "problem")
        enrolment = roster.get(email) if email else None
        if email and enrolment is None:
            parsed.add_problem(row, "email", _l("not on this cohort's roster"), email)
        elif enrolment is not None and enrolment.status == EnrolmentStatus.WAITLISTED:
            parsed.add_problem(row, "email", _l("on the waitlist, not on the roster"), email)
            enrolment = None
        if day is not None:
            if day not in sessions:
                parsed.add_problem(
                    row, "date", _l("not a session day of this cohort"), day.isoformat()
                )
            elif day > today:
                parsed.add_problem(
                    row, "date", _l("this session has not taken place yet"), day.isoformat()
                )
            elif enrolment is not None and not present_on(enrolment, day):
                parsed.add_problem(
                    row,
                    "date",
                    _l(
                        "the trainee had left the cohort by this day (%(day)s)",
                        day=enrolment.left_on.isoformat(),
                    ),
                    day.isoformat(),
                )
        if raw_mark:
            line.mark = parse_mark(raw_mark)
            if line.mark is None:
                parsed.add_problem(
                    row, "mark", _l("not a mark: write 출석, 지각, 조퇴, 결석 or 공가"), raw_mark
                )
        if email and day:
            if (email, day) in seen:
                parsed.add_problem(
                    row,
                    "date",
                    _l("this trainee and day are also in row %(line)s", line=seen[(email, day)]),
                    day.isoformat(),
                )
            else:
                seen[(email, day)] = row.line
        if not row.problems and enrolment is not None:  # (in a wide sheet, the row's first
            # cell carries the problem of a trainee not found; the others stay "problem")
            line.session_id, line.enrolment_id = sessions[day], enrolment.id
            before = recorded.get((line.session_id, line.enrolment_id))
            if before is None:
                line.action = "new"
            else:
                line.mark_id = before[0]
                line.action = "unchanged" if before[1] == line.mark else "changed"
        lines.append(line)
    progress("checking", total, total)
    return AttendanceCheck(parsed, lines)


def commit_attendance(
    cohort: Cohort, data: bytes | ParsedFile, by: User | None, progress: Progress = _quiet
) -> AttendanceCheck:
    """Record the file's marks if every row is clean; otherwise write nothing."""
    lock_row(Cohort, cohort.id)
    db.session.refresh(cohort)
    try:
        check = check_attendance(cohort, data, progress)
    except Exception:
        db.session.rollback()
        raise
    if not check.ok:
        db.session.rollback()
        return check
    now = utcnow()
    recorder = by.id if by else None
    new = [line for line in check.lines if line.action == "new"]
    changed = [line for line in check.lines if line.action == "changed"]
    total, done = len(new) + len(changed), 0
    progress("writing", 0, total)
    bulk_insert(
        db.session,
        AttendanceMark,
        [
            {
                "session_id": line.session_id,
                "enrolment_id": line.enrolment_id,
                "mark": line.mark,
                "recorded_by_id": recorder,
                "recorded_at": now,
            }
            for line in new
        ],
    )
    done += len(new)
    progress("writing", done, total)
    for chunk in chunks(changed, WRITE_CHUNK):
        db.session.execute(
            sa.update(AttendanceMark),
            [
                {
                    "id": line.mark_id,
                    "mark": line.mark,
                    "recorded_by_id": recorder,
                    "recorded_at": now,
                }
                for line in chunk
            ],
        )
        done += len(chunk)
        progress("writing", done, total)
    db.session.add(
        audit.entry(
            AccessAction.UPDATE,
            subject=("attendance_import", cohort.id),
            by_id=recorder,
            detail=f"cohort {cohort.code}: {len(new)} new marks, {len(changed)} changed",
        )
    )
    db.session.commit()
    check.written = True
    return check
