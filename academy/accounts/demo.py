"""The demo's accounts (academy.seeding): one documented sign-in per role, numbered staff, and
the second-factor keys of the demo's staff sign-ins, derived from the seed so the README,
`make run` and the browser tests can give them."""

import base64
import hashlib
from datetime import timedelta

import sqlalchemy as sa

from academy.auth.two_factor import REQUIRED_ROLES, grouped_secret
from academy.extensions import db
from academy.models import CampusKind, Role, Tier, User
from academy.seeding import DEMO_LOGINS, DEMO_PASSWORD, SHOWCASE_CAMPUS, WorldBuilder, at


def demo_totp_secret(email: str, seed: int = 2025) -> str:
    """The demo staff's TOTP key, derived from the demo seed: the same on every machine, so
    `make run` can print it for an authenticator app and browser tests can compute codes. Only
    demo accounts get such a key; real accounts get a random one when they enrol."""
    digest = hashlib.sha256(f"academy-demo-totp:{seed}:{email}".encode()).digest()
    return base64.b32encode(digest[:20]).decode()


def key_note(secret: str | None) -> str:
    return f"  2FA key: {grouped_secret(secret)}" if secret else ""


def login_lines() -> list[str]:
    """The demo sign-ins that exist in this database, for `make run` to print on every start,
    with the key of each staff account's second factor (add it to an authenticator app)."""
    found = {
        email: (role, secret if enrolled_at else None)
        for email, role, secret, enrolled_at in db.session.execute(
            sa.select(User.email, User.role, User.totp_secret, User.totp_enrolled_at).where(
                User.email.in_(DEMO_LOGINS.values())
            )
        )
    }
    return [
        f"  {role.value:<11}  {email:<24}  password: {DEMO_PASSWORD}" + key_note(found[email][1])
        for role, email in DEMO_LOGINS.items()
        if email in found and found[email][0] == role
    ]


def add_staff(b: WorldBuilder, key_seed: int, titles: bool = False) -> None:
    """The official and the admin (named by their titles with `titles`), and each campus's
    coordinators (two at large district campuses), the showcase campus's first with the
    coordinator's sign-in. The staff sign-ins come with the second factor they must have, from
    a key printed beside them (other demo staff enrol at their first sign-in)."""
    for role, title in ((Role.OFFICIAL, "서울시 담당자"), (Role.ADMIN, "시스템 관리자")):
        name = title if titles else None
        b.user(DEMO_LOGINS[role], role, password_hash=b.password_hash, name=name)
    number = 0
    for campus in b.campuses:
        wanted = 2 if campus.tier == Tier.LARGE and campus.kind == CampusKind.DISTRICT else 1
        for _ in range(wanted):
            if campus.name == SHOWCASE_CAMPUS and not campus.coordinators:
                email = DEMO_LOGINS[Role.COORDINATOR]
            else:
                number += 1
                email = f"coordinator+{number}@example.com"
            user_id = b.user(email, Role.COORDINATOR, campus.id, b.password_hash)
            campus.coordinators.append(user_id)
    staff_logins = {DEMO_LOGINS[role] for role in REQUIRED_ROLES}
    for row in b.rows[User]:
        if row["email"] in staff_logins:
            row["totp_secret"] = demo_totp_secret(row["email"], key_seed)
            row["totp_enrolled_at"] = at(b.today - timedelta(days=300))


def demo_logins(b: WorldBuilder) -> list[tuple[str, str]]:
    """(role, e-mail) of the documented sign-ins the builder made, in the order of DEMO_LOGINS'
    roles as `make run` prints them."""
    made = {row["email"] for row in b.rows[User]}
    order = [Role.OFFICIAL, Role.ADMIN, Role.COORDINATOR, Role.INSTRUCTOR, Role.TRAINEE]
    return [(role.value, DEMO_LOGINS[role]) for role in order if DEMO_LOGINS[role] in made]


def two_factor_keys(b: WorldBuilder) -> dict[str, str]:
    return {row["email"]: row["totp_secret"] for row in b.rows[User] if row["totp_secret"]}
