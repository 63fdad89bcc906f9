"""Flask-Login's loader: the cookie names a user and a session version; both must match."""

from academy.extensions import db
from academy.models import User


def load_user(user_key: str) -> User | None:
    user_id, _, version = user_key.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version):
        return None
    return user


def end_all_sessions(user: User) -> None:
    """Every cookie issued before this call stops working (logout, password change, disabling)."""
    user.session_version += 1
