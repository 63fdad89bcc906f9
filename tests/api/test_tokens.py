"""Personal API tokens: made and seen once by an official, stored hashed, sent as a bearer
header, rate limited, logged at every use, and refused with a JSON 401 the moment they stop
being valid (expired, revoked, forged, or the account disabled or moved to another role)."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from academy.api import tokens
from academy.extensions import db
from academy.models import AccessAction, AccessLog, ApiToken, Role, User, utcnow
from tests import factories


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def official(**fields) -> User:
    user = factories.UserFactory(role=Role.OFFICIAL, **fields)
    db.session.commit()
    return user


def uses_logged(row: ApiToken) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).where(
            AccessLog.subject_type == "api_token",
            AccessLog.subject_id == row.id,
            AccessLog.action == AccessAction.VIEW,
        )
    )


def test_an_official_makes_a_token_sees_it_once_and_a_tool_reads_the_kpis(app, client, login_as):
    user = login_as(Role.OFFICIAL)
    assert client.get("/account/api-tokens").status_code == 200

    made = client.post("/account/api-tokens", data={"name": "통계 대시보드", "days": "30"})

    assert made.status_code == 201 and made.headers["Cache-Control"] == "no-store"
    secret = made.get_data(as_text=True).split('id="new-token">')[1].split("<")[0]
    assert secret.startswith("yea_") and len(secret) > 40
    (row,) = db.session.scalars(sa.select(ApiToken)).all()
    assert row.token_hash == tokens.token_hash(secret) and secret not in row.token_hash
    assert (row.expires_at - row.created_at) == timedelta(days=30)
    listing = client.get("/account/api-tokens").get_data(as_text=True)
    assert "통계 대시보드" in listing and row.prefix in listing and secret not in listing

    tool = app.test_client()  # no session: the token alone
    answer = tool.get("/api/v1/kpi?year=2025", headers=bearer(secret))

    assert answer.status_code == 200 and "employment_rate" in answer.get_json()
    assert "Set-Cookie" not in answer.headers
    db.session.expire_all()
    assert uses_logged(row) == 1
    entry = db.session.scalar(
        sa.select(AccessLog).where(
            AccessLog.subject_type == "api_token", AccessLog.action == AccessAction.VIEW
        )
    )
    assert entry.user_id == user.id and "/api/v1/kpi" in entry.detail
    assert db.session.get(ApiToken, row.id).last_used_at is not None


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer",
        "Bearer yea_forged-token-that-was-never-issued",
        "Basic dXNlcjpwdw==",
        "Bearer " + "yea_" + "x" * 500,
    ],
)
def test_without_a_valid_token_the_answer_is_a_json_401_never_a_login_page(client, db, header):
    response = client.get("/api/v1/kpi", headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    assert response.is_json and response.get_json()["error"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("how", ["expired", "revoked", "disabled", "demoted"])
def test_a_token_stops_working_when_it_expires_is_revoked_or_its_account_changes(client, db, how):
    user = official()
    when = utcnow() - timedelta(days=31) if how == "expired" else None
    row, secret = tokens.create_token(user, "도구", 30, now=when)
    assert client.get("/api/v1/kpi", headers=bearer(secret)).status_code == (
        401 if how == "expired" else 200
    )
    if how == "revoked":
        tokens.revoke(row, by=user)
    if how == "disabled":
        user.active = False
    if how == "demoted":
        user.role, user.campus = Role.COORDINATOR, factories.CampusFactory()
    db.session.commit()

    response = client.get("/api/v1/kpi", headers=bearer(secret))

    assert response.status_code == 401 and response.is_json


def test_an_invalid_token_is_not_rescued_by_a_session_and_other_roles_get_403(client, login_as):
    login_as(Role.OFFICIAL)
    assert client.get("/api/v1/kpi").status_code == 200  # the official's own browser
    assert client.get("/api/v1/kpi", headers=bearer("yea_nope")).status_code == 401
    client.post("/logout")
    login_as(Role.TRAINEE)
    refused = client.get("/api/v1/kpi")
    assert refused.status_code == 403 and refused.is_json


def test_token_requests_are_rate_limited_per_token_with_a_json_answer(app, client, db, monkeypatch):
    monkeypatch.setitem(app.config, "API_TOKEN_RATE_LIMIT", "3 per minute")
    _row, first = tokens.create_token(official(), "하나", 10)
    _row, second = tokens.create_token(official(), "둘", 10)
    answers = [client.get("/api/v1/kpi", headers=bearer(first)).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    limited = client.get("/api/v1/kpi", headers=bearer(first))
    assert limited.status_code == 429 and limited.is_json
    assert client.get("/api/v1/kpi", headers=bearer(second)).status_code == 200


@pytest.mark.parametrize(
    ("days", "ok"),
    [("0", False), ("366", False), ("-5", False), ("abc", False), ("365", True), ("1", True)],
)
def test_a_token_lasts_at_most_a_year(client, login_as, days, ok):
    login_as(Role.OFFICIAL)
    response = client.post("/account/api-tokens", data={"name": "기간", "days": days})
    assert response.status_code == (201 if ok else 422)
    assert db.session.scalar(sa.select(sa.func.count(ApiToken.id))) == (1 if ok else 0)


def test_nobody_revokes_or_sees_another_accounts_token(client, login_as):
    other_row, other_secret = tokens.create_token(official(), "남의 것", 10)
    login_as(Role.OFFICIAL)
    assert "남의 것" not in client.get("/account/api-tokens").get_data(as_text=True)
    assert client.post(f"/account/api-tokens/{other_row.id}/revoke").status_code == 404
    assert client.post("/account/api-tokens/99999999999/revoke").status_code == 404
    assert client.get("/api/v1/kpi", headers=bearer(other_secret)).status_code == 200


def test_the_owner_revokes_a_token_from_the_list(app, client, login_as):
    user = login_as(Role.OFFICIAL)
    row, secret = tokens.create_token(user, "폐기할 것", 10)
    response = client.post(f"/account/api-tokens/{row.id}/revoke")
    assert response.status_code == 303
    assert app.test_client().get("/api/v1/kpi", headers=bearer(secret)).status_code == 401
    assert "폐기됨" in client.get("/account/api-tokens").get_data(as_text=True)


def test_the_command_prints_a_working_token_for_officials_and_admins_only(app, runner, db):
    user = official(email="stats@example.com")
    factories.UserFactory(role=Role.TRAINEE, email="trainee@example.com")
    db.session.commit()

    made = runner.invoke(
        args=[
            "academy",
            "token",
            "create",
            "Stats@Example.com",
            "--name",
            "야간 집계",
            "--days",
            "7",
        ]
    )

    assert made.exit_code == 0, made.output
    secret = made.stdout.strip().splitlines()[0]
    assert app.test_client().get("/api/v1/kpi", headers=bearer(secret)).status_code == 200
    (row,) = db.session.scalars(sa.select(ApiToken)).all()
    assert row.user_id == user.id and (row.expires_at - row.created_at).days == 7
    for args, message in [
        (["trainee@example.com", "--name", "x"], "Only city officials"),
        (["nobody@example.com", "--name", "x"], "no account"),
        (["stats@example.com", "--name", "x", "--days", "400"], "1 to 365"),
    ]:
        refused = runner.invoke(args=["academy", "token", "create", *args])
        assert refused.exit_code == 1 and message in refused.output
    assert db.session.scalar(sa.select(sa.func.count(ApiToken.id))) == 1


@pytest.mark.parametrize(
    "query",
    [{"campus": "강남²"}, {"campus": "강남٣"}, {"year": "²"}, {"year": "２０２５"}, {"year": "٣"}],
)
def test_odd_digits_in_the_parameters_are_a_json_400(client, login_as, query):
    """Characters str.isdigit() accepts but int() or a Korean reading does not: 400, not 500."""
    login_as(Role.OFFICIAL)
    answer = client.get("/api/v1/kpi", query_string=query)
    assert answer.status_code == 400 and answer.is_json and answer.json["error"]
