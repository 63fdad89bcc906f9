"""Hand-built people for KPI tests: a cohort, and trainees on it with an outcome version."""

from datetime import date, datetime, timedelta

from academy.models import Enrolment, EnrolmentStatus, OutcomeCode, OutcomeRecord, Verification
from tests import factories

ENDS = date(2025, 6, 30)  # end + 180 days = 2025-12-27, end + 90 days = 2025-09-28
FINAL = date(2026, 3, 1)  # 244 days after the end: the cohort's figures are final
QUALITY_JOB = dict(
    insured=True, weekly_hours=40, contract_months=None, in_field=True, monthly_pay=2_500_000
)


def make_cohort(db, ends_on=ENDS, area=494, **campus):
    campus = factories.CampusFactory(floor_area_m2=area, **campus)
    return factories.CohortFactory(
        campus=campus, starts_on=ends_on - timedelta(weeks=20), ends_on=ends_on
    )


def person(
    cohort,
    code=None,
    status=EnrolmentStatus.COMPLETED,
    verification=Verification.VERIFIED,
    start=30,
    at_start=False,
    created=None,
    verified_at=None,
    **job,
):
    """One trainee on the cohort's roster; `code` gives them an outcome version starting `start`
    days after the cohort's end (E codes), with a quality job unless `job` says otherwise."""
    left_on = cohort.ends_on - timedelta(days=20)
    enrolment = factories.EnrolmentFactory(
        cohort=cohort,
        status=status,
        employed_at_start=at_start,
        left_on=left_on
        if status in (EnrolmentStatus.WITHDRAWN, EnrolmentStatus.EARLY_EMPLOYED)
        else None,
        waitlist_position=1 if status == EnrolmentStatus.WAITLISTED else None,
    )
    if code is not None:
        add_version(enrolment, code, verification, start, created, verified_at, **job)
    return enrolment


def add_version(
    enrolment: Enrolment,
    code,
    verification=Verification.VERIFIED,
    start=30,
    created=None,
    verified_at=None,
    number=1,
    returned_at=None,
    **job,
):
    from academy.extensions import db

    version = 1 + max((o.version for o in enrolment.outcomes), default=0)
    created = created or datetime(2025, 12, 28, 3, 0)
    values = dict(
        enrolment=enrolment,
        version=version,
        code=code,
        verification=verification,
        created_at=created,
        job=number,
    )
    if code.is_employed:
        values.update(QUALITY_JOB, starts_on=enrolment.cohort.ends_on + timedelta(days=start))
        values.update(job)
    if code == OutcomeCode.X:
        values["exclusion_reason"] = "military"
    if verification == Verification.VERIFIED:
        values["verified_at"] = verified_at or created + timedelta(days=1)
    if verification == Verification.RETURNED:
        values["returned_reason"] = "재직증명서가 흐립니다."
        values["returned_at"] = returned_at
    record = OutcomeRecord(**values)
    db.session.add(record)
    db.session.flush()
    db.session.refresh(enrolment)
    return record


AS_OF = date(2026, 3, 1)


def build_world(db) -> dict:
    """The reference campuses and targets, and 2025 cohorts at two district campuses of
    different tiers with a mix of outcomes (final as of AS_OF, except one cohort in window)."""
    import sqlalchemy as sa

    from academy import reference
    from academy.models import Campus, CampusKind

    reference.load_reference_data()
    campuses = {
        c.name: c
        for c in db.session.scalars(sa.select(Campus).where(Campus.kind == CampusKind.DISTRICT))
    }
    small, large = campuses["종로캠퍼스"], campuses["강남캠퍼스"]
    cohort = factories.CohortFactory
    c1 = cohort(campus=small, code="JONGNO-2025-01", starts_on=date(2025, 2, 3), ends_on=ENDS)
    c2 = cohort(
        campus=large, code="GANGNAM-2025-01", starts_on=date(2025, 1, 6), ends_on=date(2025, 5, 30)
    )
    c3 = cohort(
        campus=large, code="GANGNAM-2025-02", starts_on=date(2025, 7, 7), ends_on=date(2025, 11, 28)
    )
    E1, S1, X, U = OutcomeCode.E1, OutcomeCode.S1, OutcomeCode.X, OutcomeCode.U
    for _ in range(6):
        person(c1, E1)
    person(c1, E1, monthly_pay=1_900_000)
    person(c1, S1)
    person(c1, E1, verification=Verification.SELF_REPORTED)
    person(c1, status=EnrolmentStatus.WITHDRAWN)
    for _ in range(8):
        person(c2, E1)
    person(c2, OutcomeCode.E2, contract_months=6)
    person(c2, X)
    person(c2, U, verification=Verification.SELF_REPORTED)
    person(c2)
    person(c2, E1, at_start=True)
    for _ in range(4):
        person(c3, E1, start=20, created=datetime(2025, 12, 20, 2))
    person(c3)
    db.session.commit()
    return {"small": small, "large": large, "cohorts": [c1, c2, c3]}
