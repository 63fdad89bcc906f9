from flask import abort, current_app, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from academy import audit
from academy.auth.access import own_campus_id, role_required
from academy.clock import seoul_today
from academy.extensions import db
from academy.formatting import won
from academy.labels import label_for
from academy.models import (
    AccessAction,
    ClaimStatus,
    ExamAttempt,
    PaymentMethod,
    Role,
    SubsidyClaim,
)
from academy.parameters import MIN_YEAR, page_arg, query_int, year_arg
from academy.subsidies import bp, export, services
from academy.subsidies.access import get_claim_or_404, get_programme_or_404
from academy.subsidies.forms import (
    DEFAULT_CAP,
    ApplicationForm,
    ApproveForm,
    ClaimFilterForm,
    ConfirmForm,
    ProgrammeFilterForm,
    ProgrammeForm,
    RejectForm,
)
from academy.uploads import CONTENT_TYPES, UploadRejected, send_upload
from academy.web import render

CITY = (Role.OFFICIAL, Role.ADMIN)
DECIDERS = (Role.COORDINATOR, Role.ADMIN)


@bp.get("/")
@role_required(*CITY, Role.COORDINATOR)
def index():
    """The recent years' programmes (or one year's) with their budget, what is approved and
    left, and claims waiting; older years are a year filter or a step back away."""
    form = ProgrammeFilterForm(request.args)
    form.validate()
    year = form.year.data if form.year.data and not form.year.errors else None
    today = seoul_today()
    shown_year = year or services.recent_from(today)
    programmes = services.programmes(year=year, from_year=None if year else shown_year)
    return render(
        "subsidies/index.html",
        "subsidies/_programmes.html",
        form=form,
        programmes=programmes,
        year=year,
        shown_year=shown_year,
        # The step back stops at the first year a filter accepts: no link to a refused page.
        previous_year=shown_year - 1 if shown_year - 1 >= MIN_YEAR else None,
        pending=services.pending_summary(own_campus_id(), [p.id for p in programmes]),
        states={p.id: services.application_state(p, today) for p in programmes},
        next_year=services.next_programme_year(today),
    )


# An official sets the programme -----------------------------------------------------------------


def _render_programme_form(form, programme=None):
    return render(
        "subsidies/programme_form.html",
        "subsidies/programme_form.html",
        form=form,
        programme=programme,
        rounds_from=services.ROUNDS_FROM_YEAR,
        default_cap=DEFAULT_CAP,
    )


@bp.get("/programmes/new")
@role_required(*CITY)
def new_programme():
    year = year_arg(default=seoul_today().year)
    form = ProgrammeForm(data=ProgrammeForm.defaults_for(year))
    return _render_programme_form(form)


@bp.post("/programmes/new")
@role_required(*CITY)
def create_programme():
    form = ProgrammeForm()
    if form.validate_on_submit():
        try:
            programme = services.save_programme(form.data, current_user)
        except services.SubsidyError as error:
            form.year.errors = [str(error)]
        else:
            flash(_("The %(year)s programme is set.", year=programme.year), "success")
            return redirect(url_for(".ledger", programme_id=programme.id), code=303)
    return _render_programme_form(form), 422


@bp.get("/programmes/<int:programme_id>/edit")
@role_required(*CITY)
def edit_programme(programme_id: int):
    programme = get_programme_or_404(programme_id)
    rounds = {r.half: r for r in programme.rounds}
    data = {
        "first_opens_on": rounds[1].opens_on if 1 in rounds else None,
        "first_closes_on": rounds[1].closes_on if 1 in rounds else None,
        "second_opens_on": rounds[2].opens_on if 2 in rounds else None,
        "second_closes_on": rounds[2].closes_on if 2 in rounds else None,
        "payment_method": programme.payment_method.value,
    }
    form = ProgrammeForm(obj=programme, data=data)
    return _render_programme_form(form, programme)


@bp.post("/programmes/<int:programme_id>/edit")
@role_required(*CITY)
def update_programme(programme_id: int):
    programme = get_programme_or_404(programme_id)
    form = ProgrammeForm()
    form.year.data = programme.year  # the year is the programme's identity: not editable
    if form.validate_on_submit():
        try:
            services.save_programme(form.data, current_user, programme)
        except services.SubsidyError as error:
            form.budget.errors = [str(error)]
        else:
            flash(_("The %(year)s programme is saved.", year=programme.year), "success")
            return redirect(url_for(".ledger", programme_id=programme.id), code=303)
    return _render_programme_form(form, programme), 422


@bp.post("/programmes/<int:programme_id>/close")
@role_required(*CITY)
def close_programme(programme_id: int):
    """Close applications now (조기 마감); claims already made can still be decided."""
    programme = get_programme_or_404(programme_id)
    if ConfirmForm().validate_on_submit():
        services.close_early(programme, seoul_today(), current_user)
        flash(
            _("Applications to the %(year)s programme are closed.", year=programme.year), "success"
        )
    return redirect(url_for(".ledger", programme_id=programme.id), code=303)


# The ledger -------------------------------------------------------------------------------------


@bp.get("/programmes/<int:programme_id>")
@role_required(*CITY, Role.COORDINATOR)
def ledger(programme_id: int):
    """Budget, approved, paid, remaining and people supported, by round and campus."""
    programme = get_programme_or_404(programme_id)
    campus_id = own_campus_id()
    return render(
        "subsidies/ledger.html",
        "subsidies/_ledger.html",
        ledger=services.ledger(programme, campus_id),
        campus=current_user.campus if campus_id else None,
        can_manage=current_user.role in CITY,
        confirm=ConfirmForm(),
    )


@bp.get("/programmes/<int:programme_id>/ledger.xlsx")
@role_required(*CITY, Role.COORDINATOR)
def ledger_export(programme_id: int):
    """The ledger in Excel: the figures by round and campus, and the claims with masked names."""
    programme = get_programme_or_404(programme_id)
    reason = audit.require_reason()
    campus_id = own_campus_id()
    ledger = services.ledger(programme, campus_id)
    data = export.ledger_workbook(ledger, campus_id)
    audit.record(AccessAction.EXPORT, subject=programme, reason=reason, detail="ledger.xlsx")
    return send_file(
        data,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=f"subsidy-ledger-{programme.year}.xlsx",
    )


# Claims: the coordinator decides ----------------------------------------------------------------


@bp.get("/claims")
@role_required(*DECIDERS)
def claims():
    """Claims of the coordinator's campus, those awaiting a decision first."""
    years = services.programme_years(services.recent_from(seoul_today()))
    form = ClaimFilterForm(request.args, years=years)
    form.validate()
    status = (
        None if form.status.data == "all" or form.status.errors else ClaimStatus(form.status.data)
    )
    year = (form.year.data or None) if not form.year.errors else None
    page = services.claims_page(
        own_campus_id(),
        status,
        year,
        page_arg(),
        current_app.config["PAGE_SIZE"],
    )
    audit.record(
        AccessAction.VIEW,
        subject="subsidy_claims",
        trainee_ids=[claim.trainee_id for claim in page.items],
    )
    return render(
        "subsidies/claims.html",
        "subsidies/_claims.html",
        form=form,
        page=page,
        filters={"status": form.status.data, "year": year or 0},
    )


def _render_claim(claim, approve_form=None, reject_form=None):
    review = services.review(claim)
    if approve_form is None:
        approve_form = ApproveForm(
            amount=review.payable,
            paid_on=seoul_today(),
            payment_method=claim.programme.payment_method.value,
        )
    return render(
        "subsidies/claim.html",
        "subsidies/claim.html",
        claim=claim,
        review=review,
        approve_form=approve_form,
        reject_form=reject_form or RejectForm(),
    )


@bp.get("/claims/<int:claim_id>")
@role_required(*DECIDERS)
def claim(claim_id: int):
    claim = get_claim_or_404(claim_id)
    services.log_claim_access(current_user, claim, AccessAction.VIEW, request.remote_addr)
    return _render_claim(claim)


@bp.post("/claims/<int:claim_id>/approve")
@role_required(*DECIDERS)
def approve(claim_id: int):
    """Approve and record the payment; a second click finds the claim decided and pays nothing."""
    claim = get_claim_or_404(claim_id)
    form = ApproveForm()
    if form.validate_on_submit():
        try:
            approved = services.approve(
                claim.id,
                current_user.id,
                form.amount.data,
                form.paid_on.data,
                PaymentMethod(form.payment_method.data),
                request.remote_addr,
            )
        except services.AlreadyDecided as decided:
            flash(str(decided), "info")
            return redirect(url_for(".claim", claim_id=claim_id), code=303)
        except services.SubsidyError as refused:
            form.amount.errors = [str(refused)]
        else:
            flash(
                _(
                    "Approved: %(amount)s to %(name)s by %(method)s.",
                    amount=won(approved.amount_approved),
                    name=approved.trainee.name,
                    method=label_for(approved.payment_method),
                ),
                "success",
            )
            return redirect(url_for(".claims"), code=303)
    return _render_claim(db.session.get(SubsidyClaim, claim_id), approve_form=form), 422


@bp.post("/claims/<int:claim_id>/reject")
@role_required(*DECIDERS)
def reject(claim_id: int):
    claim = get_claim_or_404(claim_id)
    form = RejectForm()
    if form.validate_on_submit():
        try:
            services.reject(claim.id, current_user.id, form.reason.data, request.remote_addr)
        except services.AlreadyDecided as decided:
            flash(str(decided), "info")
            return redirect(url_for(".claim", claim_id=claim_id), code=303)
        flash(_("Claim rejected; the trainee sees the reason."), "success")
        return redirect(url_for(".claims"), code=303)
    return _render_claim(claim, reject_form=form), 422


@bp.get("/claims/<int:claim_id>/receipt")
@role_required(Role.TRAINEE, *DECIDERS)
def receipt(claim_id: int):
    claim = get_claim_or_404(claim_id)
    if not claim.receipt_path:
        abort(404)
    reason = audit.require_reason(claim.trainee_id) if current_user.role != Role.TRAINEE else None
    audit.record(AccessAction.DOWNLOAD, subject=claim, trainee_id=claim.trainee_id, reason=reason)
    kind = claim.receipt_path.rsplit(".", 1)[-1]
    return send_upload(
        claim.receipt_path, claim.receipt_name or f"receipt.{kind}", CONTENT_TYPES[kind]
    )


# The trainee applies ----------------------------------------------------------------------------


def _render_apply(view, form, eligibility=None):
    return render(
        "subsidies/apply.html",
        "subsidies/apply.html",
        view=view,
        form=form,
        eligibility=eligibility,
    )


def _trainee():
    if current_user.trainee is None:
        abort(404)
    return current_user.trainee


@bp.get("/apply")
@role_required(Role.TRAINEE)
def apply():
    """The trainee's application: the programme's state, why they may not apply, their claims."""
    view = services.application_view(_trainee(), seoul_today())
    form = ApplicationForm(attempts=view.attempts, attempt_id=query_int("attempt"))
    return _render_apply(view, form)


@bp.post("/apply")
@role_required(Role.TRAINEE)
def submit_application():
    trainee = _trainee()
    today = seoul_today()
    view = services.application_view(trainee, today)
    form = ApplicationForm(attempts=view.attempts)
    eligibility = None
    if form.validate_on_submit():
        attempt = db.session.get(ExamAttempt, form.attempt_id.data)
        requested = form.amount.data or attempt.fee_paid
        if view.rules and view.rules.unemployed_only and not form.not_employed.data:
            form.not_employed.errors = [_("Confirm that you are not employed to apply.")]
        elif requested > attempt.fee_paid:
            form.amount.errors = [
                _("You can ask for at most the fee you paid, %(fee)s.", fee=won(attempt.fee_paid))
            ]
        else:
            try:
                claim = services.apply(trainee, attempt, requested, form.receipt.data, today)
            except services.Ineligible as refused:
                eligibility = refused.eligibility
            except UploadRejected as rejected:
                form.receipt.errors = [str(rejected)]
            else:
                payable = services.review(claim).payable
                if payable < requested:
                    flash(
                        _(
                            "Your claim is submitted. Up to %(payable)s can be paid: the rest of "
                            "your yearly limit.",
                            payable=won(payable),
                        ),
                        "warning",
                    )
                else:
                    flash(
                        _("Your claim is submitted. Your campus coordinator will decide it."),
                        "success",
                    )
                return redirect(url_for(".apply"), code=303)
    return _render_apply(view, form, eligibility), 422
