import io
from pathlib import Path

import pytest
from werkzeug.datastructures import FileStorage

from academy.uploads import UploadRejected, send_upload, sniff_type, store_upload
from tests.factories import EVIDENCE_PDF, photo

PDF = EVIDENCE_PDF
JPEG = photo("JPEG")


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


def _pdf_with(extra_catalog: bytes) -> bytes:
    """The one-page PDF with more entries in its catalog (offsets need not match: readers,
    pypdf included, rebuild the cross-reference table)."""
    return PDF.replace(
        b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Catalog/Pages 2 0 R" + extra_catalog + b">>"
    )


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (
            b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>",
            "web page",
        ),
        (PDF + b"\n<!DOCTYPE html><html><script>fetch('/x')</script>", "web page"),
        (_pdf_with(b"/OpenAction<</S/JavaScript/JS(app.alert(1))>>"), "scripts"),
        (_pdf_with(b"/Names<</JavaScript 9 0 R>>"), "scripts"),
        (_pdf_with(b"/AA<</O<</S/Launch/F(cmd.exe)>>>>"), "scripts"),
        (_pdf_with(b"/OpenAction<</S/J#61vaScript/J#53(app.alert(1))>>"), "scripts"),
        (_pdf_with(b"/Names<</EmbeddedFiles 9 0 R>>"), "scripts"),
        (b"%PDF-1.7\n" + b"A" * 71, "not a readable PDF"),
    ],
    ids=[
        "pdf-html-polyglot",
        "html-after-eof",
        "open-action-js",
        "names-js",
        "launch",
        "hex-escaped-js",
        "embedded-file",
        "71-byte-stub",
    ],
)
def test_pdfs_are_checked_by_structure_and_active_content_is_refused(app, data, why):
    """Issue 13: "%PDF-" followed by HTML, PDFs with JavaScript or automatic actions, and a
    71-byte stub were all accepted as evidence."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        with pytest.raises(UploadRejected) as refused:
            store_upload(upload(data))
    assert str(refused.value) != ""


def test_active_content_hidden_in_a_compressed_object_stream_is_found(app):
    """A name inside a deflated object stream is not in the raw bytes: the parsed objects are
    checked too."""
    import pypdf
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = pypdf.PdfWriter()
    writer.add_blank_page(595, 842)
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert(1)"),
        }
    )
    writer.compress_identical_objects()
    out = io.BytesIO()
    writer.write(out)
    with app.app_context(), pytest.raises(UploadRejected):
        store_upload(upload(out.getvalue()))


def test_images_must_decode_and_downloads_are_named_from_the_detected_type(app):
    with app.app_context():
        with pytest.raises(UploadRejected):
            store_upload(upload(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64, "a.jpg"))
        stored = store_upload(upload(PDF, name="evidence.pdf.html"))
        assert stored.original_name == "evidence.pdf"
        photo_file = store_upload(upload(JPEG, name="사진.html"))
        assert photo_file.original_name == "사진.jpg"
    with app.test_request_context():
        # A row stored before this check, with its old name, downloads by its content too.
        response = send_upload(stored.stored_name, "evidence.pdf.html", "application/pdf")
        disposition = response.headers["Content-Disposition"]
        assert "evidence.pdf" in disposition and ".html" not in disposition
