"""Issue 15 on hand-built cohorts, the answers worked out here: jobs as a history (a later job
never erases an in-window one), non-completers' outcomes on their own line, cancellations out of
enrolled, and outcomes sent back after the as-of date still pending on that date."""

from datetime import date, datetime, timedelta

import pytest

from academy.kpi import engine
from academy.models import EnrolmentStatus, OutcomeCode, Verification
from tests.kpi.people import FINAL, add_version, make_cohort, person

E1, E2, E6, S1, X = OutcomeCode.E1, OutcomeCode.E2, OutcomeCode.E6, OutcomeCode.S1, OutcomeCode.X
PENDING = Verification.SELF_REPORTED


def figures(db, as_of=FINAL):
    db.session.commit()
    rules = engine.load_quality_rules(db.session)
    return engine.cohort_outcomes(db.session, 2025, as_of, rules).figures()


def history_cohort(db):
    """Six completers, each with two statements. Ends 2025-06-30; the window ends 2025-12-27.

    A: E1 quality from day 95 (verified), then a new E1 job from day 730 → employed, quality.
    B: E6 from day 20, then an E1 quality job from day 150 → employed, quality (the best job).
    C: E1 quality from day 40 (verified), then "still seeking" (S1) → employed, quality, known.
    D: E1 self-reported from day 30, then S1 on the same job (a retraction) → not employed.
    E: E1 under the pay floor from day 60, then a quality E2 from day 300 → employed, not quality.
    F: E1 quality from day 50 (verified), then a verified X (military) → employed, not excluded.
    Denominator 6; employed 5 (A, B, C, E, F), also with pending; quality 4 (A, B, C, F);
    unknown 0. Before the history, the newest statement decided: employed 1 (B), quality 1.
    """
    c = make_cohort(db)
    later = datetime(2026, 1, 20, 3)
    a = person(c, E1, start=95)
    add_version(a, E1, start=730, number=2, created=later, employer="나중회사")
    b = person(c, E6, start=20, in_field=False)
    add_version(b, E1, start=150, number=2, created=later)
    c_ = person(c, E1, start=40)
    add_version(c_, S1, number=2, created=later)
    d = person(c, E1, start=30, verification=PENDING)
    add_version(d, S1, number=1, created=later, verification=PENDING)
    e = person(c, E1, start=60, monthly_pay=2_000_000)
    add_version(e, E2, start=300, contract_months=12, number=2, created=later)
    f = person(c, E1, start=50)
    add_version(f, X, number=2, created=later)
    return c


def test_a_later_job_never_erases_a_job_that_started_in_the_window(db):
    history_cohort(db)
    f = figures(db)
    n = f.counts
    assert (n.completers, n.excluded, f.denominator) == (6, 0, 6)
    assert (n.employed, n.employed_incl_pending) == (5, 5)
    assert (n.quality_employed, n.quality_employed_incl_pending) == (4, 4)
    assert n.employed_90d == 4  # A started on day 95, after the 90-day mark
    assert n.unknown == 0
    assert f.employment_rate.value == pytest.approx(5 / 6)
    assert f.quality_rate.value == pytest.approx(4 / 6)


def test_as_of_a_day_before_the_later_statements_the_first_jobs_alone_count(db):
    """As of 2026-01-19 the second statements (recorded 2026-01-20) do not exist yet: A, B (E6),
    C, E and F are employed, D is pending; quality A, C, F (B's first job is out of field)."""
    history_cohort(db)
    n = figures(db, as_of=date(2026, 1, 19)).counts
    assert (n.employed, n.employed_incl_pending) == (5, 6)
    assert (n.quality_employed, n.quality_employed_incl_pending) == (3, 4)


def test_non_completers_outcomes_are_counted_on_their_own_line_only(db):
    """Three completers employed (verified); a withdrawn person with a verified job from day
    30; one who did not complete with a self-reported job from day 10; one who did not complete
    with no outcome; one waitlisted.

    Enrolled 6, completers 3, denominator 3, employed 3 (100%): the non-completers' jobs add to
    no rate. Non-completers 3; employed among them 1 verified, 2 with pending."""
    c = make_cohort(db)
    for _ in range(3):
        person(c, E1)
    person(c, E1, status=EnrolmentStatus.WITHDRAWN)
    person(c, E1, status=EnrolmentStatus.NOT_COMPLETED, start=10, verification=PENDING)
    person(c, status=EnrolmentStatus.NOT_COMPLETED)
    person(c, E1, status=EnrolmentStatus.WAITLISTED)
    f = figures(db)
    n = f.counts
    assert (n.enrolled, n.completers, f.denominator) == (6, 3, 3)
    assert (n.employed, n.employed_incl_pending, n.quality_employed) == (3, 3, 3)
    assert f.employment_rate.value == 1.0 and f.completion_rate.value == pytest.approx(3 / 6)
    assert n.non_completers == 3
    assert (n.non_completers_employed, n.non_completers_employed_incl_pending) == (1, 2)


def test_a_non_completers_job_after_the_window_is_not_on_their_line(db):
    c = make_cohort(db)
    person(c, E1, status=EnrolmentStatus.WITHDRAWN, start=181)
    n = figures(db).counts
    assert (n.non_completers, n.non_completers_employed) == (1, 0)


def test_cancelled_places_leave_enrolled_and_are_counted_on_their_own_line(db):
    """Ten places: 7 completed, 1 withdrew, 2 cancelled before the start. Enrolled 8, completion
    7/8 = 87.5% (counting the cancellations as dropouts would give 7/10 = 70%); cancelled 2."""
    c = make_cohort(db)
    for _ in range(7):
        person(c)
    person(c, status=EnrolmentStatus.WITHDRAWN)
    for _ in range(2):
        e = person(c)
        e.status, e.left_on = EnrolmentStatus.CANCELLED, c.starts_on - timedelta(days=2)
    f = figures(db)
    assert (f.counts.enrolled, f.counts.cancelled, f.counts.non_completers) == (8, 2, 1)
    assert f.completion_rate.value == pytest.approx(7 / 8)
    assert engine.yearly_enrolled(db.session, [2025]) == {2025: 8}


def test_an_outcome_sent_back_after_the_as_of_date_was_pending_on_that_date(db):
    """A self-reported E1 from day 30 (recorded 2025-08-01), sent back on 2026-02-01; a verified
    E1 whose verification came on 2026-02-10. As of 2026-01-15: both pending (employed 0, with
    pending 2). As of 2026-03-01: the verified one counts, the sent-back one in neither (1, 1)."""
    c = make_cohort(db)
    sent_back = person(c)
    add_version(
        sent_back,
        E1,
        Verification.RETURNED,
        created=datetime(2025, 8, 1),
        returned_at=datetime(2026, 2, 1, 3),
    )
    late = person(c)
    add_version(late, E1, created=datetime(2025, 8, 1), verified_at=datetime(2026, 2, 10, 3))
    before = figures(db, as_of=date(2026, 1, 15)).counts
    assert (before.employed, before.employed_incl_pending) == (0, 2)
    assert (before.quality_employed_incl_pending, before.unknown) == (2, 0)
    after = figures(db, as_of=date(2026, 3, 1)).counts
    assert (after.employed, after.employed_incl_pending) == (1, 1)
