"""Outcome import from Excel/CSV in the outcomes format of domain.md (for example an HRD-Net
employment-insurance match): one plan for the preview, the commit and the CLI.

The reader (academy.exchange) turns cells into values and problems; this module adds the
domain's checks (who the e-mail is, which code, what each code needs) as problems by row and
column. A later row for the same person replaces an earlier one. Nothing is written unless the
whole file is clean, and then everything is written in one transaction.
"""

import enum
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from academy import audit
from academy.clock import seoul_today
from academy.exchange.formats import OUTCOMES
from academy.exchange.reading import ParsedFile, ParsedRow, parse
from academy.extensions import db
from academy.labels import label_for
from academy.models import (
    CONTRACT_MONTHS,
    MONTHLY_PAY,
    WEEKLY_HOURS,
    AccessAction,
    Enrolment,
    ExclusionReason,
    OutcomeCode,
    OutcomeRecord,
    Role,
    Trainee,
    User,
    Verification,
    utcnow,
)
from academy.outcomes.recording import NEEDS_EVIDENCE
from academy.outcomes.services import (
    COMPLETERS,
    EARLIEST_START,
    FIELDS,
    PENDING,
    REPORTABLE,
    add_version,
    fields_of,
    job_for,
    jobs_of,
)
from academy.outcomes.verification import entered_by

# Words coordinators use besides the codes and the app's own labels.
EXTRA_CODE_WORDS = {
    "창업": OutcomeCode.E5,
    "구직중": OutcomeCode.S1,
    "구직": OutcomeCode.S1,
    "비구직": OutcomeCode.S2,
    "구직안함": OutcomeCode.S2,
    "제외": OutcomeCode.X,
    "미상": OutcomeCode.U,
    "무응답": OutcomeCode.U,
    "모름": OutcomeCode.U,
}
EXTRA_REASON_WORDS = {
    "진학": ExclusionReason.FURTHER_STUDY,
    "군입대": ExclusionReason.MILITARY,
    "입대": ExclusionReason.MILITARY,
    "군복무": ExclusionReason.MILITARY,
    "질병": ExclusionReason.ILLNESS,
    "이민": ExclusionReason.EMIGRATION,
    "해외이주": ExclusionReason.EMIGRATION,
}


class ImportAction(enum.StrEnum):
    NEW = "new"  # a new version of the person's outcome
    VERIFY = "verify"  # the same outcome as now, which the file marks verified
    UNCHANGED = "unchanged"
    REPLACED = "replaced"  # a later row of the file is about the same person


@dataclass
class PlannedRow:
    row: ParsedRow
    enrolment: Enrolment | None = None
    fields: dict | None = None
    verified: bool = False
    current: OutcomeRecord | None = None
    action: ImportAction | None = None
    notes: list = field(default_factory=list)  # translatable remarks that are not problems


@dataclass
class ImportPlan:
    parsed: ParsedFile
    rows: list[PlannedRow]

    @property
    def problems(self):
        return sorted(self.parsed.problems, key=lambda p: p.line)

    @property
    def counts(self) -> Counter:
        return Counter(p.action for p in self.rows if p.action is not None)

    @property
    def to_write(self) -> list[PlannedRow]:
        return [p for p in self.rows if p.action in (ImportAction.NEW, ImportAction.VERIFY)]


class ImportRejected(ValueError):
    """The file has problems; nothing was written. .plan lists them by row and column."""

    def __init__(self, plan: ImportPlan) -> None:
        super().__init__(f"{len(plan.problems)} problems")
        self.plan = plan


def _word(value: object) -> str:
    return re.sub(r"\s+", "", str(value)).lower()


def _aliases(members, extra: dict) -> dict[str, enum.Enum]:
    """Each member by its value and by its label in every language of the app."""
    words = {_word(member.value): member for member in members}
    for locale in current_app.config["LANGUAGES"]:
        with force_locale(locale):
            words.update({_word(label_for(member)): member for member in members})
    words.update({_word(word): member for word, member in extra.items()})
    return words


def _people(emails: set[str]) -> dict[str, User]:
    if not emails:
        return {}
    users = db.session.scalars(
        sa.select(User)
        .where(User.email.in_(emails), User.role == Role.TRAINEE)
        .options(
            selectinload(User.trainee)
            .selectinload(Trainee.enrolments)
            .selectinload(Enrolment.cohort)
        )
    ).all()
    return {u.email: u for u in users}


def _enrolment_for(user: User | None, campus_id: int | None) -> Enrolment | None:
    """The enrolment an outcome row is about: at the campus, one whose trainee started the
    cohort (completers, those in training, and those who left or did not complete), a completed
    one first, then the latest cohort."""
    if user is None or user.trainee is None:
        return None
    candidates = [
        e
        for e in user.trainee.enrolments
        if e.status in REPORTABLE and (campus_id is None or e.cohort.campus_id == campus_id)
    ]
    if not candidates:
        return None
    return max(candidates, key=lambda e: (e.status in COMPLETERS, e.cohort.ends_on, e.id))


def _no_enrolment(user: User | None, campus_id: int | None):
    enrolments = user.trainee.enrolments if user is not None and user.trainee else []
    if any(campus_id is None or e.cohort.campus_id == campus_id for e in enrolments):
        return _l(
            "waitlisted or cancelled before the start: outcomes are kept for everyone who "
            "started a cohort"
        )
    if campus_id is not None:
        return _l("not a trainee of your campus")
    return _l("no trainee has this e-mail")


def _has_problem(row: ParsedRow, parsed: ParsedFile, key: str) -> bool:
    header = parsed.headers.get(key) or parsed.format.column(key).header
    return any(p.column == header for p in row.problems)


def plan_import(
    data: bytes, campus_id: int | None, progress=None, by: User | None = None
) -> ImportPlan:
    """Read and check the whole file; UnreadableFile if it cannot be read at all. `progress`
    (done, total) is told as rows are checked (the check job shows it). `by` is who imports:
    rows marked verified verify only what they could verify on the queue (four eyes)."""
    parsed = parse(data, OUTCOMES)
    codes = _aliases(list(OutcomeCode), EXTRA_CODE_WORDS)
    reasons = _aliases(list(ExclusionReason), EXTRA_REASON_WORDS)
    people = _people({r.values["email"] for r in parsed.rows if r.values.get("email")})
    planned = [PlannedRow(row) for row in parsed.rows]
    for number, item in enumerate(planned):
        if progress is not None and number % 50 == 0:
            progress(number, len(planned))
        row = item.row
        email = row.values.get("email")
        if email:
            user = people.get(email)
            item.enrolment = _enrolment_for(user, campus_id)
            if item.enrolment is None:
                parsed.add_problem(row, "email", _no_enrolment(user, campus_id), email)
        item.fields = _check_row(parsed, row, codes, reasons)
        item.verified = bool(row.values.get("verified")) and (
            item.fields is not None and item.fields["code"] != OutcomeCode.U
        )
    jobs = jobs_of([p.enrolment.id for p in planned if p.enrolment], evidence=by is not None)
    for item in planned:
        if item.enrolment is None or item.fields is None:
            continue
        item.current = _current_for(jobs.get(item.enrolment.id, {}), item.fields)
        item.action, item.notes = _action(item)
    if by is not None:
        _hold_to_four_eyes([p for p in planned if p.verified and p.action is not None], by)
    if progress is not None:
        progress(len(planned), len(planned))
    return ImportPlan(parsed, planned)


def _check_row(parsed: ParsedFile, row: ParsedRow, codes: dict, reasons: dict) -> dict | None:
    """The record's fields for a row, with every domain problem added to the row."""
    values = row.values
    raw_code = values.get("code")
    code = codes.get(_word(raw_code)) if raw_code else None
    if raw_code and code is None:
        parsed.add_problem(
            row, "code", _l("not an outcome code: write E1–E6, S1, S2, X or U"), str(raw_code)
        )
    if code is None:
        return None
    fields = dict.fromkeys(FIELDS)
    fields["code"] = code
    before = len(row.problems)
    if code.is_employed:
        for key in ("start_date", "employer"):
            if not values.get(key) and not _has_problem(row, parsed, key):
                parsed.add_problem(row, key, _l("required for E1–E6"))
        employer = values.get("employer")
        if employer and len(employer) > 150:
            parsed.add_problem(row, "employer", _l("longer than 150 characters"))
        starts_on = values.get("start_date")
        if starts_on and not (EARLIEST_START <= starts_on <= seoul_today() + timedelta(days=366)):
            parsed.add_problem(
                row, "start_date", _l("not a plausible start date"), starts_on.isoformat()
            )
        hours, months, pay = (
            values.get(k) for k in ("weekly_hours", "contract_months", "monthly_pay")
        )
        if hours is not None and hours not in WEEKLY_HOURS:
            message = _l(
                "hours a week between %(low)s and %(high)s",
                low=WEEKLY_HOURS.low,
                high=WEEKLY_HOURS.high,
            )
            parsed.add_problem(row, "weekly_hours", message, str(hours))
        if months is not None and months not in CONTRACT_MONTHS:
            message = _l(
                "between %(low)s and %(high)s months, or blank",
                low=CONTRACT_MONTHS.low,
                high=CONTRACT_MONTHS.high,
            )
            parsed.add_problem(row, "contract_months", message, str(months))
        if pay is not None and pay < MONTHLY_PAY.low:
            parsed.add_problem(row, "monthly_pay", _l("cannot be negative"), str(pay))
        elif pay is not None and pay not in MONTHLY_PAY:
            parsed.add_problem(row, "monthly_pay", _l("Check the amount."), str(pay))
        if code == OutcomeCode.E1 and months:
            parsed.add_problem(
                row,
                "contract_months",
                _l("E1 is open-ended: leave this blank, or use E2 for a fixed term"),
                str(months),
            )
        if (
            code == OutcomeCode.E2
            and months is None
            and not _has_problem(row, parsed, "contract_months")
        ):
            parsed.add_problem(
                row, "contract_months", _l("E2 is a fixed term: give its length in months")
            )
        if code in (OutcomeCode.E1, OutcomeCode.E2) and values.get("insured") is False:
            parsed.add_problem(
                row,
                "insured",
                _l("E1 and E2 are insured jobs: use E4 for a job without employment insurance"),
                "N",
            )
        fields.update(
            employer=employer,
            starts_on=starts_on,
            insured=values.get("insured"),
            weekly_hours=hours,
            contract_months=months,
            in_field=values.get("in_field"),
            monthly_pay=pay,
        )
    if code == OutcomeCode.X:
        raw_reason = values.get("exclusion_reason")
        reason = reasons.get(_word(raw_reason)) if raw_reason else None
        if not raw_reason:
            parsed.add_problem(row, "exclusion_reason", _l("required for X: 진학/군입대/질병/이민"))
        elif reason is None:
            parsed.add_problem(
                row,
                "exclusion_reason",
                _l("not a reason: write 진학, 군입대, 질병 or 이민"),
                str(raw_reason),
            )
        fields["exclusion_reason"] = reason
    return fields if len(row.problems) == before else None


def _current_for(states: dict[int, OutcomeRecord], fields: dict) -> OutcomeRecord | None:
    """What a row is compared with: the newest version of the job it is about (the job
    add_version will write it to), or the person's latest statement for a row that is not a
    job. A file that lists an earlier job as it stands leaves that job as it is, even when the
    trainee has reported a later one since; None for a job the history does not hold."""
    if not states:
        return None
    if fields["code"].is_employed:
        return states.get(job_for(states, fields))
    return max(states.values(), key=lambda record: record.version)


def _action(item: PlannedRow) -> tuple[ImportAction, list]:
    if item.row.replaced_by is not None:
        return ImportAction.REPLACED, [_l("replaced by row %(line)s", line=item.row.replaced_by)]
    current = item.current
    if current is None:
        if item.fields["code"] == OutcomeCode.U:
            return ImportAction.UNCHANGED, [_l("unknown already: nothing to record")]
        return ImportAction.NEW, []
    if fields_of(current) == item.fields:
        if item.verified and current.verification != Verification.VERIFIED:
            return ImportAction.VERIFY, []
        return ImportAction.UNCHANGED, []
    notes = []
    if current.verification == Verification.VERIFIED and not item.verified:
        notes.append(_l("replaces a verified outcome with one still to be verified"))
    return ImportAction.NEW, notes


def _hold_to_four_eyes(items: list[PlannedRow], by: User) -> None:
    """A row marked verified verifies only what its importer could verify on the queue
    (academy.outcomes.verification.verify): a version someone else entered, with its document
    when the code needs one. The importer enters the file's new versions, so those wait for
    another coordinator of the campus or a city official. (An operator's `flask outcomes
    import` that names no one brings verified records in as they were: no one is `by`.)"""
    for item in items:
        if item.action == ImportAction.NEW:
            if (
                item.verified
                and item.current is not None
                and (item.current.verification == Verification.VERIFIED)
            ):
                item.notes.append(_l("replaces a verified outcome with one still to be verified"))
            item.verified = False
            item.notes.append(
                _l(
                    "recorded to be verified: you enter it, so another coordinator of the "
                    "campus or a city official verifies it"
                )
            )
        elif entered_by(item.current, by):
            item.verified, item.action = False, ImportAction.UNCHANGED
            item.notes.append(
                _l(
                    "not verified: you entered this outcome or its evidence, so another "
                    "coordinator of the campus or a city official verifies it"
                )
            )
        elif item.current.verification not in PENDING:
            item.verified, item.action = False, ImportAction.UNCHANGED
            item.notes.append(
                _l(
                    "not verified: it was sent back to the trainee, who corrects it first; "
                    "verify their new version on the queue"
                )
            )
        elif item.current.code in NEEDS_EVIDENCE and not item.current.evidence:
            item.verified, item.action = False, ImportAction.UNCHANGED
            item.notes.append(
                _l("not verified: it has no evidence yet; the trainee or you add a document first")
            )


def commit_import(
    data: bytes,
    by: User | None,
    campus_id: int | None,
    filename: str = "",
    ip_address: str | None = None,
) -> ImportPlan:
    """Check the file again (the data may have changed since the preview) and write every row,
    or nothing. Rows marked verified verify the current version where the importer may verify
    it (see _hold_to_four_eyes), verified by the importer."""
    plan = plan_import(data, campus_id, by=by)
    if plan.problems:
        raise ImportRejected(plan)
    now = utcnow()
    by_id = by.id if by else None
    try:
        for item in plan.to_write:
            verified = dict(verified_by_id=by_id, verified_at=now) if item.verified else {}
            if item.action == ImportAction.NEW:
                state = Verification.VERIFIED if item.verified else Verification.SELF_REPORTED
                add_version(
                    item.enrolment.id,
                    item.fields,
                    verification=state,
                    reported_by_id=by_id,
                    **verified,
                )
            else:
                item.current.verification = Verification.VERIFIED
                item.current.verified_by_id, item.current.verified_at = by_id, now
        counts = plan.counts
        db.session.add(
            audit.entry(
                AccessAction.CREATE,
                subject="outcome_import",
                by_id=by_id,
                ip_address=ip_address,
                detail=(
                    f"{filename[:200]}: {counts[ImportAction.NEW]} new, "
                    f"{counts[ImportAction.VERIFY]} verified"
                ),
            )
        )
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise
    return plan
