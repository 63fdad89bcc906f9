"""Recording an outcome: what a trainee's answers mean as an outcome code, and versions of
the outcome, numbered by job (a different employer is a new job, the same employer or start date
corrects it). The rules come from domain.md: one current code per enrolment (the highest
version), every version kept; everyone starts as U; outcomes are taken as of 180 days after the
cohort's end, with 90 days as an early mark.
"""

import enum
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from academy import audit
from academy.errors import RuleRefused
from academy.extensions import db
from academy.models import (
    AccessAction,
    Enrolment,
    EnrolmentStatus,
    EvidenceKind,
    ExclusionReason,
    OutcomeCode,
    OutcomeEvidence,
    OutcomeRecord,
    User,
    Verification,
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
    {
        OutcomeCode.E1,
        OutcomeCode.E2,
        OutcomeCode.E3,
        OutcomeCode.E4,
        OutcomeCode.E5,
        OutcomeCode.E6,
        OutcomeCode.X,
    }
)
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
        return OutcomeAnswer(
            Situation.FOUNDED,
            employer=record.employer,
            starts_on=record.starts_on,
            in_field=record.in_field,
        )
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
            Situation.EMPLOYED,
            employer=record.employer,
            starts_on=record.starts_on,
            job_kind=kind,
            contract_months=record.contract_months,
            insured=record.insured,
            weekly_hours=record.weekly_hours,
            monthly_pay=record.monthly_pay,
            in_field=record.in_field,
        )
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


def log_access(
    by: User | None,
    action: AccessAction,
    subject: str,
    subject_id: int | None,
    ip_address: str | None,
    detail: str | None = None,
) -> None:
    db.session.add(
        audit.entry(
            action, subject=(subject, subject_id), by=by, ip_address=ip_address, detail=detail
        )
    )


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
    return jobs_of([enrolment_id]).get(enrolment_id, {})


def jobs_of(
    enrolment_ids: list[int], evidence: bool = False
) -> dict[int, dict[int, OutcomeRecord]]:
    """Each enrolment's jobs in their newest version, in one query (and their documents in
    one more, with `evidence`)."""
    states: dict[int, dict[int, OutcomeRecord]] = {}
    if not enrolment_ids:
        return states
    query = (
        sa.select(OutcomeRecord)
        .where(OutcomeRecord.enrolment_id.in_(enrolment_ids))
        .order_by(OutcomeRecord.version)
    )
    if evidence:
        query = query.options(selectinload(OutcomeRecord.evidence))
    records = db.session.scalars(query)
    for record in records:
        states.setdefault(record.enrolment_id, {})[record.job] = record
    return states


def job_number(enrolment_id: int, fields: dict) -> int:
    """Which job a new report is about: see job_for."""
    return job_for(job_states(enrolment_id), fields)


def job_for(states: dict[int, OutcomeRecord], fields: dict) -> int:
    """Which job a new report is about, given each job's newest version (`states`), so that a
    later job never replaces an earlier one.

    - A job at an employer the history already holds, or starting on the same day as a job it
      holds, is a new version of that job (a correction of its dates, terms or employer's name).
    - Another job is a new job, kept beside the earlier ones, unless the latest statement is not
      a job (S1, S2, X, U): then the job replaces that statement.
    - A statement that is not a job (seeking, excluded, …) replaces the latest statement, unless
      that is a verified job: a checked job stays in the history.
    """
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
            _l(
                "An outcome can be reported only for a cohort its trainee started: this place "
                "was on the waitlist or cancelled before the start."
            )
        )
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
            log_access(
                by,
                AccessAction.CREATE,
                "outcome_record",
                record.id,
                ip_address,
                f"version {record.version}: {record.code.value}",
            )
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
