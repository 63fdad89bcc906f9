from flask import abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from academy.admin import bp, services
from academy.admin.forms import AccountFilterForm
from academy.auth import two_factor
from academy.auth.access import role_required
from academy.auth.forms import ConfirmForm
from academy.extensions import db
from academy.models import Role, User
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
    return render(
        "admin/accounts.html",
        "admin/_accounts.html",
        form=form,
        page=page,
        counts=services.counts_by_role(),
        filters={"role": form.role.data or "", "q": query or ""},
    )


@bp.post("/accounts/<int:user_id>/two-factor/reset")
@role_required(Role.ADMIN)
def reset_two_factor(user_id: int):
    """For someone who lost both phone and recovery codes: their sessions end, and staff set
    up a new authenticator at their next sign-in. Written to the access log."""
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        two_factor.reset(user, by=current_user, ip_address=request.remote_addr)
        flash(_("Two-factor sign-in of %(name)s was reset.", name=user.name), "success")
    return redirect(url_for("admin.accounts", q=user.email), code=303)
