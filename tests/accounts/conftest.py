"""The real SMTP server of tests/test_mail.py, for the invitation and reset mails."""

from tests.test_mail import smtp  # noqa: F401
