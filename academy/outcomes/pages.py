"""What the trainee's record page needs from this blueprint: each cohort's outcome panel and its
form. The record page (academy.trainees) includes templates/outcomes/_panel.html with these."""

from collections.abc import Sequence

from academy.models import Enrolment
from academy.outcomes import services
from academy.outcomes.forms import OutcomeForm


def outcome_form(
    enrolment: Enrolment, panel: services.OutcomePanel, submitted: bool = False, **kwargs
) -> OutcomeForm:
    """Prefixed by the enrolment, so two cohorts' forms on one page never share an id. A
    submitted form reads the request (files included); otherwise it shows the current answer."""
    if not submitted:
        kwargs["formdata"] = None
        kwargs.setdefault("data", OutcomeForm.data_for(services.answer_from(panel.current)))
    return OutcomeForm(prefix=f"e{enrolment.id}", **kwargs)


def record_context(enrolments: Sequence[Enrolment]) -> dict:
    panels = services.outcome_panels(enrolments)
    forms = {e.id: outcome_form(e, panels[e.id]) for e in enrolments if panels[e.id].can_report}
    return {"outcome_panels": panels, "outcome_forms": forms}
