"""Resident registration numbers are never shown back in full, and staged files are the
owner's alone (issue 13, issue 16)."""

import logging
import os
import stat
from pathlib import Path

import pytest

from academy import staging as outcome_staging
from academy.privacy import mask_resident_numbers, write_private


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("950310-1234567", "950310-1******"),
        ("9503101234567", "950310-1******"),
        ("주민 950310 - 2345678 끝", "주민 950310-2****** 끝"),
        ("０００７０７－４１２３４５６", "０００７０７-4******"),  # full-width digits
        ("950310-1******", "950310-1******"),  # already masked
        ("010-1234-5678", "010-1234-5678"),  # a phone is not one
        ("19950310", "19950310"),  # nor a date
        ("991340-1234567", "991340-1234567"),  # month 13: not a resident number
        ("12345950310-1234567", "12345950310-1234567"),  # inside a longer number
    ],
)
def test_resident_numbers_are_masked_and_nothing_else_is(text, shown):
    assert mask_resident_numbers(text) == shown


def test_a_log_line_never_carries_a_resident_number(app, caplog):
    with caplog.at_level(logging.INFO):
        logging.getLogger("academy.test").info("row 3: 생년월일 961102-2345678 refused")
    assert "2345678" not in caplog.text and "961102-2******" in caplog.text


def test_staged_outcome_files_and_their_records_are_readable_by_their_owner_only(app):
    old = os.umask(0o022)
    try:
        with app.test_request_context():
            token = outcome_staging.stage(
                b"secret", user_id=1, filename="결과.xlsx", purpose="outcomes"
            )
    finally:
        os.umask(old)
    folder = Path(app.config["STAGING_FOLDER"])
    files = [folder / name for name in outcome_staging._names(token)]
    assert all(path.exists() for path in files)
    assert all(stat.S_IMODE(path.stat().st_mode) == 0o600 for path in files)


def test_rewriting_a_private_file_narrows_a_wider_mode(tmp_path):
    path = tmp_path / "record.json"
    path.write_text("{}")
    path.chmod(0o644)
    write_private(path, b"{}")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
