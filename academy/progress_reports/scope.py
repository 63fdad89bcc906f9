"""Reading a report's parameters (year, campus, tier, kind, as-of date) the same way for the
dashboard, the report downloads, the JSON endpoint and the CLI."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from academy.campuses.services import default_year
from academy.clock import seoul_today
from academy.errors import RuleRefused
from academy.kpi.engine import Scope
from academy.models import Campus, CampusKind, Tier
from academy.parameters import MAX_YEAR, MIN_YEAR, bounded_date


def future_day_problem(day: date | None) -> str | None:
    """Figures as of a day after today would call provisional figures final and count jobs that
    have not started: such a day is refused everywhere (CLI, API, dashboard, reports)."""
    today = seoul_today()
    if day is not None and day > today:
        return _(
            "Figures cannot be shown as of %(day)s: that day has not come yet (today is "
            "%(today)s in Seoul). Choose today or an earlier day.",
            day=day.isoformat(),
            today=today.isoformat(),
        )
    return None


def not_after_today(form, field) -> None:
    """The same refusal as a form validator, for the dashboards' and the reports' as-of field."""
    from wtforms.validators import ValidationError

    problem = future_day_problem(field.data)
    if problem:
        raise ValidationError(problem)


class ParameterError(RuleRefused):
    """A parameter that names nothing (an unknown campus, tier or year): the request cannot be
    answered as asked (400)."""

    status = 400


@dataclass(frozen=True)
class ReportParams:
    year: int
    as_of: date
    scope: Scope


def resolve(
    session: Session,
    year: int | None = None,
    campus: str | int | None = None,
    tier: str | None = None,
    kind: str | None = None,
    as_of: date | str | None = None,
) -> ReportParams:
    """Parameters from their outside form: a campus by name (CLI, API) or id (pages), a tier or
    kind by value, a date as ISO text. Unset ones take the defaults: the latest year whose
    cohorts have ended, and today in Seoul."""
    if year is not None and not MIN_YEAR <= int(year) <= MAX_YEAR:
        raise ParameterError(
            _("The year must be between %(low)s and %(high)s.", low=MIN_YEAR, high=MAX_YEAR)
        )
    campus_id = None
    if campus not in (None, ""):
        column = Campus.id if isinstance(campus, int) else Campus.name
        campus_id = session.scalar(sa.select(Campus.id).where(column == campus))
        if campus_id is None:
            raise ParameterError(_("There is no campus named %(name)s.", name=campus))
    try:
        tier_value = Tier(tier) if tier else None
    except ValueError:
        raise ParameterError(_("The tier must be large, medium or small.")) from None
    try:
        kind_value = CampusKind(kind) if kind else None
    except ValueError:
        raise ParameterError(
            _("The campus kind must be district, bigtech or industry_hub.")
        ) from None
    if isinstance(as_of, str) and as_of:
        try:
            as_of = bounded_date(date.fromisoformat(as_of))
        except ValueError:
            raise ParameterError(
                _("The date must look like 2026-03-31, from 1900 to 2100.")
            ) from None
    problem = future_day_problem(as_of or None)
    if problem:
        raise ParameterError(problem)
    return ReportParams(
        year=int(year) if year is not None else default_year(),
        as_of=as_of or seoul_today(),
        scope=Scope(campus_id=campus_id, tier=tier_value, kind=kind_value),
    )
