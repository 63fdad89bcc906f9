"""Who may change an account's access, and what every change leaves behind: the rules in
academy.admin.services, without HTTP."""

import json

import pytest
import sqlalchemy as sa

from academy import audit
from academy.admin import services
from academy.admin.services import AccessChangeRefused
from academy.auth.passwords import hash_password
from academy.models import AccessAction, AccessLog, Role, User
from tests import factories

PASSWORD_HASH = hash_password("a long enough passphrase 77")


def account(role: Role, **fields) -> User:
    if role == Role.COORDINATOR and "campus" not in fields:
        fields["campus"] = factories.CampusFactory()
    fields.setdefault("password_hash", PASSWORD_HASH)
    return factories.UserFactory(role=role, **fields)


def role_entries(db, user: User) -> list[AccessLog]:
    return db.session.scalars(
        sa.select(AccessLog)
        .where(
            AccessLog.subject_type == "user",
            AccessLog.subject_id == user.id,
            AccessLog.action.in_(audit.ROLE_ACTIONS),
        )
        .order_by(AccessLog.seq)
    ).all()


def test_an_official_made_coordinator_gets_the_campus_new_sessions_and_two_role_entries(db):
    admin, official = account(Role.ADMIN), account(Role.OFFICIAL)
    campus = factories.CampusFactory()
    db.session.commit()
    version = official.session_version

    assert services.change_access(official, Role.COORDINATOR, campus, "마포 캠퍼스 배치", by=admin)

    db.session.refresh(official)
    assert (official.role, official.campus_id) == (Role.COORDINATOR, campus.id)
    assert official.session_version == version + 1
    revoke, grant = role_entries(db, official)
    assert revoke.action == AccessAction.ROLE_REVOKE and grant.action == AccessAction.ROLE_GRANT
    assert json.loads(revoke.detail)["role"] == "official"
    assert json.loads(grant.detail) == {
        "email": official.email,
        "role": "coordinator",
        "campus_id": campus.id,
        "change": "role",
    }
    assert grant.reason == revoke.reason == "마포 캠퍼스 배치"
    assert grant.actor_email == admin.email
    assert grant.keep_until == audit.keep_until(AccessAction.ROLE_GRANT, grant.at)
    assert audit.verify_chain() is None


def test_moving_a_coordinator_to_another_campus_revokes_the_old_scope(db):
    admin, coordinator = account(Role.ADMIN), account(Role.COORDINATOR)
    old, new = coordinator.campus, factories.CampusFactory()
    db.session.commit()
    services.change_access(coordinator, Role.COORDINATOR, new, "캠퍼스 이동", by=admin)
    revoke, grant = role_entries(db, coordinator)
    assert json.loads(revoke.detail)["campus_id"] == old.id
    assert json.loads(grant.detail)["campus_id"] == new.id
    assert json.loads(grant.detail)["change"] == "campus"


def test_a_coordinator_needs_a_campus_and_nothing_is_written_when_refused(db):
    admin, official = account(Role.ADMIN), account(Role.OFFICIAL)
    db.session.commit()
    version = official.session_version
    with pytest.raises(AccessChangeRefused) as refused:
        services.change_access(official, Role.COORDINATOR, None, "배치 변경", by=admin)
    assert refused.value.field == "campus"
    db.session.rollback()
    db.session.refresh(official)
    assert (official.role, official.session_version) == (Role.OFFICIAL, version)
    assert role_entries(db, official) == []


def test_other_roles_belong_to_no_campus(db):
    admin, coordinator = account(Role.ADMIN), account(Role.COORDINATOR)
    db.session.commit()
    services.change_access(coordinator, Role.OFFICIAL, coordinator.campus, "본청 전보", by=admin)
    db.session.refresh(coordinator)
    assert (coordinator.role, coordinator.campus_id) == (Role.OFFICIAL, None)


@pytest.mark.parametrize("reason", [None, "", "   ", "abc"])
def test_a_change_needs_a_written_reason(db, reason):
    admin, official = account(Role.ADMIN), account(Role.OFFICIAL)
    db.session.commit()
    with pytest.raises(AccessChangeRefused) as refused:
        services.change_access(official, Role.ADMIN, None, reason, by=admin)
    assert refused.value.field == "reason"
    with pytest.raises(AccessChangeRefused):
        services.set_active(official, False, reason, by=admin)
    assert role_entries(db, official) == []


def test_an_admin_cannot_demote_or_disable_themselves(db):
    admin, other_admin = account(Role.ADMIN), account(Role.ADMIN)
    db.session.commit()
    with pytest.raises(AccessChangeRefused) as refused:
        services.change_access(admin, Role.OFFICIAL, None, "스스로 변경", by=admin)
    assert refused.value.message is services.OWN_ADMIN_ACCESS
    db.session.rollback()
    with pytest.raises(AccessChangeRefused) as refused:
        services.set_active(admin, False, "스스로 변경", by=admin)
    assert refused.value.message is services.OWN_ACCOUNT
    db.session.rollback()
    db.session.refresh(admin)
    assert admin.role == Role.ADMIN and admin.active
    assert other_admin.active


def test_the_last_admin_who_can_sign_in_stays_an_admin(db):
    """Two administrators disabling each other at once: the second one finds the other is the
    last administrator left, and is refused."""
    first, second = account(Role.ADMIN), account(Role.ADMIN)
    account(Role.ADMIN, active=False)  # a disabled admin does not count
    account(Role.ADMIN, password_hash=None)  # nor one who never set a password
    db.session.commit()
    assert services.set_active(second, False, "퇴사 처리", by=first)
    with pytest.raises(AccessChangeRefused) as refused:
        services.set_active(first, False, "퇴사 처리", by=second)
    assert refused.value.message is services.LAST_ADMIN
    db.session.rollback()
    with pytest.raises(AccessChangeRefused) as refused:
        services.change_access(first, Role.OFFICIAL, None, "업무 변경", by=second)
    assert refused.value.message is services.LAST_ADMIN
    db.session.rollback()
    db.session.refresh(first)
    assert first.role == Role.ADMIN and first.active


def test_trainee_and_instructor_accounts_keep_their_role(db):
    admin = account(Role.ADMIN)
    trainee = factories.TraineeFactory().user
    instructor = factories.InstructorFactory().user
    official = account(Role.OFFICIAL)
    db.session.commit()
    assert services.allowed_roles(trainee) == [Role.TRAINEE]
    assert services.allowed_roles(instructor) == [Role.INSTRUCTOR]
    assert services.allowed_roles(official) == [Role.OFFICIAL, Role.COORDINATOR, Role.ADMIN]
    for user, role in [
        (trainee, Role.OFFICIAL),
        (instructor, Role.ADMIN),
        (official, Role.TRAINEE),
        (official, Role.INSTRUCTOR),
    ]:
        with pytest.raises(AccessChangeRefused) as refused:
            services.change_access(user, role, None, "역할 변경 시도", by=admin)
        assert refused.value.field == "role"
        db.session.rollback()
    db.session.refresh(trainee)
    assert trainee.role == Role.TRAINEE
    # They can still be disabled.
    assert services.set_active(trainee, False, "수강 포기 후 계정 정리", by=admin)


def test_disabling_ends_sessions_and_revokes_and_enabling_grants(db):
    admin, official = account(Role.ADMIN), account(Role.OFFICIAL)
    db.session.commit()
    version = official.session_version
    assert services.set_active(official, False, "퇴직에 따른 정리", by=admin)
    db.session.refresh(official)
    assert not official.active and official.session_version == version + 1
    assert services.set_active(official, True, "복직 처리 완료", by=admin)
    disabled, enabled = role_entries(db, official)
    assert disabled.action == AccessAction.ROLE_REVOKE
    assert json.loads(disabled.detail)["change"] == "disabled"
    assert json.loads(disabled.detail)["active"] is False
    assert enabled.action == AccessAction.ROLE_GRANT and enabled.reason == "복직 처리 완료"
    assert json.loads(enabled.detail)["change"] == "enabled"


def test_no_change_writes_nothing(db):
    admin, official = account(Role.ADMIN), account(Role.OFFICIAL)
    db.session.commit()
    version = official.session_version
    assert not services.change_access(official, Role.OFFICIAL, None, "변경 없음", by=admin)
    assert not services.set_active(official, True, "변경 없음", by=admin)
    assert official.session_version == version
    assert role_entries(db, official) == []
