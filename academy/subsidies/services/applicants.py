"""What the rules need to know about a person, and what a trainee sees before applying."""

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from academy.certifications.services import cohort_on
from academy.cohorts.services import current_outcomes
from academy.extensions import db
from academy.models import (
    ClaimStatus,
    Enrolment,
    ExamAttempt,
    ExamResult,
    SubsidyClaim,
    SubsidyProgramme,
    Trainee,
)
from academy.subsidies.eligibility import (
    Applicant,
    Attempt,
    ProgrammeRules,
    Reason,
    Refusal,
    cap_room,
    person_refusals,
    window_refusals,
)
from academy.subsidies.services.programmes import programme_for, rules_of


def employed_since(trainee_id: int, on: date) -> date | None:
    """The start of a job the trainee's current outcome shows held on `on`, if any."""
    enrolment_ids = sa.select(Enrolment.id).where(Enrolment.trainee_id == trainee_id)
    starts = [
        o.starts_on
        for o in current_outcomes(enrolment_ids).values()
        if o.code.is_employed and o.starts_on is not None and o.starts_on <= on
    ]
    return min(starts) if starts else None


def applicant_facts(
    trainee: Trainee, programme: SubsidyProgramme, on: date, excluding_claim: int | None = None
) -> Applicant:
    """What the rules need to know about a person, in four queries."""
    sums = dict(
        db.session.execute(
            sa.select(
                SubsidyClaim.status,
                sa.func.sum(
                    sa.func.coalesce(SubsidyClaim.amount_approved, SubsidyClaim.amount_requested)
                ),
            )
            .where(
                SubsidyClaim.trainee_id == trainee.id,
                SubsidyClaim.programme_id == programme.id,
                SubsidyClaim.id != (excluding_claim or 0),
            )
            .group_by(SubsidyClaim.status)
        ).all()
    )
    prior = db.session.scalar(
        sa.select(sa.func.count(SubsidyClaim.id))
        .join(SubsidyProgramme, SubsidyProgramme.id == SubsidyClaim.programme_id)
        .where(
            SubsidyClaim.trainee_id == trainee.id,
            SubsidyClaim.status == ClaimStatus.APPROVED,
            SubsidyProgramme.year == programme.year - 1,
        )
    )
    return Applicant(
        birth_date=trainee.birth_date,
        enrolled=cohort_on(trainee.id, on) is not None,
        employed_since=employed_since(trainee.id, on),
        approved_this_year=int(sums.get(ClaimStatus.APPROVED) or 0),
        pending_this_year=int(sums.get(ClaimStatus.SUBMITTED) or 0),
        supported_prior_year=bool(prior),
    )


def attempt_facts(attempt: ExamAttempt) -> Attempt:
    claimed = db.session.scalar(
        sa.select(SubsidyClaim.id).where(SubsidyClaim.exam_attempt_id == attempt.id)
    )
    return Attempt(attempt.sat_on, attempt.result, attempt.fee_paid, claimed is not None)


@dataclass(frozen=True)
class ApplicationView:
    """What the trainee sees before applying: the programme, their standing and their exams."""

    on: date
    programme: SubsidyProgramme | None
    rules: ProgrammeRules | None
    person: list[Refusal]  # reasons about the person or the programme's window, exam aside
    room: int  # what is left of the yearly cap
    applicant: Applicant | None
    attempts: list[ExamAttempt]  # exams that could still be claimed
    claims: list[SubsidyClaim] = field(default_factory=list)

    @property
    def can_apply(self) -> bool:
        return self.programme is not None and not self.person and self.room > 0


def application_view(trainee: Trainee, on: date) -> ApplicationView:
    programme = programme_for(on.year)
    claims = db.session.scalars(
        sa.select(SubsidyClaim)
        .where(SubsidyClaim.trainee_id == trainee.id)
        .options(
            selectinload(SubsidyClaim.exam_attempt).selectinload(ExamAttempt.certification),
            selectinload(SubsidyClaim.programme),
        )
        .order_by(SubsidyClaim.applied_on.desc(), SubsidyClaim.id.desc())
    ).all()
    claimed = {c.exam_attempt_id for c in claims}
    attempts = [
        a
        for a in db.session.scalars(
            sa.select(ExamAttempt)
            .where(
                ExamAttempt.trainee_id == trainee.id,
                ExamAttempt.result != ExamResult.ABSENT,
                ExamAttempt.sat_on <= on,
                ExamAttempt.sat_on >= date(on.year, 1, 1),
            )
            .options(selectinload(ExamAttempt.certification))
            .order_by(ExamAttempt.sat_on.desc())
        )
        if a.id not in claimed
    ]
    if programme is None:
        refusal = Refusal(Reason.NO_PROGRAMME, {"year": on.year})
        return ApplicationView(on, None, None, [refusal], 0, None, attempts, list(claims))
    rules = rules_of(programme)
    applicant = applicant_facts(trainee, programme, on)
    person = window_refusals(rules, on) + person_refusals(rules, applicant, on)
    room = max(cap_room(rules, applicant), 0)
    return ApplicationView(on, programme, rules, person, room, applicant, attempts, list(claims))
