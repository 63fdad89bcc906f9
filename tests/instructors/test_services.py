from datetime import date, datetime

from academy.instructors.services import counted_experience
from academy.models import CareerField, CareerPeriod

VERIFIED = datetime(2025, 1, 1)


def period(start, end, field=CareerField.AI, verified=True):
    return CareerPeriod(
        employer="회사", role_title="개발자", field=field, starts_on=start, ends_on=end,
        verified_at=VERIFIED if verified else None,
    )  # fmt: skip


def test_overlapping_periods_count_once():
    periods = [
        period(date(2020, 1, 1), date(2020, 12, 31)),
        period(date(2020, 7, 1), date(2021, 6, 30), field=CareerField.SOFTWARE),
    ]
    experience = counted_experience(periods, as_of=date(2025, 1, 1))
    assert experience.days == (date(2021, 6, 30) - date(2020, 1, 1)).days + 1
    assert not experience.qualified


def test_only_verified_ai_or_software_periods_count():
    periods = [
        period(date(2018, 1, 1), date(2021, 12, 31), field=CareerField.OTHER),
        period(date(2022, 1, 1), date(2023, 12, 31), verified=False),
        period(date(2024, 1, 1), date(2024, 12, 31)),
    ]
    assert counted_experience(periods, as_of=date(2025, 6, 1)).days == 366


def test_ongoing_period_counts_up_to_the_date_that_matters():
    periods = [period(date(2023, 3, 1), None)]
    assert not counted_experience(periods, as_of=date(2025, 2, 27)).qualified
    assert counted_experience(periods, as_of=date(2025, 3, 1)).qualified
    assert counted_experience(periods, as_of=date(2022, 1, 1)).days == 0


def test_shortfall_is_reported_in_days_and_years_months():
    experience = counted_experience(
        [period(date(2024, 1, 1), date(2024, 12, 30))], date(2025, 1, 1)
    )
    assert experience.days == 365
    assert experience.years_months == (1, 0)
    assert experience.shortfall_days == 731 - 365  # 2023-01-01 to 2025-01-01 spans 731 days
