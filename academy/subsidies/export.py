"""The subsidy ledger as an Excel workbook: the figures, and the claims with masked names.

Exports for officials are aggregates or masked (domain.md, "Personal data"): a claim shows 홍*동,
never a phone number or a birth date. Text is written through safe_cell, so nothing runs as a
formula in the reader's Excel.
"""

import io

import sqlalchemy as sa
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy.orm import selectinload

from academy.exchange.writing import safe_cell
from academy.extensions import db
from academy.kpi.subsidies import budget_use, cost_per_pass
from academy.labels import label_for
from academy.models import ExamAttempt, SubsidyClaim, Trainee
from academy.privacy import mask_name
from academy.subsidies.services import Ledger

MONEY = "#,##0"
BOLD = Font(bold=True)


def _sheet(workbook: Workbook, title: str, header: list[str], rows: list[list], money=()):
    sheet = workbook.create_sheet(title)
    sheet.append([safe_cell(h) for h in header])
    for cell in sheet[1]:
        cell.font = BOLD
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    for column in money:
        for cell in sheet[get_column_letter(column)][1:]:
            cell.number_format = MONEY
    for index, title_ in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(str(title_)) * 2)
    sheet.freeze_panes = "A2"
    return sheet


def _line_header(first: str) -> list[str]:
    return [
        first,
        _("Approved (won)"),
        _("Paid (won)"),
        _("People supported"),
        _("Claims approved"),
        _("Claims awaiting a decision"),
        _("Amount awaiting (won)"),
        _("Claims rejected"),
    ]


def _line_row(label: str, t) -> list:
    return [
        label,
        t.approved,
        t.paid,
        t.people,
        t.claims_approved,
        t.claims_pending,
        t.pending_amount,
        t.claims_rejected,
    ]


def ledger_workbook(ledger: Ledger, campus_id: int | None) -> io.BytesIO:
    programme, totals = ledger.programme, ledger.programme_totals
    workbook = Workbook()
    workbook.remove(workbook.active)
    use = budget_use(totals, programme.budget).value
    percent, day_format = "0.0%", "yyyy-mm-dd"
    summary = [
        (_("Subsidy programme"), programme.name, None),
        (_("Year"), programme.year, None),
        (_("Budget (won)"), programme.budget, MONEY),
        (_("Approved (won)"), programme.spent, MONEY),
        (_("Paid (won)"), totals.paid, MONEY),
        (_("Remaining (won)"), ledger.remaining, MONEY),
        (_("Budget used"), round(use, 4) if use is not None else None, percent),
        (_("People supported"), totals.people, None),
        (_("Cost per certification passed (won)"), cost_per_pass(totals), MONEY),
        (_("Claims awaiting a decision"), totals.claims_pending, None),
        (_("Payment method"), label_for(programme.payment_method), None),
        (_("Applications closed early on"), programme.closed_early_on, day_format),
        (_("As of"), ledger.as_of, day_format),
    ]
    sheet = _sheet(
        workbook,
        _("Summary"),
        [_("Ledger figure"), _("Ledger value")],
        [[label, value] for label, value, _format in summary],
    )
    for row, (_label, _value, number_format) in enumerate(summary, start=2):
        if number_format:
            sheet.cell(row=row, column=2).number_format = number_format
    _sheet(
        workbook,
        _("By round"),
        _line_header(_("Round")),
        [_line_row(line.label, line.totals) for line in ledger.by_round],
        money=(2, 3, 7),
    )
    _sheet(
        workbook,
        _("By campus"),
        _line_header(_("Campus")),
        [_line_row(line.label, line.totals) for line in ledger.by_campus],
        money=(2, 3, 7),
    )

    query = (
        sa.select(SubsidyClaim)
        .where(SubsidyClaim.programme_id == programme.id)
        .options(
            selectinload(SubsidyClaim.trainee).selectinload(Trainee.user),
            selectinload(SubsidyClaim.exam_attempt).selectinload(ExamAttempt.certification),
            selectinload(SubsidyClaim.campus),
            selectinload(SubsidyClaim.round),
        )
        .order_by(SubsidyClaim.applied_on, SubsidyClaim.id)
    )
    if campus_id is not None:
        query = query.where(SubsidyClaim.campus_id == campus_id)
    claims = [
        [
            c.applied_on,
            c.campus.name if c.campus else None,
            mask_name(c.trainee.user.name),
            c.exam_attempt.certification.name,
            c.exam_attempt.sat_on,
            label_for(c.exam_attempt.result),
            c.amount_requested,
            c.amount_approved,
            label_for(c.status),
            c.paid_on,
            label_for(c.payment_method) if c.payment_method else None,
            c.decision_reason,
        ]
        for c in db.session.scalars(query)
    ]
    header = [
        _("Applied on"),
        _("Campus"),
        _("Name (masked)"),
        _("Certification"),
        _("Exam date"),
        _("Result"),
        _("Asked (won)"),
        _("Approved (won)"),
        _("Status"),
        _("Paid on"),
        _("Payment method"),
        _("Reason"),
    ]
    sheet = _sheet(workbook, _("Claims"), header, claims, money=(7, 8))
    for column in ("A", "E", "J"):
        for cell in sheet[column][1:]:
            cell.number_format = "yyyy-mm-dd"
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer
