"""Job outcomes: what a trainee's answers mean as an outcome code, versions, verification, the
coordinator's queue and the follow-up of those whose outcome is still unknown.

The rules come from domain.md: one current code per enrolment (the highest version), every
version kept; self-reported → evidence attached → verified by the coordinator, or sent back
with a reason the trainee sees; headline figures count verified outcomes only; everyone starts
as U; outcomes are taken as of 180 days after the cohort's end, with 90 days as an early mark.
"""

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from academy import audit, mail
from academy.clock import SEOUL, seoul_today
from academy.cohorts.services import current_outcomes
from academy.errors import RuleRefused
from academy.extensions import db
from academy.models import (
    AccessAction,
    Cohort,
    ContactAttempt,
    ContactChannel,
    ContactResult,
    Enrolment,
    EnrolmentStatus,
    EvidenceKind,
    ExclusionReason,
    OutcomeCode,
    OutcomeEvidence,
    OutcomeRecord,
    Role,
    Trainee,
    User,
    Verification,
    utcnow,
)
from academy.uploads import StoredFile, delete_upload

WINDOW_DAYS = 180  # outcomes count as of 180 days after the cohort's end
EARLY_MARK_DAYS = 90  # the 3-month rate: an early signal
# A fixed-term contract shorter than this is a short contract (E4), not a fixed-term job (E2).
SHORT_CONTRACT_MONTHS = 3
EARLIEST_START = date(2000, 1, 1)  # a start date before this is a typing mistake

# Everyone who started a cohort may have an outcome recorded: someone still in training (it may
# make them an early leaver), completers, and those who left or did not complete (미수료: their
# jobs are counted on their own line, in no rate). Waitlisted and cancelled people never started.
REPORTABLE = (
    EnrolmentStatus.ENROLLED,
    EnrolmentStatus.COMPLETED,
    EnrolmentStatus.EARLY_EMPLOYED,
    EnrolmentStatus.WITHDRAWN,
    EnrolmentStatus.NOT_COMPLETED,
)
COMPLETERS = (EnrolmentStatus.COMPLETED, EnrolmentStatus.EARLY_EMPLOYED)
PENDING = (Verification.SELF_REPORTED, Verification.EVIDENCE_ATTACHED)
# CIRR: evidence for every positive outcome; domain.md: an exclusion needs evidence too.
NEEDS_EVIDENCE = frozenset(
    {OutcomeCode.E1, OutcomeCode.E2, OutcomeCode.E3, OutcomeCode.E4, OutcomeCode.E5,
     OutcomeCode.E6, OutcomeCode.X}
)  # fmt: skip
FIELDS = (
    "code",
    "employer",
    "starts_on",
    "insured",
    "weekly_hours",
    "contract_months",
    "in_field",
    "monthly_pay",
    "exclusion_reason",
)


class OutcomeRefused(RuleRefused):
    """An outcome rule refused the change."""


class Situation(enum.StrEnum):
    """The trainee's answer in plain words, before it becomes a code."""

    EMPLOYED = "employed"  # 취업했어요
    FOUNDED = "founded"  # 창업했어요
    SEEKING = "seeking"  # 아직 구직 중이에요
    EXCLUDED = "excluded"  # 진학·군입대 등
    NOT_SEEKING = "not_seeking"  # 구직하지 않아요


class JobKind(enum.StrEnum):
    OPEN_ENDED = "open_ended"  # 정규직 (기간의 정함이 없는 계약)
    FIXED_TERM = "fixed_term"  # 계약직
    INTERNSHIP = "internship"  # 유급 인턴·도제
    PART_TIME = "part_time"  # 시간제·프리랜서


@dataclass(frozen=True)
class OutcomeAnswer:
    situation: Situation
    employer: str | None = None
    starts_on: date | None = None
    job_kind: JobKind | None = None
    contract_months: int | None = None
    insured: bool | None = None
    weekly_hours: int | None = None
    monthly_pay: int | None = None
    in_field: bool | None = None
    exclusion_reason: ExclusionReason | None = None


def job_code(
    kind: JobKind, insured: bool | None, contract_months: int | None, in_field: bool | None
) -> OutcomeCode:
    """The code of a job, CIRR's way: out-of-field work is its own line whatever its form (E6);
    in the field, a paid internship is E3; part-time, freelance, uninsured or short-contract work
    is E4; an insured open-ended job is E1 and an insured fixed-term job E2."""
    if in_field is False:
        return OutcomeCode.E6
    if kind == JobKind.INTERNSHIP:
        return OutcomeCode.E3
    if kind == JobKind.PART_TIME or insured is not True:
        return OutcomeCode.E4
    if kind == JobKind.FIXED_TERM:
        if contract_months is not None and contract_months < SHORT_CONTRACT_MONTHS:
            return OutcomeCode.E4
        return OutcomeCode.E2
    return OutcomeCode.E1


def outcome_fields(answer: OutcomeAnswer) -> dict:
    """The record's fields for an answer; whatever the answer does not need stays empty."""
    values = dict.fromkeys(FIELDS)
    situation = answer.situation
    if situation == Situation.EMPLOYED:
        months = None if answer.job_kind == JobKind.OPEN_ENDED else answer.contract_months
        values.update(
            code=job_code(answer.job_kind, answer.insured, months, answer.in_field),
            employer=answer.employer,
            starts_on=answer.starts_on,
            insured=answer.insured,
            weekly_hours=answer.weekly_hours,
            contract_months=months,
            in_field=answer.in_field,
            monthly_pay=answer.monthly_pay,
        )
    elif situation == Situation.FOUNDED:
        values.update(
            code=OutcomeCode.E5,
            employer=answer.employer,
            starts_on=answer.starts_on,
            in_field=answer.in_field,
        )
    elif situation == Situation.EXCLUDED:
        values.update(code=OutcomeCode.X, exclusion_reason=answer.exclusion_reason)
    elif situation == Situation.SEEKING:
        values["code"] = OutcomeCode.S1
    else:
        values["code"] = OutcomeCode.S2
    return values


def answer_from(record: OutcomeRecord | None) -> OutcomeAnswer | None:
    """The answers that give a record, to fill the form when the trainee updates it."""
    if record is None or record.code == OutcomeCode.U:
        return None
    code = record.code
    if code == OutcomeCode.E5:
        return OutcomeAnswer(Situation.FOUNDED, employer=record.employer,
                             starts_on=record.starts_on, in_field=record.in_field)  # fmt: skip
    if code.is_employed:
        if code == OutcomeCode.E3:
            kind = JobKind.INTERNSHIP
        elif (
            code == OutcomeCode.E4
            and record.insured is not False
            and (record.contract_months is None or record.contract_months >= SHORT_CONTRACT_MONTHS)
        ):
            kind = JobKind.PART_TIME
        else:
            kind = JobKind.OPEN_ENDED if record.contract_months is None else JobKind.FIXED_TERM
        return OutcomeAnswer(
            Situation.EMPLOYED, employer=record.employer, starts_on=record.starts_on,
            job_kind=kind, contract_months=record.contract_months, insured=record.insured,
            weekly_hours=record.weekly_hours, monthly_pay=record.monthly_pay,
            in_field=record.in_field,
        )  # fmt: skip
    if code == OutcomeCode.X:
        return OutcomeAnswer(Situation.EXCLUDED, exclusion_reason=record.exclusion_reason)
    return OutcomeAnswer(Situation.SEEKING if code == OutcomeCode.S1 else Situation.NOT_SEEKING)


def fields_of(record: OutcomeRecord | None) -> dict:
    return {name: getattr(record, name) for name in FIELDS} if record else dict.fromkeys(FIELDS)


def default_evidence_kind(code: OutcomeCode) -> EvidenceKind:
    if code == OutcomeCode.E5:
        return EvidenceKind.BUSINESS_REGISTRATION
    if code.is_employed:
        return EvidenceKind.EMPLOYMENT_CERTIFICATE
    return EvidenceKind.OTHER


def _log(by: User | None, action: AccessAction, subject: str, subject_id: int | None,
         ip_address: str | None, detail: str | None = None) -> None:  # fmt: skip
    db.session.add(
        audit.entry(action, subject=(subject, subject_id), by=by, ip_address=ip_address,
                    detail=detail)
    )  # fmt: skip


def _max_version(enrolment_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.max(OutcomeRecord.version), 0)).where(
            OutcomeRecord.enrolment_id == enrolment_id
        )
    )


def is_current(record: OutcomeRecord) -> bool:
    """The newest version of its job (a later job leaves an earlier one's state as it is)."""
    newest = db.session.scalar(
        sa.select(sa.func.max(OutcomeRecord.version)).where(
            OutcomeRecord.enrolment_id == record.enrolment_id, OutcomeRecord.job == record.job
        )
    )
    return record.version == newest


def _same_employer(a: str | None, b: str | None) -> bool:
    def norm(name):
        return " ".join((name or "").split()).casefold()

    return norm(a) == norm(b)


def job_states(enrolment_id: int) -> dict[int, OutcomeRecord]:
    """Each job's newest version, by job number."""
    records = db.session.scalars(
        sa.select(OutcomeRecord)
        .where(OutcomeRecord.enrolment_id == enrolment_id)
        .order_by(OutcomeRecord.version)
    ).all()
    return {r.job: r for r in records}


def job_number(enrolment_id: int, fields: dict) -> int:
    """Which job a new report is about, so that a later job never replaces an earlier one.

    - A job at an employer the history already holds, or starting on the same day as a job it
      holds, is a new version of that job (a correction of its dates, terms or employer's name).
    - Another job is a new job, kept beside the earlier ones, unless the latest statement is not
      a job (S1, S2, X, U): then the job replaces that statement.
    - A statement that is not a job (seeking, excluded, …) replaces the latest statement, unless
      that is a verified job: a checked job stays in the history.
    """
    states = job_states(enrolment_id)
    if not states:
        return 1
    latest = max(states.values(), key=lambda r: r.version)
    code = fields["code"]
    if code.is_employed:
        for number, state in states.items():
            if state.code.is_employed and (
                _same_employer(state.employer, fields.get("employer"))
                or state.starts_on == fields.get("starts_on")
            ):
                return number
        return max(states) + 1 if latest.code.is_employed else latest.job
    if latest.code.is_employed and latest.verification == Verification.VERIFIED:
        return max(states) + 1
    return latest.job


def add_version(enrolment_id: int, fields: dict, **values) -> OutcomeRecord:
    """A new highest version, of the job `job_number` finds; the caller commits (and retries if
    another version won the race)."""
    values.setdefault("job", job_number(enrolment_id, fields))
    record = OutcomeRecord(
        enrolment_id=enrolment_id, version=_max_version(enrolment_id) + 1, **fields, **values
    )
    db.session.add(record)
    return record


def report_outcome(
    enrolment: Enrolment,
    answer: OutcomeAnswer,
    by: User,
    evidence: StoredFile | None = None,
    evidence_kind: EvidenceKind | None = None,
    ip_address: str | None = None,
) -> OutcomeRecord:
    """A new version of the outcome from the trainee's (or the coordinator's) answers.

    Older versions stay as they were, verified or not: the history shows who said what when.
    With a file the new version is 'evidence attached', otherwise 'self-reported'.
    """
    if enrolment.status not in REPORTABLE:
        raise OutcomeRefused(
            _l("An outcome can be reported only for a cohort its trainee started: this place "
               "was on the waitlist or cancelled before the start.")
        )  # fmt: skip
    fields = outcome_fields(answer)
    enrolment_id = enrolment.id
    state = Verification.EVIDENCE_ATTACHED if evidence else Verification.SELF_REPORTED
    for attempt in range(3):
        try:
            record = add_version(
                enrolment_id,
                fields,
                verification=state,
                reported_by_id=by.id,
            )
            if evidence:
                db.session.add(
                    OutcomeEvidence(
                        outcome=record,
                        kind=evidence_kind or default_evidence_kind(fields["code"]),
                        stored_name=evidence.stored_name,
                        original_name=evidence.original_name,
                        content_type=evidence.content_type,
                        size_bytes=evidence.size_bytes,
                        uploaded_by_id=by.id,
                    )
                )
            db.session.flush()
            _log(by, AccessAction.CREATE, "outcome_record", record.id, ip_address,
                 f"version {record.version}: {record.code.value}")  # fmt: skip
            db.session.commit()
            return record
        except IntegrityError:
            # Two submissions took the same version number; the loser tries the next one.
            db.session.rollback()
            if attempt == 2:
                if evidence:
                    delete_upload(evidence.stored_name)
                raise
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Version:
    record: OutcomeRecord
    changed: tuple[str, ...]  # fields that differ from the version before; empty for the first


def histories(enrolment_ids: Sequence[int]) -> dict[int, list[Version]]:
    """Every version of each enrolment's outcome, newest first, with what changed and by whom."""
    records = db.session.scalars(
        sa.select(OutcomeRecord)
        .where(OutcomeRecord.enrolment_id.in_(list(enrolment_ids)))
        .options(
            selectinload(OutcomeRecord.evidence),
            selectinload(OutcomeRecord.reported_by),
            selectinload(OutcomeRecord.verified_by),
            selectinload(OutcomeRecord.returned_by),
            selectinload(OutcomeRecord.insurance_match),
        )
        .order_by(OutcomeRecord.enrolment_id, OutcomeRecord.version)
    ).all()
    result: dict[int, list[Version]] = {}
    previous: dict[int, OutcomeRecord] = {}
    for record in records:
        before = previous.get(record.enrolment_id)
        changed = ()
        if before is not None:
            old, new = fields_of(before), fields_of(record)
            changed = tuple(name for name in FIELDS if old[name] != new[name])
        result.setdefault(record.enrolment_id, []).insert(0, Version(record, changed))
        previous[record.enrolment_id] = record
    return result


@dataclass(frozen=True)
class JobLine:
    """One job of a person's history in its newest version, placed against the cohort's end."""

    record: OutcomeRecord
    ends_on: date  # the cohort's last day

    @property
    def days_after_end(self) -> int | None:
        """Days from the end of training to the job's start (negative: started before it)."""
        starts_on = self.record.starts_on
        return None if starts_on is None else (starts_on - self.ends_on).days

    @property
    def in_window(self) -> bool:
        days = self.days_after_end
        return days is not None and days <= WINDOW_DAYS


def job_lines(records: Sequence[OutcomeRecord], ends_on: date) -> list[JobLine]:
    """The jobs (E codes) among records of one enrolment, each in its newest version, by start."""
    newest: dict[int, OutcomeRecord] = {}
    for record in sorted(records, key=lambda r: r.version):
        newest[record.job] = record
    jobs = [JobLine(r, ends_on) for r in newest.values() if r.code.is_employed]
    return sorted(jobs, key=lambda line: (line.record.starts_on or date.max, line.record.job))


def job_histories(enrolments: Sequence[Enrolment]) -> dict[int, list[JobLine]]:
    """Each enrolment's jobs (cohort loaded), in one query."""
    ends = {e.id: e.cohort.ends_on for e in enrolments}
    if not ends:
        return {}
    records = db.session.scalars(
        sa.select(OutcomeRecord).where(OutcomeRecord.enrolment_id.in_(list(ends)))
    ).all()
    by_enrolment: dict[int, list[OutcomeRecord]] = {}
    for record in records:
        by_enrolment.setdefault(record.enrolment_id, []).append(record)
    return {e: job_lines(by_enrolment.get(e, []), ends_on) for e, ends_on in ends.items()}


@dataclass(frozen=True)
class OutcomePanel:
    enrolment: Enrolment
    versions: list[Version]
    can_report: bool

    @property
    def current(self) -> OutcomeRecord | None:
        return self.versions[0].record if self.versions else None

    @property
    def jobs(self) -> list[JobLine]:
        """Every job of the history, the current statement's own included."""
        return job_lines([v.record for v in self.versions], self.enrolment.cohort.ends_on)

    @property
    def earlier_jobs(self) -> list[JobLine]:
        """The jobs other than the one the latest statement is about."""
        current = self.current
        return [j for j in self.jobs if current is None or j.record.job != current.job]


def outcome_panels(enrolments: Sequence[Enrolment]) -> dict[int, OutcomePanel]:
    """What the record page shows under each cohort: the current outcome and its history."""
    found = histories([e.id for e in enrolments])
    return {e.id: OutcomePanel(e, found.get(e.id, []), e.status in REPORTABLE) for e in enrolments}


def _decide(record: OutcomeRecord, values: dict) -> None:
    """Move a pending current version to a decision; only one of two simultaneous decisions
    wins (a conditional UPDATE), the other is told the outcome was decided meanwhile."""
    if not is_current(record):
        raise OutcomeRefused(
            _l("The trainee has changed this outcome since. Review the newest version.")
        )
    done = db.session.execute(
        sa.update(OutcomeRecord)
        .where(OutcomeRecord.id == record.id, OutcomeRecord.verification.in_(PENDING))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        db.session.rollback()
        raise OutcomeRefused(_l("This outcome has been verified or sent back already."))


def entered_by(record: OutcomeRecord, user: User) -> bool:
    """Whether `user` entered this version of the outcome or a document behind it."""
    return record.reported_by_id == user.id or any(
        evidence.uploaded_by_id == user.id for evidence in record.evidence
    )


def verify(record: OutcomeRecord, by: User, ip_address: str | None = None) -> None:
    """The coordinator confirms the current version; jobs, companies and exclusions need a
    document first (CIRR: evidence for every positive outcome; domain.md: X with evidence).

    Four eyes: whoever entered the outcome or its evidence does not verify it (issue 13: a
    coordinator recorded an outcome with a 71-byte "evidence" file and verified it
    themself). Another coordinator of the campus, or a city official, does. An employment-
    insurance match verifies under its own reading of the rule: see academy.outcomes.matching."""
    if entered_by(record, by):
        raise OutcomeRefused(
            _l("You entered this outcome or its evidence: another coordinator of the campus or "
               "a city official verifies it.")
        )  # fmt: skip
    if record.code in NEEDS_EVIDENCE and not record.evidence:
        raise OutcomeRefused(
            _l("This outcome has no evidence yet. Send it back and ask for a document, or import "
               "it from an employment-insurance match.")
        )  # fmt: skip
    _decide(record, dict(verification=Verification.VERIFIED, verified_by_id=by.id,
                         verified_at=utcnow()))  # fmt: skip
    _log(by, AccessAction.UPDATE, "outcome_record", record.id, ip_address, "verified")
    db.session.commit()
    db.session.refresh(record)


def send_back(record: OutcomeRecord, reason: str, by: User, ip_address: str | None = None) -> None:
    """Return the current version to the trainee, who sees the reason on their record."""
    reason = " ".join(reason.split())
    if not reason:
        raise OutcomeRefused(_l("Say what the trainee should change."))
    _decide(record, dict(verification=Verification.RETURNED, returned_reason=reason[:500],
                         returned_by_id=by.id, returned_at=utcnow()))  # fmt: skip
    _log(by, AccessAction.UPDATE, "outcome_record", record.id, ip_address, "sent back")
    db.session.commit()
    db.session.refresh(record)


@dataclass
class Queue:
    pending: list[OutcomeRecord]
    returned: list[OutcomeRecord]
    cohorts: list[tuple[Cohort, int]]  # cohorts with pending outcomes, and how many
    # Active coordinators of the campus: with one, what they enter goes to a city official.
    coordinators: int = 0
    jobs: dict[int, list[JobLine]] = field(default_factory=dict)  # by enrolment id

    def other_jobs(self, record: OutcomeRecord) -> list[JobLine]:
        """The person's other jobs, so the coordinator sees the history beside the report."""
        return [j for j in self.jobs.get(record.enrolment_id, []) if j.record.job != record.job]


def _current_at_campus(campus_id: int) -> sa.Subquery:
    """Each job's newest version at the campus: every job waits for its own decision."""
    return (
        sa.select(OutcomeRecord.enrolment_id, sa.func.max(OutcomeRecord.version).label("v"))
        .join(Enrolment, Enrolment.id == OutcomeRecord.enrolment_id)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .where(Cohort.campus_id == campus_id)
        .group_by(OutcomeRecord.enrolment_id, OutcomeRecord.job)
        .subquery()
    )


def verification_queue(campus_id: int, cohort_id: int | None = None) -> Queue:
    """Current outcomes waiting for the coordinator (evidence attached first), and those sent
    back that wait for the trainee, in a fixed number of queries."""
    latest = _current_at_campus(campus_id)
    records = db.session.scalars(
        sa.select(OutcomeRecord)
        .join(
            latest,
            sa.and_(
                OutcomeRecord.enrolment_id == latest.c.enrolment_id,
                OutcomeRecord.version == latest.c.v,
            ),
        )  # fmt: skip
        .where(
            OutcomeRecord.verification.in_([*PENDING, Verification.RETURNED]),
            OutcomeRecord.code != OutcomeCode.U,
        )
        .options(
            selectinload(OutcomeRecord.enrolment)
            .selectinload(Enrolment.trainee)
            .selectinload(Trainee.user),
            selectinload(OutcomeRecord.enrolment)
            .selectinload(Enrolment.cohort)
            .selectinload(Cohort.course),
            selectinload(OutcomeRecord.evidence),
            selectinload(OutcomeRecord.reported_by),
            selectinload(OutcomeRecord.returned_by),
        )
    ).all()
    pending = [r for r in records if r.verification in PENDING]
    counts: dict[int, list] = {}
    for record in pending:
        cohort = record.enrolment.cohort
        counts.setdefault(cohort.id, [cohort, 0])[1] += 1
    cohorts = sorted(((c, n) for c, n in counts.values()), key=lambda item: item[0].code)
    if cohort_id is not None:
        records = [r for r in records if r.enrolment.cohort_id == cohort_id]
    order = {Verification.EVIDENCE_ATTACHED: 0, Verification.SELF_REPORTED: 1}
    pending = sorted(
        (r for r in records if r.verification in PENDING),
        key=lambda r: (r.enrolment.cohort.code, order[r.verification], r.created_at),
    )
    returned = sorted(
        (r for r in records if r.verification == Verification.RETURNED),
        key=lambda r: (r.enrolment.cohort.code, r.returned_at or r.created_at),
    )
    coordinators = db.session.scalar(
        sa.select(sa.func.count()).where(User.role == Role.COORDINATOR,
                                         User.campus_id == campus_id, User.active.is_(True))
    )  # fmt: skip
    enrolments = list({r.enrolment_id: r.enrolment for r in pending}.values())
    return Queue(pending, returned, cohorts, coordinators, job_histories(enrolments))


class Window(enum.StrEnum):
    OPEN = "open"  # fewer than 180 days since the cohort ended
    CLOSED = "closed"
    ALL = "all"


@dataclass(frozen=True)
class FollowUpLine:
    enrolment: Enrolment
    today: date
    contacts: int
    last_contact: ContactAttempt | None

    @property
    def cohort(self) -> Cohort:
        return self.enrolment.cohort

    @property
    def early_mark(self) -> date:
        return self.cohort.ends_on + timedelta(days=EARLY_MARK_DAYS)

    @property
    def window_ends(self) -> date:
        return self.cohort.ends_on + timedelta(days=WINDOW_DAYS)

    @property
    def days_left(self) -> int:
        return (self.window_ends - self.today).days

    @property
    def past_early_mark(self) -> bool:
        return self.today > self.early_mark


def follow_up(campus_id: int, window: Window = Window.ALL, today: date | None = None,
              cohort_id: int | None = None) -> list[FollowUpLine]:  # fmt: skip
    """Completers of ended cohorts whose outcome is unknown (no record, or U), the fewest days
    left in their 180-day window first; closed windows after, the most recently closed first
    (an outcome as of day 180 can still be learnt later, and it still counts)."""
    today = today or seoul_today()
    query = (
        sa.select(Enrolment)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .where(
            Cohort.campus_id == campus_id,
            Cohort.ends_on < today,
            Enrolment.status.in_(COMPLETERS),
        )
        .options(
            selectinload(Enrolment.trainee).selectinload(Trainee.user),
            selectinload(Enrolment.cohort),
        )
    )
    if cohort_id is not None:
        query = query.where(Cohort.id == cohort_id)
    if window == Window.OPEN:
        query = query.where(Cohort.ends_on >= today - timedelta(days=WINDOW_DAYS))
    elif window == Window.CLOSED:
        query = query.where(Cohort.ends_on < today - timedelta(days=WINDOW_DAYS))
    enrolments = db.session.scalars(query).all()
    ids = [e.id for e in enrolments]
    known = {
        enrolment_id
        for enrolment_id, record in current_outcomes(ids).items()
        if record.code != OutcomeCode.U
    }
    unknown = [e for e in enrolments if e.id not in known]
    counts, last = _contact_summary([e.id for e in unknown])
    lines = [FollowUpLine(e, today, counts.get(e.id, 0), last.get(e.id)) for e in unknown]
    lines.sort(
        key=lambda line: (line.days_left < 0, abs(line.days_left), line.enrolment.trainee.user.name)
    )
    return lines


def _contact_summary(enrolment_ids: list[int]) -> tuple[dict[int, int], dict[int, ContactAttempt]]:
    if not enrolment_ids:
        return {}, {}
    summary = (
        sa.select(
            ContactAttempt.enrolment_id,
            sa.func.count(ContactAttempt.id).label("n"),
            sa.func.max(ContactAttempt.attempted_at).label("at"),
        )
        .where(ContactAttempt.enrolment_id.in_(enrolment_ids))
        .group_by(ContactAttempt.enrolment_id)
        .subquery()
    )
    counts, last = {}, {}
    rows = db.session.execute(
        sa.select(ContactAttempt, summary.c.n).join(
            summary,
            sa.and_(
                ContactAttempt.enrolment_id == summary.c.enrolment_id,
                ContactAttempt.attempted_at == summary.c.at,
            ),
        )  # fmt: skip
    )
    for attempt, n in rows:
        counts[attempt.enrolment_id] = n
        last[attempt.enrolment_id] = attempt
    return counts, last


def contacts_of(enrolment: Enrolment) -> list[ContactAttempt]:
    return db.session.scalars(
        sa.select(ContactAttempt)
        .where(ContactAttempt.enrolment_id == enrolment.id)
        .options(selectinload(ContactAttempt.by))
        .order_by(ContactAttempt.attempted_at.desc(), ContactAttempt.id.desc())
    ).all()


def _at_on(day: date) -> datetime:
    """A contact recorded for an earlier day is kept at noon of that day in Seoul, in UTC."""
    return datetime.combine(day, time(12), tzinfo=SEOUL).astimezone(UTC).replace(tzinfo=None)


def record_contact(
    enrolment: Enrolment,
    channel: ContactChannel,
    result: ContactResult,
    note: str | None,
    by: User,
    on: date | None = None,
    ip_address: str | None = None,
) -> ContactAttempt:
    """A try to reach a completer, kept so the unknowns in a report are documented unknowns."""
    today = seoul_today()
    if on is not None and on > today:
        raise OutcomeRefused(_l("A contact cannot be recorded for a day in the future."))
    attempt = ContactAttempt(
        enrolment_id=enrolment.id,
        channel=channel,
        result=result,
        note=" ".join((note or "").split())[:500] or None,
        attempted_at=utcnow() if on is None or on == today else _at_on(on),
        by_id=by.id,
    )
    db.session.add(attempt)
    db.session.flush()
    _log(by, AccessAction.CREATE, "contact_attempt", attempt.id, ip_address)
    db.session.commit()
    return attempt


@dataclass
class ReminderResult:
    sent: list[User] = field(default_factory=list)
    logged: list[User] = field(default_factory=list)
    failed: list[tuple[User, str]] = field(default_factory=list)
    shown_links: list[tuple[str, str, str]] = field(default_factory=list)


def send_reminders(campus_id: int, enrolment_ids: Sequence[int], by: User) -> ReminderResult:
    """E-mail each chosen completer a reminder to report their outcome, and keep each e-mail as
    a contact attempt. Someone who never activated their account gets a fresh activation link
    in the same e-mail; the others a link to their record."""
    from academy.accounts.services import issue_link

    if not mail.can_send():
        raise mail.MailNotConfigured()
    wanted = set(enrolment_ids)
    lines = [line for line in follow_up(campus_id, Window.ALL) if line.enrolment.id in wanted]
    links = {}
    for line in lines:
        user = line.enrolment.trainee.user
        if user.password_hash is None and user.active:
            links[line.enrolment.id] = mail.external_url(
                "accounts.activate", token=issue_link(user, by)
            )
        else:
            links[line.enrolment.id] = mail.external_url("trainees.me")
    db.session.commit()  # the links work from here on, whatever happens to the mail
    mails = [_reminder_mail(line, links[line.enrolment.id]) for line in lines]
    deliveries = mail.deliver(mails)
    result = ReminderResult()
    for line, delivery in zip(lines, deliveries, strict=True):
        user = line.enrolment.trainee.user
        if delivery.sent:
            result.sent.append(user)
            note = _("Reminder e-mail")
        elif delivery.logged:
            result.logged.append(user)
            note = _("Reminder e-mail (development: written to the log, not sent)")
        else:
            result.failed.append((user, delivery.error or ""))
            note = _("Reminder e-mail: %(error)s", error=delivery.error or "")
        db.session.add(
            ContactAttempt(
                enrolment_id=line.enrolment.id,
                channel=ContactChannel.EMAIL,
                result=ContactResult.SENT if delivery.ok else ContactResult.FAILED,
                note=note[:500],
                by_id=by.id,
            )
        )
        if mail.showing_links():
            result.shown_links.append((user.name, user.email, links[line.enrolment.id]))
    db.session.commit()
    return result


def _reminder_mail(line: FollowUpLine, link: str) -> mail.Mail:
    user = line.enrolment.trainee.user
    cohort = line.cohort
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject = _("How are you doing? Tell us about your job search")
        if user.password_hash is None:
            how = _("First choose a password for your account with this link (it works once "
                    "and for a limited time):")  # fmt: skip
        else:
            how = _("Sign in and report your outcome here:")
        body = "\n\n".join([
            _("Hello %(name)s,", name=user.name),
            _("You completed %(course)s (%(cohort)s) at the Seoul Youth Employment Academy. We "
              "would like to know how you are doing: did you find a job, start a business, or "
              "are you still looking? It takes a minute on your phone.",
              course=cohort.course.name, cohort=cohort.code),
            f"{how}\n{link}",
            _("Your answer helps the city improve the programme. If you would like help with "
              "your job search, contact your campus coordinator."),
            _("Seoul Youth Employment Academy"),
        ])  # fmt: skip
    return mail.Mail(user.email, user.name, subject, body)
