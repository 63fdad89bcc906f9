from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from academy import audit
from academy.auth.access import get_cohort_or_404, own_campus_id, role_required
from academy.certifications import bp, services
from academy.certifications.access import get_attempt_or_404
from academy.certifications.forms import (
    AttemptForm,
    CertificationForm,
    MockExamForm,
    RateFilterForm,
    ResultForm,
)
from academy.clock import seoul_today
from academy.errors import return_on_refusal
from academy.kpi.certifications import AttemptCounts
from academy.models import AccessAction, ExamResult, Role
from academy.uploads import CONTENT_TYPES, UploadRejected, send_upload
from academy.web import render

STAFF_AND_CITY = (Role.OFFICIAL, Role.ADMIN, Role.COORDINATOR)
CITY = (Role.OFFICIAL, Role.ADMIN)


def _render_index(form: CertificationForm | None = None):
    staff = current_user.role in STAFF_AND_CITY
    years = services.year_choices()
    filters = RateFilterForm(request.args, years=years)
    filters.validate()
    by = (
        services.GroupBy(filters.by.data)
        if filters.by.data in set(services.GroupBy)
        else services.GroupBy.CERTIFICATION
    )
    year = filters.year.data if filters.year.data in years else services.default_year()
    filters.year.data = year
    campus_id = own_campus_id()
    catalogue = services.catalogue()
    rows = services.pass_rate_rows(by, year, campus_id) if staff else []
    by_certification = (
        {r.key: r.counts for r in rows} if by == services.GroupBy.CERTIFICATION else {}
    )
    return render(
        "certifications/index.html",
        "certifications/_rates.html",
        catalogue=catalogue,
        rows=rows,
        by=by,
        year=year,
        by_certification=by_certification,
        total=sum((r.counts for r in rows), AttemptCounts()),
        no_attempts=AttemptCounts(),
        filters=filters,
        staff=staff,
        campus=current_user.campus if campus_id else None,
        form=form or (CertificationForm() if current_user.role in CITY else None),
    )


@bp.get("/")
@role_required(*STAFF_AND_CITY, Role.TRAINEE)
def index():
    """The catalogue with exam fees; for staff, pass rates per certification, campus or cohort."""
    return _render_index()


@bp.post("/")
@role_required(*CITY)
def add():
    """An official adds a certification employers recognise to the catalogue."""
    form = CertificationForm()
    if form.validate_on_submit():
        try:
            certification = services.add_certification(form.data)
        except services.CertificationError as error:
            form.name.errors = [str(error)]
        else:
            flash(_("%(name)s added to the catalogue.", name=certification.name), "success")
            return redirect(url_for(".index"), code=303)
    return _render_index(form), 422


def _render_mine(form: AttemptForm | None = None, result_forms: dict | None = None):
    trainee = current_user.trainee
    if trainee is None:
        abort(404)
    catalogue = services.catalogue()
    mine = services.trainee_certifications(trainee.id)
    return render(
        "certifications/mine.html",
        "certifications/_mine.html",
        mine=mine,
        form=form or AttemptForm(certifications=catalogue, sat_on=seoul_today()),
        result_forms=result_forms or {},
        result_form=ResultForm(),
        fees={c.id: c.exam_fee for c in catalogue},
    )


@bp.get("/mine")
@role_required(Role.TRAINEE)
def mine():
    """The trainee's exam attempts and mock exams; each attempt leads to the subsidy."""
    return _render_mine()


@bp.post("/mine")
@role_required(Role.TRAINEE)
def record_attempt():
    trainee = current_user.trainee
    if trainee is None:
        abort(404)
    form = AttemptForm(certifications=services.catalogue())
    if form.validate_on_submit():
        if form.sat_on.data > seoul_today() and form.result.data != ExamResult.PENDING:
            form.result.errors = [_("An exam that has not happened yet awaits its result.")]
        else:
            try:
                services.record_attempt(trainee, form.data, form.evidence.data)
            except UploadRejected as rejected:
                form.evidence.errors = [str(rejected)]
            else:
                flash(_("Exam attempt recorded."), "success")
                # Its own fragment, or the browser keeps the form's #record-attempt and scrolls
                # past the confirmation.
                return redirect(url_for(".mine", _anchor="main"), code=303)
    return _render_mine(form), 422


@bp.post("/attempts/<int:attempt_id>/result")
@role_required(Role.TRAINEE, Role.COORDINATOR, Role.ADMIN)
def update_result(attempt_id: int):
    attempt = get_attempt_or_404(attempt_id)
    form = ResultForm()
    if current_user.role == Role.TRAINEE:
        back = url_for(".mine")
    elif attempt.cohort_id:
        back = url_for(".cohort", cohort_id=attempt.cohort_id)
    else:
        back = url_for(".index")
    if form.validate_on_submit():
        return_on_refusal(back)
        services.update_result(attempt, ExamResult(form.result.data), form.evidence.data)
        flash(_("Result saved for %(name)s.", name=attempt.certification.name), "success")
    return redirect(back, code=303)


@bp.get("/attempts/<int:attempt_id>/evidence")
@role_required(Role.TRAINEE, Role.COORDINATOR, Role.ADMIN)
def attempt_evidence(attempt_id: int):
    attempt = get_attempt_or_404(attempt_id)
    if not attempt.evidence_path:
        abort(404)
    own = current_user.role == Role.TRAINEE
    reason = None if own else audit.require_reason(attempt.trainee_id)
    audit.record(
        AccessAction.DOWNLOAD, subject=attempt, trainee_id=attempt.trainee_id, reason=reason
    )
    kind = attempt.evidence_path.rsplit(".", 1)[-1]
    return send_upload(
        attempt.evidence_path, attempt.evidence_name or f"evidence.{kind}", CONTENT_TYPES[kind]
    )


def _render_cohort(cohort, form: MockExamForm | None = None):
    lines = services.cohort_sheet(cohort)
    catalogue = services.catalogue()
    audit.record(
        AccessAction.VIEW,
        subject=cohort,
        trainee_ids=[line.trainee.id for line in lines],
        detail={"page": "certifications"},
    )
    return render(
        "certifications/cohort.html",
        "certifications/_cohort.html",
        cohort=cohort,
        lines=lines,
        form=form
        or MockExamForm(
            trainees=[line.trainee for line in lines],
            certifications=catalogue,
            taken_on=seoul_today(),
        ),
        result_form=ResultForm(),
    )


@bp.get("/cohorts/<int:cohort_id>")
@role_required(Role.COORDINATOR, Role.ADMIN)
def cohort(cohort_id: int):
    """A cohort's mock exam scores and exam attempts, trainee by trainee."""
    return _render_cohort(get_cohort_or_404(cohort_id))


@bp.post("/cohorts/<int:cohort_id>/mock-exams")
@role_required(Role.COORDINATOR, Role.ADMIN)
def add_mock_exam(cohort_id: int):
    cohort = get_cohort_or_404(cohort_id)
    lines = services.cohort_sheet(cohort)
    form = MockExamForm(
        trainees=[line.trainee for line in lines], certifications=services.catalogue()
    )
    if form.validate_on_submit():
        services.record_mock_exam(
            form.trainee_id.data, form.certification_id.data, form.taken_on.data, form.score.data
        )
        flash(_("Mock exam score recorded."), "success")
        return redirect(url_for(".cohort", cohort_id=cohort.id), code=303)
    return _render_cohort(cohort, form), 422
