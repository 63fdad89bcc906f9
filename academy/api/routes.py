import json

from flask import current_app, jsonify, request
from flask_babel import gettext as _

from academy.api import bp
from academy.auth.access import role_required
from academy.extensions import db
from academy.models import Role
from academy.reporting.progress import build_progress, kpi_json
from academy.reporting.scope import ParameterError, resolve


@bp.get("/kpi")
@role_required(Role.OFFICIAL, Role.ADMIN)
def kpi():
    """Read-only KPI figures for officials' other tools, with the CLI's parameters:
    year, campus (name), tier, kind, as_of (YYYY-MM-DD). Rates are 0–1, null over nobody."""
    args = request.args
    year = args.get("year") or None
    if year is not None and not year.isdigit():
        return jsonify(error=_("The year must be a number such as 2025.")), 400
    try:
        params = resolve(
            db.session,
            year=int(year) if year else None,
            campus=args.get("campus") or None,
            tier=args.get("tier") or None,
            kind=args.get("kind") or None,
            as_of=args.get("as_of") or None,
        )
    except ParameterError as error:
        return jsonify(error=str(error)), 400
    report = build_progress(db.session, params.year, params.as_of, params.scope)
    # In the documented key order (jsonify would sort them), as `flask kpi --json` prints them.
    body = json.dumps(kpi_json(report), ensure_ascii=False)
    response = current_app.response_class(body, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response
