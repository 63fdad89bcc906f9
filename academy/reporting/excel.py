"""The Excel export of the progress report: the same figures as the PDF, one sheet per table.

Rates are stored as numbers from 0 to 1 with a percentage format, counts as whole numbers, money
as whole won. Text from the database (campus, course, donor names) is escaped: a cell that
starts with = + - @, a tab or a carriage return would otherwise be read as a formula.
"""

from collections.abc import Iterable
from datetime import datetime
from io import BytesIO

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from academy.kpi.definitions import Figures, Rate
from academy.labels import label_for
from academy.reporting.progress import ProgressReport

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PERCENT = "0.0%"
WHOLE = "#,##0"
MAX_SHEET_TITLE = 31


def safe_text(value: str) -> str:
    """Text that Excel shows as it is: a leading apostrophe keeps a formula-like start inert."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


class _Sheet:
    def __init__(self, workbook: Workbook, title: str, first: bool = False):
        self.ws = workbook.active if first else workbook.create_sheet()
        self.ws.title = title[:MAX_SHEET_TITLE]
        self.widths: dict[int, int] = {}

    def row(self, values: Iterable, bold: bool = False) -> None:
        cells = []
        for value in values:
            if isinstance(value, Rate):
                value = value.value
                fmt = PERCENT
            elif isinstance(value, float):
                fmt = PERCENT
            elif isinstance(value, int) and not isinstance(value, bool):
                fmt = WHOLE
            else:
                fmt = None
                if value is not None and not isinstance(value, str):
                    value = str(value)
                if isinstance(value, str):
                    value = safe_text(value)
            cells.append((value, fmt))
        self.ws.append([v for v, _ in cells])
        line = self.ws.max_row
        for column, (value, fmt) in enumerate(cells, start=1):
            cell = self.ws.cell(row=line, column=column)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text
            if fmt:
                cell.number_format = fmt
            if bold:
                cell.font = Font(bold=True)
            width = min(len(str(value or "")) + 2, 60)
            self.widths[column] = max(self.widths.get(column, 8), width)

    def header(self, values: Iterable) -> None:
        self.row(values, bold=True)
        self.ws.freeze_panes = self.ws.cell(row=self.ws.max_row + 1, column=1)

    def finish(self) -> None:
        for column, width in self.widths.items():
            self.ws.column_dimensions[get_column_letter(column)].width = width


def _figure_columns() -> list[str]:
    return [
        _("Cohorts"),
        _("Enrolled"),
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
    """The workbook. `personal` adds named lists (sheet title → rows) for a download whose
    reason was given; without it the workbook holds aggregates only."""
    wb = Workbook()
    f = report.headline
    c = f.counts

    summary = _Sheet(wb, _("Summary"), first=True)
    summary.row([_("Seoul Youth Employment Academy progress report")], bold=True)
    scope = report.campus.name if report.campus else _("All of Seoul")
    if report.scope.tier:
        scope += f" · {label_for(report.scope.tier)}"
    if report.scope.kind:
        scope += f" · {label_for(report.scope.kind)}"
    summary.row([_("Scope"), scope])
    summary.row([_("Year"), report.year])
    summary.row([_("Figures as of"), report.as_of.isoformat()])
    newest = report.data_as_of.isoformat(sep=" ") if report.data_as_of else "–"
    summary.row([_("Newest record read"), newest])
    summary.row([_("Generated"), generated_at.isoformat(sep=" ", timespec="seconds")])
    summary.row([_("Maturity"), label_for(f.maturity) if f.maturity else "–"])
    summary.row([])
    summary.header([_("Figure"), _("Value"), _("Numerator"), _("Denominator"), _("Target")])
    summary.row([_("Trainees"), c.enrolled, None, None, report.trainee_target])
    for title, rate in (
        (_("Completion rate"), f.completion_rate),
        (_("Employment rate"), f.employment_rate),
        (_("Employment rate, including pending"), f.employment_rate_incl_pending),
        (_("Employment rate at 90 days"), f.employment_rate_90d),
        (_("Quality-job rate (1089)"), f.quality_rate),
        (_("Quality-job rate, including pending"), f.quality_rate_incl_pending),
        (_("Knowledge rate"), f.knowledge_rate),
    ):
        summary.row([title, rate, rate.numerator, rate.denominator, None])
    summary.row([])
    summary.header([_("Count"), _("People")])
    for title, value in (
        (_("Enrolled"), c.enrolled),
        (_("Completers"), c.completers),
        (_("of whom left early for a job"), c.early_employed),
        (_("Excluded (verified X)"), c.excluded),
        (_("Employed when the cohort started"), c.employed_at_start),
        (_("Denominator"), f.denominator),
        (_("Employed within 180 days, verified"), c.employed),
        (_("Employed within 180 days, including pending"), c.employed_incl_pending),
        (_("Employed within 90 days, verified"), c.employed_90d),
        (_("In a quality job, verified"), c.quality_employed),
        (_("In a quality job, including pending"), c.quality_employed_incl_pending),
        (_("Outcome unknown"), c.unknown),
    ):
        summary.row([title, value])
    summary.row([])
    summary.header([_("Outside every rate, on their own lines"), _("People")])
    for title, value in (
        (_("Cancelled before the start or in the first days"), c.cancelled),
        (_("Non-completers (withdrew or below the attendance rule)"), c.non_completers),
        (_("Non-completers employed within 180 days, verified"), c.non_completers_employed),
        (_("Non-completers employed within 180 days, including pending"),
         c.non_completers_employed_incl_pending),
    ):  # fmt: skip
        summary.row([title, value])
    summary.finish()

    ramp = _Sheet(wb, _("Trainees per year"))
    ramp.header([_("Year"), _("Trainees"), _("Target")])
    for r in report.ramp:
        ramp.row([r.year, r.enrolled, r.target])
    ramp.finish()

    if report.scope.is_city:
        capacity = _Sheet(wb, _("Capacity gap"))
        capacity.header(
            [_("Year"), _("Target"), _("Capacity of classrooms"), _("Tier range, low"),
             _("Tier range, high"), _("Places in planned cohorts"), _("Gap")]
        )  # fmt: skip
        for r in report.capacity.years:
            capacity.row([r.year, r.target, r.classroom_capacity, r.tier_range.low,
                          r.tier_range.high, r.planned_cohorts, r.gap])  # fmt: skip
        capacity.finish()

    tiers = _Sheet(wb, _("By size tier"))
    tiers.header([_("Tier"), *_figure_columns()])
    for tier, g in report.tier_rows.items():
        tiers.row([label_for(tier), *_figure_values(g)])
    tiers.row([_("Total"), *_figure_values(f)], bold=True)
    tiers.finish()

    campuses = _Sheet(wb, _("By campus"))
    campuses.header([_("Campus"), _("Kind"), _("Tier"), *_figure_columns()])
    for row in report.campus_rows:
        campuses.row([row.campus.name, label_for(row.campus.kind), label_for(row.campus.tier),
                      *_figure_values(row.figures)])  # fmt: skip
    campuses.finish()

    cohorts = _Sheet(wb, _("By cohort"))
    cohorts.header([_("Cohort"), _("Campus"), _("Course"), _("Level"), _("Starts"), _("Ends"),
                    *_figure_columns()])  # fmt: skip
    for co in report.snapshot.cohorts:
        cohorts.row([co.code, co.campus_name, co.course_name, label_for(co.level),
                     co.starts_on.isoformat(), co.ends_on.isoformat(),
                     *_figure_values(co.figures)])  # fmt: skip
    cohorts.finish()

    certs = _Sheet(wb, _("Certifications"))
    certs.header([_("Certification"), _("Issuer"), _("Sat"), _("Passed"), _("Pass rate"),
                  _("Did not sit"), _("Awaiting result")])  # fmt: skip
    for r in report.certifications:
        certs.row([r.name, r.issuer, r.sat, r.passed, r.pass_rate, r.attempts.absent,
                   r.attempts.pending])  # fmt: skip
    certs.finish()

    other = _Sheet(wb, _("Internships and subsidy"))
    other.header([_("Figure"), _("Value")])
    for programme, n in report.internships.items():
        other.row([label_for(programme), n])
    other.row([_("Internship placement (completers who started an internship)"),
               report.snapshot.internship_placement()])  # fmt: skip
    s = report.subsidy
    other.row([_("Subsidy approved"), s.approved])
    other.row([_("Paid"), s.paid])
    other.row([_("Budget"), s.budget])
    other.row([_("Budget used"), s.budget_use])
    other.row([_("People supported by the subsidy"), s.people])
    other.row([_("Subsidy per certification passed"), s.cost_per_pass])
    other.finish()

    eco = _Sheet(wb, _("Alliance and fund"))
    e = report.ecosystem
    eco.header([_("Figure"), _("Value"), _("Target")])
    eco.row([_("Seoul AI Alliance members"), e.alliance_members, report.alliance_target])
    for kind, n in sorted(e.alliance_by_kind.items()):
        eco.row([f"  {label_for(kind)}", n, None])
    eco.row([_("Global big-tech campuses"), e.bigtech_campuses, report.bigtech_target])
    eco.row([_("Advanced-track selections"), e.advanced_track, report.advanced_track_target])
    eco.row([_("Money donated to the development fund"), e.donations_money, None])
    eco.row([_("Talent donations"), e.donations_talent, None])
    eco.row([_("Scholarships paid"), e.scholarships_paid, None])
    eco.row([_("Development fund balance"), e.fund_balance, None])
    eco.finish()

    targets = _Sheet(wb, _("Targets"))
    years = [t.year for t in next(iter(report.targets.values()))]
    targets.header([_("Target"), *[str(y) for y in years]])
    for metric, row in report.targets.items():
        targets.row([label_for(metric), *[t.value for t in row]])
        targets.row([f"  {_('Source')}", *[label_for(t.source) for t in row]])
    targets.finish()

    rules = _Sheet(wb, _("Quality rules"))
    rules.header([_("Year the job started"), _("Monthly pay floor"), _("Minimum weekly hours"),
                  _("Minimum fixed-term contract (months)")])  # fmt: skip
    for year, rule in sorted(report.rules.by_year.items()):
        rules.row([year, rule.monthly_pay_floor, rule.min_weekly_hours, rule.min_contract_months])
    rules.finish()

    for title, rows in (personal or {}).items():
        sheet = _Sheet(wb, title)
        sheet.header(rows[0])
        for row in rows[1:]:
            sheet.row(row)
        sheet.finish()

    # Fixed workbook metadata: the same figures give the same file apart from this moment.
    wb.properties.creator = "Seoul Youth Employment Academy"
    wb.properties.created = wb.properties.modified = generated_at.replace(microsecond=0)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
