"""A year's programme: its budget, cap, conditions and rounds, as an official sets them."""

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from academy import audit
from academy.extensions import db
from academy.formatting import won
from academy.models import (
    AccessAction,
    PaymentMethod,
    SubsidyProgramme,
    SubsidyRound,
    User,
)
from academy.subsidies.eligibility import (
    ProgrammeRules,
    Round,
    is_closed,
    open_round,
)
from academy.subsidies.services.errors import SubsidyError

# From 2026 applications are taken in a first-half and a second-half round (the source).
ROUNDS_FROM_YEAR = 2026


def programme_for(year: int) -> SubsidyProgramme | None:
    return db.session.scalar(
        sa.select(SubsidyProgramme)
        .where(SubsidyProgramme.year == year)
        .options(selectinload(SubsidyProgramme.rounds))
    )


def recent_from(on: date) -> int:
    """The first year of the programmes the pages offer by default: last year's, whose claims
    are still decided and paid in the new year, this year's and any set up ahead. Older ones are
    a year filter away: one programme a year citywide, and the years only add up."""
    return on.year - 1


def programmes(year: int | None = None, from_year: int | None = None) -> list[SubsidyProgramme]:
    """The programme of `year`, or those from `from_year` on, the latest first."""
    query = (
        sa.select(SubsidyProgramme)
        .options(selectinload(SubsidyProgramme.rounds))
        .order_by(SubsidyProgramme.year.desc())
    )
    if year is not None:
        query = query.where(SubsidyProgramme.year == year)
    if from_year is not None:
        query = query.where(SubsidyProgramme.year >= from_year)
    return db.session.scalars(query).all()


def programme_years(from_year: int) -> list[int]:
    """The years from `from_year` on that have a programme, the latest first."""
    return db.session.scalars(
        sa.select(SubsidyProgramme.year)
        .where(SubsidyProgramme.year >= from_year)
        .order_by(SubsidyProgramme.year.desc())
    ).all()


def next_programme_year(on: date) -> int:
    """The year an official most likely sets up next: this one, unless it has its programme."""
    return on.year + 1 if on.year in programme_years(on.year) else on.year


def rules_of(programme: SubsidyProgramme) -> ProgrammeRules:
    return ProgrammeRules(
        year=programme.year,
        per_person_cap=programme.per_person_cap,
        min_age=programme.min_age,
        max_age=programme.max_age,
        unemployed_only=programme.unemployed_only,
        exclude_prior_year_recipients=programme.exclude_prior_year_recipients,
        rounds=tuple(Round(r.half, r.opens_on, r.closes_on) for r in programme.rounds),
        closed_early_on=programme.closed_early_on,
        remaining=programme.budget - programme.spent,
    )


def application_state(programme: SubsidyProgramme, on: date) -> str:
    """'closed' (조기 마감 or budget spent), 'open', 'between_rounds', 'ended' or 'not_yet'."""
    rules = rules_of(programme)
    if is_closed(rules, on):
        return "closed"
    if on.year != programme.year:
        return "ended" if on.year > programme.year else "not_yet"
    return "open" if open_round(rules, on) else "between_rounds"


def rounds_required(year: int) -> bool:
    return year >= ROUNDS_FROM_YEAR


def save_programme(data: dict, by: User, programme: SubsidyProgramme | None = None):
    """An official sets a year's programme: budget, cap, ages, who may apply, how it pays and,
    from 2026, the two rounds' windows. The budget cannot go below what is approved already."""
    if programme is None:
        if programme_for(data["year"]) is not None:
            raise SubsidyError(_("A programme for %(year)s exists already.", year=data["year"]))
        programme = SubsidyProgramme(year=data["year"], spent=0)
        db.session.add(programme)
    if data["budget"] < programme.spent:
        raise SubsidyError(
            _(
                "The budget cannot be less than the %(spent)s approved already.",
                spent=won(programme.spent),
            )
        )
    for name in (
        "name",
        "budget",
        "per_person_cap",
        "min_age",
        "max_age",
        "unemployed_only",
        "exclude_prior_year_recipients",
    ):
        setattr(programme, name, data[name])
    programme.payment_method = PaymentMethod(data["payment_method"])
    programme.closed_early_on = data.get("closed_early_on")
    windows = {
        1: (data.get("first_opens_on"), data.get("first_closes_on")),
        2: (data.get("second_opens_on"), data.get("second_closes_on")),
    }
    existing = {r.half: r for r in programme.rounds}
    for half, (opens_on, closes_on) in windows.items():
        if opens_on and closes_on:
            found = existing.get(half) or SubsidyRound(half=half)
            found.opens_on, found.closes_on = opens_on, closes_on
            if found not in programme.rounds:
                programme.rounds.append(found)
        elif half in existing:
            db.session.delete(existing[half])
    db.session.add(
        audit.entry(
            AccessAction.UPDATE,
            subject=("subsidy_programme", programme.id),
            detail=f"year {programme.year}",
            by=by,
        )
    )
    db.session.commit()
    return programme


def close_early(programme: SubsidyProgramme, on: date, by: User) -> None:
    """An official stops new applications, e.g. when what is left would not pay a whole exam."""
    if programme.closed_early_on is None:
        programme.closed_early_on = on
        db.session.add(
            audit.entry(
                AccessAction.UPDATE,
                subject=("subsidy_programme", programme.id),
                detail="closed early",
                by=by,
            )
        )
    db.session.commit()
