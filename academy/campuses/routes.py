from flask import request, url_for
from flask_login import current_user

from academy.auth.access import get_campus_or_404, role_required
from academy.campuses import bp, services
from academy.campuses.forms import OverviewFilterForm
from academy.models import CampusKind, Role, Tier
from academy.parameters import year_arg
from academy.web import render
from academy.years import CohortYears


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
    row = services.campus_overview(year or services.default_year(), campus_id=campus.id)[0]
    years = CohortYears.choose(year, lambda **y: url_for(".show", campus_id=campus.id, **y))
    return render(
        "campuses/show.html",
        "campuses/_cohorts.html",
        campus=campus,
        row=row,
        cohorts=services.cohort_rows(campus.id, year, ending_from=years.ending_from),
        years=years,
        is_own=current_user.campus_id == campus.id,
    )
