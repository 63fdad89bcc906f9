from flask import current_app, request

from academy import audit
from academy.admin import bp, services
from academy.admin.forms import AccountFilterForm
from academy.auth.access import role_required
from academy.models import AccessAction, Role
from academy.parameters import page_arg
from academy.web import render


@bp.get("/accounts")
@role_required(Role.ADMIN)
def accounts():
    """Every account with its role and campus: the administrator's home page."""
    form = AccountFilterForm(request.args)
    form.validate()
    role = Role(form.role.data) if form.role.data and not form.role.errors else None
    query = form.q.data if not form.q.errors else None
    page = services.accounts_page(role, query, page_arg(), current_app.config["PAGE_SIZE"])
    # The list shows names and e-mails: a view of the trainees on it, logged like any list page.
    audit.record(
        AccessAction.VIEW,
        subject="accounts",
        trainee_ids=services.trainee_ids_of(page.items),
        detail={
            "filters": {"role": role.value if role else "", "q": query or ""},
            "page": page.page,
            "accounts": [u.id for u in page.items],
        },
    )
    return render(
        "admin/accounts.html",
        "admin/_accounts.html",
        form=form,
        page=page,
        counts=services.counts_by_role(),
        filters={"role": form.role.data or "", "q": query or ""},
    )
