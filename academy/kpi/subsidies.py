"""Subsidy use (domain.md, "Other figures"): what a programme's budget paid for.

Approved money is committed to the budget at approval (approval records the payment); it counts
as paid once the payment date has come. Remaining is what later approvals can still use.
"""

from dataclasses import dataclass

from academy.kpi.definitions import Rate


@dataclass(frozen=True)
class SubsidyTotals:
    approved: int = 0  # won approved: committed to the budget
    paid: int = 0  # won of approved claims whose payment date has come
    people: int = 0  # distinct people with an approved claim
    claims_approved: int = 0
    claims_pending: int = 0
    pending_amount: int = 0  # won requested by claims awaiting a decision
    claims_rejected: int = 0
    passed: int = 0  # approved claims whose exam was passed


def budget_use(totals: SubsidyTotals, budget: int) -> Rate:
    """Paid ÷ budget (domain.md, "subsidy use (paid ÷ budget, …)"). Approved money whose
    payment date has not come is committed (it leaves `remaining`) but not yet used."""
    return Rate(totals.paid, budget)


def remaining(totals: SubsidyTotals, budget: int) -> int:
    return budget - totals.approved


def cost_per_pass(totals: SubsidyTotals) -> int | None:
    """Won approved per certification passed by the people supported."""
    return round(totals.approved / totals.passed) if totals.passed else None
