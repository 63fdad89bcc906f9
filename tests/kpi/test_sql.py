"""academy.kpi.sql: the constructs the KPI statements share."""

import sqlalchemy as sa

from academy.kpi.sql import within
from academy.models import Cohort, Enrolment


def _trainees_of(year: int, column=Enrolment.cohort_id):
    cohorts = sa.select(Cohort.id).where(sa.extract("year", Cohort.ends_on) == year)
    return sa.select(Enrolment.trainee_id).where(within(column, cohorts))


def test_statements_using_within_are_cached_with_their_values_as_parameters():
    """Without a cache key every statement holding `within` was compiled afresh on each
    execution (about 10 ms each on the citywide dashboard)."""
    first, second = (
        _trainees_of(2025)._generate_cache_key(),
        _trainees_of(2026)._generate_cache_key(),
    )
    assert first is not None
    assert first.key == second.key  # one compiled form
    assert [b.value for b in first.bindparams] != [b.value for b in second.bindparams]
    other = _trainees_of(2025, Enrolment.trainee_id)._generate_cache_key()
    assert other.key != first.key  # another column is another statement


def test_a_cached_within_statement_answers_for_its_own_values(db):
    from datetime import date

    from tests import factories

    early = factories.CohortFactory(starts_on=date(2024, 3, 4))
    late = factories.CohortFactory(starts_on=date(2025, 3, 3))
    a = factories.EnrolmentFactory(cohort=early)
    b = factories.EnrolmentFactory(cohort=late)
    db.session.commit()
    for _ in range(2):  # the second round runs from the cache
        assert db.session.scalars(_trainees_of(2024)).all() == [a.trainee_id]
        assert db.session.scalars(_trainees_of(2025)).all() == [b.trainee_id]
