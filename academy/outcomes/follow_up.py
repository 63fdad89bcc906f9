"""Following up those whose outcome is still unknown: who is due, contact attempts, reminders."""

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from academy import mail
from academy.clock import SEOUL, seoul_today
from academy.cohorts.services import current_outcomes
from academy.extensions import db
from academy.models import (
    AccessAction,
    Cohort,
    ContactAttempt,
    ContactChannel,
    ContactResult,
    Enrolment,
    OutcomeCode,
    Trainee,
    User,
    utcnow,
)
from academy.outcomes.recording import (
    COMPLETERS,
    EARLY_MARK_DAYS,
    WINDOW_DAYS,
    OutcomeRefused,
    log_access,
)

# How far back the list reaches unless a cohort is chosen: the open windows and those that closed
# within the past year. An outcome learnt after day 180 still counts, so closed windows stay on
# the list for a while; a campus's older cohorts are its history, reached by choosing the cohort,
# and without this bound the list (and every page of it) would grow with every year the campus
# runs.
FOLLOW_UP_DAYS = WINDOW_DAYS + 365


def follow_up_since(today: date) -> date:
    """The earliest end of a cohort the list shows by default."""
    return today - timedelta(days=FOLLOW_UP_DAYS)


class Window(enum.StrEnum):
    OPEN = "open"  # fewer than 180 days since the cohort ended
    CLOSED = "closed"
    ALL = "all"


@dataclass(frozen=True)
class FollowUpLine:
    enrolment: Enrolment
    today: date
    contacts: int
    last_contact: ContactAttempt | None

    @property
    def cohort(self) -> Cohort:
        return self.enrolment.cohort

    @property
    def early_mark(self) -> date:
        return self.cohort.ends_on + timedelta(days=EARLY_MARK_DAYS)

    @property
    def window_ends(self) -> date:
        return self.cohort.ends_on + timedelta(days=WINDOW_DAYS)

    @property
    def days_left(self) -> int:
        return (self.window_ends - self.today).days

    @property
    def past_early_mark(self) -> bool:
        return self.today > self.early_mark


def follow_up(
    campus_id: int,
    window: Window = Window.ALL,
    today: date | None = None,
    cohort_id: int | None = None,
    enrolment_ids: Sequence[int] | None = None,
) -> list[FollowUpLine]:
    """Completers of ended cohorts whose outcome is unknown (no record, or U), the fewest days
    left in their 180-day window first; closed windows after, the most recently closed first
    (an outcome as of day 180 can still be learnt later, and it still counts). Cohorts that
    ended more than FOLLOW_UP_DAYS ago are left out unless one is chosen (`cohort_id`) or the
    people are named (`enrolment_ids`)."""
    today = today or seoul_today()
    query = (
        sa.select(Enrolment)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .where(
            Cohort.campus_id == campus_id,
            Cohort.ends_on < today,
            Enrolment.status.in_(COMPLETERS),
        )
        .options(
            selectinload(Enrolment.trainee).selectinload(Trainee.user),
            selectinload(Enrolment.cohort),
        )
    )
    if cohort_id is not None:
        query = query.where(Cohort.id == cohort_id)
    if enrolment_ids is not None:
        query = query.where(Enrolment.id.in_(enrolment_ids))
    if cohort_id is None and enrolment_ids is None:
        query = query.where(Cohort.ends_on >= follow_up_since(today))
    if window == Window.OPEN:
        query = query.where(Cohort.ends_on >= today - timedelta(days=WINDOW_DAYS))
    elif window == Window.CLOSED:
        query = query.where(Cohort.ends_on < today - timedelta(days=WINDOW_DAYS))
    enrolments = db.session.scalars(query).all()
    ids = [e.id for e in enrolments]
    known = {
        enrolment_id
        for enrolment_id, record in current_outcomes(ids).items()
        if record.code != OutcomeCode.U
    }
    unknown = [e for e in enrolments if e.id not in known]
    counts, last = _contact_summary([e.id for e in unknown])
    lines = [FollowUpLine(e, today, counts.get(e.id, 0), last.get(e.id)) for e in unknown]
    lines.sort(
        key=lambda line: (
            line.days_left < 0,
            abs(line.days_left),
            line.enrolment.trainee.user.name,
            line.enrolment.id,
        )
    )
    return lines


def followed_cohorts(campus_id: int, chosen: int | None = None) -> list[Cohort]:
    """The cohorts the follow-up list can be narrowed to: those it shows by default (ended,
    and within FOLLOW_UP_DAYS), the most recently ended first, and the chosen one if it is an
    older ended cohort of the campus (a link or a bookmark may name it)."""
    today = seoul_today()
    ended = sa.and_(Cohort.campus_id == campus_id, Cohort.ends_on < today)
    recent = Cohort.ends_on >= follow_up_since(today)
    shown = recent if chosen is None else sa.or_(recent, Cohort.id == chosen)
    return db.session.scalars(
        sa.select(Cohort).where(ended, shown).order_by(Cohort.ends_on.desc(), Cohort.code)
    ).all()


def _contact_summary(enrolment_ids: list[int]) -> tuple[dict[int, int], dict[int, ContactAttempt]]:
    if not enrolment_ids:
        return {}, {}
    summary = (
        sa.select(
            ContactAttempt.enrolment_id,
            sa.func.count(ContactAttempt.id).label("n"),
            sa.func.max(ContactAttempt.attempted_at).label("at"),
        )
        .where(ContactAttempt.enrolment_id.in_(enrolment_ids))
        .group_by(ContactAttempt.enrolment_id)
        .subquery()
    )
    counts, last = {}, {}
    rows = db.session.execute(
        sa.select(ContactAttempt, summary.c.n).join(
            summary,
            sa.and_(
                ContactAttempt.enrolment_id == summary.c.enrolment_id,
                ContactAttempt.attempted_at == summary.c.at,
            ),
        )
    )
    for attempt, n in rows:
        counts[attempt.enrolment_id] = n
        last[attempt.enrolment_id] = attempt
    return counts, last


def contacts_of(enrolment: Enrolment) -> list[ContactAttempt]:
    return db.session.scalars(
        sa.select(ContactAttempt)
        .where(ContactAttempt.enrolment_id == enrolment.id)
        .options(selectinload(ContactAttempt.by))
        .order_by(ContactAttempt.attempted_at.desc(), ContactAttempt.id.desc())
    ).all()


def _at_on(day: date) -> datetime:
    """A contact recorded for an earlier day is kept at noon of that day in Seoul, in UTC."""
    return datetime.combine(day, time(12), tzinfo=SEOUL).astimezone(UTC).replace(tzinfo=None)


def record_contact(
    enrolment: Enrolment,
    channel: ContactChannel,
    result: ContactResult,
    note: str | None,
    by: User,
    on: date | None = None,
    ip_address: str | None = None,
) -> ContactAttempt:
    """A try to reach a completer, kept so the unknowns in a report are documented unknowns."""
    today = seoul_today()
    if on is not None and on > today:
        raise OutcomeRefused(_l("A contact cannot be recorded for a day in the future."))
    attempt = ContactAttempt(
        enrolment_id=enrolment.id,
        channel=channel,
        result=result,
        note=" ".join((note or "").split())[:500] or None,
        attempted_at=utcnow() if on is None or on == today else _at_on(on),
        by_id=by.id,
    )
    db.session.add(attempt)
    db.session.flush()
    log_access(by, AccessAction.CREATE, "contact_attempt", attempt.id, ip_address)
    db.session.commit()
    return attempt


@dataclass
class ReminderResult:
    sent: list[User] = field(default_factory=list)
    logged: list[User] = field(default_factory=list)
    failed: list[tuple[User, str]] = field(default_factory=list)
    shown_links: list[tuple[str, str, str]] = field(default_factory=list)


def send_reminders(campus_id: int, enrolment_ids: Sequence[int], by: User) -> ReminderResult:
    """E-mail each chosen completer a reminder to report their outcome, and keep each e-mail as
    a contact attempt. Someone who never activated their account gets a fresh activation link
    in the same e-mail; the others a link to their record."""
    from academy.accounts.services import issue_link

    if not mail.can_send():
        raise mail.MailNotConfigured()
    lines = follow_up(campus_id, Window.ALL, enrolment_ids=list(enrolment_ids))
    links = {}
    for line in lines:
        user = line.enrolment.trainee.user
        if user.password_hash is None and user.active:
            links[line.enrolment.id] = mail.external_url(
                "accounts.activate", token=issue_link(user, by)
            )
        else:
            links[line.enrolment.id] = mail.external_url("trainees.me")
    db.session.commit()  # the links work from here on, whatever happens to the mail
    mails = [_reminder_mail(line, links[line.enrolment.id]) for line in lines]
    deliveries = mail.deliver(mails)
    result = ReminderResult()
    for line, delivery in zip(lines, deliveries, strict=True):
        user = line.enrolment.trainee.user
        if delivery.sent:
            result.sent.append(user)
            note = _("Reminder e-mail")
        elif delivery.logged:
            result.logged.append(user)
            note = _("Reminder e-mail (development: written to the log, not sent)")
        else:
            result.failed.append((user, delivery.error or ""))
            note = _("Reminder e-mail: %(error)s", error=delivery.error or "")
        db.session.add(
            ContactAttempt(
                enrolment_id=line.enrolment.id,
                channel=ContactChannel.EMAIL,
                result=ContactResult.SENT if delivery.ok else ContactResult.FAILED,
                note=note[:500],
                by_id=by.id,
            )
        )
        if mail.showing_links():
            result.shown_links.append((user.name, user.email, links[line.enrolment.id]))
    db.session.commit()
    return result


def _reminder_mail(line: FollowUpLine, link: str) -> mail.Mail:
    user = line.enrolment.trainee.user
    cohort = line.cohort
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject = _("How are you doing? Tell us about your job search")
        if user.password_hash is None:
            how = _(
                "First choose a password for your account with this link (it works once "
                "and for a limited time):"
            )
        else:
            how = _("Sign in and report your outcome here:")
        body = "\n\n".join(
            [
                _("Hello %(name)s,", name=user.name),
                _(
                    "You completed %(course)s (%(cohort)s) at the Seoul Youth Employment Academy. "
                    "We would like to know how you are doing: did you find a job, start a "
                    "business, or are you still looking? It takes a minute on your phone.",
                    course=cohort.course.name,
                    cohort=cohort.code,
                ),
                f"{how}\n{link}",
                _(
                    "Your answer helps the city improve the programme. If you would like help with "
                    "your job search, contact your campus coordinator."
                ),
                _("Seoul Youth Employment Academy"),
            ]
        )
    return mail.Mail(user.email, user.name, subject, body)
