"""The Excel export of the progress report: the same figures as the PDF, one table per sheet.

Every sheet is one table a reader can sort and filter: its header is the first row (frozen, with
an autofilter over the table), written once, unique within the sheet and in the reader's
language. Cells are typed: rates are numbers from 0 to 1 with a percentage format, counts whole
numbers, money whole won with the currency, years plain numbers, dates and times real Excel
dates in Asia/Seoul (the database keeps UTC). Text from the database (campus, course, donor
names) is escaped: a cell that starts with = + - @, a tab or a carriage return would otherwise be
read as a formula.
"""

import unicodedata
from collections.abc import Iterable
from datetime import UTC, date, datetime
from io import BytesIO

from flask_babel import get_locale
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from academy.clock import SEOUL
from academy.kpi.definitions import Figures, Rate
from academy.labels import label_for
from academy.progress_reports.progress import ProgressReport

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PERCENT = "0.0%"
WHOLE = "#,##0"
YEAR = "0"
DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm"
MAX_SHEET_TITLE = 31
MIN_WIDTH, MAX_WIDTH = 8, 60
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="ECF2FE")


class Year(int):
    """A year: a number, written without a thousands separator (2025, not 2,025)."""


class Won(int):
    """Whole won: a number with the currency in its format."""


def safe_text(value: str) -> str:
    """Text that Excel shows as it is: a leading apostrophe keeps a formula-like start inert."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def seoul_time(moment: datetime) -> datetime:
    """A moment as Seoul wall-clock time without a zone (Excel has none); naive means UTC, as
    the database stores it."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(SEOUL).replace(tzinfo=None, microsecond=0)


def _money_format() -> str:
    return '#,##0"원"' if str(get_locale()) == "ko" else '"₩"#,##0'


def _typed(value) -> tuple[object, str | None]:
    """The cell value and its number format."""
    if isinstance(value, Rate):
        return value.value, PERCENT
    if isinstance(value, bool):
        return (_("Yes") if value else _("No")), None
    if isinstance(value, Year):
        return int(value), YEAR
    if isinstance(value, Won):
        return int(value), _money_format()
    if isinstance(value, int):
        return value, WHOLE
    if isinstance(value, float):
        return value, PERCENT
    if isinstance(value, datetime):
        return seoul_time(value), DATETIME
    if isinstance(value, date):
        return value, DATE
    if value is None:
        return None, None
    return safe_text(str(value)), None


def display_width(text: str) -> int:
    """Columns a text takes in Excel: Hangul and other wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _shown(value, fmt: str | None) -> str:
    """About what Excel shows, to size the column."""
    if value is None:
        return ""
    if fmt == PERCENT:
        return "100.0%"
    if fmt in (DATE, DATETIME):
        return "2025-01-01 00:00" if fmt == DATETIME else "2025-01-01"
    if fmt and isinstance(value, int):
        return f"{value:,}원" if "원" in fmt or "₩" in fmt else f"{value:,}"
    return str(value)


class _Sheet:
    """One table: the header in row 1, frozen, filtered; typed rows below it."""

    def __init__(self, workbook: Workbook, title: str, columns: list[str], first: bool = False):
        self.ws = workbook.active if first else workbook.create_sheet()
        self.ws.title = title[:MAX_SHEET_TITLE]
        self.widths: dict[int, int] = {}
        if len(set(columns)) != len(columns):
            raise ValueError(f"duplicate column headers on {title}: {columns}")
        self._write(columns, header=True)
        self.ws.freeze_panes = "A2"

    def _write(self, values: Iterable, header: bool = False, bold: bool = False) -> None:
        cells = [(safe_text(str(v)), None) if header else _typed(v) for v in values]
        self.ws.append([v for v, _fmt in cells])
        line = self.ws.max_row
        for column, (value, fmt) in enumerate(cells, start=1):
            cell = self.ws.cell(row=line, column=column)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text
            if fmt:
                cell.number_format = fmt
            if header:
                cell.font, cell.fill = HEADER_FONT, HEADER_FILL
                cell.alignment = Alignment(vertical="center", wrap_text=True)
            elif bold:
                cell.font = HEADER_FONT
            width = display_width(_shown(value, fmt)) + 2
            self.widths[column] = max(self.widths.get(column, MIN_WIDTH), min(width, MAX_WIDTH))

    def row(self, values: Iterable, bold: bool = False) -> None:
        self._write(values, bold=bold)

    def finish(self) -> None:
        for column, width in self.widths.items():
            self.ws.column_dimensions[get_column_letter(column)].width = width
        last = get_column_letter(max(self.widths, default=1))
        self.ws.auto_filter.ref = f"A1:{last}{self.ws.max_row}"


def _figure_columns() -> list[str]:
    return [
        _("Number of cohorts"),
        _("Enrolled (people)"),
        _("Completers"),
        _("Completion rate"),
        _("Excluded"),
        _("Employed when the cohort started"),
        _("Denominator"),
        _("Employed"),
        _("Employment rate"),
        _("Employment rate, including pending"),
        _("Employment rate at 90 days"),
        _("In a quality job"),
        _("Quality-job rate"),
        _("Quality-job rate, including pending"),
        _("Unknown"),
        _("Knowledge rate"),
        _("Maturity"),
    ]


def _figure_values(f: Figures) -> list:
    c = f.counts
    return [
        f.cohorts,
        c.enrolled,
        c.completers,
        f.completion_rate,
        c.excluded,
        c.employed_at_start,
        f.denominator,
        c.employed,
        f.employment_rate,
        f.employment_rate_incl_pending,
        f.employment_rate_90d,
        c.quality_employed,
        f.quality_rate,
        f.quality_rate_incl_pending,
        c.unknown,
        f.knowledge_rate,
        label_for(f.maturity) if f.maturity else "–",
    ]


def render_xlsx(
    report: ProgressReport,
    generated_at: datetime,
    personal: dict[str, list[list]] | None = None,
) -> bytes:
    """The workbook. `personal` adds named lists (sheet title → header row, then rows) for a
    download whose reason was given; without it the workbook holds aggregates only."""
    wb = Workbook()
    f = report.headline
    c = f.counts

    summary = _Sheet(
        wb,
        _("Summary"),
        [
            _("Figure"),
            _("Value"),
            _("Numerator"),
            _("Denominator"),
            _("Target"),
            _("Fewer than 10 people"),
        ],
        first=True,
    )
    scope = report.campus.name if report.campus else _("All of Seoul")
    if report.scope.tier:
        scope += f" · {label_for(report.scope.tier)}"
    if report.scope.kind:
        scope += f" · {label_for(report.scope.kind)}"
    summary.row([_("Report"), _("Seoul Youth Employment Academy progress report")])
    summary.row([_("Scope"), scope])
    summary.row([_("Year"), Year(report.year)])
    summary.row([_("Figures as of"), report.as_of])
    summary.row([_("Newest record read"), report.data_as_of or "–"])
    summary.row([_("Generated"), generated_at])
    summary.row([_("Maturity"), label_for(f.maturity) if f.maturity else "–"])
    summary.row([_("Trainees"), c.enrolled, None, None, report.trainee_target])
    for title, rate in (
        (_("Completion rate"), f.completion_rate),
        (_("Employment rate"), f.employment_rate),
        (_("Employment rate, including pending"), f.employment_rate_incl_pending),
        (_("Employment rate at 90 days"), f.employment_rate_90d),
        (_("Quality-job rate (1089)"), f.quality_rate),
        (_("Quality-job rate, including pending"), f.quality_rate_incl_pending),
        (_("Knowledge rate"), f.knowledge_rate),
        (_("Employment insurance confirmed"), f.insurance_confirmed_share),
    ):
        # domain.md: a rate over fewer than 10 people is shown with its counts and flagged.
        summary.row([title, rate, rate.numerator, rate.denominator, None, rate.small])
    for title, value in (
        (_("Enrolled (people)"), c.enrolled),
        (_("Completers"), c.completers),
        (_("of whom left early for a job"), c.early_employed),
        (_("Excluded (verified X)"), c.excluded),
        (_("Employed when the cohort started"), c.employed_at_start),
        (_("Denominator"), f.denominator),
        (_("Employed within 180 days, verified"), c.employed),
        (_("Employed within 180 days, including pending"), c.employed_incl_pending),
        (_("of whom confirmed by an employment-insurance match"), c.employed_insurance_match),
        (_("Employed within 90 days, verified"), c.employed_90d),
        (_("In a quality job, verified"), c.quality_employed),
        (_("In a quality job, including pending"), c.quality_employed_incl_pending),
        (_("Outcome unknown"), c.unknown),
    ):
        summary.row([title, value])
    # Outside every rate, on their own lines (cancellations, non-completers and their jobs).
    for title, value in (
        (_("Cancelled before the start or in the first days"), c.cancelled),
        (_("Non-completers (withdrew or below the attendance rule)"), c.non_completers),
        (_("Non-completers employed within 180 days, verified"), c.non_completers_employed),
        (
            _("Non-completers employed within 180 days, including pending"),
            c.non_completers_employed_incl_pending,
        ),
    ):
        summary.row([title, value])
    summary.finish()

    ramp = _Sheet(wb, _("Trainees per year"), [_("Year"), _("Trainees"), _("Target")])
    for r in report.ramp:
        ramp.row([Year(r.year), r.enrolled, r.target])
    ramp.finish()

    if report.scope.is_city:
        capacity = _Sheet(
            wb,
            _("Capacity gap"),
            [
                _("Year"),
                _("Target"),
                _("Capacity of classrooms"),
                _("Tier range, low"),
                _("Tier range, high"),
                _("Places in planned cohorts"),
                _("Gap"),
            ],
        )
        for r in report.capacity.years:
            capacity.row(
                [
                    Year(r.year),
                    r.target,
                    r.classroom_capacity,
                    r.tier_range.low,
                    r.tier_range.high,
                    r.planned_cohorts,
                    r.gap,
                ]
            )
        capacity.finish()

    tiers = _Sheet(wb, _("By size tier"), [_("Tier"), *_figure_columns()])
    for tier, g in report.tier_rows.items():
        tiers.row([label_for(tier), *_figure_values(g)])
    tiers.row([_("Total"), *_figure_values(f)], bold=True)
    tiers.finish()

    campuses = _Sheet(wb, _("By campus"), [_("Campus"), _("Kind"), _("Tier"), *_figure_columns()])
    for row in report.campus_rows:
        campuses.row(
            [
                row.campus.name,
                label_for(row.campus.kind),
                label_for(row.campus.tier),
                *_figure_values(row.figures),
            ]
        )
    campuses.finish()

    cohorts = _Sheet(
        wb,
        _("By cohort"),
        [
            _("Cohort"),
            _("Campus"),
            _("Course"),
            _("Level"),
            _("Starts"),
            _("Ends"),
            *_figure_columns()[1:],
        ],
    )
    for co in report.snapshot.cohorts:
        cohorts.row(
            [
                co.code,
                co.campus_name,
                co.course_name,
                label_for(co.level),
                co.starts_on,
                co.ends_on,
                *_figure_values(co.figures)[1:],
            ]
        )
    cohorts.finish()

    certs = _Sheet(
        wb,
        _("Certifications"),
        [
            _("Certification"),
            _("Issuer"),
            _("Sat"),
            _("Passed"),
            _("Pass rate"),
            _("Did not sit"),
            _("Awaiting result"),
        ],
    )
    for r in report.certifications:
        certs.row(
            [r.name, r.issuer, r.sat, r.passed, r.pass_rate, r.attempts.absent, r.attempts.pending]
        )
    certs.finish()

    other = _Sheet(wb, _("Internships and subsidy"), [_("Figure"), _("Value")])
    for programme, n in report.internships.items():
        other.row([label_for(programme), n])
    other.row(
        [
            _("Internship placement (completers who started an internship)"),
            report.snapshot.internship_placement(),
        ]
    )
    s = report.subsidy
    cost = s.cost_per_pass
    other.row([_("Subsidy approved"), Won(s.approved)])
    other.row([_("Paid"), Won(s.paid)])
    other.row([_("Budget"), Won(s.budget) if s.budget is not None else None])
    other.row([_("Budget used"), s.budget_use])
    other.row([_("People supported by the subsidy"), s.people])
    other.row([_("Subsidy per certification passed"), Won(cost) if cost is not None else None])
    other.finish()

    eco = _Sheet(wb, _("Alliance and fund"), [_("Figure"), _("Value"), _("Target")])
    e = report.ecosystem
    eco.row([_("Seoul AI Alliance members"), e.alliance_members, report.alliance_target])
    for kind, n in sorted(e.alliance_by_kind.items()):
        eco.row([f"  {label_for(kind)}", n, None])
    eco.row([_("Global big-tech campuses"), e.bigtech_campuses, report.bigtech_target])
    eco.row([_("Advanced-track selections"), e.advanced_track, report.advanced_track_target])
    eco.row([_("Money donated to the development fund"), Won(e.donations_money), None])
    eco.row([_("Talent donations"), e.donations_talent, None])
    eco.row([_("Scholarships paid"), Won(e.scholarships_paid), None])
    eco.row([_("Development fund balance"), Won(e.fund_balance), None])
    eco.finish()

    # One row per target and year, so the reader can filter a metric or a year.
    targets = _Sheet(
        wb, _("Targets"), [_("Target"), _("Year"), _("Target value"), _("Basis of the target")]
    )
    for metric, row in report.targets.items():
        for t in row:
            targets.row([label_for(metric), Year(t.year), t.value, label_for(t.source)])
    targets.finish()

    rules = _Sheet(
        wb,
        _("Quality rules"),
        [
            _("Year the job started"),
            _("Monthly pay floor"),
            _("Minimum weekly hours"),
            _("Minimum fixed-term contract (months)"),
        ],
    )
    for year, rule in sorted(report.rules.by_year.items()):
        rules.row(
            [
                Year(year),
                Won(rule.monthly_pay_floor),
                rule.min_weekly_hours,
                rule.min_contract_months,
            ]
        )
    rules.finish()

    for title, rows in (personal or {}).items():
        sheet = _Sheet(wb, title, rows[0])
        for row in rows[1:]:
            sheet.row(row)
        sheet.finish()

    # Fixed workbook metadata: the same figures give the same file apart from this moment.
    wb.properties.creator = "Seoul Youth Employment Academy"
    wb.properties.title = _("Seoul Youth Employment Academy progress report")
    wb.properties.created = wb.properties.modified = seoul_time(generated_at)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
