"""Cell parsers: what coordinators really type, turned into values or a reason in their language.

Each parser takes the raw cell (str, int, float, datetime or None) and returns a value, or raises
CellError whose message tells the user what was expected.
"""

import math
import re
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l


class CellError(ValueError):
    """The cell could not be read; args[0] is a translatable message."""


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
    re.compile(r"^(\d{4})년\s*(\d{1,2})월\s*(\d{1,2})일$"),
)


def parse_date(value: object) -> date:
    """2025-03-10, 2025.03.10, 2025/3/10, 20250310, 2025년 3월 10일, an Excel date or serial."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 20000 <= value <= 80000:  # an Excel serial between 1954 and 2119
            return EXCEL_EPOCH + timedelta(days=int(value))
        value = text(value)
    raw = text(value)
    # Excel's datetime text, e.g. "2025-03-10 00:00:00".
    raw = re.sub(r"\s+00:00(:00)?$", "", raw)
    for pattern in _DATE_PATTERNS:
        match = pattern.match(raw)
        if match:
            year, month, day = (int(part) for part in match.groups())
            try:
                return date(year, month, day)
            except ValueError:
                break
    raise CellError(_l("not a date: write it as 2025-03-10"))


_YES = {"y", "yes", "예", "네", "o", "true", "1", "ㅇ", "있음", "해당"}
_NO = {"n", "no", "아니오", "아니요", "x", "false", "0", "없음", "해당없음"}


def parse_yes_no(value: object) -> bool:
    """Y/N, 예/아니오, O/X, true/false (case and spaces ignored)."""
    if isinstance(value, bool):
        return value
    raw = text(value).lower()
    if raw in _YES:
        return True
    if raw in _NO:
        return False
    raise CellError(_l("write Y or N (예/아니오, O/X also work)"))


def parse_phone(value: object) -> str:
    """A Korean mobile number as 010-1234-5678; a number stored as a number gets its 0 back."""
    digits = re.sub(r"\D", "", text(value))
    if len(digits) == 10 and digits.startswith("10"):
        digits = "0" + digits  # 010… typed into a number cell lost its leading zero
    if len(digits) == 11 and digits.startswith("01"):
        return f"{digits[:3]}-{digits[3:7]}-{digits[7:]}"
    if len(digits) == 10 and digits.startswith("01"):
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    raise CellError(_l("not a mobile phone number: write it as 010-1234-5678"))


def parse_email(value: object) -> str:
    raw = text(value).replace(" ", "").lower()
    try:
        return validate_email(raw, check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise CellError(_l("not a valid e-mail address")) from error


# Far above any pay, hours or months, and inside the database's integer range. It also keeps
# "1e999999999" from turning into a billion-digit integer.
MAX_WHOLE_NUMBER = 10**12


def parse_whole_number(value: object) -> int:
    """A whole number; thousands separators and a trailing 원 are allowed."""
    if isinstance(value, bool):
        raise CellError(_l("not a whole number"))
    if isinstance(value, int):
        number = Decimal(value)
    else:
        raw = text(value).replace(",", "").removesuffix("원").strip()
        try:
            number = Decimal(raw)
        except InvalidOperation as error:
            raise CellError(_l("not a whole number")) from error
    if not number.is_finite():
        raise CellError(_l("not a whole number"))
    if number.copy_abs() >= MAX_WHOLE_NUMBER:
        raise CellError(_l("too large a number"))
    if number != number.to_integral_value():
        raise CellError(_l("not a whole number"))
    return int(number)


def parse_name(value: object) -> str:
    name = text(value)
    if len(name) > 100:
        raise CellError(_l("longer than 100 characters"))
    return name
