from decimal import Decimal
from fractions import Fraction

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from academy.auth.access import get_campus_or_404, role_required
from academy.dashboard import bp, services
from academy.dashboard.forms import (
    CampusDashboardForm,
    DashboardFilterForm,
    PlannerForm,
    QualityRuleForm,
    TargetForm,
)
from academy.extensions import db
from academy.kpi.capacity import Plan
from academy.kpi.rules import YearRule
from academy.kpi.targets import TARGET_YEARS
from academy.models import Role, TargetMetric, Tier
from academy.progress_reports import charts
from academy.progress_reports.scope import ParameterError, resolve
from academy.web import render

STAFF = (Role.OFFICIAL, Role.ADMIN, Role.COORDINATOR)


def _valid(field):
    return field.data if field.data not in (None, "") and not field.errors else None


@bp.get("/")
@role_required(Role.OFFICIAL, Role.ADMIN)
def city():
    """The official's citywide dashboard; filters live in the URL and update it in place."""
    every_campus = services.all_campuses()
    form = DashboardFilterForm(request.args, campuses=every_campus)
    form.validate()
    campus = _valid(form.campus)
    params = resolve(
        db.session,
        year=_valid(form.year),
        campus=int(campus) if campus else None,
        tier=_valid(form.tier),
        kind=_valid(form.kind),
        as_of=_valid(form.as_of),
    )
    report = services.dashboard(params.year, params.as_of, params.scope, every_campus)
    filters = {
        "year": params.year,
        "tier": form.tier.data or "",
        "kind": form.kind.data or "",
        "campus": campus or "",
        "as_of": params.as_of.isoformat(),
    }
    return render(
        "dashboard/city.html",
        "dashboard/_city_results.html",
        form=form,
        report=report,
        charts=charts.report_charts(report),
        filters=filters,
    )


@bp.get("/campus/<int:campus_id>")
@role_required(*STAFF)
def campus(campus_id: int):
    """A campus's figures by cohort: the coordinator's dashboard."""
    campus = get_campus_or_404(campus_id)
    form = CampusDashboardForm(request.args)
    form.validate()
    params = resolve(db.session, year=_valid(form.year), campus=campus.id, as_of=_valid(form.as_of))
    report = services.dashboard(params.year, params.as_of, params.scope)
    return render(
        "dashboard/campus.html",
        "dashboard/_campus_results.html",
        form=form,
        campus=campus,
        report=report,
        charts=charts.report_charts(report),
        filters={"year": params.year, "as_of": params.as_of.isoformat()},
    )


@bp.get("/methodology")
@role_required(*STAFF)
def methodology():
    """Every definition, the choices the definitions leave open, and the rules in force."""
    return render(
        "dashboard/methodology.html",
        "dashboard/methodology.html",
        rules=services.quality_rules(),
        targets=services.targets(),
    )


@bp.get("/planner")
@role_required(Role.OFFICIAL, Role.ADMIN)
def planner():
    """What would reach 10,000 trainees a year: campuses added by tier or kind, and cohorts per
    classroom a year. The result updates as the official types (htmx)."""
    form = PlannerForm(request.args)
    form.validate()
    year = resolve(db.session).year
    baseline, observed = services.capacity_plan(year)
    rate = _valid(form.cohorts_per_classroom)
    plan = Plan(
        add_large=_valid(form.add_large) or 0,
        add_medium=_valid(form.add_medium) or 0,
        add_small=_valid(form.add_small) or 0,
        add_bigtech=_valid(form.add_bigtech) or 0,
        add_hub=_valid(form.add_hub) or 0,
        opens_in=int(_valid(form.opens_in) or TARGET_YEARS[1]),
        cohorts_per_classroom=Fraction(str(rate)) if rate is not None else observed,
    )
    if rate is None:
        form.cohorts_per_classroom.data = Decimal(str(float(observed)))
    if not form.opens_in.data:
        form.opens_in.data = str(plan.opens_in)
    # A plan with a wrong value is not computed with that value left out: every problem is
    # shown beside its field and in a summary, and no figures until they are fixed.
    problems = [(f, " ".join(f.errors)) for f in form if f.errors]
    result = None if problems else services.capacity_plan(year, plan)[0]
    return render(
        "dashboard/planner.html",
        "dashboard/_planner_result.html",
        form=form,
        problems=problems,
        plan=result,
        baseline=baseline,
        observed=observed,
        year=year,
        chart=charts.capacity_chart(result, name="plan") if result else None,
        tiers=list(Tier),
    )


def _targets_page(target_form=None, rule_form=None):
    return render(
        "dashboard/targets.html",
        "dashboard/targets.html",
        targets=services.targets(),
        rules=services.quality_rules(),
        history=services.setting_history(),
        target_form=target_form or TargetForm(),
        rule_form=rule_form or QualityRuleForm(),
        years=TARGET_YEARS,
    )


@bp.get("/targets")
@role_required(Role.OFFICIAL, Role.ADMIN)
def targets():
    """Targets to 2030 (set, from the source, or interpolated) and the quality rules, with the
    history of every change."""
    return _targets_page()


@bp.post("/targets")
@role_required(Role.OFFICIAL)
def set_target():
    form = TargetForm()
    if form.validate_on_submit():
        change = services.set_target(
            int(form.year.data),
            TargetMetric(form.metric.data),
            form.value.data,
            current_user,
            form.reason.data,
        )
        if change is None:
            flash(_("That target is already in force: nothing changed."), "warning")
        else:
            flash(_("Target saved; the change is recorded."), "success")
        return redirect(url_for(".targets"), code=303)
    return _targets_page(target_form=form), 422


@bp.post("/quality-rules")
@role_required(Role.OFFICIAL)
def set_quality_rule():
    form = QualityRuleForm()
    if form.validate_on_submit():
        rule = YearRule(
            form.monthly_pay_floor.data, form.min_weekly_hours.data, form.min_contract_months.data
        )
        changes = services.set_quality_rule(
            int(form.year.data), rule, current_user, form.reason.data
        )
        if changes:
            flash(_("Quality rules saved; the change is recorded."), "success")
        else:
            flash(_("Those rules are already in force: nothing changed."), "warning")
        return redirect(url_for(".targets"), code=303)
    return _targets_page(rule_form=form), 422


@bp.errorhandler(ParameterError)
def bad_parameter(error):
    flash(str(error), "danger")
    return redirect(url_for("home.index"), code=303)
