"""Evidence files (receipts, 재직증명서, 경력증명서): checked by content, stored outside static/.

A file's type is read from its first bytes, never from its name or the browser's claim, and it is
kept under a server-made name in the upload store (academy.storage: the instance folder, or the
shared bucket), so nothing uploaded is ever served as a page: downloads stream through the app,
behind its access checks and access log.
"""

import io
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import abort, current_app
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import FileStorage

from academy import storage
from academy.errors import RuleRefused

# Signatures of the evidence types accepted: documents as PDF, photos from a phone.
SIGNATURES: dict[str, tuple[str, str]] = {
    "pdf": ("application/pdf", "%PDF-"),
    "png": ("image/png", "\x89PNG\r\n\x1a\n"),
    "jpeg": ("image/jpeg", "\xff\xd8\xff"),
}
EVIDENCE_TYPES = ("pdf", "png", "jpeg", "webp", "heic")


class UploadRejected(RuleRefused):
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


# PDF names that run something when the file is opened or used: scripts, actions on open or on
# page events, launching programs, embedded files, forms that submit or fetch, rich media.
ACTIVE_PDF_NAMES = frozenset(
    name.encode()
    for name in (
        "/JavaScript",
        "/JS",
        "/OpenAction",
        "/AA",
        "/Launch",
        "/EmbeddedFile",
        "/EmbeddedFiles",
        "/RichMedia",
        "/XFA",
        "/SubmitForm",
        "/ImportData",
        "/GoToR",
        "/GoToE",
        "/Sound",
        "/Movie",
    )
)
_PDF_NAME = re.compile(rb"/[^\s/<>\[\]()%{}]+")
_HEX_IN_NAME = re.compile(rb"#([0-9A-Fa-f]{2})")
# Markup a browser would render if the file were ever opened as a page: a PDF that is also an
# HTML page (the review's "%PDF- + HTML") is refused.
_MARKUP = re.compile(rb"<\s*(html|script|body|iframe|svg|!doctype)\b", re.IGNORECASE)
MAX_PDF_OBJECTS = 50_000


def _pdf_names(data: bytes) -> set[bytes]:
    """Every name in the raw bytes, with #xx escapes decoded (/J#61vaScript is /JavaScript)."""
    return {
        _HEX_IN_NAME.sub(lambda m: bytes([int(m.group(1), 16)]), n) for n in _PDF_NAME.findall(data)
    }


def pdf_problem(data: bytes) -> object | None:
    """Why a PDF is refused, or None: it must parse as a PDF, and no object in it (compressed
    object streams included) may hold active content."""
    import pypdf
    from pypdf.generic import DictionaryObject, IndirectObject

    if _MARKUP.search(data):
        return _l("This PDF also holds web page code. Save the document as a PDF again.")
    if ACTIVE_PDF_NAMES & _pdf_names(data):
        return _l("This PDF holds scripts or automatic actions. Save it as a plain PDF again.")
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if len(reader.pages) < 1:
            raise ValueError("no pages")
        ids = {(num, gen) for gen, table in reader.xref.items() for num in table}
        ids |= {(num, 0) for num in reader.xref_objStm}
        if len(ids) > MAX_PDF_OBJECTS:
            raise ValueError("too many objects")
        for num, gen in ids:
            obj = reader.get_object(IndirectObject(num, gen, reader))
            if isinstance(obj, DictionaryObject) and any(
                key.encode() in ACTIVE_PDF_NAMES for key in obj
            ):
                return _l(
                    "This PDF holds scripts or automatic actions. Save it as a plain PDF again."
                )
    except Exception:  # pypdf raises many kinds on a broken file: all mean "not a PDF"
        return _l("This file is not a readable PDF. Save the document as a PDF again.")
    return None


def image_problem(data: bytes, kind: str) -> object | None:
    """A photo must decode as the image type its first bytes claim."""
    if kind == "heic":  # no decoder here: the signature and the download's type must do
        return None
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            if (image.format or "").lower() != kind:
                raise ValueError(image.format)
            image.verify()
    except Exception:  # Pillow raises many kinds on a broken file
        return _l("This photo could not be read. Take it again or save it as JPEG or PNG.")
    return None


def download_name(original_name: str, content_type: str) -> str:
    """The download's name ends in the type read from the content, whatever the uploader called
    it: "evidence.pdf.html" holding a PDF downloads as "evidence.pdf"."""
    kind = next((k for k, mime in CONTENT_TYPES.items() if mime == content_type), None)
    stem = Path(original_name).name.split(".")[0].strip() or "evidence"
    return f"{stem}.{'jpg' if kind == 'jpeg' else kind}" if kind else stem


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
    problem = pdf_problem(data) if kind == "pdf" else image_problem(data, kind)
    if problem:
        raise UploadRejected(problem)
    stored_name = f"{secrets.token_hex(16)}.{kind}"
    try:
        storage.area("uploads").put(stored_name, data)
    except storage.StorageUnavailable as error:
        # Before any row is written: nothing will point at a file that was not kept.
        current_app.logger.error("evidence upload not stored: %s", error)
        raise UploadRejected(
            _l(
                "File storage is not answering, so the file was not saved. "
                "Wait a moment and send it again."
            )
        ) from error
    original = download_name(upload.filename, CONTENT_TYPES[kind])[:255]
    return StoredFile(stored_name, original, CONTENT_TYPES[kind], len(data))


def delete_upload(stored_name: str) -> None:
    storage.area("uploads").delete(Path(stored_name).name)


def upload_exists(stored_name: str) -> bool:
    return storage.area("uploads").exists(Path(stored_name).name)


def send_upload(stored_name: str, original_name: str, content_type: str):
    """Serve a kept file as a download, never inline, whatever its type; 404 when it is gone."""
    try:
        return storage.send(
            "uploads",
            Path(stored_name).name,
            content_type,
            download_name(original_name, content_type),
        )
    except storage.FileMissing:
        abort(404)
