import pytest

from academy.auth import services
from academy.auth.passwords import hash_password, verify_password
from academy.models import Role
from tests import factories


def test_passwords_are_stored_with_argon2id():
    stored = hash_password("correct-horse-battery")
    assert stored.startswith("$argon2id$")
    assert verify_password(stored, "correct-horse-battery")
    assert not verify_password(stored, "correct-horse-batterz")
    assert not verify_password(None, "correct-horse-battery")


def test_coordinator_account_needs_a_campus(db):
    with pytest.raises(services.AccountError, match="campus"):
        services.create_user("c@example.com", "매니저", Role.COORDINATOR, "long-enough-pw")


def test_create_user_refuses_duplicates_and_short_passwords(db):
    campus = factories.CampusFactory(name="종로캠퍼스")
    user = services.create_user(
        "Manager@Example.com", "매니저", Role.COORDINATOR, "long-enough-pw", "종로캠퍼스"
    )
    assert user.email == "manager@example.com" and user.campus == campus
    with pytest.raises(services.AccountError, match="already exists"):
        services.create_user("manager@example.com", "다른", Role.OFFICIAL, "long-enough-pw")
    with pytest.raises(services.AccountError, match="10"):
        services.create_user("short@example.com", "짧은", Role.OFFICIAL, "short")


@pytest.mark.parametrize(
    ("target", "safe"),
    [
        ("/campuses/1", True),
        ("/", True),
        (None, False),
        ("", False),
        ("campuses", False),
        ("//evil.example", False),
        ("/\\evil.example", False),
        ("https://evil.example/x", False),
        ("javascript:alert(1)", False),
    ],
)
def test_next_must_be_a_local_path(target, safe):
    assert services.is_safe_next(target) is safe


@pytest.mark.parametrize(
    "password",
    ["short", "password123", "qwertyuiop", "1q2w3e4r5t", "aaaaaaaaaaaa", "officialofficial"],
)
def test_common_short_or_guessable_passwords_are_refused(app, password):
    with app.app_context():
        assert services.password_problem(password, ("kim.official@example.com", "김시청"))


@pytest.mark.parametrize(
    "password",
    ["correct-horse-battery", "서울 청년 취업 사관학교 만세", "x" * 10 + "Q7#k!" + "z" * 60],
)
def test_long_passphrases_without_composition_rules_are_accepted(app, password):
    with app.app_context():
        assert services.password_problem(password) is None
