"""Internships (인턴십): host organisations, openings and placements of trainees.

Three programmes from the source: company-linked (기업 연계, host companies from the
AI alliance's demand survey), city-administration-linked (시정 연계, public-sector AI work on
city data) and the Seoul youth intern job camp's AI track (서울형 청년 인턴 직무캠프).
Coordinators place their campus's trainees; a placement is counted at that campus, in the year
it starts.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from academy.admin.services import account_search
from academy.clock import seoul_today
from academy.errors import RuleRefused
from academy.extensions import db
from academy.formatting import day
from academy.locking import locked
from academy.models import (
    NEVER_STARTED,
    AllianceMember,
    Campus,
    Cohort,
    Enrolment,
    HostOrganisation,
    InternshipOpening,
    InternshipPlacement,
    InternshipProgramme,
    PlacementStatus,
    Trainee,
    User,
)
from academy.years import latest_year, year_span

# A dropped placement gives its seat back.
HOLDING_A_SEAT = (PlacementStatus.PLANNED, PlacementStatus.ONGOING, PlacementStatus.COMPLETED)


class InternshipError(RuleRefused):
    """An internship rule refused the request."""


def hosts() -> list[HostOrganisation]:
    return db.session.scalars(
        sa.select(HostOrganisation)
        .options(selectinload(HostOrganisation.alliance_member))
        .order_by(HostOrganisation.name)
    ).all()


def alliance_members() -> list[AllianceMember]:
    return db.session.scalars(
        sa.select(AllianceMember)
        .where(AllianceMember.left_on.is_(None))
        .order_by(AllianceMember.name)
    ).all()


def add_host(name: str, public_sector: bool, alliance_member_id: int | None) -> HostOrganisation:
    host = HostOrganisation(
        name=name.strip(),
        public_sector=public_sector,
        alliance_member_id=alliance_member_id or None,
    )
    db.session.add(host)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise InternshipError(_("%(name)s is registered already.", name=host.name)) from None
    return host


def add_opening(data: dict) -> InternshipOpening:
    opening = InternshipOpening(
        host_id=data["host_id"],
        programme=InternshipProgramme(data["programme"]),
        title=data["title"].strip(),
        starts_on=data["starts_on"],
        ends_on=data["ends_on"],
        seats=data["seats"],
        paid=data["paid"],
        weekly_hours=data["weekly_hours"],
    )
    db.session.add(opening)
    db.session.commit()
    return opening


@dataclass(frozen=True)
class OpeningRow:
    opening: InternshipOpening
    taken: int  # seats held by placements that were not dropped

    @property
    def free(self) -> int:
        return max(self.opening.seats - self.taken, 0)


def seats_taken(opening_ids) -> dict[int, int]:
    return dict(
        db.session.execute(
            sa.select(InternshipPlacement.opening_id, sa.func.count(InternshipPlacement.id))
            .where(
                InternshipPlacement.opening_id.in_(opening_ids),
                InternshipPlacement.status.in_(HOLDING_A_SEAT),
            )
            .group_by(InternshipPlacement.opening_id)
        ).all()
    )


def openings_page(
    programme: InternshipProgramme | None, year: int | None, page: int, per_page: int
):
    """Openings, newest first, with their seats taken: two queries whatever the page size."""
    query = (
        sa.select(InternshipOpening)
        .options(selectinload(InternshipOpening.host))
        .order_by(InternshipOpening.starts_on.desc(), InternshipOpening.id.desc())
    )
    if programme is not None:
        query = query.where(InternshipOpening.programme == programme)
    if year is not None:
        query = query.where(
            InternshipOpening.starts_on.between(date(year, 1, 1), date(year, 12, 31))
        )
    result = db.paginate(query, page=page, per_page=per_page, error_out=False)
    taken = seats_taken([o.id for o in result.items])
    return result, [OpeningRow(o, taken.get(o.id, 0)) for o in result.items]


def opening_placements(opening: InternshipOpening, campus_id: int | None):
    query = (
        sa.select(InternshipPlacement)
        .where(InternshipPlacement.opening_id == opening.id)
        .options(
            selectinload(InternshipPlacement.trainee).selectinload(Trainee.user),
            selectinload(InternshipPlacement.campus),
        )
        .order_by(InternshipPlacement.starts_on)
    )
    if campus_id is not None:
        query = query.where(InternshipPlacement.campus_id == campus_id)
    return db.session.scalars(query).all()


# The trainee picker names at most this many; the coordinator types more to narrow it.
PICKER_LIMIT = 20


def _started_at(campus_id: int | None) -> sa.ColumnElement[bool]:
    """The trainee has been on a roster (at the campus, when one is given)."""
    started = sa.exists().where(
        Enrolment.trainee_id == Trainee.id, Enrolment.status.not_in(NEVER_STARTED)
    )
    if campus_id is not None:
        started = started.where(Cohort.id == Enrolment.cohort_id, Cohort.campus_id == campus_id)
    return started


def _with_latest_cohort(campus_id: int | None, ids: list[int]) -> list[tuple[Trainee, Cohort]]:
    """The given trainees, by name, each with their latest cohort at the campus (or anywhere)."""
    if not ids:
        return []
    query = (
        sa.select(Trainee, Cohort)
        .join(Enrolment, Enrolment.trainee_id == Trainee.id)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .join(User, User.id == Trainee.user_id)
        .where(Trainee.id.in_(ids), Enrolment.status.not_in(NEVER_STARTED))
        .options(selectinload(Trainee.user))
        .order_by(User.name, Trainee.id, Cohort.starts_on)
    )
    if campus_id is not None:
        query = query.where(Cohort.campus_id == campus_id)
    latest: dict[int, tuple[Trainee, Cohort]] = {}
    for trainee, cohort in db.session.execute(query):
        latest[trainee.id] = (trainee, cohort)
    return list(latest.values())


def find_trainees(
    campus_id: int | None, text: str, limit: int = PICKER_LIMIT
) -> tuple[list[tuple[Trainee, Cohort]], bool]:
    """Trainees on a roster at the campus (or anywhere) whose name or e-mail starts with
    `text`, at most `limit` of them by name, each with their latest cohort there; and whether
    more matched. Two statements whatever the campus's history: nothing lists everyone."""
    text = text.strip()
    if not text:
        return [], False
    ids = list(
        db.session.scalars(
            sa.select(Trainee.id)
            .join(User, User.id == Trainee.user_id)
            .where(account_search(text), _started_at(campus_id))
            .order_by(User.name, Trainee.id)
            .limit(limit + 1)
        )
    )
    return _with_latest_cohort(campus_id, ids[:limit]), len(ids) > limit


def placeable_trainee(campus_id: int | None, trainee_id: int | None) -> tuple | None:
    """The trainee with their latest cohort at the campus, if they were ever on its roster."""
    if not trainee_id or not 0 < trainee_id < 2**31:  # an id no row can have
        return None
    found = _with_latest_cohort(campus_id, [trainee_id])
    return found[0] if found else None


def place(opening_id: int, trainee_id: int, campus_id: int, data: dict) -> InternshipPlacement:
    """Place a trainee on an opening, within its dates and its seats; the seat count is read
    under the opening's write lock, so two coordinators cannot both take the last seat."""
    try:
        opening = locked(
            sa.select(InternshipOpening).where(InternshipOpening.id == opening_id)
        ).scalar_one()
        starts_on, ends_on = data["starts_on"], data.get("ends_on")
        if not opening.starts_on <= starts_on <= opening.ends_on:
            raise InternshipError(
                _(
                    "The placement must start within the opening, %(start)s to %(end)s.",
                    start=day(opening.starts_on),
                    end=day(opening.ends_on),
                )
            )
        if ends_on and ends_on > opening.ends_on:
            raise InternshipError(
                _("The placement cannot end after the opening, %(end)s.", end=day(opening.ends_on))
            )
        taken = seats_taken([opening.id]).get(opening.id, 0)
        if taken >= opening.seats:
            raise InternshipError(
                _("All %(seats)s seats of this opening are taken.", seats=opening.seats)
            )
        placement = InternshipPlacement(
            opening_id=opening.id,
            trainee_id=trainee_id,
            campus_id=campus_id,
            starts_on=starts_on,
            ends_on=ends_on,
            paid=data["paid"],
            weekly_hours=data.get("weekly_hours") or opening.weekly_hours,
            status=initial_status(starts_on, ends_on, seoul_today()),
        )
        db.session.add(placement)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise InternshipError(_("This trainee is placed on this opening already.")) from None
    except BaseException:
        db.session.rollback()
        raise
    return placement


def initial_status(starts_on: date, ends_on: date | None, today: date) -> PlacementStatus:
    if starts_on > today:
        return PlacementStatus.PLANNED
    if ends_on is not None and ends_on < today:
        return PlacementStatus.COMPLETED
    return PlacementStatus.ONGOING


def update_placement(
    placement: InternshipPlacement, status: PlacementStatus, ends_on: date | None
) -> None:
    if ends_on is not None and ends_on < placement.starts_on:
        raise InternshipError(_("The end date cannot be before the start date."))
    if status in (PlacementStatus.COMPLETED, PlacementStatus.DROPPED) and ends_on is None:
        raise InternshipError(_("A finished or dropped placement needs its end date."))
    placement.status = status
    placement.ends_on = ends_on
    db.session.commit()


@dataclass(frozen=True)
class Counts:
    """Placements starting in a year, by programme and campus, with status counts."""

    year: int
    by_programme: dict[InternshipProgramme, dict[PlacementStatus, int]]
    by_campus: list[tuple[str, dict[InternshipProgramme, int], int]]  # name, per programme, all
    total: int


def counts(year: int, campus_id: int | None = None) -> Counts:
    """One grouped query: (programme, campus, status) → placements starting in `year`."""
    query = (
        sa.select(
            InternshipOpening.programme,
            InternshipPlacement.campus_id,
            InternshipPlacement.status,
            sa.func.count(InternshipPlacement.id),
        )
        .join(InternshipOpening, InternshipOpening.id == InternshipPlacement.opening_id)
        .where(InternshipPlacement.starts_on.between(date(year, 1, 1), date(year, 12, 31)))
        .group_by(
            InternshipOpening.programme, InternshipPlacement.campus_id, InternshipPlacement.status
        )
    )
    if campus_id is not None:
        query = query.where(InternshipPlacement.campus_id == campus_id)
    by_programme = {p: {s: 0 for s in PlacementStatus} for p in InternshipProgramme}
    by_campus: dict[int | None, dict[InternshipProgramme, int]] = defaultdict(
        lambda: {p: 0 for p in InternshipProgramme}
    )
    total = 0
    for programme, campus, status, n in db.session.execute(query):
        by_programme[programme][status] += n
        by_campus[campus][programme] += n
        total += n
    names = dict(db.session.execute(sa.select(Campus.id, Campus.name)).all())
    campus_rows = sorted(
        (
            (names.get(c) or _("No campus recorded"), per, sum(per.values()))
            for c, per in by_campus.items()
        ),
        key=lambda row: row[0],
    )
    return Counts(year, by_programme, campus_rows, total)


def campus_placements(campus_id: int, year: int) -> list[InternshipPlacement]:
    return db.session.scalars(
        sa.select(InternshipPlacement)
        .where(
            InternshipPlacement.campus_id == campus_id,
            InternshipPlacement.starts_on.between(date(year, 1, 1), date(year, 12, 31)),
        )
        .options(
            selectinload(InternshipPlacement.trainee).selectinload(Trainee.user),
            selectinload(InternshipPlacement.opening).selectinload(InternshipOpening.host),
        )
        .order_by(InternshipPlacement.starts_on.desc())
    ).all()


def year_choices() -> list[int]:
    """From the newest opening's year back to the first placement's: two ends of two indexes,
    however many years of placements there are."""
    first, last = db.session.execute(
        sa.select(
            sa.select(sa.func.min(InternshipPlacement.starts_on)).scalar_subquery(),
            sa.select(sa.func.max(InternshipOpening.starts_on)).scalar_subquery(),
        )
    ).one()
    return year_span(first, last)


def default_year() -> int:
    """This year if placements start in it, else the latest earlier year with placements."""
    return latest_year(InternshipPlacement.starts_on)
