"""Response headers every page gets: a nonce-based CSP, no framing, no sniffing, no caching of
personal pages. Scripts and styles come only from our own origin (or carry the request's nonce).
"""

import re
import secrets
from urllib.parse import urlsplit

from flask import Flask, current_app, g, request
from flask_login import current_user

_NONCE = re.compile(r"[A-Za-z0-9_-]{16,64}")


def csp_nonce() -> str:
    """This response's nonce. An htmx request renders its fragment with the nonce of the page it
    will be swapped into (sent by the page in X-CSP-Nonce), since that page's policy is the one
    the browser applies to the swapped-in <style> of a chart; cross-site pages cannot set it."""
    if "csp_nonce" not in g:
        supplied = (
            request.headers.get("X-CSP-Nonce", "") if request.headers.get("HX-Request") else ""
        )
        g.csp_nonce = supplied if _NONCE.fullmatch(supplied) else secrets.token_urlsafe(16)
    return g.csp_nonce


def content_security_policy(nonce: str) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            f"style-src 'self' 'nonce-{nonce}'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def set_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", content_security_policy(csp_nonce()))
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    hsts = current_app.config.get("HSTS_SECONDS")
    if hsts:
        # HTTPS only, for a year, on every subdomain too (ASVS 5.0, V3.4.1): a browser that
        # met the site once never sends a cookie over plain HTTP to it again.
        headers.setdefault("Strict-Transport-Security", f"max-age={hsts}; includeSubDomains")
    if request.endpoint != "static" and current_user and current_user.is_authenticated:
        # Pages behind sign-in hold personal data: keep them out of shared caches and history.
        headers["Cache-Control"] = "no-store"
    return response


def is_production(app: Flask) -> bool:
    return not (app.debug or app.testing)


def check_settings(app: Flask) -> None:
    """Refuse to serve production with settings an attacker could exploit.

    Links in e-mails come only from PUBLIC_BASE_URL there: built from the request's Host
    header, an attacker who asks for an activation link with a forged Host would receive a
    link to their own site (issue 13, "Partly"). So with mail configured and no (HTTPS)
    PUBLIC_BASE_URL, the app does not start."""
    if not is_production(app):
        return
    base = app.config.get("PUBLIC_BASE_URL")
    if app.config.get("MAIL_SERVER") and not base:
        raise RuntimeError(
            "PUBLIC_BASE_URL is not set. With MAIL_SERVER set, e-mailed links need the site's "
            "address, e.g. PUBLIC_BASE_URL=https://academy.seoul.go.kr"
        )
    if base:
        parts = urlsplit(base)
        if parts.scheme != "https" or not parts.netloc or parts.query or parts.fragment:
            raise RuntimeError(
                "PUBLIC_BASE_URL must be the site's HTTPS address, e.g. https://academy.seoul.go.kr"
            )


def register(app: Flask) -> None:
    check_settings(app)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.after_request(set_security_headers)
