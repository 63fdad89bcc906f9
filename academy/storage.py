"""Files behind one interface: evidence, staged uploads and archived reports (README, "Files").

By default each area is a folder under the instance folder (UPLOAD_FOLDER, STAGING_FOLDER,
REPORT_FOLDER), which suits one machine. With S3_BUCKET set, every area is a prefix in one
S3-compatible bucket (boto3; endpoint, region and credentials from the environment), which every
server and the worker share. Files are only ever read back through the app, so access checks and
the access log stay in front of every download; nothing is served from the bucket directly.

A store that does not answer raises StorageUnavailable, which pages turn into a clear message;
a write that failed leaves no record pointing at it (callers store first, then write the row).
"""

import os
import re
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import Flask, current_app, send_file

AREAS = ("uploads", "staging", "reports")
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$")


class StorageUnavailable(RuntimeError):
    """The file store did not answer (object storage down, disk unwritable)."""


class FileMissing(LookupError):
    """No file under this name."""


@dataclass(frozen=True)
class Listed:
    name: str
    modified: float  # seconds since the epoch


def _check(name: str) -> str:
    if not NAME.match(name or "") or ".." in name:
        raise FileMissing(name)
    return name


class LocalArea:
    """A folder; writes go to a temporary file first, so no reader sees half a file."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def _path(self, name: str) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        return self.root / _check(name)

    def put(self, name: str, data: bytes) -> None:
        path = self._path(name)
        tmp = path.with_name(f".{name}.{secrets.token_hex(4)}.tmp")
        try:
            tmp.write_bytes(data)
            os.chmod(tmp, 0o600)
            os.replace(tmp, path)
        except OSError as error:
            tmp.unlink(missing_ok=True)
            raise StorageUnavailable(str(error)) from error

    def get(self, name: str) -> bytes:
        try:
            return self._path(name).read_bytes()
        except FileNotFoundError as error:
            raise FileMissing(name) from error
        except OSError as error:
            raise StorageUnavailable(str(error)) from error

    def open(self, name: str) -> tuple[BinaryIO, int]:
        path = self._path(name)
        try:
            handle = path.open("rb")
        except FileNotFoundError as error:
            raise FileMissing(name) from error
        except OSError as error:
            raise StorageUnavailable(str(error)) from error
        return handle, os.fstat(handle.fileno()).st_size

    def exists(self, name: str) -> bool:
        try:
            return self._path(name).is_file()
        except FileMissing:
            return False

    def delete(self, name: str) -> None:
        try:
            self._path(name).unlink(missing_ok=True)
        except FileMissing:
            return

    def list(self) -> Iterator[Listed]:
        if not self.root.is_dir():
            return
        for path in self.root.iterdir():
            if path.is_file() and not path.name.startswith("."):
                try:
                    yield Listed(path.name, path.stat().st_mtime)
                except OSError:
                    continue

    def ping(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        if not os.access(self.root, os.W_OK):
            raise StorageUnavailable(f"{self.root} is not writable")


class S3Area:
    """A prefix in an S3-compatible bucket."""

    def __init__(self, client, bucket: str, prefix: str):
        self.client, self.bucket, self.prefix = client, bucket, prefix

    def _key(self, name: str) -> str:
        return self.prefix + _check(name)

    def _call(self, method: str, name: str | None = None, **kwargs):
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return getattr(self.client, method)(Bucket=self.bucket, **kwargs)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            if code in ("NoSuchKey", "404", "NotFound"):
                raise FileMissing(name) from error
            raise StorageUnavailable(f"{method}: {code}") from error
        except BotoCoreError as error:
            raise StorageUnavailable(f"{method}: {error}") from error

    def put(self, name: str, data: bytes) -> None:
        self._call("put_object", name, Key=self._key(name), Body=data)

    def get(self, name: str) -> bytes:
        from botocore.exceptions import BotoCoreError

        body = self._call("get_object", name, Key=self._key(name))["Body"]
        try:
            return body.read()
        except BotoCoreError as error:
            raise StorageUnavailable(str(error)) from error

    def open(self, name: str) -> tuple[BinaryIO, int]:
        answer = self._call("get_object", name, Key=self._key(name))
        return answer["Body"], answer["ContentLength"]

    def exists(self, name: str) -> bool:
        try:
            self._call("head_object", name, Key=self._key(name))
        except FileMissing:
            return False
        return True

    def delete(self, name: str) -> None:
        try:
            self._call("delete_object", name, Key=self._key(name))
        except FileMissing:
            return

    def list(self) -> Iterator[Listed]:
        token = None
        while True:
            kwargs = {"Prefix": self.prefix}
            if token:
                kwargs["ContinuationToken"] = token
            page = self._call("list_objects_v2", **kwargs)
            for item in page.get("Contents", []):
                yield Listed(item["Key"][len(self.prefix) :], item["LastModified"].timestamp())
            if not page.get("IsTruncated"):
                return
            token = page["NextContinuationToken"]

    def ping(self) -> None:
        self._call("head_bucket")


def s3_client(config):
    import boto3
    from botocore.config import Config as BotoConfig

    return boto3.client(
        "s3",
        endpoint_url=config.get("S3_ENDPOINT_URL") or None,
        region_name=config.get("S3_REGION") or "us-east-1",
        aws_access_key_id=config.get("S3_ACCESS_KEY_ID") or None,
        aws_secret_access_key=config.get("S3_SECRET_ACCESS_KEY") or None,
        # A store that does not answer fails the upload in seconds, not minutes.
        config=BotoConfig(
            connect_timeout=3,
            read_timeout=20,
            retries={"max_attempts": 2},
            s3={"addressing_style": "path"},
        ),
    )


class Storage:
    def __init__(self, config):
        self.backend = "s3" if config.get("S3_BUCKET") else "local"
        if self.backend == "s3":
            client = s3_client(config)
            prefix = (config.get("S3_PREFIX") or "").strip("/")
            prefix = f"{prefix}/" if prefix else ""
            self.areas = {a: S3Area(client, config["S3_BUCKET"], f"{prefix}{a}/") for a in AREAS}
        else:
            folders = {
                "uploads": "UPLOAD_FOLDER",
                "staging": "STAGING_FOLDER",
                "reports": "REPORT_FOLDER",
            }
            self.areas = {a: LocalArea(config[folders[a]]) for a in AREAS}

    def ping(self) -> None:
        self.areas["uploads"].ping()


def configure(app: Flask) -> None:
    app.extensions["storage"] = Storage(app.config)


def area(name: str) -> LocalArea | S3Area:
    """The store of one kind of file: "uploads" (evidence), "staging", "reports"."""
    return current_app.extensions["storage"].areas[name]


def purge_older_than(name: str, seconds: float) -> int:
    """Delete the files of an area older than `seconds`; returns how many."""
    limit = time.time() - seconds
    store = area(name)
    gone = 0
    for item in list(store.list()):
        if item.modified < limit:
            store.delete(item.name)
            gone += 1
    return gone


def send(area_name: str, name: str, mimetype: str, download_name: str):
    """A stored file as a download streamed through the app (never inline, never cached).

    FileMissing and StorageUnavailable reach the caller before any byte is sent."""
    handle, size = area(area_name).open(name)
    response = send_file(
        handle,
        mimetype=mimetype,
        as_attachment=True,
        download_name=download_name,
        max_age=0,
        conditional=False,
    )
    response.content_length = size
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
