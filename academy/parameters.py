"""What a URL may carry, decided once for every route (issue 13, item 5: inputs that gave 500s).

- Path ids (`<int:...>`) are database integers: the converter matches only 1 to 2**31 − 1, the
  range of PostgreSQL's `integer` primary keys, so any other id is a 404 before the view runs,
  on every route at once.
- Query and form values never hold a NUL character (PostgreSQL refuses it in text, and no form
  of the app takes one): such a request is a 400.
- `query_int` reads a number from the query string within a range, for pages and years.
"""

from datetime import date

import wtforms
from flask import Flask, abort, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

DB_INT_MAX = 2**31 - 1
# No page list is longer than this many pages, and an OFFSET beyond it overflows nothing.
MAX_PAGE = 100_000
# Cohort years, programmes, targets and reports: every year a form, a query or a report takes.
MIN_YEAR, MAX_YEAR = 2020, 2100


class DatabaseIdConverter(IntegerConverter):
    """`<int:x>`: a positive integer that fits a database integer column."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", DB_INT_MAX)
        super().__init__(map, *args, **kwargs)


class BadParameter(BadRequest):
    """A 400 whose message the error page shows (in the user's language)."""

    def __init__(self, message):
        super().__init__(description=str(message))


def query_int(
    name: str, default: int | None = None, *, low: int = 1, high: int = DB_INT_MAX
) -> int | None:
    """The query parameter as an integer in [low, high]; `default` when it is absent or blank.
    Anything else (not a number, out of range) is a 400 that says which parameter."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 12 or not low <= int(raw) <= high:
        raise BadParameter(_l("The value of %(name)s is not valid.", name=name))
    return int(raw)


def page_arg() -> int:
    """The page= of a list: 1 when absent; beyond any list's length, no such page."""
    raw = request.args.get("page", "").strip()
    if not raw:
        return 1
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 7 or not 1 <= int(raw) <= MAX_PAGE:
        abort(404)
    return int(raw)


def year_arg(name: str = "year", default: int | None = None) -> int | None:
    return query_int(name, default, low=MIN_YEAR, high=MAX_YEAR)


def refuse_nul_bytes():
    """A NUL in any query or form value (or in the path) is refused before a view sees it."""
    if "\x00" in request.path:
        abort(404)
    sources = [request.args] + ([request.form] if request.method != "GET" else [])
    for values in sources:
        for key, value in values.items(multi=True):
            if "\x00" in key or "\x00" in value:
                raise BadParameter(_l("The request holds a character that is not allowed."))
    return None


def register_converters(app: Flask) -> None:
    """Before any blueprint adds its rules: the converter is chosen when a rule is added."""
    app.url_map.converters["int"] = DatabaseIdConverter


def register(app: Flask) -> None:
    app.before_request(refuse_nul_bytes)


MIN_DATE, MAX_DATE = date(1900, 1, 1), date(2100, 12, 31)


class DateField(wtforms.DateField):
    """Every date the app takes, in one field: 1900 to 2100. A birth date, a cohort day, a
    filter's as-of day: nothing outside that span is meant, and dates near the ends of Python's
    calendar overflow the arithmetic (an as-of day plus 180 days) the pages do with them."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not MIN_DATE <= self.data <= MAX_DATE:
            self.data = None
            raise ValueError(_l("Enter a date from 1900 to 2100."))


class IntegerField(wtforms.IntegerField):
    """Every whole number a form takes, at most MAX_DIGITS digits: WTForms' NumberRange turns
    the number into a float (math.isnan), which overflows on a few hundred digits."""

    MAX_DIGITS = 15  # beyond any count, year or sum of won the app holds

    def process_formdata(self, valuelist):
        if valuelist and len(str(valuelist[0]).strip().lstrip("+-")) > self.MAX_DIGITS:
            self.data = None
            raise ValueError(_l("Enter a number of at most 15 digits."))
        super().process_formdata(valuelist)


def bounded_date(value: date) -> date:
    """A date from outside a form (the JSON API, the CLI), held to the same span."""
    if not MIN_DATE <= value <= MAX_DATE:
        raise ValueError(value)
    return value


def database_ids(form, field) -> None:
    """A WTForms validator for fields holding record ids (one, or a list): each must fit a
    database integer, as path ids do (an oversized enrolment_id gave a 500 on PostgreSQL)."""
    values = field.data if isinstance(field.data, list | tuple) else [field.data]
    for value in values:
        if value in (None, ""):
            continue
        text = str(value)
        if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= DB_INT_MAX:
            raise wtforms.validators.StopValidation(_l("The request could not be read."))
