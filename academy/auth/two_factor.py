"""The second sign-in factor: time-based one-time codes (TOTP, RFC 6238) and recovery codes.

Staff (officials, coordinators, administrators) must use it: they reach personal data of every
trainee of a campus or of the city (ASVS 5.0 V6.3.3, 안전성 확보조치 기준 제5조). Trainees and
instructors may turn it on for themselves. Rules and writes only; nothing here knows about HTTP.

- The secret lives in the database; a secret without `totp_enrolled_at` is an enrolment that
  was started and not yet confirmed, so signing in again shows the same QR code.
- A code is accepted for the current 30-second step and one step either side (clock drift),
  and only once: the step of the last accepted code is stored and a code of that step or an
  earlier one is refused (replay). The step is claimed by a conditional UPDATE, so two requests
  with the same code cannot both pass.
- Ten recovery codes, each usable once, are shown once and stored as SHA-256 hashes salted with
  the account id. A new set replaces the old one.
"""

import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass

import pyotp
import segno
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from academy import audit
from academy.auth.session import end_all_sessions
from academy.errors import RuleRefused
from academy.extensions import db
from academy.models import AccessAction, RecoveryCode, Role, User, utcnow

REQUIRED_ROLES = frozenset({Role.OFFICIAL, Role.COORDINATOR, Role.ADMIN})
STEP_SECONDS = 30
VALID_WINDOW = 1  # steps accepted either side of the current one
RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: recovery codes are copied by hand from paper. 31^10 is about 2^49.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_LENGTH = 10
ISSUER = "서울 청년취업사관학교"

_TOTP_CODE = re.compile(r"\d{6}")
_RECOVERY_CODE = re.compile(f"[{RECOVERY_ALPHABET}]{{{RECOVERY_LENGTH}}}")


class TwoFactorError(RuleRefused):
    """A rule refused the change; the message is for the person who asked."""


def is_required(user: User) -> bool:
    return user.role in REQUIRED_ROLES


def needs_enrolment(user: User) -> bool:
    """Staff without a confirmed second factor may not use the app until they enrol."""
    return is_required(user) and not user.two_factor_enabled


def _normalise(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


def _audit(
    user: User,
    detail: str,
    ip_address: str | None,
    by: User | None = None,
    action: AccessAction = AccessAction.UPDATE,
    reason: str | None = None,
) -> None:
    """An entry of the 접속기록 in the same transaction as the change it records."""
    db.session.add(
        audit.entry(
            action,
            subject=("user", user.id),
            detail=detail,
            by=by or user,
            ip_address=ip_address,
            reason=reason,
        )
    )


# Enrolment


def start_enrolment(user: User) -> str:
    """A new secret, or the one of an enrolment already started (its QR code may be scanned)."""
    if user.two_factor_enabled:
        raise TwoFactorError(_l("Two-factor sign-in is on already."))
    if user.totp_secret is None:
        user.totp_secret = pyotp.random_base32()  # 160 bits, as RFC 4226 recommends
        user.totp_last_step = None
        db.session.commit()
    return user.totp_secret


def provisioning_uri(user: User) -> str:
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_code_data_uri(user: User) -> str:
    """The otpauth URI as an SVG QR code in a data: URI (CSP img-src allows data:)."""
    return segno.make(provisioning_uri(user), error="m").svg_data_uri(
        scale=5, dark="#000", light="#fff"
    )


def grouped_secret(secret: str) -> str:
    """For typing into an app by hand: groups of four, as authenticator apps show them."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def confirm_enrolment(user: User, code: str, ip_address: str | None = None) -> list[str]:
    """The first code from the app proves it holds the secret; returns the recovery codes."""
    if user.totp_secret is None or user.two_factor_enabled:
        raise TwoFactorError(_l("No two-factor set-up was started: start it again."))
    if not _accept_totp(user, _normalise(code)):
        db.session.commit()
        return []
    user.totp_enrolled_at = utcnow()
    codes = _replace_recovery_codes(user)
    _audit(user, "two-factor sign-in turned on", ip_address)
    db.session.commit()
    return codes


# Checking codes


def _current_step(now: float | None) -> int:
    return int((time.time() if now is None else now) // STEP_SECONDS)


def _matching_step(secret: str, code: str, now: float | None) -> int | None:
    totp = pyotp.TOTP(secret)
    step = _current_step(now)
    for candidate in range(step - VALID_WINDOW, step + VALID_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def _accept_totp(user: User, code: str, now: float | None = None) -> bool:
    """True once per time step: the step is claimed only if it is later than the last one."""
    if user.totp_secret is None or not _TOTP_CODE.fullmatch(code):
        return False
    step = _matching_step(user.totp_secret, code, now)
    if step is None:
        return False
    claimed = db.session.execute(
        sa.update(User)
        .where(
            User.id == user.id,
            sa.or_(User.totp_last_step.is_(None), User.totp_last_step < step),
        )
        .values(totp_last_step=step)
    )
    return claimed.rowcount == 1


def _recovery_hash(user: User, code: str) -> str:
    return hashlib.sha256(f"{user.id}:{code}".encode()).hexdigest()


def _accept_recovery_code(user: User, code: str) -> bool:
    if not _RECOVERY_CODE.fullmatch(code):
        return False
    used = db.session.execute(
        sa.update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _recovery_hash(user, code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
    )
    return used.rowcount == 1


@dataclass(frozen=True)
class CodeCheck:
    accepted: bool
    by_recovery_code: bool = False
    recovery_codes_left: int = 0


def check_sign_in_code(
    user: User, code: str, ip_address: str | None = None, now: float | None = None
) -> CodeCheck:
    """The second sign-in step: a code from the app, or one of the recovery codes."""
    normalised = _normalise(code)
    if user.two_factor_enabled and _accept_totp(user, normalised, now):
        db.session.commit()
        return CodeCheck(accepted=True)
    if user.two_factor_enabled and _accept_recovery_code(user, normalised):
        _audit(user, "recovery code used", ip_address)
        db.session.commit()
        return CodeCheck(True, by_recovery_code=True, recovery_codes_left=recovery_codes_left(user))
    _audit(user, "wrong second-factor code", ip_address, action=AccessAction.LOGIN_FAILED)
    db.session.commit()
    return CodeCheck(accepted=False)


def verify_fresh_code(user: User, code: str, now: float | None = None) -> bool:
    """A code from the app (not a recovery code) before a change to the second factor itself."""
    accepted = user.two_factor_enabled and _accept_totp(user, _normalise(code), now)
    db.session.commit()
    return accepted


# Recovery codes


def _new_recovery_code() -> str:
    return "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))


def format_recovery_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def _replace_recovery_codes(user: User) -> list[str]:
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = set()
    while len(codes) < RECOVERY_CODE_COUNT:
        codes.add(_new_recovery_code())
    now = utcnow()
    db.session.add_all(
        RecoveryCode(user_id=user.id, code_hash=_recovery_hash(user, code), created_at=now)
        for code in codes
    )
    return [format_recovery_code(code) for code in sorted(codes)]


def regenerate_recovery_codes(user: User, code: str, ip_address: str | None = None) -> list[str]:
    """A new set after a fresh code from the app; every earlier recovery code stops working.
    Returns an empty list when the code is refused."""
    if not verify_fresh_code(user, code):
        return []
    codes = _replace_recovery_codes(user)
    _audit(user, "recovery codes replaced", ip_address)
    db.session.commit()
    return codes


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )


# Turning it off


def _clear(user: User) -> None:
    user.totp_secret = None
    user.totp_enrolled_at = None
    user.totp_last_step = None
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    end_all_sessions(user)


def disable(user: User, code: str, ip_address: str | None = None) -> bool:
    """Trainees and instructors may turn it off with a fresh code; staff may not. Every other
    session of the account ends. False when the code is refused."""
    if is_required(user):
        raise TwoFactorError(_l("Staff accounts must keep two-factor sign-in."))
    if not verify_fresh_code(user, code):
        return False
    _clear(user)
    _audit(user, "two-factor sign-in turned off", ip_address)
    db.session.commit()
    return True


def reset(user: User, by: User, ip_address: str | None = None, reason: str | None = None) -> None:
    """An administrator clears a lost second factor: the account's sessions end, and staff
    enrol again at their next sign-in. The reason is kept in the access log."""
    _clear(user)
    _audit(user, "two-factor sign-in reset by an administrator", ip_address, by=by, reason=reason)
    db.session.commit()
