"""Outcomes verified in bulk from an employment-insurance match (고용보험 피보험자격 취득 내역).

The insurance record is the proof of a job that HRD-Net's official employment rates are built
on. A match file has one row per insured job (성명, 생년월일, 사업장명, 사업자등록번호, 자격취득일,
자격상실일, and optionally hours, pay, occupation and whether the contract is fixed-term). One plan
serves the preview, the apply and the CLI:

- A person is found by name and birth date among the uploader's trainees: a coordinator's live
  enrolments at their campus (auth.access.CAMPUS_RECORD_STATUSES; people who never started have
  no outcome), an official's citywide. A row that matches nobody, or several people, is listed
  and not applied.
- A job insured from after the cohort's first day to its end + 180 days is an outcome of that
  cohort (the earliest-ending such cohort, if several): E1, or E2 when the file says the contract
  is fixed-term (E4 when that term was under three months). A job lost before the window's end
  still counts: it started inside the window (the job history keeps it beside later jobs).
  Insured on the cohort's first day (취득일 ≤ start < 상실일) is employed at the start (재직자),
  which takes the person out of the denominator. A job outside every window is listed.
- The record is compared with the trainee's report of the same job (same employer, or same start
  date, as academy.outcomes.services.job_number decides): agreeing → the pending version is
  verified in place with the match as its evidence; disagreeing employer, start date, contract
  kind, hours or pay (more than PAY_TOLERANCE apart: 월평균보수 counts allowances that a base pay
  leaves out) → both are listed side by side and the coordinator chooses; nothing reported → a
  new verified version from the record.
- Four eyes (services.verify): whoever enters an outcome does not verify it. A match is the
  insurance authority's statement, not the uploader's, and the file is kept as the evidence, so
  the uploader is recorded as the verifier of what the match shows (verified_by, with
  insurance_match_id naming the file). What the uploader entered by hand, or whose evidence they
  uploaded, stays pending for another coordinator or an official, as before: otherwise typing an
  outcome and uploading a matching row would be a way round the rule.
- Bad input is refused whole, every problem by row and column: invalid business numbers,
  acquisition after loss, implausible dates, the same insured job twice. Resident registration
  numbers anywhere in the workbook refuse the file: it is kept as evidence, and the law forbids
  keeping them. They are never shown back, not even masked.
- Apply is all or nothing in one transaction, checked again first (the data may have moved since
  the preview); the file is kept in the upload store and the access log records the match.
"""

import enum
import hashlib
import re
import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from academy import audit, storage
from academy.auth.access import CAMPUS_RECORD_STATUSES
from academy.clock import seoul_today
from academy.exchange.formats import INSURANCE_MATCH
from academy.exchange.reading import ParsedFile, ParsedRow, Problem, parse, read_sheets
from academy.extensions import db
from academy.models import (
    AccessAction,
    Cohort,
    Enrolment,
    InsuranceMatch,
    OutcomeCode,
    OutcomeRecord,
    Role,
    Trainee,
    User,
    Verification,
    utcnow,
)
from academy.outcomes.services import (
    EARLIEST_START,
    REPORTABLE,
    WINDOW_DAYS,
    JobKind,
    add_version,
    entered_by,
    job_code,
    jobs_of,
)

# The enrolments a match reaches: a campus's live records of people who started a cohort.
MATCHED_STATUSES = tuple(s for s in CAMPUS_RECORD_STATUSES if s in REPORTABLE)
PAY_TOLERANCE = 0.10
VERIFIABLE = (Verification.SELF_REPORTED, Verification.EVIDENCE_ATTACHED, Verification.RETURNED)
_MASKED_RRN = re.compile(r"\d{6}-[1-8]\*{6}")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class MatchAction(enum.StrEnum):
    VERIFY = "verify"  # the trainee's pending report agrees: verified in place
    ADD = "add"  # nothing reported about this job: a new verified version
    CONFLICT = "conflict"  # the report disagrees: the coordinator chooses
    AT_START = "at_start"  # insured on the cohort's first day: employed at the start
    UNCHANGED = "unchanged"  # verified already, or already employed at the start
    NOT_APPLIED = "not_applied"  # listed with its reason, written nowhere


@dataclass
class MatchRow:
    row: ParsedRow
    action: MatchAction | None = None
    enrolment: Enrolment | None = None
    current: OutcomeRecord | None = None  # the trainee's newest version of the same job
    fields: dict | None = None  # the outcome the insurance record shows
    differences: tuple[str, ...] = ()  # for a conflict: what disagrees
    reason: object = None  # translatable: why a row is not applied, or a remark


@dataclass
class MatchPlan:
    parsed: ParsedFile
    rows: list[MatchRow]
    extra_problems: list[Problem] = field(default_factory=list)

    @property
    def problems(self) -> list[Problem]:
        return sorted([*self.parsed.problems, *self.extra_problems], key=lambda p: p.line)

    @property
    def counts(self) -> Counter:
        return Counter(r.action for r in self.rows if r.action is not None)

    @property
    def conflicts(self) -> list[MatchRow]:
        return [r for r in self.rows if r.action == MatchAction.CONFLICT]


class MatchRejected(ValueError):
    """The file has problems; nothing was written. .plan lists them by row and column."""

    def __init__(self, plan: MatchPlan) -> None:
        super().__init__(f"{len(plan.problems)} problems")
        self.plan = plan


class MatchChanged(RuntimeError):
    """An outcome the plan verifies changed while the match was applied; nothing was written."""


def _person_key(name: str, birth_date: date) -> tuple[str, date]:
    return "".join(name.split()).casefold(), birth_date


def _employer_key(name: str | None) -> str:
    return " ".join((name or "").split()).casefold()


def _resident_number_problems(data: bytes, parsed: ParsedFile) -> list[Problem]:
    """Every cell of the workbook that holds a resident registration number, on any sheet, by
    row and column and without the number."""
    found = []
    header = parsed.raw[parsed.header_line - 1] if parsed.header_line else []
    message = _l(
        "a resident registration number: the file is kept as evidence and the law "
        "forbids keeping these numbers, so it is refused. Delete them (the date of birth "
        "is enough) and upload it again."
    )
    for sheet in read_sheets(data):
        for line, positions in sorted(sheet.masked.items()):
            for position in sorted(positions):
                if sheet.name == parsed.sheet_name and position < len(header) and header[position]:
                    column = str(header[position])
                else:
                    column = f"{sheet.name or ''} {_column_letter(position)}".strip()
                found.append(Problem(line, column, message))
    return found


def _column_letter(position: int) -> str:
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _hide_resident_numbers(parsed: ParsedFile) -> None:
    """A cell the reader refused may quote the masked number back: drop the quote."""
    for row in parsed.rows:
        row.problems[:] = [
            Problem(p.line, p.column, p.message, "") if _MASKED_RRN.search(p.value or "") else p
            for p in row.problems
        ]


def _check_rows(parsed: ParsedFile) -> None:
    today = seoul_today()
    seen: dict[tuple, int] = {}
    for row in parsed.rows:
        values = row.values
        for key in ("name", "employer", "occupation"):
            if _MASKED_RRN.search(str(values.get(key) or "")):
                values[key] = None  # reported by _resident_number_problems
        acquired, lost = values.get("acquired_on"), values.get("lost_on")
        if acquired and not EARLIEST_START <= acquired <= today:
            parsed.add_problem(
                row,
                "acquired_on",
                _l("not a plausible date of acquisition: it is in the future or before 2000"),
                acquired.isoformat(),
            )
        if lost and lost > today + timedelta(days=1):
            parsed.add_problem(
                row, "lost_on", _l("the date of loss is in the future"), lost.isoformat()
            )
        if acquired and lost and lost <= acquired:
            parsed.add_problem(
                row,
                "lost_on",
                _l(
                    "lost on or before the day it was acquired (%(acquired)s): check both dates",
                    acquired=acquired.isoformat(),
                ),
                lost.isoformat(),
            )
        employer = values.get("employer")
        if employer and len(employer) > 150:
            parsed.add_problem(row, "employer", _l("longer than 150 characters"))
        hours, pay = values.get("weekly_hours"), values.get("monthly_pay")
        if hours is not None and not 0 < hours <= 168:
            parsed.add_problem(
                row, "weekly_hours", _l("hours a week between 1 and 168"), str(hours)
            )
        if pay is not None and pay < 0:
            parsed.add_problem(row, "monthly_pay", _l("cannot be negative"), str(pay))
        name, birth = values.get("name"), values.get("birth_date")
        if name and birth and acquired and values.get("business_number"):
            key = (_person_key(name, birth), values["business_number"], acquired)
            if key in seen:
                parsed.add_problem(
                    row,
                    "acquired_on",
                    _l("the same insured job as row %(line)s: delete one", line=seen[key]),
                )
            else:
                seen[key] = row.line


def _candidates(keys: set[tuple[str, date]], campus_id: int | None) -> dict[tuple, list]:
    """Live enrolments of the people the file names, by (name, birth date), in one query."""
    births = {birth for _name, birth in keys}
    if not births:
        return {}
    query = (
        sa.select(Enrolment)
        .join(Trainee, Trainee.id == Enrolment.trainee_id)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .where(Trainee.birth_date.in_(births), Enrolment.status.in_(MATCHED_STATUSES))
        .options(
            selectinload(Enrolment.trainee).selectinload(Trainee.user),
            selectinload(Enrolment.cohort),
        )
    )
    if campus_id is not None:
        query = query.where(Cohort.campus_id == campus_id)
    found: dict[tuple, list[Enrolment]] = {}
    for enrolment in db.session.scalars(query):
        trainee = enrolment.trainee
        key = _person_key(trainee.user.name, trainee.birth_date)
        if key in keys:
            found.setdefault(key, []).append(enrolment)
    return found


def _window_ends(enrolment: Enrolment) -> date:
    return enrolment.cohort.ends_on + timedelta(days=WINDOW_DAYS)


def _place(enrolments: list[Enrolment], acquired: date, lost: date | None):
    """(enrolment, MatchAction.ADD) for a job that started in a cohort's window (the earliest-
    ending such cohort), (enrolment, AT_START) for one insured on a cohort's first day, or None."""
    inside = [e for e in enrolments if e.cohort.starts_on < acquired <= _window_ends(e)]
    if inside:
        return min(inside, key=lambda e: (e.cohort.ends_on, e.id)), MatchAction.ADD
    at_start = [
        e
        for e in enrolments
        if acquired <= e.cohort.starts_on and (lost is None or lost > e.cohort.starts_on)
    ]
    if at_start:
        return max(at_start, key=lambda e: (e.cohort.starts_on, e.id)), MatchAction.AT_START
    return None


def _months_between(start: date, end: date) -> int:
    return max(1, round((end - start).days / 30.44))


def outcome_from(values: dict, in_field: bool | None = None) -> dict:
    """The outcome fields an insured job shows; the field of work is not in the record, so it
    stays what the trainee said (or unknown)."""
    fixed = values.get("fixed_term")
    months = None
    if fixed and values.get("lost_on"):
        months = _months_between(values["acquired_on"], values["lost_on"])
    kind = JobKind.FIXED_TERM if fixed else JobKind.OPEN_ENDED
    return {
        "code": job_code(kind, True, months, in_field),
        "employer": values["employer"][:150],
        "starts_on": values["acquired_on"],
        "insured": True,
        "weekly_hours": values.get("weekly_hours"),
        "contract_months": months,
        "in_field": in_field,
        "monthly_pay": values.get("monthly_pay"),
        "exclusion_reason": None,
    }


def _differences(record: OutcomeRecord, fields: dict, values: dict) -> tuple[str, ...]:
    found = []
    if _employer_key(record.employer) != _employer_key(fields["employer"]):
        found.append("employer")
    if record.starts_on != fields["starts_on"]:
        found.append("starts_on")
    if record.insured is False or (
        values.get("fixed_term") is not None
        and record.code in (OutcomeCode.E1, OutcomeCode.E2)
        and record.code != fields["code"]
    ):
        found.append("code")
    if fields["weekly_hours"] is not None and record.weekly_hours not in (
        None,
        fields["weekly_hours"],
    ):
        found.append("weekly_hours")
    pay = fields["monthly_pay"]
    if pay is not None and record.monthly_pay is not None:
        if abs(record.monthly_pay - pay) > PAY_TOLERANCE * max(pay, record.monthly_pay):
            found.append("monthly_pay")
    return tuple(found)


def _same_job(states: dict[int, OutcomeRecord], fields: dict) -> OutcomeRecord | None:
    """The trainee's job this record is about: the same employer, else the same start date,
    else the newest job they reported that nobody has verified yet (a report the record
    contradicts, to be shown beside it)."""
    jobs = [s for s in states.values() if s.code.is_employed]
    employer = _employer_key(fields["employer"])
    for state in jobs:
        if _employer_key(state.employer) == employer:
            return state
    for state in jobs:
        if state.starts_on == fields["starts_on"]:
            return state
    unverified = [s for s in jobs if s.verification != Verification.VERIFIED]
    return max(unverified, key=lambda s: s.version) if unverified else None


def plan_match(
    data: bytes, campus_id: int | None, by: User | None = None, progress=None
) -> MatchPlan:
    """Read and check the whole file and decide what each row would do; writes nothing.
    UnreadableFile if it cannot be read at all."""
    parsed = parse(data, INSURANCE_MATCH)
    plan = MatchPlan(parsed, [MatchRow(row) for row in parsed.rows])
    plan.extra_problems = _resident_number_problems(data, parsed)
    _hide_resident_numbers(parsed)
    _check_rows(parsed)
    if plan.extra_problems:
        return plan  # refused whole: nobody is looked up from a file the law forbids keeping
    keys = {
        _person_key(r.values["name"], r.values["birth_date"])
        for r in parsed.rows
        if r.values.get("name") and r.values.get("birth_date")
    }
    people = _candidates(keys, campus_id)
    enrolment_ids = sorted({e.id for found in people.values() for e in found})
    states = jobs_of(enrolment_ids, evidence=True)
    taken: dict[tuple, int] = {}  # (enrolment, job or employer) -> the row that applies to it
    for number, item in enumerate(plan.rows):
        if progress is not None and number % 50 == 0:
            progress(number, len(plan.rows))
        row = item.row
        if row.problems:
            continue
        values = row.values
        found = people.get(_person_key(values["name"], values["birth_date"]), [])
        trainees = {e.trainee_id for e in found}
        if not trainees:
            item.action = MatchAction.NOT_APPLIED
            item.reason = (
                _l("no trainee of your campus has this name and date of birth")
                if campus_id is not None
                else _l("no trainee has this name and date of birth")
            )
            continue
        if len(trainees) > 1:
            item.action = MatchAction.NOT_APPLIED
            item.reason = _l(
                "%(n)s trainees have this name and date of birth: verify their outcomes one by one",
                n=len(trainees),
            )
            continue
        placed = _place(found, values["acquired_on"], values.get("lost_on"))
        if placed is None:
            item.action = MatchAction.NOT_APPLIED
            item.reason = _l(
                "outside every cohort of this person: the job started before the "
                "cohort (and ended before its first day) or more than %(days)s "
                "days after its end",
                days=WINDOW_DAYS,
            )
            continue
        item.enrolment, action = placed
        if action == MatchAction.AT_START:
            duplicate = ("start", item.enrolment.id)
            if duplicate in taken:
                item.action = MatchAction.UNCHANGED
                item.reason = _l("row %(line)s already shows this", line=taken[duplicate])
            elif item.enrolment.employed_at_start:
                item.action = MatchAction.UNCHANGED
                item.reason = _l("already recorded as employed at the start")
            else:
                item.action = MatchAction.AT_START
                taken[duplicate] = row.line
            continue
        jobs = states.get(item.enrolment.id, {})
        current = _same_job(
            jobs, {"employer": values["employer"], "starts_on": values["acquired_on"]}
        )
        item.current = current
        item.fields = outcome_from(values, current.in_field if current else None)
        claim = (
            item.enrolment.id,
            f"job{current.job}" if current else _employer_key(values["employer"]),
        )
        if claim in taken:
            item.action = MatchAction.NOT_APPLIED
            item.reason = _l(
                "row %(line)s is about the same job of this person and is the one applied",
                line=taken[claim],
            )
            continue
        taken[claim] = row.line
        if current is None:
            item.action = MatchAction.ADD
            continue
        item.differences = _differences(current, item.fields, values)
        if item.differences:
            item.action = MatchAction.CONFLICT
        elif current.verification == Verification.VERIFIED:
            item.action = MatchAction.UNCHANGED
            item.reason = _l("verified already")
        elif by is not None and entered_by(current, by):
            item.action = MatchAction.NOT_APPLIED
            item.reason = _l(
                "you entered this outcome or its evidence: another coordinator of "
                "the campus or a city official verifies it"
            )
        else:
            item.action = MatchAction.VERIFY
    if progress is not None:
        progress(len(plan.rows), len(plan.rows))
    return plan


def _keep_file(data: bytes) -> tuple[str, str]:
    extension = "xlsx" if data[:4] == b"PK\x03\x04" else "csv"
    name = f"match-{secrets.token_hex(16)}.{extension}"
    storage.area("uploads").put(name, data)
    return name, (XLSX_TYPE if extension == "xlsx" else "text/csv")


def content_type(match: InsuranceMatch) -> str:
    return XLSX_TYPE if (match.stored_name or "").endswith(".xlsx") else "text/csv"


def apply_match(
    data: bytes,
    by: User | None,
    campus_id: int | None,
    filename: str = "",
    take: set[int] | frozenset[int] = frozenset(),
    ip_address: str | None = None,
) -> tuple[MatchPlan, InsuranceMatch]:
    """Check the file again and write what it shows, in one transaction, or nothing.

    `take` names the rows (by line) whose conflicting record the coordinator chose over the
    trainee's report; the other conflicts stay as they are. The file is kept first (a failed
    write leaves no row pointing at a missing file) and deleted again if nothing is written."""
    plan = plan_match(data, campus_id, by)
    if plan.problems:
        raise MatchRejected(plan)
    stored_name, _type = _keep_file(data)
    now = utcnow()
    by_id = by.id if by else None
    verified_values = dict(
        verification=Verification.VERIFIED, verified_by_id=by_id, verified_at=now
    )
    try:
        match = InsuranceMatch(
            campus_id=campus_id,
            stored_name=stored_name,
            original_name=filename[:255] or "match",
            size_bytes=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            uploaded_by_id=by_id,
            applied_at=now,
            rows_read=len(plan.rows),
        )
        db.session.add(match)
        db.session.flush()
        verified = added = at_start = 0
        touched: set[int] = set()
        for item in plan.rows:
            if item.action == MatchAction.VERIFY:
                done = db.session.execute(
                    sa.update(OutcomeRecord)
                    .where(
                        OutcomeRecord.id == item.current.id,
                        OutcomeRecord.verification.in_(VERIFIABLE),
                    )
                    .values(insurance_match_id=match.id, **verified_values)
                    .execution_options(synchronize_session=False)
                )
                if done.rowcount != 1:
                    raise MatchChanged(item.row.line)
                verified += 1
            elif item.action == MatchAction.ADD or (
                item.action == MatchAction.CONFLICT and item.row.line in take
            ):
                job = {"job": item.current.job} if item.current is not None else {}
                add_version(
                    item.enrolment.id,
                    item.fields,
                    reported_by_id=by_id,
                    insurance_match_id=match.id,
                    **job,
                    **verified_values,
                )
                db.session.flush()
                added += 1
            elif item.action == MatchAction.AT_START:
                item.enrolment.employed_at_start = True
                at_start += 1
            else:
                continue
            touched.add(item.enrolment.trainee_id)
        match.verified, match.added, match.at_start = verified, added, at_start
        db.session.add(
            audit.entry(
                AccessAction.CREATE,
                subject=match,
                by=by,
                ip_address=ip_address,
                trainee_ids=touched,
                detail={
                    "file": filename[:200],
                    "verified": verified,
                    "added": added,
                    "at_start": at_start,
                },
            )
        )
        db.session.commit()
    except BaseException:
        db.session.rollback()
        storage.area("uploads").delete(stored_name)
        raise
    return plan, match


@dataclass(frozen=True)
class MatchSummary:
    match: InsuranceMatch
    outcomes: int  # outcome versions of the campus the match verified
    downloadable: bool  # the file is still kept, and the viewer may download it


def can_download(user, match: InsuranceMatch) -> bool:
    """A campus's match to its coordinators; every match to the citywide roles. A citywide
    match names people of every campus, so it is not a coordinator's download."""
    if user.role in (Role.OFFICIAL, Role.ADMIN):
        return True
    return user.role == Role.COORDINATOR and match.campus_id == user.campus_id


def recent_matches(campus_id: int, viewer, limit: int = 10) -> list[MatchSummary]:
    """The latest matches that verified outcomes of a campus (its own, and officials' citywide
    ones), with how many of the campus's outcome versions each verified, in two queries."""
    verified = sa.func.count(OutcomeRecord.id)
    rows = db.session.execute(
        sa.select(InsuranceMatch, verified)
        .join(OutcomeRecord, OutcomeRecord.insurance_match_id == InsuranceMatch.id)
        .join(Enrolment, Enrolment.id == OutcomeRecord.enrolment_id)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .where(Cohort.campus_id == campus_id)
        .group_by(InsuranceMatch.id)
        .order_by(InsuranceMatch.applied_at.desc(), InsuranceMatch.id.desc())
        .limit(limit)
        .options(selectinload(InsuranceMatch.uploaded_by))
    ).all()
    return [
        MatchSummary(match, count, match.stored_name is not None and can_download(viewer, match))
        for match, count in rows
    ]


def purge_expired_matches(now: datetime | None = None) -> int:
    """Delete the match files applied more than INSURANCE_MATCH_RETENTION_DAYS ago; each row
    stays, marked purged, and the purge is in the access log. Returns how many files went."""
    now = now or utcnow()
    limit = now - timedelta(days=current_app.config["INSURANCE_MATCH_RETENTION_DAYS"])
    expired = db.session.scalars(
        sa.select(InsuranceMatch).where(
            InsuranceMatch.stored_name.is_not(None), InsuranceMatch.applied_at < limit
        )
    ).all()
    for match in expired:
        storage.area("uploads").delete(match.stored_name)
        match.stored_name, match.purged_at = None, now
    if expired:
        db.session.add(
            audit.entry(
                AccessAction.PURGE,
                subject="insurance_match",
                detail={"files": len(expired), "ids": [m.id for m in expired]},
            )
        )
    db.session.commit()
    return len(expired)
