"""Certifications (자격증): the catalogue, mock exams, exam attempts and pass rates.

The source: AI company certifications (Google, Microsoft, ...) and others employers recognise,
with mock exams (실전 모의고사) and exam fees supported. Pass rates are passed ÷ sat (academy.kpi).
"""

import enum
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import FileStorage

from academy.errors import RuleRefused
from academy.extensions import db
from academy.kpi.certifications import AttemptCounts
from academy.models import (
    NEVER_STARTED,
    Campus,
    Certification,
    CertificationKind,
    Cohort,
    Enrolment,
    ExamAttempt,
    ExamResult,
    MockExam,
    SubsidyClaim,
    Trainee,
    User,
)
from academy.uploads import delete_upload, store_upload
from academy.years import latest_year, year_span


class CertificationError(RuleRefused):
    """A certification rule refused the request."""


def catalogue() -> list[Certification]:
    return db.session.scalars(
        sa.select(Certification).order_by(Certification.kind, Certification.name)
    ).all()


def add_certification(data: dict) -> Certification:
    certification = Certification(
        name=data["name"].strip(),
        issuer=data["issuer"].strip(),
        kind=CertificationKind(data["kind"]),
        exam_fee=data["exam_fee"],
    )
    db.session.add(certification)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise CertificationError(
            _("%(name)s is in the catalogue already.", name=certification.name)
        ) from None
    return certification


def cohort_on(trainee_id: int, day: date) -> Cohort | None:
    """The cohort a trainee belonged to on a day: the latest one started by then, else the first.

    Exam attempts and subsidy claims are counted at that cohort's campus.
    """
    cohorts = db.session.scalars(
        sa.select(Cohort)
        .join(Enrolment, Enrolment.cohort_id == Cohort.id)
        .where(Enrolment.trainee_id == trainee_id, Enrolment.status.not_in(NEVER_STARTED))
        .order_by(Cohort.starts_on)
    ).all()
    started = [c for c in cohorts if c.starts_on <= day]
    if started:
        return started[-1]
    return cohorts[0] if cohorts else None


def record_attempt(trainee: Trainee, data: dict, evidence: FileStorage | None) -> ExamAttempt:
    """A trainee records an exam they sat (or will sit), with the fee they paid and, once the
    result is out, the score report or certificate. UploadRejected leaves nothing written."""
    certification = db.session.get(Certification, data["certification_id"])
    fee = data["fee_paid"] if data.get("fee_paid") is not None else certification.exam_fee
    stored = store_upload(evidence) if evidence and evidence.filename else None
    cohort = cohort_on(trainee.id, data["sat_on"])
    attempt = ExamAttempt(
        certification_id=data["certification_id"],
        trainee_id=trainee.id,
        cohort_id=cohort.id if cohort else None,
        sat_on=data["sat_on"],
        result=ExamResult(data["result"]),
        fee_paid=fee,
        evidence_path=stored.stored_name if stored else None,
        evidence_name=stored.original_name if stored else None,
    )
    db.session.add(attempt)
    db.session.commit()
    return attempt


def update_result(attempt: ExamAttempt, result: ExamResult, evidence: FileStorage | None) -> None:
    """The result came out; a new evidence file replaces the old one."""
    stored = store_upload(evidence) if evidence and evidence.filename else None
    old = attempt.evidence_path
    attempt.result = result
    if stored:
        attempt.evidence_path, attempt.evidence_name = stored.stored_name, stored.original_name
    db.session.commit()
    if stored and old:
        delete_upload(old)


def record_mock_exam(trainee_id: int, certification_id: int, taken_on: date, score: int) -> None:
    db.session.add(
        MockExam(
            trainee_id=trainee_id, certification_id=certification_id, taken_on=taken_on, score=score
        )
    )
    db.session.commit()


@dataclass(frozen=True)
class TraineeCertifications:
    attempts: list[ExamAttempt]
    mock_exams: list[MockExam]
    claims: dict[int, SubsidyClaim]  # by exam attempt id


def trainee_certifications(trainee_id: int) -> TraineeCertifications:
    attempts = db.session.scalars(
        sa.select(ExamAttempt)
        .where(ExamAttempt.trainee_id == trainee_id)
        .options(selectinload(ExamAttempt.certification))
        .order_by(ExamAttempt.sat_on.desc(), ExamAttempt.id.desc())
    ).all()
    mocks = db.session.scalars(
        sa.select(MockExam)
        .where(MockExam.trainee_id == trainee_id)
        .options(selectinload(MockExam.certification))
        .order_by(MockExam.taken_on.desc())
    ).all()
    claims = db.session.scalars(
        sa.select(SubsidyClaim).where(SubsidyClaim.trainee_id == trainee_id)
    ).all()
    return TraineeCertifications(attempts, mocks, {c.exam_attempt_id: c for c in claims})


class GroupBy(enum.StrEnum):
    CERTIFICATION = "certification"
    CAMPUS = "campus"
    COHORT = "cohort"


@dataclass(frozen=True)
class PassRateRow:
    key: int | None
    name: str | None  # None: attempts recorded without a cohort
    counts: AttemptCounts


def pass_rate_rows(group_by: GroupBy, year: int, campus_id: int | None = None) -> list[PassRateRow]:
    """Attempts sat in `year` counted by result, per certification, campus or cohort, in one
    grouped query. A coordinator's view (`campus_id`) counts only their campus's cohorts."""
    by_result = [
        sa.func.count(ExamAttempt.id).filter(ExamAttempt.result == r)
        for r in (ExamResult.PASSED, ExamResult.FAILED, ExamResult.ABSENT, ExamResult.PENDING)
    ]
    key, name = {
        GroupBy.CERTIFICATION: (Certification.id, Certification.name),
        GroupBy.CAMPUS: (Campus.id, Campus.name),
        GroupBy.COHORT: (Cohort.id, Cohort.code),
    }[group_by]
    query = (
        sa.select(key, name, *by_result)
        .select_from(ExamAttempt)
        .join(Certification, Certification.id == ExamAttempt.certification_id)
        .outerjoin(Cohort, Cohort.id == ExamAttempt.cohort_id)
        .outerjoin(Campus, Campus.id == Cohort.campus_id)
        .where(ExamAttempt.sat_on.between(date(year, 1, 1), date(year, 12, 31)))
        .group_by(key, name)
        .order_by(name)
    )
    if campus_id is not None:
        query = query.where(Cohort.campus_id == campus_id)
    rows = [PassRateRow(k, n, AttemptCounts(*nums)) for k, n, *nums in db.session.execute(query)]
    rows.sort(key=lambda r: (r.name is None, -r.counts.sat, r.name or ""))
    return rows


def year_choices() -> list[int]:
    """From this year (or the latest attempt) back to the first attempt, newest first."""
    first, last = db.session.execute(
        sa.select(sa.func.min(ExamAttempt.sat_on), sa.func.max(ExamAttempt.sat_on))
    ).one()
    return year_span(first, last)


def default_year() -> int:
    """The latest year up to this one with attempts; this year when there are none."""
    return latest_year(ExamAttempt.sat_on)


@dataclass(frozen=True)
class CohortLine:
    trainee: Trainee
    attempts: list[ExamAttempt]
    mock_exams: list[MockExam]

    @property
    def best_mock(self) -> int | None:
        return max((m.score for m in self.mock_exams), default=None)


def cohort_sheet(cohort: Cohort) -> list[CohortLine]:
    """Each trainee on the roster with their exam attempts and mock exam scores, in 3 queries."""
    trainees = db.session.scalars(
        sa.select(Trainee)
        .join(Enrolment, Enrolment.trainee_id == Trainee.id)
        .join(User, User.id == Trainee.user_id)
        .where(Enrolment.cohort_id == cohort.id, Enrolment.status.not_in(NEVER_STARTED))
        .options(selectinload(Trainee.user))
        .order_by(User.name, Trainee.id)
    ).all()
    ids = [t.id for t in trainees]
    attempts: dict[int, list[ExamAttempt]] = {i: [] for i in ids}
    for attempt in db.session.scalars(
        sa.select(ExamAttempt)
        .where(ExamAttempt.trainee_id.in_(ids))
        .options(selectinload(ExamAttempt.certification))
        .order_by(ExamAttempt.sat_on)
    ):
        attempts[attempt.trainee_id].append(attempt)
    mocks: dict[int, list[MockExam]] = {i: [] for i in ids}
    for mock in db.session.scalars(
        sa.select(MockExam)
        .where(MockExam.trainee_id.in_(ids))
        .options(selectinload(MockExam.certification))
        .order_by(MockExam.taken_on)
    ):
        mocks[mock.trainee_id].append(mock)
    return [CohortLine(t, attempts[t.id], mocks[t.id]) for t in trainees]
