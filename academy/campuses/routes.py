from flask import request
from flask_login import current_user

from academy.auth.access import get_campus_or_404, role_required
from academy.campuses import bp, services
from academy.campuses.forms import OverviewFilterForm
from academy.models import CampusKind, Role, Tier
from academy.parameters import MIN_YEAR, year_arg
from academy.web import render


@bp.get("/")
@role_required(Role.OFFICIAL, Role.ADMIN)
def overview():
    """The citywide campus overview by tier; filters live in the URL and update in place."""
    form = OverviewFilterForm(request.args)
    form.validate()
    year = form.year.data if form.year.data and not form.year.errors else services.default_year()
    kind = CampusKind(form.kind.data) if form.kind.data and not form.kind.errors else None
    tier = Tier(form.tier.data) if form.tier.data and not form.tier.errors else None
    rows = services.campus_overview(year, kind=kind, tier=tier)
    all_rows = rows if kind is None and tier is None else services.campus_overview(year)
    return render(
        "campuses/overview.html",
        "campuses/_overview_results.html",
        form=form,
        year=year,
        rows=rows,
        tiers=services.tier_summary(all_rows),
        filters={"year": year, "kind": form.kind.data or "", "tier": form.tier.data or ""},
    )


@bp.get("/<int:campus_id>")
@role_required(Role.OFFICIAL, Role.ADMIN, Role.COORDINATOR)
def show(campus_id: int):
    """A campus and its cohorts: the coordinator's home page."""
    campus = get_campus_or_404(campus_id)
    year = year_arg()
    shown_year = year or services.default_year()
    row = services.campus_overview(shown_year, campus_id=campus.id)[0]
    ending_from = None if year else services.year_bounds(shown_year)[0]
    return render(
        "campuses/show.html",
        "campuses/_cohorts.html",
        campus=campus,
        row=row,
        cohorts=services.cohort_rows(campus.id, year, ending_from=ending_from),
        year=year,
        shown_year=shown_year,
        # The step back stops at the first year a filter accepts: no link to a refused page.
        previous_year=shown_year - 1 if shown_year - 1 >= MIN_YEAR else None,
        is_own=current_user.campus_id == campus.id,
    )
