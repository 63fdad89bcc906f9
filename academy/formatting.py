"""Numbers, money, dates and enum labels formatted for the reader's locale (Jinja filters)."""

from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from functools import cache

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from flask import Flask
from flask_babel import format_datetime, format_decimal, format_percent

from academy.i18n import request_locale as get_locale
from academy.labels import GLOSSARY, label_for


def won(amount: int | None) -> str:
    """Money is whole won: 1,234원 in Korean, ₩1,234 in English."""
    if amount is None:
        return "–"
    whole = number(int(amount))
    if str(get_locale()) == "ko":
        return f"{whole}원"
    return f"₩{whole}"


@cache
def _plain_grouping(locale: Locale) -> bool:
    """Whether the locale writes whole numbers as Python's `{:,}` does (-1,234,567): then a
    dashboard's hundreds of counts skip Babel's pattern formatting (~15 µs each), same text."""
    return babel_numbers.format_decimal(-1234567, locale=locale) == f"{-1234567:,}"


def number(value: int | float | None) -> str:
    if value is None:
        return "–"
    if type(value) is int and _plain_grouping(get_locale()):
        return f"{value:,}"
    return format_decimal(value)


def _percent_pattern(digits: int) -> str:
    return "#,##0." + "0" * digits + "%" if digits else "#,##0%"


@cache
def _plain_percent(locale: Locale) -> bool:
    """Whether the locale writes a percentage as Python's `{:,.1f}%` does: then a dashboard's
    hundreds of rates skip Babel's pattern engine (~40 µs each), rounding as Babel rounds
    (the float's shortest decimal form, half to even)."""
    sample = -1234567.891
    return babel_numbers.format_percent(
        sample / 100, _percent_pattern(1), locale=locale
    ) == _fast_percent(sample / 100, 1) and babel_numbers.format_percent(
        0.5, _percent_pattern(0), locale=locale
    ) == _fast_percent(0.5, 0)


def _fast_percent(value: float, digits: int) -> str:
    scaled = Decimal(str(value)).scaleb(2).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_EVEN)
    return f"{scaled:,.{digits}f}%"


def percent(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    if _plain_percent(get_locale()):
        return _fast_percent(value, digits)
    return format_percent(value, format=_percent_pattern(digits))


KOREAN_DATETIME = {"short": "yy. M. d. aaaa h:mm", "medium": "yyyy. M. d. aaaa h:mm"}


def day(value: date | datetime | None, fmt: str = "medium") -> str:
    if value is None:
        return "–"
    if isinstance(value, datetime):
        # CLDR's abbreviated Korean day period is "AM/PM"; Korean pages write 오전/오후.
        if str(get_locale()) == "ko" and fmt in KOREAN_DATETIME:
            return format_datetime(value, KOREAN_DATETIME[fmt])
        return format_datetime(value, fmt)
    # Flask-Babel's format_date would look the locale and the app's formats up again per date;
    # a date is not moved to another time zone, and the app sets no custom date formats.
    return babel_dates.format_date(value, fmt, locale=get_locale())


def register(app: Flask) -> None:
    app.jinja_env.filters.update(won=won, number=number, percent=percent, day=day, label=label_for)
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale())
    app.jinja_env.globals["kpi_glossary"] = GLOSSARY
