"""Numbers, money, dates and enum labels formatted for the reader's locale (Jinja filters)."""

from datetime import date, datetime

from flask import Flask
from flask_babel import format_date, format_datetime, format_decimal, format_percent, get_locale

from academy.labels import label_for


def won(amount: int | None) -> str:
    """Money is whole won: 1,234원 in Korean, ₩1,234 in English."""
    if amount is None:
        return "–"
    number = format_decimal(int(amount))
    if str(get_locale()) == "ko":
        return f"{number}원"
    return f"₩{number}"


def number(value: int | float | None) -> str:
    return "–" if value is None else format_decimal(value)


def percent(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    return format_percent(value, format="#,##0." + "0" * digits + "%" if digits else "#,##0%")


KOREAN_DATETIME = {"short": "yy. M. d. aaaa h:mm", "medium": "yyyy. M. d. aaaa h:mm"}


def day(value: date | datetime | None, fmt: str = "medium") -> str:
    if value is None:
        return "–"
    if isinstance(value, datetime):
        # CLDR's abbreviated Korean day period is "AM/PM"; Korean pages write 오전/오후.
        if str(get_locale()) == "ko" and fmt in KOREAN_DATETIME:
            return format_datetime(value, KOREAN_DATETIME[fmt])
        return format_datetime(value, fmt)
    return format_date(value, fmt)


def register(app: Flask) -> None:
    app.jinja_env.filters.update(won=won, number=number, percent=percent, day=day, label=label_for)
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale())
