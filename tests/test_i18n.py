"""The Korean catalogue is complete, keeps the placeholders, and the app serves Korean by default.

The msgids are extracted from the current source at test time (in memory, with babel.cfg and the
keywords scripts/i18n.sh passes), so a string added without running `scripts/i18n.sh update` and
translating it fails here, not on a Korean user's screen.
"""

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "academy" / "translations"
KO_PO = TRANSLATIONS / "ko" / "LC_MESSAGES" / "messages.po"
KO_MO = KO_PO.with_suffix(".mo")
# The same keywords as `pybabel extract -k _l -k lazy_gettext` in scripts/i18n.sh.
KEYWORDS = {**DEFAULT_KEYWORDS, **parse_keywords(["_l", "lazy_gettext"])}
# printf-style conversions, named or not, and the literal %%.
FORMAT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]")


def read_ko_catalog() -> Catalog:
    with KO_PO.open("rb") as f:
        return read_po(f, locale="ko")


def extract_source_catalog() -> Catalog:
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f, "babel.cfg")
    catalog = Catalog()
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def _key(message) -> tuple:
    msgid = message.id[0] if isinstance(message.id, tuple | list) else message.id
    return (message.context, msgid)


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return bool(strings) and all(s and s.strip() for s in strings)


@pytest.fixture(scope="module")
def ko_catalog() -> Catalog:
    return read_ko_catalog()


def test_source_strings_are_extracted():
    """An extraction that found nothing would make the next test pass vacuously."""
    source = extract_source_catalog()
    ids = {_key(m)[1] for m in source if m.id}
    assert len(ids) > 50
    assert {"Sign in", "Seoul Youth Employment Academy", "Campus coordinator"} <= ids


def test_every_source_msgid_has_a_korean_translation(ko_catalog):
    translations = {_key(m): m for m in ko_catalog if m.id}
    missing, fuzzy = [], []
    for message in extract_source_catalog():
        if not message.id:
            continue
        found = translations.get(_key(message))
        where = ", ".join(f"{path}:{line}" for path, line in message.locations[:2])
        label = f"{_key(message)[1]!r} ({where})"
        if found is None or not _translated(found):
            missing.append(label)
        elif found.fuzzy:
            fuzzy.append(label)
    assert not missing and not fuzzy, (
        f"{len(missing)} msgid(s) without a Korean translation and {len(fuzzy)} fuzzy one(s) in "
        f"{KO_PO.relative_to(ROOT)}; run `scripts/i18n.sh update` and translate them.\n"
        + "".join(f"  missing: {m}\n" for m in missing)
        + "".join(f"  fuzzy:   {m}\n" for m in fuzzy)
    )


def test_catalogue_has_no_fuzzy_entries(ko_catalog):
    fuzzy = [_key(m)[1] for m in ko_catalog if m.id and m.fuzzy]
    assert not fuzzy, f"fuzzy entries in {KO_PO.name}: {fuzzy}"


def test_korean_strings_keep_the_placeholders(ko_catalog):
    broken = []
    for message in ko_catalog:
        if not message.id or not _translated(message):
            continue
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        expected = sorted(FORMAT_SPEC.findall(ids[-1]))
        for string in strings:
            got = sorted(FORMAT_SPEC.findall(string))
            if got != expected:
                broken.append(f"  {ids[0]!r}: expected {expected}, got {got} in {string!r}")
    assert not broken, "Korean strings whose placeholders differ from the msgid's:\n" + "\n".join(
        broken
    )


def get_page(client, url: str):
    return client.get(url)


def test_login_page_is_korean_by_default(client):
    response = get_page(client, "/login")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="ko">' in html
    assert "로그인" in html
    assert "Sign in" not in html


def test_login_page_is_english_after_choosing_english(client):
    response = client.post("/language", data={"locale": "en", "next": "/login"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/login")

    html = get_page(client, "/login").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Sign in" in html
    assert "로그인" not in html

    client.post("/language", data={"locale": "ko", "next": "/login"})
    html = get_page(client, "/login").get_data(as_text=True)
    assert '<html lang="ko">' in html and "로그인" in html


def test_templates_and_filters_follow_a_locale_forced_in_the_middle_of_a_request(app):
    """The translations and the formatting filters read the settled locale without Flask-Babel's
    lookups; forcing another locale mid-request (an e-mail in the recipient's language) and
    leaving it must still switch both ways."""
    from datetime import date

    from flask import render_template_string
    from flask_babel import force_locale

    page = "{{ _('Search') }} {{ 1234567|number }} {{ day|day }} {{ 5000|won }}"
    with app.test_request_context():
        korean = render_template_string(page, day=date(2026, 3, 2))
        with force_locale("en"):
            english = render_template_string(page, day=date(2026, 3, 2))
        again = render_template_string(page, day=date(2026, 3, 2))
    assert korean.startswith("검색 1,234,567 2026. 3. 2.") and korean.endswith("5,000원")
    assert english == "Search 1,234,567 Mar 2, 2026 ₩5,000"
    assert again == korean
