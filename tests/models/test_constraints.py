"""The database itself refuses what the rules forbid, whatever code path writes."""

from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from academy.extensions import db
from academy.models import (
    Campus,
    CampusKind,
    EnrolmentStatus,
    OutcomeCode,
    OutcomeRecord,
    Role,
    SubsidyProgramme,
    User,
)
from tests import factories


def refused(*objects):
    db.session.add_all(objects)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_subsidy_spent_can_never_pass_the_budget(db):
    refused(SubsidyProgramme(year=2025, name="2025", budget=200_000_000, spent=200_000_001))


def test_budget_update_past_the_budget_is_refused_by_the_database(db):
    db.session.add(SubsidyProgramme(year=2025, name="2025", budget=1000, spent=900))
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(sa.update(SubsidyProgramme).values(spent=SubsidyProgramme.spent + 200))
    db.session.rollback()


def test_a_coordinator_must_belong_to_a_campus(db):
    refused(User(email="c@example.com", name="매니저", role=Role.COORDINATOR))


def test_one_district_campus_per_district(db):
    db.session.add(
        Campus(name="종로캠퍼스", kind=CampusKind.DISTRICT, district="종로구", floor_area_m2=494)
    )
    db.session.add(
        Campus(
            name="종로 빅테크캠퍼스", kind=CampusKind.BIGTECH, district="종로구", floor_area_m2=1500
        )
    )
    db.session.flush()
    refused(
        Campus(name="제2종로캠퍼스", kind=CampusKind.DISTRICT, district="종로구", floor_area_m2=800)
    )


def test_cohort_cannot_end_before_it_starts(db):
    refused(
        factories.CohortFactory.build(
            starts_on=date(2025, 3, 1), ends_on=date(2025, 2, 1), campus=factories.CampusFactory()
        )
    )


def test_waitlist_position_only_for_waitlisted_enrolments(db):
    with pytest.raises(IntegrityError):
        factories.EnrolmentFactory(status=EnrolmentStatus.WAITLISTED, waitlist_position=None)
    db.session.rollback()
    with pytest.raises(IntegrityError):
        factories.EnrolmentFactory(status=EnrolmentStatus.ENROLLED, waitlist_position=3)
    db.session.rollback()


def test_a_person_is_enrolled_once_per_cohort(db):
    enrolment = factories.EnrolmentFactory()
    with pytest.raises(IntegrityError):
        factories.EnrolmentFactory(cohort=enrolment.cohort, trainee=enrolment.trainee)
    db.session.rollback()


def test_excluded_outcome_needs_a_reason_and_a_job_needs_a_start_date(db):
    enrolment = factories.EnrolmentFactory()
    refused(OutcomeRecord(enrolment=enrolment, code=OutcomeCode.X))
    enrolment = factories.EnrolmentFactory()
    refused(OutcomeRecord(enrolment=enrolment, code=OutcomeCode.E1, employer="회사"))


def test_enum_columns_refuse_unknown_values(db):
    user = factories.UserFactory(role=Role.OFFICIAL)
    db.session.flush()
    with pytest.raises(IntegrityError):
        db.session.execute(
            sa.text('UPDATE "user" SET role = :role WHERE id = :id'),
            {"role": "root", "id": user.id},
        )
    db.session.rollback()


def test_emails_are_stored_lower_case(db):
    user = factories.UserFactory(email="  Kim.Official@Example.COM ")
    db.session.flush()
    assert user.email == "kim.official@example.com"
    with pytest.raises(IntegrityError):
        db.session.execute(
            sa.text('UPDATE "user" SET email = :e WHERE id = :id'),
            {"e": "Upper@x.kr", "id": user.id},
        )
    db.session.rollback()


def test_a_money_donation_needs_an_amount(db):
    from academy.models import DonationKind, FundDonation

    refused(
        FundDonation(
            donor="기부자", kind=DonationKind.MONEY, amount=None, received_on=date(2025, 5, 1)
        )
    )
