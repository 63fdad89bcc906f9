from datetime import date, datetime

from babel.numbers import format_percent
from flask_babel import force_locale

from academy.formatting import day, number, percent, won


def test_money_is_whole_won_in_each_locale(app):
    with app.test_request_context():
        with force_locale("ko"):
            assert won(1234567) == "1,234,567원"
        with force_locale("en"):
            assert won(200000) == "₩200,000"
        assert won(None) == "–"


def test_numbers_and_percentages_follow_the_locale(app):
    with app.test_request_context():
        with force_locale("en"):
            assert number(3300) == "3,300"
            assert percent(0.8234) == "82.3%"
        with force_locale("ko"):
            assert percent(0.9) == "90.0%"


def test_timestamps_are_shown_in_seoul_time(app):
    # Stored in UTC: 2025-03-09 16:30 UTC is 2025-03-10 01:30 in Seoul.
    with app.test_request_context():
        with force_locale("en"):
            assert "Mar 10, 2025" in day(datetime(2025, 3, 9, 16, 30))
            assert day(date(2025, 3, 10)) == "Mar 10, 2025"
        with force_locale("ko"):
            assert day(date(2025, 3, 10)) == "2025. 3. 10."


def test_korean_times_read_오전_and_오후(app):
    with app.test_request_context(), force_locale("ko"):
        assert day(datetime(2025, 3, 10, 10, 40)) == "2025. 3. 10. 오후 7:40"  # 19:40 in Seoul
        assert day(datetime(2025, 3, 10, 0, 5), "short") == "25. 3. 10. 오전 9:05"


def test_percentages_read_exactly_as_babel_writes_them(app):
    """The quick path for rates must give Babel's text for every value: its rounding (the
    float's shortest decimal, half to even) included, which plain float formatting gets wrong
    on values such as 0.1225 or 0.00125."""
    values = [n / d for d in range(1, 120) for n in range(0, d + 1)]
    values += [0.1225, 0.00125, 0.00005, 1e-9, 12.3456, 1234.56789, -0.1225, -0.00001, 2 / 3]
    for locale in ("ko", "en"):
        with app.test_request_context(), force_locale(locale):
            for digits in (0, 1, 2):
                pattern = "#,##0." + "0" * digits + "%" if digits else "#,##0%"
                for value in values:
                    assert percent(value, digits) == format_percent(
                        value, pattern, locale=locale
                    ), (locale, digits, value)
