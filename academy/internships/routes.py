from flask import abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from academy import audit
from academy.auth.access import own_campus_id, role_required
from academy.certifications.services import cohort_on
from academy.errors import return_on_refusal
from academy.extensions import db
from academy.internships import bp, services
from academy.internships.forms import (
    HostForm,
    OpeningForm,
    PlacementForm,
    PlacementStatusForm,
    YearFilterForm,
)
from academy.models import (
    AccessAction,
    InternshipOpening,
    InternshipPlacement,
    InternshipProgramme,
    PlacementStatus,
    Role,
)
from academy.parameters import page_arg
from academy.web import render

STAFF = (Role.OFFICIAL, Role.ADMIN, Role.COORDINATOR)
PLACERS = (Role.COORDINATOR, Role.ADMIN)


def _filters():
    years = services.year_choices()
    form = YearFilterForm(request.args, years=years)
    form.validate()
    year = form.year.data if form.year.data in years else services.default_year()
    form.year.data = year
    return form, year


@bp.get("/")
@role_required(*STAFF)
def index():
    """Placements counted by programme, campus and year; a coordinator's own campus only, with
    its placements to keep up to date."""
    form, year = _filters()
    campus_id = own_campus_id()
    placements = services.campus_placements(campus_id, year) if campus_id else []
    if placements:
        audit.record(
            AccessAction.VIEW,
            subject="internship_placements",
            trainee_ids=[p.trainee_id for p in placements],
            detail={"campus_id": campus_id, "year": year},
        )
    return render(
        "internships/index.html",
        "internships/_counts.html",
        form=form,
        year=year,
        counts=services.counts(year, campus_id),
        programmes=list(InternshipProgramme),
        placements=placements,
        status_form=PlacementStatusForm(),
        campus=current_user.campus if campus_id else None,
    )


def _render_openings(opening_form=None, host_form=None):
    form, year = _filters()
    programme = (
        InternshipProgramme(form.programme.data)
        if form.programme.data and not form.programme.errors
        else None
    )
    page, rows = services.openings_page(
        programme, year, page_arg(), current_app.config["PAGE_SIZE"]
    )
    hosts = services.hosts()
    return render(
        "internships/openings.html",
        "internships/_openings.html",
        form=form,
        year=year,
        page=page,
        rows=rows,
        filters={"year": year, "programme": form.programme.data or ""},
        opening_form=opening_form or OpeningForm(hosts=hosts),
        host_form=host_form or HostForm(members=services.alliance_members()),
    )


@bp.get("/openings")
@role_required(*STAFF)
def openings():
    """Openings of the three programmes with their host, dates and seats left."""
    return _render_openings()


@bp.post("/openings")
@role_required(*STAFF)
def add_opening():
    form = OpeningForm(hosts=services.hosts())
    if form.validate_on_submit():
        opening = services.add_opening(form.data)
        flash(_("Opening added: %(title)s.", title=opening.title), "success")
        return redirect(url_for(".opening", opening_id=opening.id), code=303)
    return _render_openings(opening_form=form), 422


@bp.post("/hosts")
@role_required(*STAFF)
def add_host():
    form = HostForm(members=services.alliance_members())
    if form.validate_on_submit():
        try:
            host = services.add_host(
                form.name.data, form.public_sector.data, form.alliance_member_id.data
            )
        except services.InternshipError as error:
            form.name.errors = [str(error)]
        else:
            flash(_("Host organisation added: %(name)s.", name=host.name), "success")
            return redirect(url_for(".openings"), code=303)
    return _render_openings(host_form=form), 422


def _render_opening(opening, form=None, chosen=()):
    """The opening; for a placer, its placements and the trainee picker, which lists only the
    trainees whose name or e-mail starts with what was searched (`q`), never the whole campus.
    An htmx search gets the picker alone."""
    campus_id = own_campus_id()
    placing = current_user.role in PLACERS
    query = request.args.get("q", "").strip()[:100] if placing else ""
    matches, more = services.find_trainees(campus_id, query) if placing else ([], False)
    named = list(chosen) or matches
    placements = services.opening_placements(opening, campus_id) if placing else []
    if placing:  # the placed trainees, and everyone the trainee picker names
        audit.record(
            AccessAction.VIEW,
            subject=opening,
            trainee_ids=[p.trainee_id for p in placements] + [t.id for t, _c in named],
            detail={"placed": sorted({p.trainee_id for p in placements})},
        )
    return render(
        "internships/opening.html",
        "internships/_trainee_picker.html",
        opening=opening,
        taken=services.seats_taken([opening.id]).get(opening.id, 0),
        placements=placements,
        form=form or PlacementForm(trainees=matches, starts_on=opening.starts_on),
        can_place=placing,
        query=query,
        more=more,
        limit=services.PICKER_LIMIT,
    )


@bp.get("/openings/<int:opening_id>")
@role_required(*STAFF)
def opening(opening_id: int):
    """An opening, its seats, and (for a coordinator) their campus's trainees placed on it."""
    found = db.session.get(InternshipOpening, opening_id) or abort(404)
    return _render_opening(found)


@bp.post("/openings/<int:opening_id>/placements")
@role_required(*PLACERS)
def place(opening_id: int):
    """Place one of the coordinator's campus's trainees on the opening."""
    found = db.session.get(InternshipOpening, opening_id) or abort(404)
    # The only valid choice is the posted trainee, if they were ever on the campus's roster.
    chosen = services.placeable_trainee(own_campus_id(), request.form.get("trainee_id", type=int))
    chosen = [chosen] if chosen else []
    form = PlacementForm(trainees=chosen)
    if form.validate_on_submit():
        cohort = cohort_on(form.trainee_id.data, form.starts_on.data)
        campus_id = own_campus_id() or (cohort.campus_id if cohort else None)
        try:
            services.place(found.id, form.trainee_id.data, campus_id, form.data)
        except services.InternshipError as error:
            form.trainee_id.errors = [str(error)]
        else:
            flash(_("Placement recorded."), "success")
            return redirect(url_for(".opening", opening_id=found.id), code=303)
    return _render_opening(found, form, chosen), 422


def get_placement_or_404(placement_id: int) -> InternshipPlacement:
    """A coordinator reaches only the placements their campus made."""
    placement = db.session.get(InternshipPlacement, placement_id)
    if placement is None:
        abort(404)
    own = own_campus_id()
    if own is not None and placement.campus_id != own:
        abort(404)
    return placement


@bp.post("/placements/<int:placement_id>")
@role_required(*PLACERS)
def update_placement(placement_id: int):
    """Move a placement on: planned → ongoing → finished, or dropped, with its end date."""
    placement = get_placement_or_404(placement_id)
    form = PlacementStatusForm()
    back = url_for(".index", year=placement.starts_on.year)
    if form.validate_on_submit():
        return_on_refusal(back)
        services.update_placement(placement, PlacementStatus(form.status.data), form.ends_on.data)
        flash(_("Placement updated."), "success")
    else:
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "danger")
    return redirect(back, code=303)
