"""Lists of claims and the ledger: budget, approved, paid and people supported."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from academy.clock import seoul_today
from academy.extensions import db
from academy.kpi.subsidies import SubsidyTotals
from academy.models import (
    Campus,
    ClaimStatus,
    ExamAttempt,
    ExamResult,
    SubsidyClaim,
    SubsidyProgramme,
    SubsidyRound,
    Trainee,
)


def claims_page(
    campus_id: int | None, status: ClaimStatus | None, year: int | None, page: int, per_page: int
):
    query = (
        sa.select(SubsidyClaim)
        .join(SubsidyProgramme, SubsidyProgramme.id == SubsidyClaim.programme_id)
        .options(
            selectinload(SubsidyClaim.trainee).selectinload(Trainee.user),
            selectinload(SubsidyClaim.exam_attempt).selectinload(ExamAttempt.certification),
            selectinload(SubsidyClaim.programme),
            selectinload(SubsidyClaim.campus),
        )
        .order_by(SubsidyClaim.applied_on, SubsidyClaim.id)
    )
    if campus_id is not None:
        query = query.where(SubsidyClaim.campus_id == campus_id)
    if status is not None:
        query = query.where(SubsidyClaim.status == status)
    if year is not None:
        query = query.where(SubsidyProgramme.year == year)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


@dataclass
class LedgerLine:
    key: object
    label: str
    totals: SubsidyTotals


@dataclass(frozen=True)
class Ledger:
    programme: SubsidyProgramme
    totals: SubsidyTotals  # the whole programme (or the campus, for a coordinator)
    programme_totals: SubsidyTotals  # always the whole programme
    by_round: list[LedgerLine]
    by_campus: list[LedgerLine]
    as_of: date

    @property
    def remaining(self) -> int:
        return self.programme.budget - self.programme.spent


def ledger(programme: SubsidyProgramme, campus_id: int | None = None) -> Ledger:
    """Budget, approved, paid, remaining and people supported, by round and campus, in three
    grouped queries. Money and counts add up across groups; people are counted once each."""
    today = seoul_today()
    paid = sa.case(
        (
            sa.and_(SubsidyClaim.status == ClaimStatus.APPROVED, SubsidyClaim.paid_on <= today),
            SubsidyClaim.amount_approved,
        ),
        else_=0,
    )
    passed = sa.case(
        (
            sa.and_(
                SubsidyClaim.status == ClaimStatus.APPROVED, ExamAttempt.result == ExamResult.PASSED
            ),
            1,
        ),
        else_=0,
    )
    rows = db.session.execute(
        sa.select(
            SubsidyClaim.round_id,
            SubsidyClaim.campus_id,
            SubsidyClaim.status,
            sa.func.count(SubsidyClaim.id),
            sa.func.coalesce(sa.func.sum(SubsidyClaim.amount_requested), 0),
            sa.func.coalesce(sa.func.sum(SubsidyClaim.amount_approved), 0),
            sa.func.coalesce(sa.func.sum(paid), 0),
            sa.func.coalesce(sa.func.sum(passed), 0),
        )
        .join(ExamAttempt, ExamAttempt.id == SubsidyClaim.exam_attempt_id)
        .where(SubsidyClaim.programme_id == programme.id)
        .group_by(SubsidyClaim.round_id, SubsidyClaim.campus_id, SubsidyClaim.status)
    ).all()
    people = db.session.execute(
        sa.select(SubsidyClaim.round_id, SubsidyClaim.campus_id, SubsidyClaim.trainee_id)
        .where(
            SubsidyClaim.programme_id == programme.id, SubsidyClaim.status == ClaimStatus.APPROVED
        )
        .distinct()
    ).all()
    campus_names = dict(db.session.execute(sa.select(Campus.id, Campus.name)).all())
    rounds = {r.id: r for r in programme.rounds}

    money: dict[tuple, dict] = defaultdict(lambda: defaultdict(int))
    for round_id, campus, status, n, requested, approved, paid_sum, passed_n in rows:
        m = money[(round_id, campus)]
        if status == ClaimStatus.APPROVED:
            m["approved"] += approved
            m["paid"] += paid_sum
            m["claims_approved"] += n
            m["passed"] += passed_n
        elif status == ClaimStatus.SUBMITTED:
            m["claims_pending"] += n
            m["pending_amount"] += requested
        else:
            m["claims_rejected"] += n

    def totals(keep) -> SubsidyTotals:
        summed: dict[str, int] = defaultdict(int)
        for key, m in money.items():
            if keep(key):
                for name, value in m.items():
                    summed[name] += int(value)
        persons = {trainee for r, c, trainee in people if keep((r, c))}
        return SubsidyTotals(people=len(persons), **summed)

    def mine(key) -> bool:
        return campus_id is None or key[1] == campus_id

    round_keys = sorted(
        {k[0] for k in money} | set(rounds),
        key=lambda r: (r is None, rounds[r].half if r in rounds else 0),
    )
    by_round = [
        LedgerLine(r, _round_label(rounds.get(r)), totals(lambda k, r=r: k[0] == r and mine(k)))
        for r in round_keys
    ]
    campus_keys = sorted(
        {k[1] for k in money if mine(k)}, key=lambda c: (c is None, campus_names.get(c, ""))
    )
    by_campus = [
        LedgerLine(
            c, campus_names.get(c) or _("No campus recorded"), totals(lambda k, c=c: k[1] == c)
        )
        for c in campus_keys
    ]
    return Ledger(programme, totals(mine), totals(lambda k: True), by_round, by_campus, today)


def _round_label(round_: SubsidyRound | None) -> str:
    if round_ is None:
        return _("Whole year (no rounds)")
    return _("First half") if round_.half == 1 else _("Second half")


def pending_summary(
    campus_id: int | None, programme_ids: Iterable[int]
) -> dict[int, tuple[int, int]]:
    """Claims awaiting a decision per programme id, of the programmes given: (count, won
    requested)."""
    query = (
        sa.select(
            SubsidyClaim.programme_id,
            sa.func.count(SubsidyClaim.id),
            sa.func.coalesce(sa.func.sum(SubsidyClaim.amount_requested), 0),
        )
        .where(
            SubsidyClaim.status == ClaimStatus.SUBMITTED,
            SubsidyClaim.programme_id.in_(list(programme_ids)),
        )
        .group_by(SubsidyClaim.programme_id)
    )
    if campus_id is not None:
        query = query.where(SubsidyClaim.campus_id == campus_id)
    return {pid: (n, int(total)) for pid, n, total in db.session.execute(query)}
