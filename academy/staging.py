"""Files that wait between two steps of one person's work: an uploaded roster, attendance or
outcome file between its preview and its commit, an evidence file while its form is corrected.

They are kept in the staging store (academy.storage: STAGING_FOLDER, or the shared bucket, so
the next step may reach another server), named by a hash of a server-made token, with the id of
the user who sent them: the token alone, or another user's session, opens nothing. Nothing goes
into the cookie session. Files older than STAGING_MINUTES are refused, and removed by the
worker's periodic purge (and on the next upload). A cohort import keeps the state of its check
and commit beside its file (academy.cohorts.staging).
"""

import hashlib
import json
import secrets
import time
from dataclasses import dataclass

from flask import current_app

from academy import storage


class StagedFileMissing(LookupError):
    """No file for this token and user: never staged, expired, or someone else's."""


@dataclass(frozen=True)
class StagedFile:
    data: bytes
    filename: str
    purpose: str


def _names(token: str) -> tuple[str, str]:
    name = hashlib.sha256(token.encode("utf-8")).hexdigest()
    return f"staged-{name}.bin", f"staged-{name}.json"


def _max_age() -> float:
    return current_app.config["STAGING_MINUTES"] * 60


def purge_expired() -> int:
    """Staged files and records past STAGING_MINUTES go: they hold personal data."""
    return storage.purge_older_than("staging", _max_age())


def stage(data: bytes, user_id: int, filename: str, purpose: str) -> str:
    """Keep the bytes for this user; the returned token names them in the next request."""
    purge_expired()
    token = secrets.token_urlsafe(24)
    data_name, meta_name = _names(token)
    store = storage.area("staging")
    store.put(data_name, data)
    meta = {"user_id": user_id, "filename": filename, "purpose": purpose, "at": time.time()}
    store.put(meta_name, json.dumps(meta, ensure_ascii=False).encode("utf-8"))
    return token


def load(token: str | None, user_id: int, purpose: str) -> StagedFile:
    if not token or len(token) > 64:
        raise StagedFileMissing(token)
    data_name, meta_name = _names(token)
    store = storage.area("staging")
    try:
        meta = json.loads(store.get(meta_name))
        data = store.get(data_name)
    except (storage.FileMissing, ValueError) as error:
        raise StagedFileMissing(token) from error
    if (
        meta.get("user_id") != user_id
        or meta.get("purpose") != purpose
        or time.time() - meta.get("at", 0) > _max_age()
    ):
        raise StagedFileMissing(token)
    return StagedFile(data, meta.get("filename", ""), purpose)


def exists(token: str) -> bool:
    return storage.area("staging").exists(_names(token)[0])


def discard(token: str | None) -> None:
    if not token or len(token) > 64:
        return
    for name in _names(token):
        storage.area("staging").delete(name)
