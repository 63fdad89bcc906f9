"""An employment-insurance match as jobs: its check (the preview) and its apply (everything or
nothing), on the queue like the outcome import (academy.outcomes.import_jobs).

The preview is plain data in the uploader's language. It names matched people by enrolment id
only; a row that matched nobody keeps the name masked (홍*동), so no full name, birth date or
number from the file sits in the job table.
"""

from flask_babel import gettext as _

from academy import staging
from academy.extensions import db
from academy.jobs.services import JobContext, JobFailed, handler
from academy.labels import label_for
from academy.models import User
from academy.outcomes import matching
from academy.outcomes.import_jobs import (
    LISTED,
    cell_text,
    check_staged,
    problem_lines,
    staged_for,
)
from academy.privacy import mask_name

MATCH_PURPOSE = "insurance_match"
COMPARED = ("code", "employer", "starts_on", "weekly_hours", "monthly_pay")


def _gone() -> JobFailed:
    return JobFailed(_("The file is no longer waiting to be applied: upload it again."))


def _outcome(values: dict) -> dict:
    return {key: cell_text(values.get(key)) for key in COMPARED} | {
        "code_label": str(label_for(values["code"])) if values.get("code") else ""
    }


def preview_of(plan: matching.MatchPlan, filename: str) -> dict:
    """The preview page's content as JSON-safe data, labels already in the job's language."""
    rows = []
    for item in plan.rows[:LISTED]:
        if item.action is None:
            continue
        row = {
            "line": item.row.line,
            "action": item.action.value,
            "enrolment_id": item.enrolment.id if item.enrolment else None,
            "reason": str(item.reason) if item.reason else "",
            "differences": list(item.differences),
        }
        if item.enrolment is None:
            row["masked_name"] = mask_name(item.row.values.get("name") or "")
        if item.fields is not None:
            row["record"] = _outcome(item.fields)
        if item.current is not None:
            current = item.current
            row["report"] = _outcome({key: getattr(current, key) for key in COMPARED})
            row["report"]["verification"] = str(label_for(current.verification))
        rows.append(row)
    problems = plan.problems
    return {
        "file": filename,
        "warnings": [str(warning) for warning in plan.parsed.warnings],
        "problem_count": len(problems),
        "problems": problem_lines(problems),
        "counts": {action.value: plan.counts[action] for action in matching.MatchAction},
        "rows": rows,
    }


@handler("insurance_match_check", time_limit=10 * 60)
def check_match(job: JobContext) -> dict:
    by = db.session.get(User, job.owner_id) if job.owner_id else None

    def preview(staged: staging.StagedFile) -> dict:
        plan = matching.plan_match(staged.data, job.params["campus_id"], by, job.progress)
        return preview_of(plan, staged.filename)

    return check_staged(job, MATCH_PURPOSE, _gone, preview)


@handler("insurance_match_apply", time_limit=20 * 60)
def apply_match(job: JobContext) -> dict:
    p = job.params
    staged = staged_for(job, MATCH_PURPOSE, _gone)
    by = db.session.get(User, job.owner_id) if job.owner_id else None
    job.progress(0, 1)
    changed = _(
        "The file no longer passes the check, or an outcome changed while it was "
        "applied. Nothing was saved: upload it again to see why."
    )
    try:
        plan, match = matching.apply_match(
            staged.data,
            by,
            p["campus_id"],
            staged.filename,
            set(p.get("take") or ()),
            p.get("ip_address"),
        )
    except (matching.MatchRejected, matching.MatchChanged):
        raise JobFailed(changed) from None
    staging.discard(p["token"])
    job.progress(1, 1)
    return {
        "file": staged.filename,
        "match_id": match.id,
        "verified": match.verified,
        "added": match.added,
        "at_start": match.at_start,
        "not_applied": plan.counts[matching.MatchAction.NOT_APPLIED],
    }
