"""Files that wait between two steps of one person's work: an outcome file between its preview
and its commit, an evidence file while its form is corrected.

They are kept under the instance folder (STAGING_FOLDER), named by a hash of a server-made
token, with the id of the user who sent them: the token alone, or another user's session, opens
nothing. Nothing goes into the cookie session. Files older than STAGING_MINUTES are removed.
"""

import hashlib
import json
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from academy.privacy import write_private


class StagedFileMissing(LookupError):
    """No file for this token and user: never staged, expired, or someone else's."""


@dataclass(frozen=True)
class StagedFile:
    data: bytes
    filename: str
    purpose: str


def _folder() -> Path:
    folder = Path(current_app.config["STAGING_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _paths(token: str) -> tuple[Path, Path]:
    name = hashlib.sha256(token.encode("utf-8")).hexdigest()
    folder = _folder()
    return folder / f"{name}.bin", folder / f"{name}.json"


def _max_age() -> float:
    return current_app.config["STAGING_MINUTES"] * 60


def purge_expired() -> None:
    limit = time.time() - _max_age()
    for path in _folder().glob("*.json"):
        if path.stat().st_mtime < limit:
            path.with_suffix(".bin").unlink(missing_ok=True)
            path.unlink(missing_ok=True)


def stage(data: bytes, user_id: int, filename: str, purpose: str) -> str:
    """Keep the bytes for this user; the returned token names them in the next request."""
    purge_expired()
    token = secrets.token_urlsafe(24)
    data_path, meta_path = _paths(token)
    write_private(data_path, data)
    meta = {"user_id": user_id, "filename": filename, "purpose": purpose, "at": time.time()}
    write_private(meta_path, json.dumps(meta, ensure_ascii=False).encode("utf-8"))
    return token


def load(token: str | None, user_id: int, purpose: str) -> StagedFile:
    if not token or len(token) > 64:
        raise StagedFileMissing(token)
    data_path, meta_path = _paths(token)
    try:
        meta = json.loads(meta_path.read_text())
        data = data_path.read_bytes()
    except (OSError, ValueError) as error:
        raise StagedFileMissing(token) from error
    if (
        meta.get("user_id") != user_id
        or meta.get("purpose") != purpose
        or time.time() - meta.get("at", 0) > _max_age()
    ):
        raise StagedFileMissing(token)
    return StagedFile(data, meta.get("filename", ""), purpose)


def discard(token: str | None) -> None:
    if not token or len(token) > 64:
        return
    for path in _paths(token):
        path.unlink(missing_ok=True)
