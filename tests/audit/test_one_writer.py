"""Access-log entries are built in one place, academy.audit.entry(): the actor's snapshot, the
request's address and the reason's length are decided there for every writer."""

import ast
from pathlib import Path

import sqlalchemy as sa

from academy import audit
from academy.models import AccessAction, AccessLog, Role
from tests import factories

ACADEMY = Path(__file__).resolve().parents[2] / "academy"


def _builds_access_log(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
    return name == "AccessLog"


def test_no_module_but_audit_builds_access_log_rows():
    builders = sorted(
        f"{path.relative_to(ACADEMY.parent)}:{node.lineno}"
        for path in ACADEMY.rglob("*.py")
        if path != ACADEMY / "audit" / "appending.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if _builds_access_log(node)
    )
    assert builders == []


def test_an_entry_named_by_account_id_carries_that_account_not_the_signed_in_one(app, db):
    approver = factories.UserFactory(role=Role.COORDINATOR, campus=factories.CampusFactory())
    someone_else = factories.UserFactory(role=Role.ADMIN)
    db.session.commit()
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": "203.0.113.7"}):
        from flask_login import login_user

        login_user(someone_else)
        db.session.add(
            audit.entry(AccessAction.UPDATE, subject=("subsidy_claim", 7), by_id=approver.id)
        )
        db.session.commit()
    row = db.session.scalars(sa.select(AccessLog).where(AccessLog.subject_id == 7)).one()
    assert (row.user_id, row.actor_email, row.actor_role) == (
        approver.id,
        approver.email,
        Role.COORDINATOR.value,
    )
    assert row.ip_address == "203.0.113.7"
