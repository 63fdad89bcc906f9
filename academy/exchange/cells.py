"""Cell parsers: what coordinators really type, turned into values or a reason in their language.

Each parser takes the raw cell (str, int, float, datetime or None) and returns a value, or raises
CellError whose message tells the user what was expected.
"""

import math
import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email
from flask_babel import format_date
from flask_babel import lazy_gettext as _l


class CellError(ValueError):
    """The cell could not be read; args[0] is a translatable message."""


class ExcelError(str):
    """An error Excel shows in the cell instead of a value: #VALUE!, #N/A, #REF!, #DIV/0!…"""


class FormulaWithoutResult(str):
    """A formula whose result the file does not hold (saved by a program that does not
    calculate, or with calculation off): the text is the formula."""


# Characters a person cannot see: format characters (zero-width space and joiners, direction
# marks, soft hyphen, the BOM) and the Hangul fillers a Korean keyboard can type.
HANGUL_FILLERS = frozenset("\u115f\u1160\u3164\uffa0")


def _character_class(chars) -> str:
    return "[" + "".join(re.escape(c) for c in chars) + "]"


def _by_category() -> dict[str, list[str]]:
    """Format characters (Cf) and spaces (Zs): outside planes 0–1 only the tags (U+E00xx)."""
    found: dict[str, list[str]] = {"Cf": [], "Zs": []}
    for code in (*range(0x20000), *range(0xE0000, 0xE0080)):
        char = chr(code)
        category = unicodedata.category(char)
        if category in found:
            found[category].append(char)
    return found


_CATEGORIES = _by_category()
INVISIBLE = re.compile(_character_class(_CATEGORIES["Cf"] + sorted(HANGUL_FILLERS)))
SPACES = re.compile(_character_class(_CATEGORIES["Zs"]))


def is_invisible(char: str) -> bool:
    return INVISIBLE.match(char) is not None


def describe_character(char: str) -> str:
    """“é” (U+00E9 LATIN SMALL LETTER E WITH ACUTE), or U+200B ZERO WIDTH SPACE for one the
    reader cannot see: how to point at a character."""
    name = f"U+{ord(char):04X} {unicodedata.name(char, '')}".strip()
    if char.isprintable() and not char.isspace() and not is_invisible(char):
        return f"“{char}” ({name})"
    return name


def clean(value: str) -> str:
    """Text as a person reads it: composed Hangul (NFC: a Mac writes names decomposed), no
    invisible characters, every kind of space (NBSP, the ideographic space) a plain space."""
    if value.isascii():
        return value  # nothing to compose, hide or widen
    return SPACES.sub(" ", INVISIBLE.sub("", unicodedata.normalize("NFC", value)))


def folded(value: object) -> str:
    """A cell as text with full-width letters, digits and signs made plain (NFKC): what e-mails,
    phones, dates and numbers are read from. `２０００－０７－３１` reads as 2000-07-31."""
    return text(unicodedata.normalize("NFKC", value) if isinstance(value, str) else value)


def is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def text(value: object) -> str:
    """A cell as trimmed text; whole numbers lose Excel's '.0'."""
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    return " ".join(str(value).split())


# Excel counts days from 1899-12-30 (the 1900 leap-year bug included).
EXCEL_EPOCH = date(1899, 12, 30)
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})\.?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
    re.compile(r"^(\d{4})\s*년\s*(\d{1,2})\s*월\s*(\d{1,2})\s*일$"),
)
# Two-digit years (950310, 95.03.10): the most recent such year not in the future.
_SHORT_DATE_PATTERNS = (
    re.compile(r"^(\d{2})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})\.?$"),
    re.compile(r"^(\d{2})(\d{2})(\d{2})$"),
)
# A weekday after the date, as Korean calendars write it: 2025-03-10(월), 2025.3.10 (Mon), and
# Excel's Korean long date, 2025년 3월 10일 월요일 (the group is the weekday, to check it).
_WEEKDAY = re.compile(
    r"\s*(?:\(\s*([월화수목금토일](?:요일)?|mon|tue|wed|thu|fri|sat|sun)\s*\)"
    r"|\s([월화수목금토일]요일|monday|tuesday|wednesday|thursday|friday|saturday|sunday))$",
    re.IGNORECASE,
)
_WEEKDAYS = ("월화수목금토일", ("mon", "tue", "wed", "thu", "fri", "sat", "sun"))
# A time after the date, as a datetime cell saved to CSV writes it: 2025-03-10 09:30,
# 2025-03-10 오전 12:00:00 (Korean Windows), 2025-03-10T09:30:00. The day is the date's.
_TIME = re.compile(
    r"(?:\s+|T)(?:(?:오전|오후|am|pm)\s*)?\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
    r"(?:\s*(?:오전|오후|am|pm))?$",
    re.IGNORECASE,
)


def _weekday_index(name: str) -> int:
    name = name.lower()
    if name[0] in _WEEKDAYS[0]:
        return _WEEKDAYS[0].index(name[0])
    return _WEEKDAYS[1].index(name[:3])


_MASKED_RESIDENT_NUMBER = re.compile(r"^\d{6}-[1-8]\*{6}$")


def _century(short_year: int) -> int:
    this_year = date.today().year
    year = this_year - this_year % 100 + short_year
    return year if year <= this_year else year - 100


def parse_date(value: object) -> date:
    """2025-03-10, 2025.03.10, 2025/3/10, 20250310, 2025년 3월 10일, 950310, an Excel date or
    serial; full-width digits and a weekday in brackets are read too."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 20000 <= value <= 80000:  # an Excel serial between 1954 and 2119
            return EXCEL_EPOCH + timedelta(days=int(value))
        value = text(value)
    raw = folded(value)
    if _MASKED_RESIDENT_NUMBER.match(raw):
        raise CellError(
            _l(
                "a resident registration number: write only the date of birth (e.g. 1995-03-10). "
                "The law forbids keeping the number, and it was not kept."
            )
        )
    raw = _TIME.sub("", raw.strip())
    weekday = _WEEKDAY.search(raw)
    if weekday:
        raw = raw[: weekday.start()]
    for patterns, full_year in ((_DATE_PATTERNS, True), (_SHORT_DATE_PATTERNS, False)):
        for pattern in patterns:
            match = pattern.match(raw)
            if match:
                year, month, day = (int(part) for part in match.groups())
                if not full_year:
                    year = _century(year)
                try:
                    found = date(year, month, day)
                except ValueError as error:
                    raise CellError(
                        _l(
                            "no such day in the calendar (the month runs 1–12, the day to the "
                            "month's last): write it as 2025-03-10"
                        )
                    ) from error
                if weekday and found.weekday() != _weekday_index(
                    weekday.group(1) or weekday.group(2)
                ):
                    raise CellError(
                        _l(
                            "%(date)s is a %(weekday)s, not the weekday written beside it: check "
                            "which day is meant and write it as 2025-03-10",
                            date=found.isoformat(),
                            weekday=format_date(found, "EEEE"),
                        )
                    )
                return found
    raise CellError(_l("not a date: write it as 2025-03-10"))


_YES = {
    "y",
    "yes",
    "예",
    "네",
    "o",
    "true",
    "1",
    "ㅇ",
    "있음",
    "해당",
    "해당함",
    "대상",
    "○",
    "◯",
    "●",
    "◎",
    "v",
    "✓",
    "✔",
    "☑",
}
_NO = {
    "n",
    "no",
    "아니오",
    "아니요",
    "x",
    "false",
    "0",
    "없음",
    "해당없음",
    "비해당",
    "비대상",
    "×",
    "✕",
    "✗",
    "✘",
    "☐",
}


def parse_yes_no(value: object) -> bool:
    """Y/N, 예/아니오, O/X, ○/×, true/false (case, spaces and full-width letters ignored)."""
    if isinstance(value, bool):
        return value
    raw = "".join(folded(value).lower().split())
    if raw in _YES:
        return True
    if raw in _NO:
        return False
    raise CellError(_l("neither yes nor no: write Y or N (예/아니오, O/X and ○/× also work)"))


_PHONE_SEPARATORS = re.compile(r"[\s\-‐–—.()/]")


def parse_phone(value: object) -> str:
    """A Korean mobile number as 010-1234-5678; a number stored as a number gets its 0 back,
    +82 10… becomes 010…, full-width digits are read as digits."""
    digits = _PHONE_SEPARATORS.sub("", folded(value))
    if digits.startswith("+82"):
        digits = "0" + digits[3:].removeprefix("0")
    if not re.fullmatch(r"[0-9]+", digits):
        raise CellError(
            _l("not a mobile phone number (only digits and hyphens): write it as 010-1234-5678")
        )
    if len(digits) == 10 and digits.startswith("10"):
        digits = "0" + digits  # 010… typed into a number cell lost its leading zero
    if len(digits) == 11 and digits.startswith("01"):
        return f"{digits[:3]}-{digits[3:7]}-{digits[7:]}"
    if len(digits) == 10 and digits.startswith("01"):
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    raise CellError(_l("not a mobile phone number: write it as 010-1234-5678"))


_EMAIL_CHARACTERS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~@-]")
# The common address (name.part+tag@host.example.com), which email_validator accepts exactly as
# written: a third of a roster import's time went to validating such addresses in full. Anything
# else (quoted parts, punycode labels, numeric or reserved top-level names, length limits) still
# goes through email_validator, as do labels with hyphens third and fourth (IDNA reserves them:
# "xn--" and any "ab--").
_PLAIN_EMAIL = re.compile(
    r"(?=.{6,254}$)(?=[^@]{1,64}@)[a-z0-9_+-]+(?:\.[a-z0-9_+-]+)*"
    r"@(?:(?![a-z0-9]{2}--)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+([a-z]{2,63})"
)
_RESERVED_DOMAINS = tuple(SPECIAL_USE_DOMAIN_NAMES)


def _plain_email(raw: str) -> bool:
    match = _PLAIN_EMAIL.fullmatch(raw)
    if match is None:
        return False
    domain = raw.rpartition("@")[2]
    return not any(domain == name or domain.endswith("." + name) for name in _RESERVED_DOMAINS)


def parse_email(value: object) -> str:
    """An address as typed, with full-width letters made plain and spaces dropped; a refusal
    says what is wrong with it, naming any character that does not belong, and where."""
    raw = clean(value) if isinstance(value, str) else value
    raw = "".join(folded(raw).replace("。", ".").split()).lower()
    if _plain_email(raw):
        return raw
    try:
        # A Hangul address is the Korean keyboard left on (ㅏㅑㅡ for kim): logins are ASCII.
        checked = validate_email(raw, check_deliverability=False, allow_smtputf8=False)
        return checked.normalized.lower()
    except EmailNotValidError as error:
        for position, char in enumerate(raw, start=1):
            if not _EMAIL_CHARACTERS.fullmatch(char):
                raise CellError(
                    _l(
                        "not a valid e-mail address: character %(position)s is %(name)s, which "
                        "does not belong in an address: retype it",
                        position=position,
                        name=describe_character(char),
                    )
                ) from error
        if raw.count("@") != 1:
            raise CellError(
                _l("not a valid e-mail address: it needs exactly one @, as in name@example.com")
            ) from error
        raise CellError(_l("not a valid e-mail address: write it as name@example.com")) from error


# Far above any pay, hours or months, and inside the database's integer range. It also keeps
# "1e999999999" from turning into a billion-digit integer.
MAX_WHOLE_NUMBER = 10**12


_NUMBER_UNITS = ("원", "시간", "개월", "명", "hours", "months")


def parse_whole_number(value: object) -> int:
    """A whole number; thousands separators, a unit (원, 시간, 개월) and 만 (ten thousand:
    280만원) are allowed; full-width digits are read as digits."""
    if isinstance(value, bool):
        raise CellError(_l("not a whole number"))
    if isinstance(value, int):
        number = Decimal(value)
    else:
        raw = folded(value).replace(",", "").replace(" ", "").lower()
        for unit in _NUMBER_UNITS:
            raw = raw.removesuffix(unit)
        scale = 1
        if raw.endswith("만"):
            raw, scale = raw.removesuffix("만"), 10_000
        try:
            number = Decimal(raw)
        except InvalidOperation as error:
            raise CellError(_l("not a whole number")) from error
        if number.is_finite() and number.copy_abs() < MAX_WHOLE_NUMBER:
            number *= scale
    if not number.is_finite():
        raise CellError(_l("not a whole number"))
    if number.copy_abs() >= MAX_WHOLE_NUMBER:
        raise CellError(_l("too large a number"))
    if number != number.to_integral_value():
        raise CellError(_l("not a whole number"))
    return int(number)


def parse_name(value: object) -> str:
    """A name as people read it: composed Hangul, no invisible characters (any caller)."""
    name = text(clean(value) if isinstance(value, str) else value)
    if len(name) > 100:
        raise CellError(_l("longer than 100 characters"))
    return name


_BUSINESS_NUMBER_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)


def business_number_valid(digits: str) -> bool:
    """The check digit of a business registration number (사업자등록번호), the National Tax
    Service's rule: the first nine digits weighted 1,3,7,1,3,7,1,3,5, plus the tens of the ninth
    digit × 5; the tenth digit brings the sum to a multiple of ten."""
    if not re.fullmatch(r"[0-9]{10}", digits):
        return False
    numbers = [int(d) for d in digits]
    total = sum(n * w for n, w in zip(numbers, _BUSINESS_NUMBER_WEIGHTS, strict=False))
    total += numbers[8] * 5 // 10
    return (10 - total % 10) % 10 == numbers[9]


def parse_business_number(value: object) -> str:
    """A business registration number as 123-45-67890: hyphens, spaces and full-width digits are
    read; ten digits whose check digit is right."""
    digits = re.sub(r"[\s\-‐–—.]", "", folded(value))
    if not re.fullmatch(r"[0-9]+", digits) or len(digits) != 10:
        raise CellError(_l("not a business registration number: ten digits, as 123-45-67890"))
    if not business_number_valid(digits):
        raise CellError(
            _l(
                "not a valid business registration number: its check digit is wrong (a typing "
                "mistake?)"
            )
        )
    return f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"
