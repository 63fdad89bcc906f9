import json

from flask import current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from academy.api import bp, tokens
from academy.extensions import db, limiter
from academy.models import User
from academy.progress_reports.progress import build_progress, kpi_json
from academy.progress_reports.scope import resolve


def _json_error(status: int, message: str):
    response = jsonify(error=message)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="academy"'
    return response


def _rate_key() -> str:
    """Per token (by its hash: the log of the limiter holds nothing that opens the API); a
    request without one is counted per client address."""
    header = request.headers.get("Authorization", "")
    if header:
        return "api-token:" + tokens.token_hash(header.partition(" ")[2].strip()[:128])
    return "api-address:" + (request.remote_addr or "")


def _caller() -> User | None:
    """The account behind the request: a bearer token when one is sent (an invalid one is never
    helped by a session cookie), else a signed-in official or administrator in the browser."""
    header = request.headers.get("Authorization")
    if header is not None:
        row = tokens.authenticate(header)
        if row is None:
            return None
        tokens.record_use(row, request.full_path, request.remote_addr)
        return row.user
    if current_user.is_authenticated and current_user.role in tokens.TOKEN_ROLES:
        return current_user
    return None


@bp.errorhandler(429)
def _too_many(_error):
    return _json_error(429, _("Too many requests with this token. Wait a minute and try again."))


@bp.get("/kpi")
@limiter.limit(lambda: current_app.config["API_TOKEN_RATE_LIMIT"], key_func=_rate_key)
def kpi():
    """Read-only KPI figures for officials' other tools, with the CLI's parameters:
    year, campus (name), tier, kind, as_of (YYYY-MM-DD). Rates are 0–1, null over nobody.
    Tools send a personal token (`Authorization: Bearer yea_…`); without a valid one the answer
    is 401 with a JSON error, never the sign-in page."""
    if _caller() is None:
        if current_user.is_authenticated and "Authorization" not in request.headers:
            return _json_error(403, _("Your role cannot read the KPI API."))
        return _json_error(
            401, _("Send a valid personal API token as 'Authorization: Bearer <token>'.")
        )
    args = request.args
    year = args.get("year") or None
    if year is not None and not (year.isascii() and year.isdigit()):
        return jsonify(error=_("The year must be a number such as 2025.")), 400
    params = resolve(
        db.session,
        year=int(year) if year else None,
        campus=args.get("campus") or None,
        tier=args.get("tier") or None,
        kind=args.get("kind") or None,
        as_of=args.get("as_of") or None,
    )
    report = build_progress(db.session, params.year, params.as_of, params.scope)
    # In the documented key order (jsonify would sort them), as `flask kpi --json` prints them.
    body = json.dumps(kpi_json(report), ensure_ascii=False)
    response = current_app.response_class(body, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response
