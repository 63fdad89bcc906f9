from flask import flash, redirect, request, url_for
from flask_babel import gettext as _

from academy import audit
from academy.auth.access import role_required
from academy.ecosystem import bp, services
from academy.ecosystem.forms import (
    AdvancedTrackForm,
    AllianceMemberForm,
    DonationForm,
    ScholarshipForm,
)
from academy.extensions import db
from academy.kpi import engine
from academy.kpi.targets import GOAL_YEAR
from academy.models import AccessAction, AllianceKind, DonationKind, Role, TargetMetric
from academy.parameters import MAX_YEAR, MIN_YEAR
from academy.progress_reports.progress import load_targets
from academy.progress_reports.scope import resolve
from academy.web import render, show_on_form


def _year() -> int:
    year = request.args.get("year", type=int)
    return resolve(db.session, year=year if year and MIN_YEAR <= year <= MAX_YEAR else None).year


def _page(year: int, status: int = 200, **forms):
    data = services.ecosystem_page(year)
    # Advanced-track graduates and scholarship holders are people (masked, still personal
    # data): the page's view is on the access log with everyone it named (issue 13).
    shown = [s.trainee_id for s in data.selections] + [s.trainee_id for s in data.scholarships]
    if shown:
        audit.record(
            AccessAction.VIEW,
            subject="ecosystem",
            trainee_ids=shown,
            detail={"page": "ecosystem", "year": year},
        )
    targets = load_targets(db.session)
    context = dict(
        year=year,
        data=data,
        figures=engine.ecosystem(db.session, year, resolve(db.session, year=year).as_of),
        targets={m: {t.year: t.value for t in targets[m]} for m in TargetMetric},
        goal_year=GOAL_YEAR,
        alliance_metric=TargetMetric.ALLIANCE_MEMBERS,
        track_metric=TargetMetric.ADVANCED_TRACK,
        mask=services.mask_name,
        member_form=forms.get("member_form") or AllianceMemberForm(),
        track_form=forms.get("track_form") or AdvancedTrackForm(),
        donation_form=forms.get("donation_form") or DonationForm(),
        scholarship_form=forms.get("scholarship_form") or ScholarshipForm(),
    )
    return render("ecosystem/index.html", "ecosystem/index.html", **context), status


@bp.get("/")
@role_required(Role.OFFICIAL, Role.ADMIN)
def index():
    """The Seoul AI Alliance against 250 by 2030, the advanced track and the development fund."""
    return _page(_year())


def _refused(error, form, name, year):
    show_on_form(form, error)
    return _page(year, 422, **{name: form})


@bp.post("/alliance")
@role_required(Role.OFFICIAL)
def add_member():
    form, year = AllianceMemberForm(), _year()
    if form.validate_on_submit():
        try:
            services.add_alliance_member(
                form.name.data, AllianceKind(form.kind.data), form.joined_on.data
            )
        except services.EcosystemError as error:
            return _refused(error, form, "member_form", year)
        flash(_("Alliance member added."), "success")
        return redirect(url_for(".index", year=year, _anchor="alliance-heading"), code=303)
    return _page(year, 422, member_form=form)


@bp.post("/advanced-track")
@role_required(Role.OFFICIAL)
def select_advanced():
    form, year = AdvancedTrackForm(), _year()
    if form.validate_on_submit():
        try:
            services.select_for_advanced_track(
                form.email.data, year, form.selected_on.data, form.programme.data
            )
        except services.EcosystemError as error:
            return _refused(error, form, "track_form", year)
        flash(_("Selected for the advanced track."), "success")
        return redirect(url_for(".index", year=year, _anchor="track-heading"), code=303)
    return _page(year, 422, track_form=form)


@bp.post("/donations")
@role_required(Role.OFFICIAL)
def add_donation():
    form, year = DonationForm(), _year()
    if form.validate_on_submit():
        services.add_donation(
            form.donor.data,
            DonationKind(form.kind.data),
            form.amount.data,
            form.description.data,
            form.received_on.data,
        )
        flash(_("Donation recorded."), "success")
        return redirect(url_for(".index", year=year, _anchor="fund-heading"), code=303)
    return _page(year, 422, donation_form=form)


@bp.post("/scholarships")
@role_required(Role.OFFICIAL)
def award_scholarship():
    form, year = ScholarshipForm(), _year()
    if form.validate_on_submit():
        try:
            services.award_scholarship(
                form.email.data, form.amount.data, form.awarded_on.data, form.reason.data
            )
        except services.EcosystemError as error:
            return _refused(error, form, "scholarship_form", year)
        flash(_("Scholarship recorded."), "success")
        return redirect(url_for(".index", year=year, _anchor="fund-heading"), code=303)
    return _page(year, 422, scholarship_form=form)
