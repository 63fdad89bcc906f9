"""Account administration: the list, and the rules for changing an account's access.

Who may hold which role: an account linked to a trainee record stays a trainee, and one linked
to an instructor record (career history, cohort assignments) stays an instructor; no account
becomes a trainee or an instructor here, since those roles come with their record (enrolment
creates trainees; instructors are created with their record). The three staff roles (official,
coordinator, admin) may be exchanged. A coordinator belongs to exactly one campus; the other
roles to none. Any account may be disabled and enabled again.

Every change ends the account's sessions at once (the session version goes up) and writes a
role entry to the access log, kept three years (안전성 확보조치 기준 제5조⑤): a revocation of
the access the account had, a grant of the access it has now.
"""

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import selectinload

from academy import audit
from academy.auth.session import end_all_sessions
from academy.errors import RuleRefused
from academy.extensions import db
from academy.locking import serialized
from academy.models import AccessAction, AccessLog, Campus, Instructor, Role, Trainee, User

STAFF_ROLES = (Role.OFFICIAL, Role.COORDINATOR, Role.ADMIN)
MIN_REASON = 4
ADMIN_LOCK = "academy.admin_accounts"

OWN_ADMIN_ACCESS = _l(
    "You cannot take administrator access away from your own account. Ask another administrator."
)
OWN_ACCOUNT = _l("You cannot disable your own account. Ask another administrator.")
LAST_ADMIN = _l(
    "This is the last administrator who can sign in. Give another account administrator "
    "access first."
)


def _starts_with(column, text: str) -> sa.ColumnElement[bool]:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.like(f"{escaped}%", escape="\\")


def account_search(query: str) -> sa.ColumnElement[bool]:
    """Accounts whose e-mail or name starts with `query`: what an administrator types (홍길동,
    hong, hong.gildong@…). Prefix matches use the pattern indexes, so the search stays fast at
    50,000 accounts where a substring match would read every row twice (list and count). Names
    are matched as typed and in the usual capitalisations of Latin names."""
    query = query.strip()
    email = _starts_with(User.email, query.lower())
    if "@" in query:
        return email
    variants = {query, query.lower(), query.capitalize(), query.title(), query.upper()}
    return sa.or_(email, *(_starts_with(User.name, v) for v in sorted(variants)))


def accounts_page(role: Role | None, query: str | None, page: int, per_page: int) -> Pagination:
    """Accounts by role and e-mail (the order of an index), filtered by role and search."""
    select = sa.select(User).options(selectinload(User.campus)).order_by(User.role, User.email)
    if role is not None:
        select = select.where(User.role == role)
    if query and query.strip():
        select = select.where(account_search(query))
    return db.paginate(select, page=page, per_page=per_page, error_out=False)


def trainee_ids_of(users: list[User]) -> list[int]:
    """The trainee records behind a page of accounts, in one query: who a list view showed."""
    ids = [u.id for u in users if u.role == Role.TRAINEE]
    if not ids:
        return []
    return list(db.session.scalars(sa.select(Trainee.id).where(Trainee.user_id.in_(ids))))


def counts_by_role() -> dict[Role, int]:
    rows = db.session.execute(sa.select(User.role, sa.func.count()).group_by(User.role))
    counts = dict.fromkeys(Role, 0)
    counts.update(dict(rows.all()))
    return counts


class AccessChangeRefused(RuleRefused):
    """A rule refused the change to an account's access."""


@dataclass(frozen=True)
class Linked:
    """The records an account's role is tied to."""

    trainee: bool
    instructor: bool


def linked_records(account: User) -> Linked:
    trainee = db.session.scalar(sa.select(Trainee.id).where(Trainee.user_id == account.id))
    instructor = db.session.scalar(sa.select(Instructor.id).where(Instructor.user_id == account.id))
    return Linked(trainee is not None, instructor is not None)


def allowed_roles(account: User) -> list[Role]:
    """The roles this account may be given (its own included)."""
    linked = linked_records(account)
    if linked.trainee or account.role == Role.TRAINEE:
        return [Role.TRAINEE]
    if linked.instructor or account.role == Role.INSTRUCTOR:
        return [Role.INSTRUCTOR]
    return list(STAFF_ROLES)


def _can_sign_in_as_admin(select: sa.Select) -> sa.Select:
    return select.where(
        User.role == Role.ADMIN, User.active.is_(True), User.password_hash.is_not(None)
    )


def _other_active_admins(account: User) -> int:
    return db.session.scalar(
        _can_sign_in_as_admin(sa.select(sa.func.count(User.id))).where(User.id != account.id)
    )


def check_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise AccessChangeRefused(
            _l("Write the reason for the change in at least %(n)s characters.", n=MIN_REASON),
            "reason",
        )
    return reason[: audit.MAX_REASON]


def _check_losing_admin(account: User, by: User) -> None:
    """An administrator keeps their own access (someone else must take it away), and the last
    administrator who can sign in stays one: otherwise nobody could manage accounts."""
    if account.id == by.id:
        raise AccessChangeRefused(OWN_ADMIN_ACCESS)
    if account.role == Role.ADMIN and account.is_active and _other_active_admins(account) == 0:
        raise AccessChangeRefused(LAST_ADMIN)


def change_access(
    account: User, role: Role, campus: Campus | None, reason: str | None, by: User
) -> bool:
    """Give the account `role` (at `campus` for a coordinator). Returns False when nothing
    changes. Raises AccessChangeRefused, writing nothing, when a rule refuses."""
    reason = check_reason(reason)
    if role not in allowed_roles(account):
        if account.role in (Role.TRAINEE, Role.INSTRUCTOR):
            message = _l(
                "A trainee's or instructor's account keeps its role: it is linked to "
                "their training or teaching record. Disable it instead if needed."
            )
        else:
            message = _l(
                "Trainee and instructor accounts are created with their record "
                "(enrolment, instructor registration), not by changing a role."
            )
        raise AccessChangeRefused(message, "role")
    if role == Role.COORDINATOR and campus is None:
        raise AccessChangeRefused(_l("A campus coordinator needs a campus."), "campus")
    new_campus_id = campus.id if role == Role.COORDINATOR else None
    if role == account.role and new_campus_id == account.campus_id:
        return False
    serialized(ADMIN_LOCK)  # two administrators demoting each other take turns
    db.session.refresh(account)
    if account.role == Role.ADMIN and role != Role.ADMIN:
        _check_losing_admin(account, by)
    change = "role" if role != account.role else "campus"
    db.session.add(
        audit.role_change(AccessAction.ROLE_REVOKE, account, by, reason=reason, change=change)
    )
    account.role, account.campus_id = role, new_campus_id
    end_all_sessions(account)
    db.session.flush()
    db.session.add(
        audit.role_change(AccessAction.ROLE_GRANT, account, by, reason=reason, change=change)
    )
    db.session.commit()
    return True


def set_active(account: User, active: bool, reason: str | None, by: User) -> bool:
    """Disable (the account's sessions end at once and it cannot sign in) or enable it again.
    Returns False when it already is so. Raises AccessChangeRefused, writing nothing."""
    reason = check_reason(reason)
    if account.active == active:
        return False
    serialized(ADMIN_LOCK)
    db.session.refresh(account)
    if not active and account.id == by.id:
        raise AccessChangeRefused(OWN_ACCOUNT)
    if not active and account.role == Role.ADMIN:
        _check_losing_admin(account, by)
    account.active = active
    end_all_sessions(account)
    action = AccessAction.ROLE_GRANT if active else AccessAction.ROLE_REVOKE
    db.session.add(
        audit.role_change(
            action, account, by, reason=reason, change="enabled" if active else "disabled"
        )
    )
    db.session.commit()
    return True


def access_history(account: User, limit: int = 20) -> list[AccessLog]:
    """The account's role entries, newest first: what it was granted, revoked, and why."""
    return db.session.scalars(
        sa.select(AccessLog)
        .where(
            AccessLog.subject_type == "user",
            AccessLog.subject_id == account.id,
            AccessLog.action.in_(audit.ROLE_ACTIONS),
        )
        .order_by(AccessLog.seq.desc())
        .limit(limit)
    ).all()
