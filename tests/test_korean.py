"""Korean particles chosen from the word before them, and one period after a date."""

import re
from datetime import date
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask import render_template_string
from flask_babel import gettext, lazy_gettext
from markupsafe import Markup

from academy.formatting import day, won
from academy.korean import PAIRS, particle, tidy

CATALOGUE = Path(__file__).parent.parent / "academy/translations/ko/LC_MESSAGES/messages.po"


@pytest.mark.parametrize(
    ("word", "object_", "topic", "subject", "with_", "towards"),
    [
        ("홍길동", "을", "은", "이", "과", "으로"),  # 받침 ㅇ
        ("이수지", "를", "는", "가", "와", "로"),  # no 받침
        ("서울", "을", "은", "이", "과", "로"),  # 받침 ㄹ takes 로
        ("150,000원", "을", "은", "이", "과", "으로"),  # 원 ends in ㄴ
        ("1", "을", "은", "이", "과", "로"),  # 일
        ("2", "를", "는", "가", "와", "로"),  # 이
        ("3", "을", "은", "이", "과", "으로"),  # 삼
        ("6", "을", "은", "이", "과", "으로"),  # 육
        ("9", "를", "는", "가", "와", "로"),  # 구
        ("10", "을", "은", "이", "과", "으로"),  # 십
        ("100", "을", "은", "이", "과", "으로"),  # 백
        ("2,000", "을", "은", "이", "과", "으로"),  # 이천
        ("150,000", "을", "은", "이", "과", "으로"),  # 십오만
        ("200000000", "을", "은", "이", "과", "으로"),  # 이억
        ("1,000,000,000,000", "를", "는", "가", "와", "로"),  # 일조
        ("0", "을", "은", "이", "과", "으로"),  # 영
        ("3.5", "를", "는", "가", "와", "로"),  # 삼 점 오
        ("80.0%", "를", "는", "가", "와", "로"),  # 퍼센트
        ("SK", "를", "는", "가", "와", "로"),  # 에스케이
        ("IBM", "을", "은", "이", "과", "으로"),  # 아이비엠
        ("Google", "을", "은", "이", "과", "로"),  # 구글
        ("Microsoft", "를", "는", "가", "와", "로"),  # 마이크로소프트
        ("2026. 11. 30.", "을", "은", "이", "과", "로"),  # 30일
        ("<strong>홍길동</strong>", "을", "은", "이", "과", "으로"),
        ("‘이수지’", "를", "는", "가", "와", "로"),
    ],
)
def test_the_particle_follows_how_the_word_is_read(word, object_, topic, subject, with_, towards):
    assert particle(word, "을(를)") == object_
    assert particle(word, "은(는)") == topic
    assert particle(word, "이(가)") == subject
    assert particle(word, "과(와)") == with_
    assert particle(word, "(으)로") == towards


@pytest.mark.parametrize("word", ["강남²", "홍길동³", "강남٣", "A١", "10²", "①"])
def test_a_word_ending_in_a_digit_of_no_korean_reading_keeps_both_forms(word):
    """str.isdigit() is true of ², ³, ① and other scripts' digits: a campus name asked for in
    the API (?campus=강남²) gave a 500 through the message that names it."""
    assert particle(word, "을(를)") == "을(를)"
    assert tidy(f"{word}(이)라는 캠퍼스") == f"{word}(이)라는 캠퍼스"


def test_the_copula_drops_after_a_vowel():
    assert tidy("이수지(이)라는 캠퍼스") == "이수지라는 캠퍼스"
    assert tidy("종로캠퍼스(이)라는 캠퍼스") == "종로캠퍼스라는 캠퍼스"
    assert tidy("홍길동(이)라는 사람") == "홍길동이라는 사람"


def test_an_unreadable_word_keeps_both_forms():
    assert tidy("★을(를) 골랐습니다") == "★을(를) 골랐습니다"
    assert tidy("을(를) 골랐습니다") == "을(를) 골랐습니다"


def test_several_pairs_in_one_message_each_follow_their_own_word():
    assert tidy("홍길동은(는) 이수지와(과) 서울(으)로 갔다") == "홍길동은 이수지와 서울로 갔다"


def test_markup_stays_markup_and_escaped_text_is_not_unescaped():
    result = tidy(Markup("<b>서울</b>을(를) &lt;x&gt;"))
    assert isinstance(result, Markup)
    assert str(result) == "<b>서울</b>을 &lt;x&gt;"


def test_one_period_after_a_date_that_ends_a_sentence():
    assert tidy("신청 기간: 2026. 11. 30..") == "신청 기간: 2026. 11. 30."
    assert tidy("25. 3. 1.. 다음") == "25. 3. 1. 다음"
    assert tidy("버전 1.2..") == "버전 1.2.."  # not a date: left alone


def test_every_gettext_path_chooses_the_particle(app):
    with app.test_request_context():
        amount = won(150_000)
        assert gettext("%(a)s을(를) 지급", a=amount) == "150,000원을 지급"
        assert str(lazy_gettext("%(a)s(으)로", a="서울")) == "서울로"
        html = render_template_string(
            '{{ _("%(a)s을(를) 지급", a=a) }}|{% trans a=a %}{{ a }}이(가) 남음{% endtrans %}'
            '|{{ _("%(d)s.", d=d) }}',
            a=won(2_000),
            d=day(date(2026, 11, 30)),
        )
        assert html == "2,000원을 지급|2,000원이 남음|2026. 11. 30."


def test_every_korean_message_writes_a_particle_after_a_placeholder_as_a_pair():
    """A placeholder can hold any word, so a particle right after it is written as a pair
    ("%(amount)s을(를)") and chosen when the message is formatted."""
    single = re.compile(r"%\(\w+\)[sd](을|를|이|가|은|는|과|와|으로|로|라는|라고|이나|야|아)")
    with CATALOGUE.open("rb") as source:
        catalogue = read_po(source)
    wrong = []
    for message in catalogue:
        texts = [message.string] if isinstance(message.string, str) else message.string
        for text in texts:
            for match in single.finditer(text or ""):
                after = text[match.end() - len(match.group(1)) :]
                if not after.startswith(tuple(PAIRS)):
                    wrong.append(text[max(match.start() - 10, 0) : match.end() + 5])
    assert not wrong, wrong
