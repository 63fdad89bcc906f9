"""The e-mail cell's quick path for plain addresses agrees with email_validator everywhere."""

import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import example, given, settings
from hypothesis import strategies as st

from academy.exchange.cells import CellError, _plain_email, parse_email


def validated(raw: str) -> str | None:
    try:
        return validate_email(raw, check_deliverability=False, allow_smtputf8=False).normalized
    except EmailNotValidError:
        return None


labels = st.text(alphabet="abz09-_+.", min_size=0, max_size=12)
tlds = st.sampled_from(["org", "com", "kr", "test", "local", "xn--3e0b707e", "c0m", "o", "arpa"])


@settings(max_examples=2000, deadline=None)
@given(local=labels, hosts=st.lists(labels, min_size=0, max_size=4), tld=tlds)
@example(local="a", hosts=["x"], tld="test")
@example(local="a", hosts=["xn--3e0b707e"], tld="kr")
@example(local="0", hosts=["00--0"], tld="org")  # IDNA reserves hyphens 3rd and 4th
@example(local="a..b", hosts=["x"], tld="org")
@example(local="a" * 65, hosts=["x"], tld="org")
@example(local="a", hosts=["x-"], tld="org")
def test_the_quick_path_accepts_only_what_email_validator_keeps_as_written(local, hosts, tld):
    raw = f"{local}@{'.'.join([*hosts, tld])}"
    if _plain_email(raw):
        assert validated(raw) == raw


@pytest.mark.parametrize(
    "raw", ["kim.minsu+ai@example.org", "a_b-c@sub.host.co.kr", "x1@x.com", "a" * 64 + "@x.org"]
)
def test_common_addresses_take_the_quick_path(raw):
    assert _plain_email(raw) and parse_email(raw) == raw


@pytest.mark.parametrize(
    "raw",
    [
        "a@x.test",
        "a@b.localhost",
        "a@x.xn--3e0b707e",
        "a@1.2.3.4",
        "a" * 65 + "@x.org",
        "a..b@x.org",
        ".a@x.org",
        "a@-x.org",
        "김@x.org",
        "a@x",
    ],
)
def test_anything_else_is_checked_in_full(raw):
    assert not _plain_email(raw)
    if validated(raw) is None:
        with pytest.raises(CellError):
            parse_email(raw)
    else:
        assert parse_email(raw) == validated(raw).lower()
