"""The access log (접속기록) as an administrator reads it: what was touched, in the reader's
language, and the entry's detail as a sentence rather than the JSON or English note it is
stored as.

Entries are hashed as written, so they are never rewritten: this module only reads them. The
writers store a small JSON object ({"page": ..., "trainees": [...]}) or a short English note
("approved 50000", "cohort SEOUL-01: enrolled"); each known form is shown in words here, and
anything else is shown as it was written.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from academy.formatting import number, won
from academy.labels import label_for
from academy.models import AccessLog, EnrolmentStatus, OutcomeCode, Role

SUBJECTS = {
    "access_log": _l("Access log"),
    "activation_link": _l("Activation link"),
    "archived_report": _l("Stored report"),
    "attendance_import": _l("Attendance upload"),
    "campus": _l("Campus"),
    "career_period": _l("Career period"),
    "cohort": _l("Cohort"),
    "contact_attempt": _l("Follow-up contact"),
    "enrolment": _l("Enrolment"),
    "exam_attempt": _l("Exam attempt"),
    "internship_opening": _l("Internship opening"),
    "internship_placements": _l("Internship placements"),
    "outcome_evidence": _l("Outcome evidence file"),
    "outcome_import": _l("Outcome upload"),
    "outcome_record": _l("Job outcome"),
    "roster_import": _l("Roster upload"),
    "subsidy_claim": _l("Subsidy claim"),
    "subsidy_claims": _l("Subsidy claim list"),
    "subsidy_programme": _l("Subsidy programme"),
    "trainee": _l("Trainee"),
    "user": _l("Account"),
}
PAGES = {
    "attendance": _l("attendance sheet"),
    "certifications": _l("certification results of the cohort"),
    "close": _l("closing the cohort"),
    "completion_override": _l("changing a completion result"),
    "contacts": _l("follow-up contacts"),
    "follow_up": _l("outcome follow-up list"),
    "invitations": _l("account invitations"),
    "leave": _l("recording a leaver"),
    "outcome_queue": _l("outcomes to verify"),
}
FILTERS = {
    "account": _l("account"),
    "person": _l("trainee"),
    "action": _l("action"),
    "since": _l("date from"),
    "until": _l("date to"),
}
NOTES = {
    "account activated": _l("Account activated"),
    "closed early": _l("Applications closed early"),
    "ledger.xlsx": _l("Ledger downloaded as Excel"),
    "recovery code used": _l("Signed in with a recovery code"),
    "recovery codes replaced": _l("Recovery codes replaced"),
    "rejected": _l("Rejected"),
    "sent back": _l("Sent back to the trainee"),
    "two-factor sign-in reset by an administrator": _l(
        "Two-factor sign-in reset by an administrator"
    ),
    "two-factor sign-in turned off": _l("Two-factor sign-in turned off"),
    "two-factor sign-in turned on": _l("Two-factor sign-in turned on"),
    "verified": _l("Verified"),
    "wrong second-factor code": _l("Wrong second-factor code"),
}
CHANGES = {
    "created": _l("account created"),
    "role": _l("role changed"),
    "campus": _l("campus changed"),
    "disabled": _l("account disabled"),
    "enabled": _l("account enabled"),
}
SHOWN_IDS = 10


def _status(value: str) -> str:
    try:
        return label_for(EnrolmentStatus(value))
    except ValueError:
        return value


def _outcome(value: str) -> str:
    try:
        return f"{value} {label_for(OutcomeCode(value))}"
    except ValueError:
        return value


def _role(value: str | None) -> str:
    try:
        return label_for(Role(value))
    except ValueError:
        return value or "–"


# The English notes writers compose, each with its reading.
PATTERNS: list[tuple[re.Pattern, Callable[..., str]]] = [
    (re.compile(r"approved (\d+)"), lambda m: _("Approved: %(amount)s", amount=won(int(m[1])))),
    (re.compile(r"year (\d{4})"), lambda m: _("Year %(year)s", year=m[1])),
    (
        re.compile(r"version (\d+): (\w+)"),
        lambda m: _("Version %(version)s: %(outcome)s", version=m[1], outcome=_outcome(m[2])),
    ),
    (
        re.compile(r"closed (\S+): (\d+) completed, (\d+) not completed, (\d+) early employment"),
        lambda m: _(
            "Cohort %(code)s closed: %(done)s completed, %(not_done)s did not, %(early)s left "
            "early for a job",
            code=m[1],
            done=m[2],
            not_done=m[3],
            early=m[4],
        ),
    ),
    (
        re.compile(r"completion override (\w+) -> (\w+)"),
        lambda m: _(
            "Completion changed: %(before)s → %(after)s", before=_status(m[1]), after=_status(m[2])
        ),
    ),
    (
        re.compile(r"cohort (\S+): (\d+) enrolled, (\d+) waitlisted, (\d+) new trainees"),
        lambda m: _(
            "Cohort %(code)s: %(seat)s enrolled, %(waitlist)s on the waitlist, %(new)s new "
            "trainees",
            code=m[1],
            seat=m[2],
            waitlist=m[3],
            new=m[4],
        ),
    ),
    (
        re.compile(r"cohort (\S+): (\d+) new marks, (\d+) changed"),
        lambda m: _(
            "Cohort %(code)s: %(new)s attendance marks added, %(changed)s changed",
            code=m[1],
            new=m[2],
            changed=m[3],
        ),
    ),
    (
        re.compile(r"cohort (\S+): removed from the waitlist"),
        lambda m: _("Cohort %(code)s: removed from the waitlist", code=m[1]),
    ),
    (
        re.compile(r"cohort (\S+): (\w+) on (\S+); promoted \[([\d, ]*)\]"),
        lambda m: _(
            "Cohort %(code)s: %(status)s on %(day)s; moved up from the waitlist: %(ids)s",
            code=m[1],
            status=_status(m[2]),
            day=m[3],
            ids=m[4] or "–",
        ),
    ),
    (
        re.compile(r"cohort (\S+): (\w+)"),
        lambda m: _("Cohort %(code)s: %(status)s", code=m[1], status=_status(m[2])),
    ),
    (
        re.compile(r"(.+): (\d+) new, (\d+) verified"),
        lambda m: _(
            "%(file)s: %(new)s new outcomes, %(verified)s verified",
            file=m[1],
            new=m[2],
            verified=m[3],
        ),
    ),
]


def _ids(values: list) -> str:
    shown = ", ".join(str(v) for v in values[:SHOWN_IDS])
    more = len(values) - SHOWN_IDS
    return shown + (" " + _("and %(n)s more", n=number(more)) if more > 0 else "")


def _from_dict(detail: dict) -> list[str]:
    parts = []
    for key, value in detail.items():
        if key == "page":
            parts.append(_("Page: %(page)s", page=PAGES.get(value, value)))
        elif key in ("trainees", "placed"):
            parts.append(
                ngettext(
                    "%(num)s trainee shown (no. %(ids)s)",
                    "%(num)s trainees shown (no. %(ids)s)",
                    len(value),
                    ids=_ids(value),
                )
                if value
                else _("No trainee shown")
            )
        elif key == "filters":
            terms = [f"{FILTERS.get(k, k)} {v}" for k, v in value.items()]
            parts.append(
                _("Search: %(terms)s", terms=", ".join(terms)) if terms else _("Search: everything")
            )
        elif key == "campus_id":
            parts.append(_("Campus no. %(id)s", id=value))
        elif key == "year":
            parts.append(_("Year %(year)s", year=value))
        elif key == "email":
            parts.append(_("Account %(email)s", email=value))
        elif key == "role":
            parts.append(_("Role: %(role)s", role=_role(value)))
        elif key == "active":
            parts.append(_("Disabled") if value is False else _("Active"))
        elif key == "change":
            parts.append(str(CHANGES.get(value, value)))
        elif key == "deleted":
            parts.append(_("%(n)s entries past retention deleted", n=number(value)))
        elif key == "through_seq":
            parts.append(_("through entry %(seq)s", seq=value))
        elif key == "before":
            parts.append(_("older than %(day)s", day=value))
        else:
            parts.append(f"{key}: {value}")
    return parts


def readable_detail(detail: str | None) -> list[str]:
    """The entry's detail as short phrases in the reader's language (empty when none)."""
    if not detail:
        return []
    if detail.startswith("{"):
        try:
            parsed = json.loads(detail)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            return _from_dict(parsed)
    if detail in NOTES:
        return [str(NOTES[detail])]
    for pattern, reading in PATTERNS:
        match = pattern.fullmatch(detail)
        if match:
            return [reading(match)]
    return [detail]


@dataclass(frozen=True)
class EntryView:
    entry: AccessLog
    actor_role: str | None
    subject: str
    detail: list[str]


def subject_label(entry: AccessLog) -> str:
    kind = SUBJECTS.get(entry.subject_type)
    name = str(kind) if kind else entry.subject_type
    if entry.subject_id is None:
        return name
    return _("%(kind)s no. %(id)s", kind=name, id=entry.subject_id)


def view(entry: AccessLog) -> EntryView:
    return EntryView(
        entry=entry,
        actor_role=_role(entry.actor_role) if entry.actor_role else None,
        subject=subject_label(entry),
        detail=readable_detail(entry.detail),
    )
