"""The years a page offers come from the data's dates, newest first, and always include this
year (Seoul's); the default is the latest year up to this one that has data."""

from datetime import date

from academy.clock import seoul_today
from academy.models import Cohort
from academy.years import latest_year, year_span
from tests import factories


def test_no_dates_offer_this_year_alone():
    assert year_span(None, None) == [seoul_today().year]


def test_the_span_runs_from_this_year_back_to_the_first_date():
    this_year = seoul_today().year
    assert year_span(date(this_year - 2, 5, 1), date(this_year - 1, 1, 1)) == [
        this_year,
        this_year - 1,
        this_year - 2,
    ]


def test_a_date_in_a_later_year_opens_the_span_to_that_year():
    this_year = seoul_today().year
    assert year_span(date(this_year, 3, 1), date(this_year + 1, 2, 1)) == [this_year + 1, this_year]


def test_the_latest_year_ignores_dates_after_this_year(db):
    this_year = seoul_today().year
    factories.CohortFactory(starts_on=date(this_year - 3, 3, 1), ends_on=date(this_year - 3, 8, 1))
    factories.CohortFactory(starts_on=date(this_year + 1, 3, 1), ends_on=date(this_year + 1, 8, 1))
    db.session.commit()
    assert latest_year(Cohort.ends_on) == this_year - 3


def test_the_latest_year_is_this_year_without_data(db):
    assert latest_year(Cohort.ends_on) == seoul_today().year
