"""Why a subsidy action was refused; the messages are for the user."""

from flask_babel import gettext as _

from academy.errors import RuleRefused
from academy.formatting import won
from academy.labels import label_for
from academy.models import (
    ClaimStatus,
    SubsidyClaim,
)
from academy.subsidies.eligibility import (
    Eligibility,
)


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
        super().__init__(
            _("This claim was decided already: %(status)s.", status=_status_text(claim.status))
        )


class BudgetShort(SubsidyError):
    def __init__(self, remaining: int, amount: int) -> None:
        self.remaining = remaining
        super().__init__(
            _(
                "The budget has %(remaining)s left, less than the %(amount)s to approve. Approve a "
                "smaller amount or reject the claim.",
                remaining=won(remaining),
                amount=won(amount),
            )
        )


def _status_text(status: ClaimStatus) -> str:
    return label_for(status)
