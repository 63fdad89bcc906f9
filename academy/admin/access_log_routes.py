"""The administrator's review of the personal-data access log (접속기록 점검)."""

from flask import current_app, request

from academy import audit
from academy.admin import bp
from academy.admin.access_log_view import view
from academy.admin.forms import AccessLogFilterForm
from academy.auth.access import role_required
from academy.extensions import db
from academy.models import AccessAction, AccessLog, Role
from academy.parameters import page_arg
from academy.web import render


def _filters(form: AccessLogFilterForm) -> audit.LogFilters:
    def valid(field):
        return field.data if field.data and not field.errors else None

    action = valid(form.action)
    return audit.LogFilters(
        account=valid(form.account),
        person=valid(form.person),
        action=AccessAction(action) if action in set(AccessAction) else None,
        since=valid(form.since),
        until=valid(form.until),
    )


@bp.get("/access-log")
@role_required(Role.ADMIN)
def access_log():
    """Entries newest first, filtered; the full page also checks the chain, from the last entry
    found whole (audit.verify_since_checkpoint: the page hashes only what was written since).
    Reviewing the log reads personal data too, so the review is itself logged."""
    form = AccessLogFilterForm(request.args)
    form.validate()
    filters = _filters(form)
    partial = request.htmx and not request.htmx.boosted
    # Before the page's entries are loaded: moving the checkpoint commits, which would expire them.
    chain = None if partial else audit.verify_since_checkpoint()
    page = db.paginate(
        audit.log_query(filters),
        page=page_arg(),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    audit.record(
        AccessAction.VIEW,
        subject="access_log",
        trainee_ids=[e.trainee_id for e in page.items if e.trainee_id is not None],
        detail={"filters": {k: str(v) for k, v in vars(filters).items() if v}},
    )
    args = {
        name: request.args[name]
        for name in ("account", "person", "action", "since", "until")
        if request.args.get(name)
    }
    return render(
        "admin/access_log.html",
        "admin/_access_log.html",
        form=form,
        page=page,
        entries=[view(e) for e in page.items],
        filters=args,
        chain=chain,
        chain_break=chain.broken if chain else None,
        total=None if partial else db.session.scalar(db.select(db.func.count(AccessLog.id))),
    )
