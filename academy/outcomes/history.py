"""The history of an outcome as the record page and the queue show it: every version with what
changed, and one line per job."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from academy.extensions import db
from academy.models import (
    Enrolment,
    OutcomeRecord,
)
from academy.outcomes.recording import FIELDS, REPORTABLE, WINDOW_DAYS, fields_of


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
