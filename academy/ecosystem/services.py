"""The Seoul AI Alliance, the advanced track and the development fund (domain.md, "Ecosystem")."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from academy.errors import RuleRefused
from academy.extensions import db
from academy.kpi.engine import COMPLETED
from academy.locking import serialized
from academy.models import (
    AdvancedTrackSelection,
    AllianceKind,
    AllianceMember,
    Cohort,
    DonationKind,
    Enrolment,
    FundDonation,
    Scholarship,
    Trainee,
    User,
)
from academy.privacy import mask_name  # noqa: F401  (the ecosystem page masks names with it)


class EcosystemError(RuleRefused):
    """A rule of the alliance, the advanced track or the fund refused the change."""


def add_alliance_member(name: str, kind: AllianceKind, joined_on: date) -> AllianceMember:
    name = name.strip()
    if db.session.scalar(sa.select(AllianceMember.id).where(AllianceMember.name == name)):
        raise EcosystemError(_("%(name)s is a member already.", name=name), "name")
    member = AllianceMember(name=name, kind=kind, joined_on=joined_on)
    db.session.add(member)
    db.session.commit()
    return member


def _trainee_by_email(email: str) -> Trainee:
    trainee = db.session.scalar(
        sa.select(Trainee)
        .join(User, User.id == Trainee.user_id)
        .where(User.email == email.strip().lower())
    )
    if trainee is None:
        raise EcosystemError(_("No trainee has this e-mail address."), "email")
    return trainee


def select_for_advanced_track(
    email: str, year: int, selected_on: date, programme: str | None
) -> AdvancedTrackSelection:
    """The advanced track selects from completers: someone who completed a cohort (or left early
    for a job) ending in the year or before; once a year per person."""
    trainee = _trainee_by_email(email)
    completed = db.session.scalar(
        sa.select(sa.func.count(Enrolment.id))
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .where(Enrolment.trainee_id == trainee.id, Enrolment.status.in_(COMPLETED))
        .where(Cohort.ends_on <= date(year, 12, 31))
    )
    if not completed:
        raise EcosystemError(_("Only a trainee who completed a cohort can be selected."), "email")
    exists = db.session.scalar(
        sa.select(AdvancedTrackSelection.id).where(
            AdvancedTrackSelection.year == year, AdvancedTrackSelection.trainee_id == trainee.id
        )
    )
    if exists:
        raise EcosystemError(
            _("This trainee is already selected for %(year)s.", year=year), "email"
        )
    selection = AdvancedTrackSelection(
        year=year, trainee_id=trainee.id, selected_on=selected_on, programme=programme or None
    )
    db.session.add(selection)
    db.session.commit()
    return selection


def add_donation(
    donor: str, kind: DonationKind, amount: int | None, description: str | None, received_on: date
) -> FundDonation:
    donation = FundDonation(
        donor=donor.strip(),
        kind=kind,
        amount=amount if kind == DonationKind.MONEY else None,
        description=description or None,
        received_on=received_on,
    )
    db.session.add(donation)
    db.session.commit()
    return donation


def fund_balance() -> int:
    donated = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(FundDonation.amount), 0)).where(
            FundDonation.kind == DonationKind.MONEY
        )
    )
    paid = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(Scholarship.amount), 0)))
    return int(donated) - int(paid)


def award_scholarship(email: str, amount: int, awarded_on: date, reason: str | None) -> Scholarship:
    """Scholarships go to trainees from vulnerable groups, out of what the fund holds."""
    trainee = _trainee_by_email(email)
    if not trainee.vulnerable:
        raise EcosystemError(_("Scholarships go to trainees from vulnerable groups."), "email")
    # Two officials awarding at once must not both spend the same balance.
    serialized("development-fund")
    balance = fund_balance()
    if amount > balance:
        raise EcosystemError(
            _(
                "The fund holds %(balance)s won: the scholarship would overdraw it.",
                balance=f"{balance:,}",
            ),
            "amount",
        )
    scholarship = Scholarship(
        trainee_id=trainee.id, amount=amount, awarded_on=awarded_on, reason=reason or None
    )
    db.session.add(scholarship)
    db.session.commit()
    return scholarship


@dataclass(frozen=True)
class EcosystemPage:
    members: list[AllianceMember]
    selections: list[AdvancedTrackSelection]
    donations: list[FundDonation]
    scholarships: list[Scholarship]


def ecosystem_page(year: int) -> EcosystemPage:
    """Everything the page lists, in four queries plus their eager loads."""
    members = db.session.scalars(
        sa.select(AllianceMember).order_by(AllianceMember.joined_on.desc(), AllianceMember.name)
    ).all()
    with_user = selectinload(AdvancedTrackSelection.trainee).selectinload(Trainee.user)
    selections = db.session.scalars(
        sa.select(AdvancedTrackSelection)
        .where(AdvancedTrackSelection.year == year)
        .options(with_user)
        .order_by(AdvancedTrackSelection.selected_on, AdvancedTrackSelection.id)
    ).all()
    donations = db.session.scalars(
        sa.select(FundDonation).order_by(FundDonation.received_on.desc(), FundDonation.id.desc())
    ).all()
    scholarships = db.session.scalars(
        sa.select(Scholarship)
        .options(selectinload(Scholarship.trainee).selectinload(Trainee.user))
        .order_by(Scholarship.awarded_on.desc(), Scholarship.id.desc())
    ).all()
    return EcosystemPage(members, selections, donations, scholarships)
