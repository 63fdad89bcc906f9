"""The administrator's account list: search by the start of a name or e-mail, paging, and a
logged view of the trainees it showed."""

import json

import sqlalchemy as sa

from academy.models import AccessAction, AccessLog, Role
from tests import factories


def names_on(page: str, candidates) -> set[str]:
    return {c for c in candidates if c in page}


def test_search_finds_names_and_e_mails_by_their_start(client, login_as, db):
    login_as(Role.ADMIN)
    people = {
        "김민준": "minjun.kim@example.com",
        "김민서": "minseo@example.com",
        "Alice Park": "alice@example.org",
        "이서연": "100%_real@example.com",
    }
    for name, email in people.items():
        factories.TraineeFactory(user__name=name, user__email=email)
    db.session.commit()

    def found(q):
        return names_on(
            client.get("/admin/accounts", query_string={"q": q}).get_data(as_text=True), people
        )

    assert found("김민") == {"김민준", "김민서"}
    assert found("김민준") == {"김민준"}
    assert found("MINJUN") == {"김민준"}  # e-mails are matched in lower case
    assert found("alice") == {"Alice Park"}  # a Latin name, typed in lower case
    assert found("minseo@example.com") == {"김민서"}
    assert found("100%") == {"이서연"}  # % and _ are literal, not wildcards
    assert found("%") == set() and found("_") == set()
    assert found("nobody") == set()


def test_the_list_pages_and_filters_by_role(app, client, login_as, db, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    login_as(Role.ADMIN)
    for n in range(5):
        factories.UserFactory(role=Role.OFFICIAL, email=f"official{n}@example.com")
    db.session.commit()
    first = client.get("/admin/accounts?role=official").get_data(as_text=True)
    third = client.get("/admin/accounts?role=official&page=3").get_data(as_text=True)
    assert "official0@" in first and "official1@" in first and "official2@" not in first
    assert "official4@" in third and "official0@" not in third
    # A page number past any list is refused as not found, never a 500 (issue 13, item 5).
    assert client.get("/admin/accounts?page=99999999999").status_code == 404
    fragment = client.get("/admin/accounts?q=official", headers={"HX-Request": "true"})
    assert "<html" not in fragment.get_data(as_text=True)


def test_viewing_the_list_is_logged_with_the_trainees_it_showed(client, login_as, db):
    admin = login_as(Role.ADMIN)
    shown = factories.TraineeFactory(user__name="보인사람", user__email="shown@example.com")
    hidden = factories.TraineeFactory(user__name="안보인사람", user__email="hidden@example.com")
    db.session.commit()

    client.get("/admin/accounts", query_string={"q": "shown"})

    entry = db.session.scalar(
        sa.select(AccessLog).where(
            AccessLog.subject_type == "accounts", AccessLog.action == AccessAction.VIEW
        )
    )
    assert entry.user_id == admin.id and entry.trainee_id == shown.id
    detail = json.loads(entry.detail)
    assert detail["trainees"] == [shown.id] and hidden.id not in detail["trainees"]
    assert detail["filters"]["q"] == "shown"
