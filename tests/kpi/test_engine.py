"""Every KPI rule of domain.md ("KPIs") on hand-built cohorts, with the answers worked out here.

The engine classifies people in SQL; these tests run on SQLite and on PostgreSQL alike.
"""

from datetime import date, datetime

import pytest

from academy.kpi import engine
from academy.kpi.definitions import Maturity
from academy.models import EnrolmentStatus, OutcomeCode, QualityRule, Tier, Verification
from tests import factories
from tests.kpi.people import FINAL, add_version, make_cohort, person


def snapshot(db, as_of=FINAL, year=2025, scope=engine.CITY):
    db.session.commit()
    rules = engine.load_quality_rules(db.session)
    return engine.cohort_outcomes(db.session, year, as_of, rules, scope)


def counts(db, **kwargs):
    return snapshot(db, **kwargs).figures().counts


E1, E2, E5, E6 = OutcomeCode.E1, OutcomeCode.E2, OutcomeCode.E5, OutcomeCode.E6
COMPLETED, EARLY = EnrolmentStatus.COMPLETED, EnrolmentStatus.EARLY_EMPLOYED
PENDING, EVIDENCE = Verification.SELF_REPORTED, Verification.EVIDENCE_ATTACHED


def test_worked_example_of_one_cohort(db):
    """23 people on the roster, one on the waitlist. Worked out by hand:

    completers: 19 completed + 1 early employment + person 24 = 21; enrolled 23 (21 completers,
    a leaver and one not completed); denominator 21 − 1 verified X − 1 employed at start = 19.
    Employed (verified, by the end + 180 days): 1,3,4,5,6,7,8,9,10,20,24 = 11; with pending
    (11, 12) 13; by 90 days 11 − 3 (day 180) − 24 (day 100) = 9. Quality (verified): 1,3,4,9,20,24
    = 6; with pending 8. Unknown: 17 (U), 18 (no record) = 2.
    """
    c = make_cohort(db)
    person(c, E1)  # 1 quality
    person(c, E1, start=200)  # 2 starts after the window: known, not employed
    person(c, E1, start=180)  # 3 the window's last day counts
    person(c, E2, contract_months=12)  # 4 a 12-month E2 is a quality job
    person(c, E2, contract_months=6)  # 5 employed, not quality
    person(c, E1, monthly_pay=2_000_000)  # 6 under the 2025 floor
    person(c, E1, weekly_hours=30)  # 7 under 35 hours
    person(c, E1, in_field=False)  # 8 outside the course's field
    person(c, E5, monthly_pay=None, weekly_hours=None)  # 9 a company founded in the field
    person(c, E6, in_field=False)  # 10 employed outside the field
    person(c, E1, verification=PENDING)  # 11 self-reported
    person(c, E1, verification=EVIDENCE, start=60)  # 12 evidence attached
    person(c, E1, verification=Verification.RETURNED)  # 13 sent back: counts nowhere
    person(c, OutcomeCode.X)  # 14 verified exclusion
    person(c, OutcomeCode.X, verification=PENDING)  # 15 pending exclusion stays in
    person(c, E1, at_start=True)  # 16 employed when the cohort started
    person(c, OutcomeCode.U, verification=PENDING)  # 17 unknown
    person(c)  # 18 no record: unknown
    person(c, OutcomeCode.S1)  # 19 still seeking
    person(c, E1, status=EARLY, start=-10)  # 20 left early for a job
    person(c, status=EnrolmentStatus.WITHDRAWN)  # 21 left: stays enrolled
    person(c, status=EnrolmentStatus.NOT_COMPLETED)  # 22 did not complete
    person(c, status=EnrolmentStatus.WAITLISTED)  # 23 on the waitlist: not enrolled
    person(c, E1, start=100)  # 24 employed at day 100

    f = snapshot(db).figures()
    n = f.counts
    assert (n.enrolled, n.completers, n.early_employed) == (23, 21, 1)
    assert (n.excluded, n.employed_at_start, f.denominator) == (1, 1, 19)
    assert (n.employed, n.employed_incl_pending, n.employed_90d) == (11, 13, 9)
    assert (n.quality_employed, n.quality_employed_incl_pending) == (6, 8)
    assert n.unknown == 2
    assert f.completion_rate.value == pytest.approx(21 / 23)
    assert f.employment_rate.value == pytest.approx(11 / 19)
    assert f.employment_rate_incl_pending.value == pytest.approx(13 / 19)
    assert f.employment_rate_90d.value == pytest.approx(9 / 19)
    assert f.quality_rate.value == pytest.approx(6 / 19)
    assert f.quality_rate_incl_pending.value == pytest.approx(8 / 19)
    assert f.knowledge_rate.value == pytest.approx(17 / 19)
    assert f.maturity == Maturity.FINAL


def test_only_a_verified_exclusion_leaves_the_denominator(db):
    c = make_cohort(db)
    person(c, OutcomeCode.X)
    person(c, OutcomeCode.X, verification=EVIDENCE)
    person(c, E1)
    n = counts(db)
    assert n.excluded == 1
    assert snapshot(db).figures().denominator == 2  # the pending X is a known non-employment


def test_employed_at_start_leaves_the_denominator_once_even_if_excluded(db):
    c = make_cohort(db)
    person(c, E1, at_start=True)
    person(c, OutcomeCode.X, at_start=True)  # excluded first: not counted twice
    person(c, E1)
    f = snapshot(db).figures()
    assert (f.counts.excluded, f.counts.employed_at_start, f.denominator) == (1, 1, 1)
    assert f.employment_rate.value == 1.0


@pytest.mark.parametrize(
    ("start", "employed", "by_90_days"),
    [(-30, 1, 1), (90, 1, 1), (91, 1, 0), (180, 1, 0), (181, 0, 0)],
)
def test_the_180_and_90_day_cut_offs_count_their_last_day(db, start, employed, by_90_days):
    person(make_cohort(db), E1, start=start)
    n = counts(db)
    assert (n.employed, n.employed_90d) == (employed, by_90_days)


def test_a_job_that_has_not_started_by_the_as_of_date_does_not_count(db):
    c = make_cohort(db)
    person(c, E1, start=60, created=datetime(2025, 7, 5))  # starts 2025-08-29
    assert counts(db, as_of=date(2025, 8, 28)).employed == 0
    assert counts(db, as_of=date(2025, 8, 29)).employed == 1


def test_unknown_is_no_outcome_or_u_and_only_inside_the_denominator(db):
    c = make_cohort(db)
    person(c)  # no record
    person(c, OutcomeCode.U, verification=PENDING)
    person(c, OutcomeCode.S2)
    person(c, status=EnrolmentStatus.WITHDRAWN)  # not a completer: not in the denominator
    person(c, at_start=True)  # out of the denominator: not counted as unknown
    f = snapshot(db).figures()
    assert f.counts.unknown == 2
    assert f.denominator == 3
    assert f.knowledge_rate.value == pytest.approx(1 / 3)
    assert not f.reliable  # under 65% known


def test_headline_counts_verified_and_the_labelled_rate_adds_pending(db):
    c = make_cohort(db)
    person(c, E1)
    person(c, E1, verification=PENDING)
    person(c, E1, verification=EVIDENCE)
    person(c, E1, verification=Verification.RETURNED)
    f = snapshot(db).figures()
    assert (f.counts.employed, f.counts.employed_incl_pending) == (1, 3)
    assert (f.employment_rate.value, f.employment_rate_incl_pending.value) == (0.25, 0.75)


@pytest.mark.parametrize(
    ("code", "job", "quality"),
    [
        (E1, {}, True),
        (E1, {"monthly_pay": 2_096_270}, True),  # exactly the 2025 floor
        (E1, {"monthly_pay": 2_096_269}, False),
        (E1, {"weekly_hours": 35}, True),
        (E1, {"weekly_hours": 34}, False),
        (E1, {"in_field": False}, False),
        (E1, {"in_field": None}, False),  # not known to be in the field
        (E1, {"monthly_pay": None}, False),  # pay not given: cannot be shown to meet the floor
        (E2, {"contract_months": 12}, True),
        (E2, {"contract_months": 11}, False),
        (E2, {"contract_months": None}, False),
        (OutcomeCode.E3, {}, False),
        (OutcomeCode.E4, {}, False),
        (E5, {"monthly_pay": None, "weekly_hours": None}, True),
        (E5, {"in_field": False}, False),
        (E6, {}, False),
    ],
)
def test_each_quality_rule(db, code, job, quality):
    person(make_cohort(db), code, **job)
    n = counts(db)
    assert n.employed == 1
    assert n.quality_employed == int(quality)


def test_the_pay_floor_is_that_of_the_year_the_job_started(db):
    """2,120,000 won meets the 2025 floor (2,096,270) but not the 2026 one (2,156,880)."""
    c = make_cohort(db, ends_on=date(2025, 11, 28))
    person(c, E1, start=17, monthly_pay=2_120_000)  # starts 2025-12-15
    person(c, E1, start=48, monthly_pay=2_120_000)  # starts 2026-01-15
    n = counts(db, as_of=date(2026, 6, 30))
    assert (n.employed, n.quality_employed) == (2, 1)


def test_the_citys_quality_rules_replace_the_defaults(db):
    c = make_cohort(db)
    person(c, E1, monthly_pay=2_500_000, weekly_hours=38)
    assert counts(db).quality_employed == 1
    db.session.add(
        QualityRule(
            year=2025, monthly_pay_floor=2_600_000, min_weekly_hours=35, min_contract_months=12
        )
    )
    assert counts(db).quality_employed == 0
    rule = db.session.query(QualityRule).one()
    rule.monthly_pay_floor, rule.min_weekly_hours = 2_000_000, 40
    assert counts(db).quality_employed == 0  # 38 hours are now too few


def test_the_latest_version_counts_and_as_of_reads_the_versions_recorded_by_then(db):
    c = make_cohort(db)
    e = person(c, E1, created=datetime(2025, 8, 1, 1))
    add_version(e, OutcomeCode.S1, created=datetime(2025, 12, 1, 1))
    assert counts(db).employed == 0  # S1 is the current version
    # 2025-10-01 in Seoul: only version 1 had been recorded.
    assert counts(db, as_of=date(2025, 10, 1)).employed == 1


def test_a_verification_after_the_as_of_date_was_still_pending_then(db):
    c = make_cohort(db)
    person(c, E1, created=datetime(2025, 8, 1, 1), verified_at=datetime(2025, 9, 10, 1))
    before = counts(db, as_of=date(2025, 9, 9))
    assert (before.employed, before.employed_incl_pending) == (0, 1)
    after = counts(db, as_of=date(2025, 9, 10))
    assert (after.employed, after.employed_incl_pending) == (1, 1)


def test_as_of_a_day_means_the_end_of_that_day_in_seoul(db):
    c = make_cohort(db)
    # 2025-08-01 14:59 UTC is 23:59 in Seoul on the 1st; 15:00 UTC is the 2nd.
    person(c, E1, start=20, created=datetime(2025, 8, 1, 14, 59))
    person(c, E1, start=20, created=datetime(2025, 8, 1, 15, 0))
    assert counts(db, as_of=date(2025, 8, 1)).employed_incl_pending == 1


@pytest.mark.parametrize(
    ("as_of", "maturity"),
    [
        (date(2025, 6, 30), Maturity.IN_TRAINING),  # its last day
        (date(2025, 7, 1), Maturity.IN_WINDOW),
        (date(2025, 12, 26), Maturity.IN_WINDOW),  # 179 days after the end
        (date(2025, 12, 27), Maturity.FINAL),  # 180 days
    ],
)
def test_maturity_of_a_cohort(db, as_of, maturity):
    person(make_cohort(db), E1)
    assert snapshot(db, as_of=as_of).figures().maturity == maturity


def test_a_group_with_one_provisional_cohort_is_provisional(db):
    person(make_cohort(db), E1)
    person(make_cohort(db, ends_on=date(2025, 12, 19)), E1, start=-5)
    f = snapshot(db, as_of=date(2026, 3, 1)).figures()
    assert f.maturity == Maturity.IN_WINDOW
    assert f.provisional


def test_small_numbers_are_flagged(db):
    c = make_cohort(db)
    for _ in range(9):
        person(c, E1)
    f = snapshot(db).figures()
    assert f.employment_rate.small and f.completion_rate.small
    person(c, E1)
    assert not snapshot(db).figures().employment_rate.small


def test_campus_tier_and_city_are_sums_of_their_cohorts(db):
    small = make_cohort(db, area=494)  # small
    large = make_cohort(db, area=2237)  # large
    factories.CohortFactory(
        campus=small.campus, starts_on=date(2025, 2, 3), ends_on=date(2025, 7, 4)
    )
    person(small, E1)
    person(small, OutcomeCode.S1)
    person(large, E1)
    person(large, E1, in_field=False)
    snap = snapshot(db)
    assert len(snap.cohorts) == 3  # a cohort with nobody on it is listed with zeros
    tiers = snap.by_tier()
    assert (tiers[Tier.SMALL].counts.employed, tiers[Tier.SMALL].denominator) == (1, 2)
    assert (tiers[Tier.LARGE].counts.quality_employed, tiers[Tier.LARGE].denominator) == (1, 2)
    assert tiers[Tier.MEDIUM].counts.enrolled == 0
    assert snap.figures().counts.employed == 3
    campus = snapshot(db, scope=engine.Scope(campus_id=large.campus_id)).figures()
    assert campus.counts.enrolled == 2
    only_small = snapshot(db, scope=engine.Scope(tier=Tier.SMALL)).figures()
    assert only_small.counts.enrolled == 2


def test_a_cohort_belongs_to_the_year_of_its_end(db):
    person(make_cohort(db, ends_on=date(2025, 12, 31)), E1)
    person(make_cohort(db, ends_on=date(2026, 1, 2)), E1)
    assert counts(db, year=2025, as_of=date(2026, 8, 1)).enrolled == 1
    assert counts(db, year=2026, as_of=date(2026, 8, 1)).enrolled == 1
    assert engine.yearly_enrolled(db.session, [2025, 2026, 2027]) == {2025: 1, 2026: 1, 2027: 0}
