from datetime import date, datetime, timedelta

import pytest

from academy.instructors.services import (
    NotQualified,
    PeriodCount,
    assign_instructor,
    counted_experience,
    counts,
    describe_experience,
    required_days,
)
from academy.models import AssignmentRole, CareerField, CareerPeriod, InstructorAssignment, Role
from tests import factories
from tests.conftest import count_rows

VERIFIED = datetime(2025, 1, 1)


def period(start, end, field=CareerField.AI, verified=True):
    return CareerPeriod(
        employer="회사",
        role_title="개발자",
        field=field,
        starts_on=start,
        ends_on=end,
        verified_at=VERIFIED if verified else None,
    )


def test_overlapping_periods_count_once():
    periods = [
        period(date(2020, 1, 1), date(2020, 12, 31)),
        period(date(2020, 7, 1), date(2021, 6, 30), field=CareerField.SOFTWARE),
    ]
    experience = counted_experience(periods, as_of=date(2025, 1, 1))
    assert experience.days == (date(2021, 6, 30) - date(2020, 1, 1)).days + 1
    assert experience.spans == ((date(2020, 1, 1), date(2021, 6, 30)),)
    assert not experience.qualified


def test_a_period_inside_another_adds_nothing():
    outer = period(date(2019, 1, 1), date(2021, 12, 31))
    alone = counted_experience([outer], date(2025, 1, 1))
    with_inner = counted_experience(
        [outer, period(date(2020, 3, 1), date(2020, 9, 30))], date(2025, 1, 1)
    )
    assert with_inner.days == alone.days


def test_gaps_between_periods_are_not_counted():
    periods = [
        period(date(2019, 1, 1), date(2019, 12, 31)),  # 365 days
        period(date(2021, 1, 1), date(2021, 12, 31)),  # 365 days, a year's gap before it
    ]
    experience = counted_experience(periods, as_of=date(2025, 1, 1))
    assert experience.days == 730
    assert len(experience.spans) == 2
    assert not experience.qualified  # 2023-01-01 to 2025-01-01 spans 731 days


def test_adjacent_periods_join_without_a_gap():
    periods = [
        period(date(2022, 1, 1), date(2022, 12, 31)),
        period(date(2023, 1, 1), date(2023, 12, 31), field=CareerField.SOFTWARE),
    ]
    experience = counted_experience(periods, as_of=date(2025, 6, 1))
    assert experience.spans == ((date(2022, 1, 1), date(2023, 12, 31)),)
    assert experience.days == 730


def test_only_verified_ai_or_software_periods_count():
    periods = [
        period(date(2018, 1, 1), date(2021, 12, 31), field=CareerField.OTHER),
        period(date(2022, 1, 1), date(2023, 12, 31), verified=False),
        period(date(2024, 1, 1), date(2024, 12, 31)),
    ]
    assert counted_experience(periods, as_of=date(2025, 6, 1)).days == 366


def test_non_ai_periods_are_ignored_however_long():
    periods = [period(date(2010, 1, 1), date(2024, 12, 31), field=CareerField.OTHER)]
    experience = counted_experience(periods, date(2025, 1, 1))
    assert experience.days == 0 and not experience.qualified
    assert counts(periods[0], date(2025, 1, 1)) == PeriodCount.OTHER_FIELD


def test_unverified_periods_are_not_counted_until_verified():
    pending = period(date(2015, 1, 1), None, verified=False)
    assert counted_experience([pending], date(2025, 1, 1)).days == 0
    assert counts(pending, date(2025, 1, 1)) == PeriodCount.NOT_VERIFIED
    pending.verified_at = VERIFIED
    assert counted_experience([pending], date(2025, 1, 1)).qualified


def test_ongoing_period_counts_up_to_the_date_that_matters():
    periods = [period(date(2023, 3, 1), None)]
    assert not counted_experience(periods, as_of=date(2025, 2, 27)).qualified
    assert counted_experience(periods, as_of=date(2025, 3, 1)).qualified
    assert counted_experience(periods, as_of=date(2022, 1, 1)).days == 0
    assert counts(periods[0], date(2022, 1, 1)) == PeriodCount.NOT_STARTED


def test_a_finished_period_is_cut_at_the_date_that_matters():
    periods = [period(date(2023, 1, 1), date(2030, 12, 31))]
    assert counted_experience(periods, date(2023, 1, 10)).days == 10


def test_exactly_two_years_qualifies_and_one_day_less_does_not():
    # 2023-03-02 to 2025-03-01, both days worked, is exactly two years (over 29 February 2024).
    as_of = date(2025, 3, 1)
    exact = counted_experience([period(date(2023, 3, 2), as_of)], as_of)
    short = counted_experience([period(date(2023, 3, 2), as_of - timedelta(days=1))], as_of)
    assert required_days(as_of) == 731
    assert exact.days == 731 and exact.qualified and exact.shortfall_days == 0
    assert short.days == 730 and not short.qualified and short.shortfall_days == 1


def test_two_years_without_a_leap_day_is_730_days():
    as_of = date(2027, 6, 30)
    assert required_days(as_of) == 730
    assert counted_experience([period(date(2025, 7, 1), as_of)], as_of).qualified
    assert not counted_experience([period(date(2025, 7, 2), as_of)], as_of).qualified


def test_shortfall_is_reported_in_days_and_years_months():
    experience = counted_experience(
        [period(date(2024, 1, 1), date(2024, 12, 30))], date(2025, 1, 1)
    )
    assert experience.days == 365
    assert experience.years_months == (1, 0)
    assert experience.shortfall_days == 731 - 365  # 2023-01-01 to 2025-01-01 spans 731 days


def test_one_year_seven_months_is_five_months_short_in_korean(app):
    """The shortfall rounds up to whole months: 1년 7개월 plus 5개월 makes 2년."""
    as_of = date(2025, 3, 3)
    worked = 19 * 365 // 12 + 1  # 1 year 7 months on a 365-day year, and a day
    experience = counted_experience([period(as_of - timedelta(days=worked - 1), as_of)], as_of)
    assert experience.years_months == (1, 7)
    with app.test_request_context():
        assert describe_experience(experience) == "1년 7개월, 5개월 부족"


def test_a_few_days_short_is_said_in_days(app):
    as_of = date(2025, 3, 3)
    experience = counted_experience([period(date(2023, 3, 14), as_of)], as_of)
    with app.test_request_context():
        assert describe_experience(experience) == "1년 11개월, 10일 부족"
        full = counted_experience([period(date(2020, 3, 3), as_of)], as_of)
        assert describe_experience(full) == "5년"


def test_unqualified_instructor_cannot_be_assigned(app, db):
    cohort = factories.CohortFactory(starts_on=date(2025, 3, 3))
    instructor = factories.InstructorFactory(campus=cohort.campus)
    factories.CareerPeriodFactory(
        instructor=instructor, starts_on=date(2023, 8, 1), ends_on=date(2025, 2, 28)
    )
    coordinator = factories.UserFactory(role=Role.COORDINATOR, campus=cohort.campus)
    db.session.commit()

    with app.test_request_context(), pytest.raises(NotQualified) as refused:
        assign_instructor(cohort, instructor, AssignmentRole.LEAD, coordinator)
    assert "1년 7개월, 5개월 부족" in str(refused.value)
    assert cohort.code in str(refused.value)
    assert count_rows(InstructorAssignment) == 0


def test_qualification_is_judged_on_the_cohort_start_not_today(app, db):
    instructor = factories.InstructorFactory()
    factories.CareerPeriodFactory(instructor=instructor, starts_on=date(2023, 6, 1), ends_on=None)
    early = factories.CohortFactory(starts_on=date(2025, 3, 3))
    later = factories.CohortFactory(starts_on=date(2025, 6, 2))
    coordinator = factories.UserFactory(role=Role.COORDINATOR, campus=early.campus)
    db.session.commit()

    with app.test_request_context():
        with pytest.raises(NotQualified):
            assign_instructor(early, instructor, AssignmentRole.LEAD, coordinator)
        assignment = assign_instructor(later, instructor, AssignmentRole.ASSISTANT, coordinator)
    assert assignment.cohort_id == later.id and assignment.role == AssignmentRole.ASSISTANT
    assert count_rows(InstructorAssignment) == 1
