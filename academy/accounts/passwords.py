"""Passwords after activation: changing one's own, "forgot your password?", and a reset link an
administrator sends. Rules and writes; nothing here knows about HTTP.

- A reset link is an activation-style link (academy.accounts.services) with its own purpose: only
  its SHA-256 is stored, it works once, for PASSWORD_RESET_MINUTES, and a newer link replaces it.
- Asking for a link by e-mail answers the same whether or not the address has an account, so the
  page cannot be used to find out who studies or works here.
- An administrator can send anyone a link but never sees or sets the password.
- Every new password passes the same rules as at activation (length, blocklist, guessability),
  and every other session of the account ends when it changes.
"""

from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from academy import audit, mail
from academy.accounts.services import issue_link, link_lifetime
from academy.auth import two_factor
from academy.auth.passwords import hash_password, verify_password
from academy.auth.services import AccountError, check_password_rules, find_user
from academy.auth.session import end_all_sessions
from academy.errors import RuleRefused
from academy.extensions import db
from academy.models import AccessAction, LinkPurpose, User


def reset_mail(user: User, token: str, by_admin: bool) -> mail.Mail:
    url = mail.external_url("accounts.reset_password", token=token)
    minutes = int(link_lifetime(LinkPurpose.PASSWORD_RESET).total_seconds() // 60)
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        why = (
            _("An administrator of the academy sent you this link at your request.")
            if by_admin
            else _("Someone, hopefully you, asked to reset the password of this account.")
        )
        body = "\n\n".join(
            [
                _("Hello %(name)s,", name=user.name),
                why,
                _("Open the link below and choose a new password:"),
                url,
                _(
                    "The link works once and for %(minutes)s minutes. When you set the new "
                    "password, every device signed in to your account is signed out. If you did "
                    "not ask for this, ignore this e-mail: your password stays as it is.",
                    minutes=minutes,
                ),
                _("Seoul Youth Employment Academy"),
            ]
        )
        subject = _("Reset your Youth Employment Academy password")
    return mail.Mail(user.email, user.name, subject, body)


def request_reset(email: str, ip_address: str | None = None) -> mail.Delivery | None:
    """Someone typed an address on "forgot your password?". An enabled account gets a link;
    an unknown or disabled one gets nothing, and the caller answers the same either way."""
    user = find_user(email)
    if user is None or not user.active:
        return None
    token = issue_link(user, None, purpose=LinkPurpose.PASSWORD_RESET)
    db.session.add(
        audit.entry(
            AccessAction.CREATE,
            subject=("password_reset_link", user.id),
            by=user,
            ip_address=ip_address,
            detail="requested on the sign-in page",
        )
    )
    db.session.commit()
    (delivery,) = mail.deliver([reset_mail(user, token, by_admin=False)])
    return delivery


class ResetRefused(RuleRefused):
    """A password reset link cannot be sent for this account."""


def send_reset(account: User, by: User, reason: str, ip_address: str | None = None):
    """An administrator sends the account a reset link; the link goes by e-mail only, so the
    administrator never holds a way into the account. The reason goes into the access log."""
    if not mail.can_send():
        raise mail.MailNotConfigured()
    if not account.active:
        raise ResetRefused(_l("This account is disabled. Enable it first."))
    token = issue_link(account, by, purpose=LinkPurpose.PASSWORD_RESET)
    db.session.add(
        audit.entry(
            AccessAction.CREATE,
            subject=("password_reset_link", account.id),
            by=by,
            ip_address=ip_address,
            reason=reason,
            detail="sent by an administrator",
        )
    )
    db.session.commit()
    (delivery,) = mail.deliver([reset_mail(account, token, by_admin=True)])
    return delivery


@dataclass(frozen=True)
class PasswordChange:
    current: str
    new: str
    code: str | None = None


def needs_code(user: User) -> bool:
    """Staff, and anyone who turned the second factor on, confirm with a code from the app: a
    password typed into an unattended, signed-in browser must not be enough."""
    return user.two_factor_enabled or two_factor.is_required(user)


def change_password(user: User, change: PasswordChange, ip_address: str | None = None) -> str:
    """The signed-in person's own new password. Raises AccountError naming the field at fault
    (as `field`), writing nothing. Returns the new session key: every other session ends."""
    if not verify_password(user.password_hash, change.current):
        raise FieldError(_l("The current password is not correct."), "current")
    if needs_code(user) and not two_factor.verify_fresh_code(user, change.code or ""):
        raise FieldError(
            _l("The code is not correct. Enter the 6-digit code your app shows now."), "code"
        )
    if verify_password(user.password_hash, change.new):
        raise FieldError(_l("Choose a password different from the current one."), "password")
    try:
        check_password_rules(change.new, (user.email, user.name))
    except AccountError as refused:
        raise FieldError(str(refused), "password") from None
    user.password_hash = hash_password(change.new)
    end_all_sessions(user)
    db.session.add(
        audit.entry(
            AccessAction.UPDATE,
            subject=("user", user.id),
            by=user,
            ip_address=ip_address,
            detail="password changed; other sessions ended",
        )
    )
    db.session.commit()
    return user.get_id()


class FieldError(AccountError):
    """A password change refused for what one field of the form holds (`field` is required)."""


def changed_mail(user: User) -> mail.Mail:
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject = _("Your Youth Employment Academy password was changed")
        body = "\n\n".join(
            [
                _("Hello %(name)s,", name=user.name),
                _(
                    "The password of your account %(email)s was just changed, and every other "
                    "device signed in to it was signed out.",
                    email=user.email,
                ),
                _(
                    "If this was not you, choose a new password at once with "
                    '"Forgot your password?" on the sign-in page, and tell your campus coordinator '
                    "or the administrator."
                ),
                mail.external_url("accounts.forgot_password"),
                _("Seoul Youth Employment Academy"),
            ]
        )
    return mail.Mail(user.email, user.name, subject, body)


def notify_changed(user: User) -> None:
    """Tell the account's owner that its password changed, so a change they did not make is
    noticed. A mail that cannot go out is logged, never an error: the change is done."""
    if not mail.can_send():
        return
    (delivery,) = mail.deliver([changed_mail(user)])
    if not delivery.ok:
        current_app.logger.warning("password-changed notice to account %s not sent", user.id)
