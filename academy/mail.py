"""Outgoing e-mail over SMTP, configured from the environment (config.py: MAIL_*).

Messages of one batch share one connection. A message that fails does not stop the others: each
comes back with its own outcome, so the caller can tell the coordinator who was not reached.
Without a mail server, development (MAIL_SHOW_LINKS) writes each message to the log instead, and
production refuses before anything is prepared.
"""

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid

from flask import current_app, request, url_for
from flask_babel import lazy_gettext as _l


class MailNotConfigured(RuntimeError):
    """No SMTP server is configured and links may not be shown instead."""

    def __init__(self) -> None:
        super().__init__(
            _l("E-mail is not set up on this server: ask the administrator to set MAIL_SERVER.")
        )


@dataclass(frozen=True)
class Mail:
    to_address: str
    to_name: str
    subject: str
    body: str


@dataclass(frozen=True)
class Delivery:
    mail: Mail
    sent: bool  # handed to the SMTP server
    logged: bool = False  # development without a server: written to the log only
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.sent or self.logged


def can_send() -> bool:
    """True when messages can go out, or (development) be shown and logged instead."""
    config = current_app.config
    return bool(config.get("MAIL_SERVER") or config.get("MAIL_SHOW_LINKS"))


def showing_links() -> bool:
    return bool(current_app.config.get("MAIL_SHOW_LINKS"))


def external_url(endpoint: str, **values) -> str:
    """An absolute link for an e-mail: PUBLIC_BASE_URL. Development and tests, which show the
    links instead of sending them, may fall back on the request's host; production never does,
    since the Host header is the client's to set (academy.security.check_settings)."""
    base = current_app.config.get("PUBLIC_BASE_URL")
    if base:
        return base.rstrip("/") + url_for(endpoint, **values)
    if request and (current_app.debug or current_app.testing):
        return url_for(endpoint, _external=True, **values)
    raise RuntimeError("PUBLIC_BASE_URL is needed to build links for e-mails")


def _message(mail: Mail) -> EmailMessage:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = formataddr((mail.to_name, mail.to_address))
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="academy.local")
    message.set_content(mail.body, charset="utf-8")
    return message


def _connect() -> smtplib.SMTP:
    config = current_app.config
    host, port, timeout = config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_TIMEOUT"]
    if config.get("MAIL_USE_SSL"):
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
        if config.get("MAIL_USE_TLS"):
            smtp.starttls(context=ssl.create_default_context())
    if config.get("MAIL_USERNAME"):
        smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
    return smtp


def deliver(mails: list[Mail]) -> list[Delivery]:
    """Send every message over one SMTP connection; each result says whether it went out."""
    if not mails:
        return []
    config = current_app.config
    logger = current_app.logger
    if config.get("MAIL_SHOW_LINKS"):
        for mail in mails:
            logger.info("E-mail to %s: %s\n%s", mail.to_address, mail.subject, mail.body)
    if not config.get("MAIL_SERVER"):
        if config.get("MAIL_SHOW_LINKS"):
            return [Delivery(mail, sent=False, logged=True) for mail in mails]
        raise MailNotConfigured()
    try:
        smtp = _connect()
    except (OSError, smtplib.SMTPException) as error:
        logger.warning("SMTP connection to %s failed: %s", config["MAIL_SERVER"], error)
        return [Delivery(mail, sent=False, error=str(error)) for mail in mails]
    results = []
    try:
        for mail in mails:
            try:
                smtp.send_message(_message(mail))
                results.append(Delivery(mail, sent=True))
            except (OSError, smtplib.SMTPException) as error:
                logger.warning("E-mail to %s failed: %s", mail.to_address, error)
                results.append(Delivery(mail, sent=False, error=str(error)))
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
    return results
