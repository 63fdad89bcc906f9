from academy.models import Role
from tests import factories


def test_accounts_filter_by_role_and_search_in_place(client, login_as, db):
    factories.UserFactory(email="kim.official@example.com", role=Role.OFFICIAL, name="김시청")
    factories.UserFactory(email="lee.trainee@example.com", role=Role.TRAINEE, name="이교육")
    db.session.commit()
    login_as(Role.ADMIN)
    html = client.get("/admin/accounts").get_data(as_text=True)
    assert "kim.official@example.com" in html and "lee.trainee@example.com" in html
    fragment = client.get("/admin/accounts?role=official", headers={"HX-Request": "true"})
    part = fragment.get_data(as_text=True)
    assert "<html" not in part
    assert "kim.official@example.com" in part and "lee.trainee@example.com" not in part
    searched = client.get("/admin/accounts?q=이교육").get_data(as_text=True)
    assert "lee.trainee@example.com" in searched and "kim.official@example.com" not in searched


def test_accounts_are_paginated(client, login_as, db, app):
    for n in range(app.config["PAGE_SIZE"] + 5):
        factories.UserFactory(email=f"bulk{n:03d}@example.com", role=Role.TRAINEE)
    db.session.commit()
    login_as(Role.ADMIN)
    first = client.get("/admin/accounts?role=trainee").get_data(as_text=True)
    second = client.get("/admin/accounts?role=trainee&page=2").get_data(as_text=True)
    assert "bulk000@example.com" in first and "bulk054@example.com" not in first
    assert "bulk054@example.com" in second
    assert "page=2" in first
