"""Headers, session lifetimes and sign-in throttling."""

import time

import pytest

from academy.auth.passwords import hash_password
from academy.extensions import limiter
from academy.models import Role
from tests import factories
from tests.conftest import TEST_PASSWORD


def test_pages_carry_a_strict_csp_and_no_framing(client, login_as):
    login_as(Role.OFFICIAL)
    response = client.get("/campuses/")
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self' 'nonce-" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_each_response_gets_its_own_nonce(client):
    first = client.get("/login").headers["Content-Security-Policy"]
    second = client.get("/login").headers["Content-Security-Policy"]
    assert first != second


def test_pages_have_no_inline_scripts_or_styles(client, login_as):
    """With the CSP above, inline code would be blocked in the browser: keep it out of pages."""
    login_as(Role.OFFICIAL)
    for url in ("/login", "/campuses/"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>" not in html and "style=" not in html and "<style" not in html


def test_idle_session_is_signed_out(app, client, login_as):
    login_as(Role.OFFICIAL)
    with client.session_transaction() as session:
        session["seen_at"] = int(time.time()) - app.config["SESSION_IDLE_MINUTES"] * 60 - 5
    response = client.get("/campuses/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert client.get("/campuses/").status_code == 302  # and stays signed out


def test_absolute_lifetime_ends_a_busy_session(app, client, login_as):
    login_as(Role.OFFICIAL)
    with client.session_transaction() as session:
        session["signed_in_at"] = int(time.time()) - app.config["SESSION_ABSOLUTE_HOURS"] * 3600 - 5
    assert client.get("/campuses/").status_code == 302


def test_active_session_stays_signed_in(client, login_as):
    login_as(Role.OFFICIAL)
    for _ in range(3):
        assert client.get("/campuses/").status_code == 200


def test_disabled_account_loses_its_session(client, login_as, db):
    user = login_as(Role.OFFICIAL)
    user.active = False
    db.session.commit()
    assert client.get("/campuses/").status_code == 302


@pytest.fixture
def strict_limits(app):
    saved = {k: app.config[k] for k in ("LOGIN_LIMIT_PER_ADDRESS", "LOGIN_FAILURES_PER_ACCOUNT")}
    app.config.update(
        LOGIN_LIMIT_PER_ADDRESS="8 per minute", LOGIN_FAILURES_PER_ACCOUNT="3 per minute"
    )
    limiter.reset()
    yield
    app.config.update(saved)
    limiter.reset()


def test_repeated_failures_lock_one_account_not_others_from_the_same_address(
    client, db, strict_limits
):
    target = factories.UserFactory(role=Role.OFFICIAL, password_hash=hash_password(TEST_PASSWORD))
    other = factories.UserFactory(role=Role.OFFICIAL, password_hash=hash_password(TEST_PASSWORD))
    db.session.commit()
    for _ in range(3):
        wrong = client.post("/login", data={"email": target.email, "password": "wrong-guess-1"})
        assert wrong.status_code == 401
    locked = client.post("/login", data={"email": target.email, "password": TEST_PASSWORD})
    assert locked.status_code == 429
    assert (
        client.post("/login", data={"email": other.email, "password": TEST_PASSWORD}).status_code
        == 302
    )


def test_an_address_trying_many_accounts_is_slowed_down(client, db, strict_limits):
    statuses = [
        client.post(
            "/login", data={"email": f"guess{n}@example.com", "password": "x" * 12}
        ).status_code
        for n in range(9)
    ]
    assert statuses[:8] == [401] * 8
    assert statuses[8] == 429


def test_htmx_fragments_use_the_nonce_of_the_page_they_are_swapped_into(client):
    page_nonce = "AbCdEfGhIjKlMnOpQrSt12"
    fragment = client.get("/login", headers={"HX-Request": "true", "X-CSP-Nonce": page_nonce})
    assert f"'nonce-{page_nonce}'" in fragment.headers["Content-Security-Policy"]
    plain = client.get("/login", headers={"X-CSP-Nonce": page_nonce})
    assert page_nonce not in plain.headers["Content-Security-Policy"]
    forged = client.get(
        "/login", headers={"HX-Request": "true", "X-CSP-Nonce": "x' 'unsafe-inline"}
    )
    assert "unsafe-inline" not in forged.headers["Content-Security-Policy"]
