"""Deciding a claim: approval with its payment, rejection, and the coordinator's review.

The budget is never overspent, whatever the number of coordinators approving at once. An approval
and its budget update are one transaction that first takes the programme's row lock (SELECT ...
FOR UPDATE on PostgreSQL; on SQLite, where FOR UPDATE is not rendered and pysqlite begins late,
BEGIN IMMEDIATE takes the write lock up front), re-reads the claim and the person's approved total
under that lock, then spends with a conditional UPDATE (spent + amount <= budget). The database's
CHECK (spent <= budget) backs it, and a claim moves out of 'submitted' only once: a double click
pays once.
"""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from academy import audit
from academy.clock import seoul_today
from academy.extensions import db
from academy.formatting import won
from academy.locking import locked
from academy.models import (
    AccessAction,
    ClaimStatus,
    PaymentMethod,
    SubsidyClaim,
    SubsidyProgramme,
    Trainee,
    User,
    utcnow,
)
from academy.subsidies.eligibility import (
    Applicant,
    Eligibility,
    Refusal,
    decision_refusals,
)
from academy.subsidies.services.applicants import applicant_facts
from academy.subsidies.services.errors import AlreadyDecided, BudgetShort, Ineligible, SubsidyError
from academy.subsidies.services.programmes import rules_of


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
        refusals, room = decision_refusals(rules_of(programme), applicant, claim.applied_on)
        if refusals:
            raise Ineligible(Eligibility(tuple(refusals), payable=0))
        amount = amount or min(claim.amount_requested, room)
        if amount > min(claim.amount_requested, room):
            raise SubsidyError(
                _(
                    "At most %(amount)s can be approved: the amount asked, up to what is left of "
                    "the yearly limit.",
                    amount=won(min(claim.amount_requested, room)),
                )
            )
        today = seoul_today()
        decided = db.session.execute(
            sa.update(SubsidyClaim)
            .where(SubsidyClaim.id == claim.id, SubsidyClaim.status == ClaimStatus.SUBMITTED)
            .values(
                status=ClaimStatus.APPROVED,
                amount_approved=amount,
                decided_at=utcnow(),
                decided_by_id=approver_id,
                paid_on=paid_on or today,
                payment_method=method or programme.payment_method,
                decision_reason=None,
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        if decided != 1:
            raise AlreadyDecided(claim)
        spent_it = db.session.execute(
            sa.update(SubsidyProgramme)
            .where(
                SubsidyProgramme.id == programme_id,
                SubsidyProgramme.spent + amount <= SubsidyProgramme.budget,
            )
            .values(spent=SubsidyProgramme.spent + amount)
            .execution_options(synchronize_session=False)
        ).rowcount
        spent = db.session.scalar(
            sa.select(SubsidyProgramme.spent).where(SubsidyProgramme.id == programme_id)
        )
        if spent_it != 1:
            raise BudgetShort(budget - spent, amount)
        if spent == budget:
            db.session.execute(
                sa.update(SubsidyProgramme)
                .where(
                    SubsidyProgramme.id == programme_id, SubsidyProgramme.closed_early_on.is_(None)
                )
                .values(closed_early_on=today)
                .execution_options(synchronize_session=False)
            )
        db.session.add(
            audit.entry(
                AccessAction.UPDATE,
                subject=("subsidy_claim", claim.id),
                detail=f"approved {amount}",
                by_id=approver_id,
                ip_address=ip_address,
            )
        )
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
            .values(
                status=ClaimStatus.REJECTED,
                decision_reason=reason.strip(),
                decided_at=utcnow(),
                decided_by_id=by_id,
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        claim = db.session.get(SubsidyClaim, claim_id, populate_existing=True)
        if decided != 1:
            raise AlreadyDecided(claim)
        db.session.add(
            audit.entry(
                AccessAction.UPDATE,
                subject=("subsidy_claim", claim_id),
                detail="rejected",
                by_id=by_id,
                ip_address=ip_address,
            )
        )
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
    refusals, room = decision_refusals(rules_of(programme), applicant, claim.applied_on)
    return ClaimReview(
        claim,
        refusals,
        max(min(claim.amount_requested, room), 0),
        programme.budget - programme.spent,
        applicant,
    )
