"""The exam-fee subsidy: programmes, applications, decisions and the ledger.

The budget is never overspent, whatever the number of coordinators approving at once. An approval
and its budget update are one transaction that first takes the programme's row lock (SELECT ...
FOR UPDATE on PostgreSQL; on SQLite, where FOR UPDATE is not rendered and pysqlite begins late,
BEGIN IMMEDIATE takes the write lock up front), re-reads the claim and the person's approved total
under that lock, then spends with a conditional UPDATE (spent + amount <= budget). The database's
CHECK (spent <= budget) backs it, and a claim moves out of 'submitted' only once: a double click
pays once.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import FileStorage

from academy import audit
from academy.certifications.services import cohort_on
from academy.clock import seoul_today
from academy.cohorts.services import current_outcomes
from academy.errors import RuleRefused
from academy.extensions import db
from academy.formatting import won
from academy.kpi.subsidies import SubsidyTotals
from academy.labels import label_for
from academy.locking import locked
from academy.models import (
    AccessAction,
    Campus,
    ClaimStatus,
    Enrolment,
    ExamAttempt,
    ExamResult,
    PaymentMethod,
    SubsidyClaim,
    SubsidyProgramme,
    SubsidyRound,
    Trainee,
    User,
    utcnow,
)
from academy.subsidies.eligibility import (
    Applicant,
    Attempt,
    Eligibility,
    ProgrammeRules,
    Reason,
    Refusal,
    Round,
    cap_room,
    check_application,
    is_closed,
    open_round,
    person_refusals,
    window_refusals,
)
from academy.uploads import delete_upload, store_upload

# From 2026 applications are taken in a first-half and a second-half round (the source).
ROUNDS_FROM_YEAR = 2026


class SubsidyError(RuleRefused):
    """A subsidy rule refused the request."""


class Ineligible(SubsidyError):
    def __init__(self, eligibility: Eligibility) -> None:
        self.eligibility = eligibility
        super().__init__(" ".join(r.message for r in eligibility.refusals))


class AlreadyDecided(SubsidyError):
    """The claim was decided before (a double click, or another coordinator): nothing changed."""

    def __init__(self, claim: SubsidyClaim) -> None:
        self.claim = claim
        super().__init__(_("This claim was decided already: %(status)s.",
                           status=_status_text(claim.status)))  # fmt: skip


class BudgetShort(SubsidyError):
    def __init__(self, remaining: int, amount: int) -> None:
        self.remaining = remaining
        super().__init__(
            _("The budget has %(remaining)s left, less than the %(amount)s to approve. Approve a "
              "smaller amount or reject the claim.", remaining=won(remaining), amount=won(amount))
        )  # fmt: skip


def _status_text(status: ClaimStatus) -> str:
    return label_for(status)


# Programmes -------------------------------------------------------------------------------------


def programme_for(year: int) -> SubsidyProgramme | None:
    return db.session.scalar(
        sa.select(SubsidyProgramme)
        .where(SubsidyProgramme.year == year)
        .options(selectinload(SubsidyProgramme.rounds))
    )


def programmes() -> list[SubsidyProgramme]:
    return db.session.scalars(
        sa.select(SubsidyProgramme)
        .options(selectinload(SubsidyProgramme.rounds))
        .order_by(SubsidyProgramme.year.desc())
    ).all()


def rules_of(programme: SubsidyProgramme) -> ProgrammeRules:
    return ProgrammeRules(
        year=programme.year,
        per_person_cap=programme.per_person_cap,
        min_age=programme.min_age,
        max_age=programme.max_age,
        unemployed_only=programme.unemployed_only,
        exclude_prior_year_recipients=programme.exclude_prior_year_recipients,
        rounds=tuple(Round(r.half, r.opens_on, r.closes_on) for r in programme.rounds),
        closed_early_on=programme.closed_early_on,
        remaining=programme.budget - programme.spent,
    )


def application_state(programme: SubsidyProgramme, on: date) -> str:
    """'closed' (조기 마감 or budget spent), 'open', 'between_rounds', 'ended' or 'not_yet'."""
    rules = rules_of(programme)
    if is_closed(rules, on):
        return "closed"
    if on.year != programme.year:
        return "ended" if on.year > programme.year else "not_yet"
    return "open" if open_round(rules, on) else "between_rounds"


def rounds_required(year: int) -> bool:
    return year >= ROUNDS_FROM_YEAR


def save_programme(data: dict, by: User, programme: SubsidyProgramme | None = None):
    """An official sets a year's programme: budget, cap, ages, who may apply, how it pays and,
    from 2026, the two rounds' windows. The budget cannot go below what is approved already."""
    if programme is None:
        if programme_for(data["year"]) is not None:
            raise SubsidyError(_("A programme for %(year)s exists already.", year=data["year"]))
        programme = SubsidyProgramme(year=data["year"], spent=0)
        db.session.add(programme)
    if data["budget"] < programme.spent:
        raise SubsidyError(
            _("The budget cannot be less than the %(spent)s approved already.",
              spent=won(programme.spent))
        )  # fmt: skip
    for name in ("name", "budget", "per_person_cap", "min_age", "max_age", "unemployed_only",
                 "exclude_prior_year_recipients"):  # fmt: skip
        setattr(programme, name, data[name])
    programme.payment_method = PaymentMethod(data["payment_method"])
    programme.closed_early_on = data.get("closed_early_on")
    windows = {1: (data.get("first_opens_on"), data.get("first_closes_on")),
               2: (data.get("second_opens_on"), data.get("second_closes_on"))}  # fmt: skip
    existing = {r.half: r for r in programme.rounds}
    for half, (opens_on, closes_on) in windows.items():
        if opens_on and closes_on:
            found = existing.get(half) or SubsidyRound(half=half)
            found.opens_on, found.closes_on = opens_on, closes_on
            if found not in programme.rounds:
                programme.rounds.append(found)
        elif half in existing:
            db.session.delete(existing[half])
    db.session.add(
        audit.entry(AccessAction.UPDATE, subject=("subsidy_programme", programme.id),
                    detail=f"year {programme.year}", by=by)
    )  # fmt: skip
    db.session.commit()
    return programme


def close_early(programme: SubsidyProgramme, on: date, by: User) -> None:
    """An official stops new applications, e.g. when what is left would not pay a whole exam."""
    if programme.closed_early_on is None:
        programme.closed_early_on = on
        db.session.add(
            audit.entry(AccessAction.UPDATE, subject=("subsidy_programme", programme.id),
                        detail="closed early", by=by)
        )  # fmt: skip
    db.session.commit()


# The applicant ----------------------------------------------------------------------------------


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
            sa.select(SubsidyClaim.status,
                      sa.func.sum(sa.func.coalesce(SubsidyClaim.amount_approved,
                                                   SubsidyClaim.amount_requested)))
            .where(SubsidyClaim.trainee_id == trainee.id,
                   SubsidyClaim.programme_id == programme.id,
                   SubsidyClaim.id != (excluding_claim or 0))
            .group_by(SubsidyClaim.status)
        ).all()
    )  # fmt: skip
    prior = db.session.scalar(
        sa.select(sa.func.count(SubsidyClaim.id))
        .join(SubsidyProgramme, SubsidyProgramme.id == SubsidyClaim.programme_id)
        .where(SubsidyClaim.trainee_id == trainee.id,
               SubsidyClaim.status == ClaimStatus.APPROVED,
               SubsidyProgramme.year == programme.year - 1)
    )  # fmt: skip
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
        .options(selectinload(SubsidyClaim.exam_attempt).selectinload(ExamAttempt.certification),
                 selectinload(SubsidyClaim.programme))
        .order_by(SubsidyClaim.applied_on.desc(), SubsidyClaim.id.desc())
    ).all()  # fmt: skip
    claimed = {c.exam_attempt_id for c in claims}
    attempts = [
        a
        for a in db.session.scalars(
            sa.select(ExamAttempt)
            .where(ExamAttempt.trainee_id == trainee.id, ExamAttempt.result != ExamResult.ABSENT,
                   ExamAttempt.sat_on <= on, ExamAttempt.sat_on >= date(on.year, 1, 1))
            .options(selectinload(ExamAttempt.certification))
            .order_by(ExamAttempt.sat_on.desc())
        )
        if a.id not in claimed
    ]  # fmt: skip
    if programme is None:
        refusal = Refusal(Reason.NO_PROGRAMME, {"year": on.year})
        return ApplicationView(on, None, None, [refusal], 0, None, attempts, list(claims))
    rules = rules_of(programme)
    applicant = applicant_facts(trainee, programme, on)
    person = window_refusals(rules, on) + person_refusals(rules, applicant, on)
    room = max(cap_room(rules, applicant), 0)
    return ApplicationView(on, programme, rules, person, room, applicant, attempts, list(claims))


# Applying ---------------------------------------------------------------------------------------


def check(trainee: Trainee, attempt: ExamAttempt, requested: int, on: date) -> Eligibility:
    programme = programme_for(on.year)
    if programme is None:
        return Eligibility((Refusal(Reason.NO_PROGRAMME, {"year": on.year}),), payable=0)
    return check_application(
        rules_of(programme), applicant_facts(trainee, programme, on), attempt_facts(attempt),
        requested, on,
    )  # fmt: skip


def apply(
    trainee: Trainee, attempt: ExamAttempt, requested: int, receipt: FileStorage | None, on: date
) -> SubsidyClaim:
    """A trainee applies for an exam's fee with the receipt; refused with every reason if not
    eligible (Ineligible), and nothing is kept. The claim is decided at the trainee's campus."""
    eligibility = check(trainee, attempt, requested, on)
    if not eligibility.eligible:
        raise Ineligible(eligibility)
    stored = store_upload(receipt)
    programme = programme_for(on.year)
    cohort = cohort_on(trainee.id, on)
    round_id = next((r.id for r in programme.rounds if r.half == eligibility.round_half), None)
    claim = SubsidyClaim(
        programme_id=programme.id,
        round_id=round_id,
        trainee_id=trainee.id,
        campus_id=cohort.campus_id,
        exam_attempt_id=attempt.id,
        amount_requested=requested,
        status=ClaimStatus.SUBMITTED,
        receipt_path=stored.stored_name,
        receipt_name=stored.original_name,
        applied_on=on,
    )
    db.session.add(claim)
    try:
        db.session.commit()
    except IntegrityError:  # the same exam claimed twice at once: one claim per exam
        db.session.rollback()
        delete_upload(stored.stored_name)
        raise Ineligible(Eligibility((Refusal(Reason.CLAIMED),), payable=0)) from None
    return claim


# Deciding ---------------------------------------------------------------------------------------


def _lock_programme(programme_id: int) -> tuple[int, int]:
    """Take the programme's write lock for the rest of the transaction; return (budget, spent)."""
    return locked(
        sa.select(SubsidyProgramme.budget, SubsidyProgramme.spent).where(
            SubsidyProgramme.id == programme_id
        )
    ).one()


def approve(
    claim_id: int,
    approver_id: int,
    amount: int | None = None,
    paid_on: date | None = None,
    method: PaymentMethod | None = None,
    ip_address: str | None = None,
) -> SubsidyClaim:
    """Approve a claim and record its payment, never past the budget or the person's yearly cap.

    `amount` defaults to what the rules allow (the amount asked, up to what is left of the cap).
    Raises AlreadyDecided (nothing paid twice), Ineligible or BudgetShort; each leaves nothing
    changed. When the approval spends the last won, applications close early that day.
    """
    programme_id = db.session.scalar(
        sa.select(SubsidyClaim.programme_id).where(SubsidyClaim.id == claim_id)
    )
    try:
        budget, _spent_before = _lock_programme(programme_id)
        claim = db.session.scalar(
            sa.select(SubsidyClaim)
            .where(SubsidyClaim.id == claim_id)
            .execution_options(populate_existing=True)
        )
        if claim.status != ClaimStatus.SUBMITTED:
            raise AlreadyDecided(claim)
        programme = db.session.get(SubsidyProgramme, programme_id, populate_existing=True)
        trainee = db.session.get(Trainee, claim.trainee_id)
        applicant = applicant_facts(trainee, programme, claim.applied_on, excluding_claim=claim.id)
        rules = rules_of(programme)
        refusals = person_refusals(rules, applicant, claim.applied_on)
        room = rules.per_person_cap - applicant.approved_this_year
        if room <= 0:
            refusals.append(
                Refusal(Reason.CAP_USED, {"cap": rules.per_person_cap,
                                          "approved": applicant.approved_this_year, "pending": 0})
            )  # fmt: skip
        if refusals:
            raise Ineligible(Eligibility(tuple(refusals), payable=0))
        amount = amount or min(claim.amount_requested, room)
        if amount > min(claim.amount_requested, room):
            raise SubsidyError(
                _("At most %(amount)s can be approved: the amount asked, up to what is left of "
                  "the yearly limit.", amount=won(min(claim.amount_requested, room)))
            )  # fmt: skip
        today = seoul_today()
        decided = db.session.execute(
            sa.update(SubsidyClaim)
            .where(SubsidyClaim.id == claim.id, SubsidyClaim.status == ClaimStatus.SUBMITTED)
            .values(status=ClaimStatus.APPROVED, amount_approved=amount, decided_at=utcnow(),
                    decided_by_id=approver_id, paid_on=paid_on or today,
                    payment_method=method or programme.payment_method,
                    decision_reason=None)
            .execution_options(synchronize_session=False)
        ).rowcount  # fmt: skip
        if decided != 1:
            raise AlreadyDecided(claim)
        spent_it = db.session.execute(
            sa.update(SubsidyProgramme)
            .where(SubsidyProgramme.id == programme_id,
                   SubsidyProgramme.spent + amount <= SubsidyProgramme.budget)
            .values(spent=SubsidyProgramme.spent + amount)
            .execution_options(synchronize_session=False)
        ).rowcount  # fmt: skip
        spent = db.session.scalar(
            sa.select(SubsidyProgramme.spent).where(SubsidyProgramme.id == programme_id)
        )
        if spent_it != 1:
            raise BudgetShort(budget - spent, amount)
        if spent == budget:
            db.session.execute(
                sa.update(SubsidyProgramme)
                .where(SubsidyProgramme.id == programme_id,
                       SubsidyProgramme.closed_early_on.is_(None))
                .values(closed_early_on=today)
                .execution_options(synchronize_session=False)
            )  # fmt: skip
        db.session.add(
            audit.entry(AccessAction.UPDATE, subject=("subsidy_claim", claim.id),
                        detail=f"approved {amount}", by_id=approver_id, ip_address=ip_address)
        )  # fmt: skip
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return db.session.get(SubsidyClaim, claim_id, populate_existing=True)


def reject(claim_id: int, by_id: int, reason: str, ip_address: str | None = None) -> SubsidyClaim:
    """Reject with the reason the trainee will read; a claim decided already stays as it is."""
    try:
        decided = db.session.execute(
            sa.update(SubsidyClaim)
            .where(SubsidyClaim.id == claim_id, SubsidyClaim.status == ClaimStatus.SUBMITTED)
            .values(status=ClaimStatus.REJECTED, decision_reason=reason.strip(),
                    decided_at=utcnow(), decided_by_id=by_id)
            .execution_options(synchronize_session=False)
        ).rowcount  # fmt: skip
        claim = db.session.get(SubsidyClaim, claim_id, populate_existing=True)
        if decided != 1:
            raise AlreadyDecided(claim)
        db.session.add(
            audit.entry(AccessAction.UPDATE, subject=("subsidy_claim", claim_id),
                        detail="rejected", by_id=by_id, ip_address=ip_address)
        )  # fmt: skip
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return claim


def log_claim_access(by: User, claim: SubsidyClaim, action: AccessAction, ip: str | None) -> None:
    db.session.add(audit.entry(action, subject=("subsidy_claim", claim.id), by=by, ip_address=ip))
    db.session.commit()


@dataclass(frozen=True)
class ClaimReview:
    """A claim re-checked for the coordinator: the person's conditions on the application date,
    what is left of their cap now and of the budget."""

    claim: SubsidyClaim
    refusals: list[Refusal]
    payable: int
    remaining_budget: int
    applicant: Applicant


def review(claim: SubsidyClaim) -> ClaimReview:
    programme = claim.programme
    applicant = applicant_facts(
        claim.trainee, programme, claim.applied_on, excluding_claim=claim.id
    )
    rules = rules_of(programme)
    refusals = person_refusals(rules, applicant, claim.applied_on)
    room = rules.per_person_cap - applicant.approved_this_year
    if room <= 0:
        refusals.append(
            Refusal(Reason.CAP_USED, {"cap": rules.per_person_cap,
                                      "approved": applicant.approved_this_year, "pending": 0})
        )  # fmt: skip
    return ClaimReview(claim, refusals, max(min(claim.amount_requested, room), 0),
                       programme.budget - programme.spent, applicant)  # fmt: skip


# Lists and the ledger ---------------------------------------------------------------------------


def claims_page(campus_id: int | None, status: ClaimStatus | None, year: int | None, page: int,
                per_page: int):  # fmt: skip
    query = (
        sa.select(SubsidyClaim)
        .join(SubsidyProgramme, SubsidyProgramme.id == SubsidyClaim.programme_id)
        .options(
            selectinload(SubsidyClaim.trainee).selectinload(Trainee.user),
            selectinload(SubsidyClaim.exam_attempt).selectinload(ExamAttempt.certification),
            selectinload(SubsidyClaim.programme),
            selectinload(SubsidyClaim.campus),
        )
        .order_by(SubsidyClaim.applied_on, SubsidyClaim.id)
    )
    if campus_id is not None:
        query = query.where(SubsidyClaim.campus_id == campus_id)
    if status is not None:
        query = query.where(SubsidyClaim.status == status)
    if year is not None:
        query = query.where(SubsidyProgramme.year == year)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


@dataclass
class LedgerLine:
    key: object
    label: str
    totals: SubsidyTotals


@dataclass(frozen=True)
class Ledger:
    programme: SubsidyProgramme
    totals: SubsidyTotals  # the whole programme (or the campus, for a coordinator)
    programme_totals: SubsidyTotals  # always the whole programme
    by_round: list[LedgerLine]
    by_campus: list[LedgerLine]
    as_of: date

    @property
    def remaining(self) -> int:
        return self.programme.budget - self.programme.spent


def ledger(programme: SubsidyProgramme, campus_id: int | None = None) -> Ledger:
    """Budget, approved, paid, remaining and people supported, by round and campus, in three
    grouped queries. Money and counts add up across groups; people are counted once each."""
    today = seoul_today()
    paid = sa.case(
        (sa.and_(SubsidyClaim.status == ClaimStatus.APPROVED, SubsidyClaim.paid_on <= today),
         SubsidyClaim.amount_approved),
        else_=0,
    )  # fmt: skip
    passed = sa.case(
        (sa.and_(SubsidyClaim.status == ClaimStatus.APPROVED,
                 ExamAttempt.result == ExamResult.PASSED), 1),
        else_=0,
    )  # fmt: skip
    rows = db.session.execute(
        sa.select(SubsidyClaim.round_id, SubsidyClaim.campus_id, SubsidyClaim.status,
                  sa.func.count(SubsidyClaim.id),
                  sa.func.coalesce(sa.func.sum(SubsidyClaim.amount_requested), 0),
                  sa.func.coalesce(sa.func.sum(SubsidyClaim.amount_approved), 0),
                  sa.func.coalesce(sa.func.sum(paid), 0),
                  sa.func.coalesce(sa.func.sum(passed), 0))
        .join(ExamAttempt, ExamAttempt.id == SubsidyClaim.exam_attempt_id)
        .where(SubsidyClaim.programme_id == programme.id)
        .group_by(SubsidyClaim.round_id, SubsidyClaim.campus_id, SubsidyClaim.status)
    ).all()  # fmt: skip
    people = db.session.execute(
        sa.select(SubsidyClaim.round_id, SubsidyClaim.campus_id, SubsidyClaim.trainee_id)
        .where(SubsidyClaim.programme_id == programme.id,
               SubsidyClaim.status == ClaimStatus.APPROVED)
        .distinct()
    ).all()  # fmt: skip
    campus_names = dict(db.session.execute(sa.select(Campus.id, Campus.name)).all())
    rounds = {r.id: r for r in programme.rounds}

    money: dict[tuple, dict] = defaultdict(lambda: defaultdict(int))
    for round_id, campus, status, n, requested, approved, paid_sum, passed_n in rows:
        m = money[(round_id, campus)]
        if status == ClaimStatus.APPROVED:
            m["approved"] += approved
            m["paid"] += paid_sum
            m["claims_approved"] += n
            m["passed"] += passed_n
        elif status == ClaimStatus.SUBMITTED:
            m["claims_pending"] += n
            m["pending_amount"] += requested
        else:
            m["claims_rejected"] += n

    def totals(keep) -> SubsidyTotals:
        summed: dict[str, int] = defaultdict(int)
        for key, m in money.items():
            if keep(key):
                for name, value in m.items():
                    summed[name] += int(value)
        persons = {trainee for r, c, trainee in people if keep((r, c))}
        return SubsidyTotals(people=len(persons), **summed)

    def mine(key) -> bool:
        return campus_id is None or key[1] == campus_id

    round_keys = sorted(
        {k[0] for k in money} | set(rounds),
        key=lambda r: (r is None, rounds[r].half if r in rounds else 0),
    )
    by_round = [
        LedgerLine(r, _round_label(rounds.get(r)), totals(lambda k, r=r: k[0] == r and mine(k)))
        for r in round_keys
    ]
    campus_keys = sorted({k[1] for k in money if mine(k)},
                         key=lambda c: (c is None, campus_names.get(c, "")))  # fmt: skip
    by_campus = [
        LedgerLine(c, campus_names.get(c) or _("No campus recorded"),
                   totals(lambda k, c=c: k[1] == c))
        for c in campus_keys
    ]  # fmt: skip
    return Ledger(programme, totals(mine), totals(lambda k: True), by_round, by_campus, today)


def _round_label(round_: SubsidyRound | None) -> str:
    if round_ is None:
        return _("Whole year (no rounds)")
    return _("First half") if round_.half == 1 else _("Second half")


def pending_summary(campus_id: int | None) -> dict[int, tuple[int, int]]:
    """Claims awaiting a decision per programme id: (count, won requested)."""
    query = (
        sa.select(SubsidyClaim.programme_id, sa.func.count(SubsidyClaim.id),
                  sa.func.coalesce(sa.func.sum(SubsidyClaim.amount_requested), 0))
        .where(SubsidyClaim.status == ClaimStatus.SUBMITTED)
        .group_by(SubsidyClaim.programme_id)
    )  # fmt: skip
    if campus_id is not None:
        query = query.where(SubsidyClaim.campus_id == campus_id)
    return {pid: (n, int(total)) for pid, n, total in db.session.execute(query)}
