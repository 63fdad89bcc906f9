"""Charts drawn on the server as SVG with pygal, the same on the screen and in the PDF.

pygal is made for exactly this (SVG charts from Python, no browser needed) and comes from Kozea,
who also make WeasyPrint, whose SVG renderer draws its output faithfully. Text stays text in the
Pretendard GOV font the page and the PDF load, so Korean labels render and can be searched.
Every chart comes with its data as a table (`Chart.rows`) for screen readers and for print.
"""

import re
from collections import OrderedDict
from dataclasses import dataclass

import pygal
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup
from pygal.style import Style

from academy.formatting import number, percent
from academy.kpi.capacity import CapacityPlan
from academy.kpi.rules import QUALITY_FLOOR, QUALITY_STRETCH
from academy.labels import label_for

# KRDS colours: primary blue, grey, secondary amber, success green, danger red.
COLOURS = ("#256ef4", "#6d7882", "#c98a00", "#228738", "#d63d4a")
FONT = "'Pretendard GOV', 'Pretendard', sans-serif"
STYLE = Style(
    font_family=FONT,
    background="transparent",
    plot_background="transparent",
    foreground="#1e2124",
    foreground_strong="#1e2124",
    foreground_subtle="#8a949e",
    opacity="0.9",
    opacity_hover="1",
    colors=COLOURS,
    title_font_size=16,
    label_font_size=14,
    major_label_font_size=14,
    legend_font_size=14,
    value_font_size=12,
    tooltip_font_size=12,
    no_data_font_size=16,
)
BASE = dict(
    style=STYLE,
    js=[],  # no script: the chart is a picture; its table carries the data
    disable_xml_declaration=True,
    width=640,
    height=400,
    legend_at_bottom=True,
    legend_at_bottom_columns=2,
    legend_box_size=14,
    truncate_legend=-1,
    truncate_label=-1,
    show_title=False,  # the page gives the title as the figure's caption
    margin=12,
    margin_bottom=36,  # room for the legend's text under its boxes
    spacing=12,
)
_STYLE = re.compile(r"<style[^>]*>.*?</style>", re.S)
_SCRIPT = re.compile(r"<script[^>]*>.*?</script>", re.S)
_TOOLTIP = re.compile(r'<g [^>]*class="tooltip"><rect [^>]*/><g class="text" /></g>')
_UUID_ID = re.compile(r"chart-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass(frozen=True)
class Chart:
    name: str  # stable id, also the SVG's
    title: str
    svg: Markup
    columns: list[str]
    rows: list[list[str]]

    def markup(self, nonce: str | None = None) -> Markup:
        """The SVG; on a page whose Content-Security-Policy allows styles by nonce, its <style>
        carries the nonce (pygal styles the chart with CSS inside the SVG)."""
        if not nonce:
            return self.svg
        return Markup(str(self.svg).replace("<style ", f'<style nonce="{nonce}" ', 1))


_CACHE: OrderedDict[tuple, Markup] = OrderedDict()
_CACHE_SIZE = 128


def _finish(name: str, chart: pygal.graph.graph.Graph) -> Markup:
    """The SVG with a stable id (pygal draws a random one), hidden from screen readers: the
    table beside it reads better than a picture's description.

    The same data draw the same chart, so a drawing is kept (last 128) by its data and language:
    every official opening the dashboard does not pay for pygal again.
    """
    key = (
        name,
        type(chart).__name__,
        str(get_locale()),
        tuple(chart.x_labels or ()),
        tuple((title, tuple(values)) for title, values in _series(chart)),
    )
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    svg = _draw(name, chart)
    _CACHE[key] = svg
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return svg


def _series(chart) -> list[tuple[str, list]]:
    return [(str(config.get("title")), list(values)) for values, config in chart.raw_series]


def _draw(name: str, chart: pygal.graph.graph.Graph) -> Markup:
    svg = chart.render(is_unicode=True)
    svg = _UUID_ID.sub(f"chart-{name}", svg)
    # Inline in HTML, a <style> keeps "&gt;" literally: pygal's child selectors would not match.
    svg = _STYLE.sub(lambda m: m.group(0).replace("&gt;", ">"), svg)
    svg = svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)
    svg = svg.replace('id="activate-serie-', f'id="{name}-activate-serie-')  # unique on a page
    # No script and no inline style attribute: the pages' Content-Security-Policy refuses both,
    # and a picture needs neither (pygal's tooltip is an empty, hidden group without its script).
    svg = _SCRIPT.sub("", svg)
    svg = _TOOLTIP.sub("", svg)
    return Markup(_styles_to_classes(name, svg))


_STYLED_TAG = re.compile(r'<([a-zA-Z]+)([^>]*?)\sstyle="([^"]*)"([^>]*)>')
_CLASS_ATTR = re.compile(r'\sclass="([^"]*)"')


def _styles_to_classes(name: str, svg: str) -> str:
    """pygal writes some styling (dashed lines, stroke widths) as style="…" attributes, which a
    CSP without 'unsafe-inline' blocks. Each becomes a class whose rule joins the chart's own
    <style>, which carries the page's nonce."""
    rules: dict[str, str] = {}

    def to_class(match: re.Match) -> str:
        tag, before, declarations, after = match.groups()
        css_class = rules.setdefault(declarations, f"{name}-s{len(rules)}")
        attributes = before + after
        if _CLASS_ATTR.search(attributes):
            attributes = _CLASS_ATTR.sub(
                lambda m: f' class="{m.group(1)} {css_class}"', attributes, 1
            )
        else:
            attributes = f' class="{css_class}"' + attributes
        return f"<{tag}{attributes}>"

    svg = _STYLED_TAG.sub(to_class, svg)
    if rules:
        css = "".join(f"#chart-{name} .{cls}{{{decl}}}" for decl, cls in rules.items())
        svg = svg.replace("</style>", css + "</style>", 1)
    return svg


def ramp_chart(report) -> Chart:
    """Trainees per year against the yearly target, to 2030."""
    chart = pygal.Bar(**BASE, value_formatter=lambda v: number(v) if v is not None else "–")
    chart.x_labels = [str(r.year) for r in report.ramp]
    chart.add(_("Trainees"), [r.enrolled or None for r in report.ramp])
    if any(r.target for r in report.ramp):
        chart.add(_("Target"), [r.target for r in report.ramp])
    rows = [
        [str(r.year), number(r.enrolled), number(r.target) if r.target is not None else "–"]
        for r in report.ramp
    ]
    return Chart(
        name="ramp",
        title=_("Trainees per year against the target, to 2030"),
        svg=_finish("ramp", chart),
        columns=[_("Year"), _("Trainees"), _("Target")],
        rows=rows,
    )


def capacity_chart(capacity: CapacityPlan, name: str = "capacity") -> Chart:
    """Yearly capacity (classrooms, the source's tier ranges, planned cohorts) against target."""
    chart = pygal.Line(
        **BASE,
        value_formatter=lambda v: number(v) if v is not None else "–",
        dots_size=4,
        stroke_style={"width": 3},
        range=(0, _top(capacity)),
    )
    years = capacity.years
    chart.x_labels = [str(r.year) for r in years]
    chart.add(_("Target"), [r.target for r in years])
    chart.add(_("Capacity of classrooms"), [r.classroom_capacity for r in years])
    chart.add(
        _("Tier range, low"), [r.tier_range.low for r in years], stroke_style={"dasharray": "6,4"}
    )
    chart.add(
        _("Tier range, high"), [r.tier_range.high for r in years], stroke_style={"dasharray": "2,4"}
    )
    chart.add(_("Places in planned cohorts"), [r.planned_cohorts or None for r in years])
    rows = [
        [
            str(r.year),
            number(r.target) if r.target is not None else "–",
            number(r.classroom_capacity),
            f"{number(r.tier_range.low)}–{number(r.tier_range.high)}",
            number(r.planned_cohorts),
            number(r.gap) if r.gap is not None else "–",
        ]
        for r in years
    ]
    return Chart(
        name=name,
        title=_("Capacity against the trainee target, to 2030"),
        svg=_finish(name, chart),
        columns=[
            _("Year"),
            _("Target"),
            _("Capacity of classrooms"),
            _("Tier range"),
            _("Places in planned cohorts"),
            _("Gap"),
        ],
        rows=rows,
    )


def _top(capacity: CapacityPlan) -> int:
    """The y axis starts at 0 and ends a little above the largest value."""
    values = [r.target or 0 for r in capacity.years]
    values += [
        max(r.classroom_capacity, r.tier_range.high, r.planned_cohorts) for r in capacity.years
    ]
    return int(max(values + [1]) * 1.05)


def rates_chart(name: str, title: str, groups: list[tuple[str, object]]) -> Chart:
    """Employment and quality-job rates of groups (tiers or cohorts), with the 80% floor and the
    90% stretch as the marked guide lines."""
    chart = pygal.Bar(
        **BASE,
        range=(0, 1),
        y_labels=[0, 0.2, 0.4, 0.6, QUALITY_FLOOR, QUALITY_STRETCH, 1],
        y_labels_major=[QUALITY_FLOOR, QUALITY_STRETCH],
        show_minor_y_labels=True,
        value_formatter=lambda v: percent(v) if v is not None else "–",
        x_label_rotation=0 if len(groups) <= 6 else 30,
    )
    chart.x_labels = [label for label, _figures in groups]
    chart.add(_("Employment rate"), [f.employment_rate.value for _label, f in groups])
    chart.add(_("Quality-job rate"), [f.quality_rate.value for _label, f in groups])
    rows = []
    for label, f in groups:
        rows.append(
            [
                label,
                percent(f.employment_rate.value),
                percent(f.quality_rate.value),
                number(f.denominator),
                label_for(f.maturity) if f.maturity else "–",
            ]
        )
    return Chart(
        name=name,
        title=title,
        svg=_finish(name, chart),
        columns=[
            "",
            _("Employment rate"),
            _("Quality-job rate"),
            _("Denominator"),
            _("Maturity"),
        ],
        rows=rows,
    )


def report_charts(report) -> list[Chart]:
    """The charts of a progress report, for its scope: the ramp; for the city the capacity gap
    and the rates by tier; for a campus the rates by cohort; otherwise by campus."""
    result = [ramp_chart(report)]
    if report.scope.is_city:
        result.append(capacity_chart(report.capacity))
        groups = [(label_for(tier), f) for tier, f in report.tier_rows.items()]
        result.append(rates_chart("rates", _("Rates by size tier (district campuses)"), groups))
    elif report.campus is not None:
        groups = [(c.code, c.figures) for c in report.snapshot.cohorts]
        result.append(rates_chart("rates", _("Rates by cohort"), groups))
    else:
        groups = [(r.campus.name, r.figures) for r in report.campus_rows if r.figures.cohorts]
        result.append(rates_chart("rates", _("Rates by campus"), groups))
    return result
