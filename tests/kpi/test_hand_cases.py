"""Small datasets worked out by hand from domain.md, each rule quoted where it is tested."""

from datetime import date, datetime

from academy.kpi import engine
from academy.kpi.definitions import Maturity, Rate
from academy.models import ClaimStatus, EnrolmentStatus, OutcomeCode
from tests import factories
from tests.kpi.people import person

E1 = OutcomeCode.E1


def snapshot(db, year, as_of):
    db.session.commit()
    rules = engine.load_quality_rules(db.session)
    return engine.cohort_outcomes(db.session, year, as_of, rules)


def cohort(starts_on, ends_on):
    campus = factories.CampusFactory(floor_area_m2=494)
    return factories.CohortFactory(campus=campus, starts_on=starts_on, ends_on=ends_on)


def days_after_end(cohort, day):
    return (day - cohort.ends_on).days


def test_a_job_started_in_2024_meets_2024s_pay_floor(db):
    """domain.md: a quality job is "paid at or above the monthly pay floor of the year the job
    started", the floor being "the legal minimum monthly wage of the outcome's year (209 hours)".
    2024's minimum wage is 9,860 won an hour: 2,060,740 won a month.

    A cohort from 2024-11-04 to 2025-02-28 counts in 2025 (the year of its end). Two trainees
    left early for a job paying 2,080,000 won: one starting 2024-12-16 (over 2024's floor: a
    quality job), one starting 2025-03-17 (under 2025's 2,096,270: not). By hand: employed 2,
    quality 1.
    """
    c = cohort(date(2024, 11, 4), date(2025, 2, 28))
    early = EnrolmentStatus.EARLY_EMPLOYED
    december = days_after_end(c, date(2024, 12, 16))
    march = days_after_end(c, date(2025, 3, 17))
    person(c, E1, status=early, start=december, monthly_pay=2_080_000)
    person(c, E1, start=march, monthly_pay=2_080_000)
    assert snapshot(db, 2024, date(2026, 3, 1)).figures().counts.enrolled == 0
    f = snapshot(db, 2025, date(2026, 3, 1)).figures()
    assert (f.counts.enrolled, f.counts.employed, f.counts.quality_employed) == (2, 2, 1)
    assert f.maturity == Maturity.FINAL


def test_a_cohort_ending_on_leap_day_is_final_180_days_later(db):
    """domain.md: in training, then "in window (under 180 days since its end …), or final";
    employed means a job "starting on or before the cohort's end + 180 days", also at 90.
    2028-02-29 + 90 days = 2028-05-29; + 180 days = 2028-08-27."""
    c = cohort(date(2027, 10, 4), date(2028, 2, 29))
    for start in (90, 91, 180, 181):
        person(c, E1, start=start, created=datetime(2028, 3, 2, 1))
    maturity = {
        day: snapshot(db, 2028, day).figures().maturity
        for day in (date(2028, 2, 29), date(2028, 3, 1), date(2028, 8, 26), date(2028, 8, 27))
    }
    assert list(maturity.values()) == [
        Maturity.IN_TRAINING,
        Maturity.IN_WINDOW,
        Maturity.IN_WINDOW,
        Maturity.FINAL,
    ]
    n = snapshot(db, 2028, date(2028, 8, 27)).figures().counts
    assert (n.employed, n.employed_90d) == (3, 1)  # days 90, 91, 180; day 90


def test_subsidy_use_is_paid_over_the_budget(db):
    """domain.md, "Other figures": "subsidy use (paid ÷ budget, people supported, cost per
    certification passed)". Budget 1,000,000 won; 200,000 approved and paid on 2025-06-20;
    100,000 approved on 2025-06-25 to be paid on 2025-08-01. As of 2025-07-01, by hand: paid
    200,000, use 20% (not the 30% approved), two people supported."""
    programme = factories.SubsidyProgrammeFactory(budget=1_000_000)
    for amount, paid_on in ((200_000, date(2025, 6, 20)), (100_000, date(2025, 8, 1))):
        attempt = factories.ExamAttemptFactory(fee_paid=amount)
        factories.SubsidyClaimFactory(
            programme=programme,
            exam_attempt=attempt,
            status=ClaimStatus.APPROVED,
            amount_approved=amount,
            decided_at=datetime(2025, 6, 19, 1),
            paid_on=paid_on,
        )
    db.session.commit()
    use = engine.subsidy_use(db.session, 2025, date(2025, 7, 1))
    assert (use.approved, use.paid, use.people) == (300_000, 200_000, 2)
    assert use.budget_use == Rate(200_000, 1_000_000)
    assert engine.subsidy_use(db.session, 2025, date(2025, 8, 1)).budget_use.value == 0.3
