"""Each cohort's KPI facts: the counts its figures are made of, kept by every write."""

from datetime import date, datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from academy.extensions import db
from academy.models.base import utcnow


class CohortKpiFacts(db.Model):
    """The engine's counts of one cohort as of `as_of`, written in the transaction that changed
    what they are made of (academy.kpi.facts).

    They still hold on a later day unless something dated after `as_of` comes into force first:
    a job or an internship that starts later, a statement recorded, verified or sent back later.
    `valid_until` is the first such day (NULL: none), from which the figures use the engine again
    until the cohort is counted anew.
    """

    __tablename__ = "cohort_kpi_facts"

    cohort_id: Mapped[int] = mapped_column(
        sa.ForeignKey("cohort.id", ondelete="CASCADE"), primary_key=True
    )
    as_of: Mapped[date]
    valid_until: Mapped[Optional[date]] = mapped_column(index=True)
    enrolled: Mapped[int]
    completers: Mapped[int]
    early_employed: Mapped[int]
    excluded: Mapped[int]
    employed_at_start: Mapped[int]
    employed: Mapped[int]
    employed_incl_pending: Mapped[int]
    employed_90d: Mapped[int]
    quality_employed: Mapped[int]
    quality_employed_incl_pending: Mapped[int]
    unknown: Mapped[int]
    cancelled: Mapped[int]
    non_completers: Mapped[int]
    non_completers_employed: Mapped[int]
    non_completers_employed_incl_pending: Mapped[int]
    employed_insurance_match: Mapped[int]
    internship_started: Mapped[int]
    # On the roster whatever the date (the waitlist and cancelled places not): the yearly count.
    rostered: Mapped[int]
    recorded_at: Mapped[Optional[datetime]]  # the newest statement, enrolment and verification
    verified_at: Mapped[Optional[datetime]]
    enrolled_at: Mapped[Optional[datetime]]
    # Which counting code wrote the row (academy.kpi.facts.COUNTED_BY): other code's rows do
    # not hold, so a release that changes a definition never shows counts made by the old one.
    counted_by: Mapped[Optional[str]] = mapped_column(sa.String(16))
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
