"""Evidence files (receipts, 재직증명서, 경력증명서): checked by content, stored outside static/.

A file's type is read from its first bytes, never from its name or the browser's claim, and it is
kept under a server-made name in the upload store (academy.storage: the instance folder, or the
shared bucket), so nothing uploaded is ever served as a page: downloads stream through the app,
behind its access checks and access log.
"""

import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import abort, current_app
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import FileStorage

from academy import storage

# Signatures of the evidence types accepted: documents as PDF, photos from a phone.
SIGNATURES: dict[str, tuple[str, str]] = {
    "pdf": ("application/pdf", "%PDF-"),
    "png": ("image/png", "\x89PNG\r\n\x1a\n"),
    "jpeg": ("image/jpeg", "\xff\xd8\xff"),
}
EVIDENCE_TYPES = ("pdf", "png", "jpeg", "webp", "heic")


class UploadRejected(ValueError):
    """The file was refused; the message is for the person who sent it."""


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    original_name: str
    content_type: str
    size_bytes: int


def sniff_type(head: bytes) -> str | None:
    """The evidence type of a file from its first bytes, or None."""
    for kind, (_mime, magic) in SIGNATURES.items():
        if head.startswith(magic.encode("latin-1")):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1"):
        return "heic"
    return None


CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
    "heic": "image/heic",
}


def _readable_size(size: int) -> str:
    return f"{size // (1024 * 1024)} MB" if size >= 1024 * 1024 else f"{size // 1024} KB"


def store_upload(
    upload: FileStorage | None,
    allowed: tuple[str, ...] = EVIDENCE_TYPES,
    max_bytes: int | None = None,
) -> StoredFile:
    """Check and keep an uploaded file; UploadRejected carries the reason in the user's words."""
    if upload is None or not upload.filename:
        raise UploadRejected(_l("Choose a file to upload."))
    limit = max_bytes or current_app.config["MAX_EVIDENCE_BYTES"]
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        raise UploadRejected(_l("The file is larger than %(size)s.", size=_readable_size(limit)))
    if not data:
        raise UploadRejected(_l("The file is empty."))
    kind = sniff_type(data[:16])
    if kind not in allowed:
        raise UploadRejected(_l("Upload a PDF or a photo (JPEG, PNG, WebP or HEIC)."))
    stored_name = f"{secrets.token_hex(16)}.{kind}"
    try:
        storage.area("uploads").put(stored_name, data)
    except storage.StorageUnavailable as error:
        # Before any row is written: nothing will point at a file that was not kept.
        current_app.logger.error("evidence upload not stored: %s", error)
        raise UploadRejected(_l("File storage is not answering, so the file was not saved. "
                                "Wait a moment and send it again.")) from error  # fmt: skip
    original = Path(upload.filename).name[:255]
    return StoredFile(stored_name, original, CONTENT_TYPES[kind], len(data))


def delete_upload(stored_name: str) -> None:
    storage.area("uploads").delete(Path(stored_name).name)


def upload_exists(stored_name: str) -> bool:
    return storage.area("uploads").exists(Path(stored_name).name)


def send_upload(stored_name: str, original_name: str, content_type: str):
    """Serve a kept file as a download, never inline, whatever its type; 404 when it is gone."""
    try:
        return storage.send("uploads", Path(stored_name).name, content_type, original_name)
    except storage.FileMissing:
        abort(404)
