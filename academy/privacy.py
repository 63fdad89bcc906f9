"""Masking personal data in lists, exports and logs, in one place: 홍*동, 010-****-1234, 1999-**-**.

The rule (domain.md, "Personal data"; 개인정보의 안전성 확보조치 기준): lists and exports show a
trainee's name, phone and birth date masked unless the role and the task need them.

- City officials watch figures: every page and file they get shows trainee names masked.
- Coordinators run their own campus: rosters, attendance sheets, queues and claims show full
  names there, because enrolling, calling the roll and checking evidence need them. Phones and
  birth dates stay masked in lists; the trainee's own record and the follow-up contact page (one
  person, opened on purpose) show them in full.
- Instructors call the roll of their own cohorts: full names, never phones or birth dates.
- Trainees see their own record in full.
- Administrators operate the service and may see everything (their access is logged).

Files a coordinator sends in and gets back annotated (an import's problems) are their own
working copies and are returned as sent. Everything else handed out goes through these functions.

Application logs never carry a phone number or an activation or staging token: `LogRedactor`
masks them in every log record, as a defence in depth behind code that does not log them.
"""

import logging
import os
import re
import unicodedata
from datetime import date

from flask import Flask
from flask.globals import _cv_app
from flask_login import current_user

from academy.models import Role

_DIGITS = re.compile(r"\d")


def mask_name(name: str | None) -> str:
    """홍길동 → 홍*동, 남궁민수 → 남**수, 김수 → 김*: the first and last letters stay.

    A name written in several words (John Smith, 마이클 잭슨) keeps the first letter of each
    word, since the last letter of each word together would spell most of a short name.
    """
    name = " ".join((name or "").split())
    words = name.split(" ")
    if len(words) > 1:
        return " ".join(w[0] + "*" * (len(w) - 1) for w in words)
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_phone(phone: str | None) -> str:
    """010-1234-5678 → 010-****-5678; 02-123-4567 → 02-***-4567; blank → "".

    A Korean number (with or without dashes, +82, or a lost leading 0) keeps its prefix and last
    four digits. Anything else keeps its punctuation and only its last four digits.
    """
    if not phone or not phone.strip():
        return ""
    digits = "".join(_DIGITS.findall(phone))
    if digits.startswith("82") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    elif digits.startswith("1") and len(digits) == 10:  # 1012345678: an Excel number lost its 0
        digits = "0" + digits
    if digits.startswith("02") and len(digits) in (9, 10):
        return f"02-{'*' * (len(digits) - 6)}-{digits[-4:]}"
    if digits.startswith("0") and len(digits) in (10, 11):
        return f"{digits[:3]}-{'*' * (len(digits) - 7)}-{digits[-4:]}"
    total = len(digits)
    seen = 0
    masked = []
    for char in phone.strip():
        if char.isdigit():
            seen += 1
            masked.append(char if total > 4 and seen > total - 4 else "*")
        else:
            masked.append(char)
    return "".join(masked)


def mask_birth_date(born: date | None) -> str:
    """1999-04-12 → 1999-**-**: the year is enough to check an age band."""
    return f"{born.year:04d}-**-**" if born else ""


def birth_year(born: date | None) -> str:
    """1999-04-12 → 1999, for columns that show the year only."""
    return f"{born.year:04d}" if born else ""


def sees_full_names(user, campus_id: int | None = None) -> bool:
    """Whether `user` may read trainee names in full on a page of `campus_id` (see above)."""
    role = getattr(user, "role", None)  # the anonymous user has none
    if role is None:
        return False
    if user.role == Role.ADMIN or user.role in (Role.INSTRUCTOR, Role.TRAINEE):
        return True
    if user.role == Role.COORDINATOR:
        return campus_id is None or user.campus_id == campus_id
    return False


def sees_contact_details(user) -> bool:
    """Full phone and birth date: the trainee themself, their coordinator, an administrator."""
    return getattr(user, "role", None) in (Role.ADMIN, Role.COORDINATOR, Role.TRAINEE)


def viewer():
    """The signed-in person (or the anonymous user), taken from the app context once Flask-Login
    has loaded it: a list page asks for every name it shows, and each attribute read through the
    `current_user` proxy costs three context lookups."""
    app_context = _cv_app.get(None)
    user = app_context.g.__dict__.get("_login_user") if app_context is not None else None
    return user if user is not None else current_user._get_current_object()


def person_name(name: str | None, campus_id: int | None = None) -> str:
    """A trainee's name as the signed-in person may see it (the `person` template filter)."""
    return name or "" if sees_full_names(viewer(), campus_id) else mask_name(name)


# Phone numbers as people type them: 010-1234-5678, 010 1234 5678, 01012345678, 02-123-4567,
# +82 10-1234-5678. Digits glued to other digits (ids, amounts) are left alone.
PHONE_PATTERN = re.compile(
    r"(?<![\d])(?:\+82[ -]?|0)(?:1[016789]|2|[3-6][1-5]|70)[ -]?\d{3,4}[ -]?\d{4}(?!\d)"
)
# Activation and password-reset links (/activate/<token>, /password/reset/<token>), staged imports
# (/imports/<token>), personal API tokens (yea_...) and secrets named in a message (token=...).
TOKEN_PATTERNS = (
    re.compile(r"(/(?:activate|reset|imports?|staged)/)[A-Za-z0-9_\-]{16,}"),
    re.compile(r"(yea_)[A-Za-z0-9_\-]{16,}"),
    re.compile(r"(?i)((?:token|csrf_token|session|password|code)[=:]\s*)[^\s&;,]+"),
)


# 주민등록번호 (and the foreigner's 외국인등록번호, same shape): YYMMDD, a digit 1–8 for the
# century and sex, six more digits; with or without the hyphen, already partly masked or not.
RESIDENT_NUMBER = re.compile(
    r"(?<![\d])(\d{2}(?:[0０][1-9１-９]|[1１][0-2０-２])(?:[0０][1-9１-９]|[12１２]\d|[3３][01０１]))"
    r"\s*[-‐–—－]?\s*([1-8１-８])[\d*＊]{6}(?![\d*＊])"
)


def mask_resident_numbers(text: str) -> str:
    """950310-1234567 → 950310-1******. The law (개인정보 보호법 제24조의2) forbids keeping resident
    registration numbers: one typed into a file is never stored nor shown back in full."""
    return RESIDENT_NUMBER.sub(
        lambda m: f"{m.group(1)}-{unicodedata.normalize('NFKC', m.group(2))}******", text
    )


def write_private(path, data: bytes) -> None:
    """Write a file only its owner can read (0600) from the first byte: staged uploads and their
    records hold trainees' personal data. Never readable in between, whatever the umask."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(descriptor, 0o600)  # a file that existed keeps its old mode otherwise
        with os.fdopen(descriptor, "wb", closefd=False) as handle:
            handle.write(data)
    finally:
        os.close(descriptor)


def redact(text: str) -> str:
    """A log line without phone numbers, resident registration numbers or tokens."""
    text = mask_resident_numbers(text)
    text = PHONE_PATTERN.sub(lambda m: mask_phone(m.group(0)), text)
    for pattern in TOKEN_PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + "[redacted]", text)
    return text


class LogRedactor:
    """Wraps the log record factory, so every record (any logger, any handler, pytest's caplog
    included) is redacted when it is made, before a handler can write it."""

    def __init__(self, factory):
        self.factory = factory

    def __call__(self, *args, **kwargs) -> logging.LogRecord:
        record = self.factory(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: leave it for logging to report as usual
            return record
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
            # The traceback is rendered now, without the values a database error quotes:
            # PostgreSQL's DETAIL line repeats the failing row or key ("Failing row contains
            # (홍길동, 1999-04-13, ...)"), which hide_parameters does not reach (issue 13).
            record.exc_text = redact_traceback(logging.Formatter().formatException(record.exc_info))
        return record


_DB_DETAIL = re.compile(r"^(\s*DETAIL:\s*).*$", re.MULTILINE)
_SQL_PARAMETERS = re.compile(r"\[parameters: .*?\]$", re.MULTILINE | re.DOTALL)


def redact_traceback(text: str) -> str:
    text = _DB_DETAIL.sub(r"\1[redacted: the database quoted row values]", text)
    text = _SQL_PARAMETERS.sub("[parameters: redacted]", text)
    return redact(text)


def install_log_redactor() -> None:
    factory = logging.getLogRecordFactory()
    if not isinstance(factory, LogRedactor):
        logging.setLogRecordFactory(LogRedactor(factory))


def register(app: Flask) -> None:
    install_log_redactor()
    app.jinja_env.filters.update(
        person=person_name,
        mask_name=mask_name,
        mask_phone=mask_phone,
        mask_birth_date=mask_birth_date,
    )
    app.jinja_env.globals["sees_contact_details"] = lambda: sees_contact_details(viewer())
