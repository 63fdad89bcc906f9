"""Reasons for downloads: a person's data leaves the system only with a reason, which is logged."""

from flask import (
    current_app,
    render_template,
    request,
    session,
)
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from academy.audit.chain import MAX_REASON

# Why a person's data leaves the system: the common answers, and "other" with free text.
DOWNLOAD_REASONS = {
    "verification": _l("Verifying a job outcome or evidence"),
    "subsidy": _l("Processing a subsidy claim or payment"),
    "audit": _l("Audit or inspection request"),
    "reporting": _l("Report required by the city"),
    "trainee_request": _l("Request from the trainee concerned"),
    "other": _l("Other (write the reason)"),
}


class ReasonMissing(Exception):
    """A download of someone's personal data was asked for without saying why."""

    def __init__(self, problem: str | None) -> None:
        super().__init__(problem)
        self.problem = problem


REASONS_KEY = "download_reasons"
REMEMBERED_TRAINEES = 50  # the session is a cookie: a day's work, not every trainee ever opened
REMEMBERED_REASONS = 4


def _remembered_reason(trainee_id: int | None) -> str | None:
    kept = session.get(REASONS_KEY)
    if trainee_id is None or not kept:
        return None
    index = kept["trainees"].get(str(trainee_id))
    return kept["reasons"][index] if index is not None else None


def _remember_reason(trainee_id: int | None, reason: str) -> None:
    """Keep the reason for this trainee until sign-out (a sign-in starts an empty session)."""
    if trainee_id is None:
        return
    kept = session.get(REASONS_KEY) or {"reasons": [], "trainees": {}}
    reasons, trainees = kept["reasons"], kept["trainees"]
    trainees.pop(str(trainee_id), None)
    if reason not in reasons:
        reasons.append(reason)
    trainees[str(trainee_id)] = reasons.index(reason)
    while len(trainees) > REMEMBERED_TRAINEES:
        trainees.pop(next(iter(trainees)))  # the trainee whose reason was given longest ago
    # Keep the reasons used most recently (and the trainees they cover), so the cookie stays small.
    last_use = {index: position for position, index in enumerate(trainees.values())}
    used = sorted(last_use, key=last_use.get)[-REMEMBERED_REASONS:]
    renumber = {old: new for new, old in enumerate(used)}
    session[REASONS_KEY] = {
        "reasons": [reasons[i] for i in used],
        "trainees": {t: renumber[i] for t, i in trainees.items() if i in renumber},
    }


def require_reason(trainee_id: int | None = None) -> str:
    """The reason given with this download (a common reason or, for "other", the free text),
    as it will be logged; without one, ReasonMissing shows the person the form to give it.

    For a trainee's files the reason is asked once per trainee per sign-in: the next file of the
    same trainee is logged with the reason already given (each file still has its own entry)."""
    remembered = _remembered_reason(trainee_id)
    if remembered is not None and "reason" not in request.args:
        return remembered
    code = request.args.get("reason", "")
    other = request.args.get("reason_other", "").strip()
    if code not in DOWNLOAD_REASONS:
        raise ReasonMissing(
            _l("Choose why you need this file.") if "reason" in request.args else None
        )
    if code == "other":
        if len(other) < 4:
            raise ReasonMissing(_l("Write the reason in at least 4 characters."))
        reason = other[:MAX_REASON]
    else:
        with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
            reason = f"{code}: {DOWNLOAD_REASONS[code]}"
    _remember_reason(trainee_id, reason)
    return reason


def ask_for_reason(missing: ReasonMissing):
    """Not a dead end: the same address again, with the reason fields to fill in."""
    kept = [
        (k, v) for k, v in request.args.items(multi=True) if k not in ("reason", "reason_other")
    ]
    page = render_template(
        "audit/reason.html",
        reasons=DOWNLOAD_REASONS,
        kept=kept,
        problem=missing.problem,
        chosen=request.args.get("reason", ""),
        other=request.args.get("reason_other", ""),
    )
    return page, 422 if missing.problem else 200
