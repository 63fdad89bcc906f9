"""The exam-fee subsidy: programmes, applications, decisions and the ledger.

The modules: `programmes` (a year's programme, set by an official), `applicants` (what the rules
know of a person, and what a trainee sees before applying), `applying`, `deciding` (approval with
its payment, rejection, review; the budget is never overspent), `ledger` (lists and totals) and
`errors`. Callers use this package's names: `from academy.subsidies import services`.
"""

from academy.subsidies.services.applicants import (
    ApplicationView,
    applicant_facts,
    application_view,
    attempt_facts,
    employed_since,
)
from academy.subsidies.services.applying import apply, check
from academy.subsidies.services.deciding import (
    ClaimReview,
    approve,
    log_claim_access,
    reject,
    review,
)
from academy.subsidies.services.errors import AlreadyDecided, BudgetShort, Ineligible, SubsidyError
from academy.subsidies.services.ledger import (
    Ledger,
    LedgerLine,
    claims_page,
    ledger,
    pending_summary,
)
from academy.subsidies.services.programmes import (
    ROUNDS_FROM_YEAR,
    application_state,
    close_early,
    next_programme_year,
    programme_for,
    programme_years,
    programmes,
    recent_from,
    rounds_required,
    rules_of,
    save_programme,
)

__all__ = [
    "ROUNDS_FROM_YEAR",
    "AlreadyDecided",
    "ApplicationView",
    "BudgetShort",
    "ClaimReview",
    "Ineligible",
    "Ledger",
    "LedgerLine",
    "SubsidyError",
    "applicant_facts",
    "application_state",
    "application_view",
    "apply",
    "approve",
    "attempt_facts",
    "check",
    "claims_page",
    "close_early",
    "employed_since",
    "ledger",
    "log_claim_access",
    "next_programme_year",
    "pending_summary",
    "programme_for",
    "programme_years",
    "programmes",
    "recent_from",
    "reject",
    "review",
    "rounds_required",
    "rules_of",
    "save_programme",
]
