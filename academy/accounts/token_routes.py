"""Each official's personal API tokens: make one (shown once), list them, revoke one."""

from flask import abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from academy.accounts import bp
from academy.accounts.forms import ApiTokenForm
from academy.api import tokens
from academy.auth.access import role_required
from academy.auth.forms import ConfirmForm
from academy.extensions import db
from academy.models import ApiToken, Role, utcnow

MAX_ID = 2**31 - 1  # an INTEGER key: a larger id names nothing (and PostgreSQL would refuse it)


def _page(form: ApiTokenForm, new_token: str | None = None, status: int = 200):
    page = render_template(
        "accounts/api_tokens.html",
        form=form,
        tokens=tokens.tokens_of(current_user),
        new_token=new_token,
        now=utcnow(),
        confirm=ConfirmForm(),
    )
    response = make_response(page, status)
    response.headers["Cache-Control"] = "no-store"  # the new token is on this page, once
    return response


@bp.get("/account/api-tokens")
@role_required(Role.OFFICIAL, Role.ADMIN)
def api_tokens():
    return _page(ApiTokenForm())


@bp.post("/account/api-tokens")
@role_required(Role.OFFICIAL, Role.ADMIN)
def create_api_token():
    """The token is in this response only: it is not stored, so it cannot be shown again."""
    form = ApiTokenForm()
    if form.validate_on_submit():
        try:
            _row, secret = tokens.create_token(current_user, form.name.data, form.days.data)
        except tokens.TokenRefused as refused:
            field = getattr(form, refused.field or "name")
            field.errors = [*field.errors, refused.message]
        else:
            return _page(ApiTokenForm(formdata=None), new_token=secret, status=201)
    return _page(form, status=422)


@bp.post("/account/api-tokens/<int:token_id>/revoke")
@role_required(Role.OFFICIAL, Role.ADMIN)
def revoke_api_token(token_id: int):
    row = db.session.get(ApiToken, token_id) if token_id <= MAX_ID else None
    if row is None or row.user_id != current_user.id:
        abort(404)  # another account's token: as if it did not exist
    if ConfirmForm().validate_on_submit() and tokens.revoke(row, by=current_user):
        flash(
            _(
                "The token %(name)s was revoked; tools using it are refused from now on.",
                name=row.name,
            ),
            "success",
        )
    return redirect(url_for(".api_tokens"), code=303)
