"""Korean particles (조사) that agree with the word before them, and dates that end a sentence.

A Korean particle depends on how the word before it is read: 150,000원을, 홍길동을, 이수지를.
A translation cannot know the word a placeholder will hold, so the catalogue writes the pair,
the way Korean software always has ("%(amount)s을(를)"), and `tidy()` replaces each pair with
the one that fits the word in front of it once the message is formatted. Every gettext call of
the app goes through it (academy.i18n installs it for Python and Jinja alike).

A Korean date written by CLDR ends with a period ("2026. 11. 30."); a sentence that ends with
such a date gets one period, not two.
"""

import re

from markupsafe import Markup

HANGUL_FIRST, HANGUL_LAST = 0xAC00, 0xD7A3
FINALS = (
    "ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ"  # the 27 final consonants, in order
)

# How a digit is read in Sino-Korean, and whether that reading ends in a consonant (ㄹ apart).
DIGIT_FINAL = {
    "0": "ㅇ",
    "1": "ㄹ",
    "2": "",
    "3": "ㅁ",
    "4": "",
    "5": "",
    "6": "ㄱ",
    "7": "ㄹ",
    "8": "ㄹ",
    "9": "",
}
# The unit a run of trailing zeros is read as: 10 십, 100 백, 1,000 천, 10,000 만, 10⁸ 억, 10¹² 조.
ZEROS_FINAL = {1: "ㅂ", 2: "ㄱ", 3: "ㄴ", 4: "ㄴ", 8: "ㄱ", 12: ""}
# Latin letters read one by one (AI, SK, KT): 엘, 엠, 엔, 알 end in a consonant.
LETTER_FINAL = {"L": "ㄹ", "M": "ㅁ", "N": "ㄴ", "R": "ㄹ"}
# What may stand between a word and its particle without being read: closing quotes and
# brackets, and the end of an HTML element around the word.
SILENT_TAIL = re.compile(r"(?:</?[a-zA-Z][^<>]*>|[\"'’”」』)\]\s])+$")

PAIRS = {
    # written form: (after a final consonant, after a vowel)
    "을(를)": ("을", "를"),
    "를(을)": ("을", "를"),
    "은(는)": ("은", "는"),
    "는(은)": ("은", "는"),
    "이(가)": ("이", "가"),
    "가(이)": ("이", "가"),
    "과(와)": ("과", "와"),
    "와(과)": ("과", "와"),
    "아(야)": ("아", "야"),
    "(으)로": ("으로", "로"),
    "(이)": ("이", ""),  # (이)라는, (이)나, (이)며: the copula's 이 drops after a vowel
}
PAIR_PATTERN = re.compile("|".join(re.escape(p) for p in PAIRS))
KOREAN_DATE_END = re.compile(r"\b\d{2,4}\. \d{1,2}\. \d{1,2}\.$")
DATE_THEN_PERIOD = re.compile(r"(\b\d{2,4}\. \d{1,2}\. \d{1,2}\.)\.")


def final_consonant(word: str) -> str | None:
    """The final consonant of how `word` is read ("" when it ends in a vowel); None when the
    reading cannot be told (an empty word, a symbol)."""
    word = SILENT_TAIL.sub("", word)
    if not word:
        return None
    if KOREAN_DATE_END.search(word):
        return "ㄹ"  # 2026. 11. 30. is read 2026년 11월 30일
    last = word[-1]
    code = ord(last)
    if HANGUL_FIRST <= code <= HANGUL_LAST:
        final = (code - HANGUL_FIRST) % 28
        return FINALS[final - 1] if final else ""
    if last in DIGIT_FINAL:  # 0-9 only: ², ٣ or ① have no reading here (str.isdigit is wider)
        return _number_final(word)
    if last == "%":
        return ""  # 퍼센트
    if last.isascii() and last.isalpha():
        return _latin_final(word)
    return None


def _number_final(word: str) -> str:
    digits = re.search(r"[0-9,]*[0-9](?:\.[0-9]+)?$", word).group().replace(",", "")
    if "." in digits:
        return DIGIT_FINAL[digits[-1]]  # 3.5: 삼 점 오
    stripped = digits.rstrip("0")
    zeros = len(digits) - len(stripped)
    if not stripped:
        return DIGIT_FINAL["0"]
    if zeros == 0:
        return DIGIT_FINAL[digits[-1]]
    # 20 이십, 300 삼백, 150,000 십오만, 2,000,000 이백만: the last unit read decides.
    return ZEROS_FINAL[max(u for u in ZEROS_FINAL if u <= zeros) if zeros >= 4 else zeros]


def _latin_final(word: str) -> str:
    letters = re.search(r"[A-Za-z]+$", word).group()
    if letters.isupper() and len(letters) <= 5:  # an acronym, read letter by letter
        return LETTER_FINAL.get(letters[-1], "")
    lower = letters.lower()
    if lower.endswith(("le", "l")):
        return "ㄹ"  # Google 구글, Oracle 오라클
    if lower.endswith(("m", "n", "ng")):
        return "ㄴ"
    return ""  # Microsoft 마이크로소프트, Nvidia 엔비디아


def particle(word: str, pair: str) -> str:
    """The particle of `pair` (one of PAIRS, e.g. "을(를)") that follows `word`."""
    after_consonant, after_vowel = PAIRS[pair]
    final = final_consonant(word)
    if final is None:
        return pair
    if pair == "(으)로":  # 로 after a vowel and after ㄹ: 서울로, 1,000원으로
        return after_vowel if final in ("", "ㄹ") else after_consonant
    return after_consonant if final else after_vowel


def _resolve(text: str) -> str:
    if "(" not in text:
        return text
    out, start = [], 0
    for match in PAIR_PATTERN.finditer(text):
        out.append(text[start : match.start()])
        before = "".join(out)
        out.append(particle(before, match.group()))
        start = match.end()
    out.append(text[start:])
    return "".join(out)


def tidy(text: str) -> str:
    """A formatted Korean message with its particles chosen and no double period after a date.
    Markup stays Markup: only particle text and a period change, never markup."""
    if not text or ("(" not in text and ".." not in text):
        return text
    result = DATE_THEN_PERIOD.sub(r"\1", _resolve(str(text)))
    return Markup(result) if isinstance(text, Markup) else result
