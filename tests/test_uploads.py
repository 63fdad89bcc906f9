import io
from pathlib import Path

import pytest
from werkzeug.datastructures import FileStorage

from academy.uploads import UploadRejected, send_upload, sniff_type, store_upload

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


def upload(data: bytes, name: str = "재직증명서.pdf") -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name)


def test_type_is_read_from_the_content_not_the_name(app):
    with app.app_context():
        stored = store_upload(upload(JPEG, name="receipt.pdf"))
        assert stored.content_type == "image/jpeg"
        assert stored.stored_name.endswith(".jpeg")
        with pytest.raises(UploadRejected):
            store_upload(upload(b"<html><script>alert(1)</script>", name="evidence.pdf"))


def test_files_are_kept_outside_static_under_a_server_made_name(app):
    with app.app_context():
        stored = store_upload(upload(PDF, name="../../static/evil.pdf"))
        path = Path(app.config["UPLOAD_FOLDER"]) / stored.stored_name
        assert path.read_bytes() == PDF
        assert "static" not in str(path.resolve().relative_to(Path(app.config["UPLOAD_FOLDER"])))
        assert stored.original_name == "evil.pdf"
        assert len(stored.stored_name) == 36


def test_size_limit_and_empty_files_are_refused(app):
    with app.app_context():
        with pytest.raises(UploadRejected, match="보다 큽니다"):
            store_upload(upload(PDF + b"x" * 2048), max_bytes=1024)
        with pytest.raises(UploadRejected, match="빈 파일"):
            store_upload(upload(b""))
        with pytest.raises(UploadRejected):
            store_upload(None)


def test_downloads_are_attachments_with_nosniff(app):
    with app.test_request_context():
        stored = store_upload(upload(PDF))
        response = send_upload(stored.stored_name, "재직증명서.pdf", stored.content_type)
        assert response.headers["Content-Disposition"].startswith("attachment")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        response.close()


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", "png"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "webp"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00", "heic"),
        (b"PK\x03\x04", None),
    ],
)
def test_sniffed_types(head, kind):
    assert sniff_type(head) == kind
