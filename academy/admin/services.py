"""Account administration queries."""

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import selectinload

from academy.extensions import db
from academy.models import Role, User


def accounts_page(role: Role | None, query: str | None, page: int, per_page: int) -> Pagination:
    """Accounts, newest last, filtered by role and by a name or e-mail fragment."""
    select = sa.select(User).options(selectinload(User.campus)).order_by(User.role, User.email)
    if role is not None:
        select = select.where(User.role == role)
    if query:
        pattern = f"%{query.strip().lower()}%"
        select = select.where(
            sa.or_(User.email.like(pattern), sa.func.lower(User.name).like(pattern))
        )
    return db.paginate(select, page=page, per_page=per_page, error_out=False)


def counts_by_role() -> dict[Role, int]:
    rows = db.session.execute(sa.select(User.role, sa.func.count()).group_by(User.role))
    counts = dict.fromkeys(Role, 0)
    counts.update(dict(rows.all()))
    return counts
