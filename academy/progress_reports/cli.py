"""Operator commands over the KPI engine: `flask kpi ... --json` and `flask report pdf|xlsx`."""

import json
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from academy.models import ReportFormat, Tier

TIERS = click.Choice([t.value for t in Tier])


def _params(year, campus, tier, as_of, kind=None):
    from academy.extensions import db
    from academy.progress_reports.scope import ParameterError, resolve

    try:
        return resolve(db.session, year=year, campus=campus, tier=tier, kind=kind, as_of=as_of)
    except ParameterError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)


@click.group("kpi", invoke_without_command=True)
@click.option("--year", type=int, help="Cohorts ending in this year (default: the latest ended).")
@click.option("--campus", "campus", help="Campus name.")
@click.option("--tier", type=TIERS, help="Size tier.")
@click.option(
    "--kind", type=click.Choice(["district", "bigtech", "industry_hub"]), help="Campus kind."
)
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), help="Figures as of DATE.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
@with_appcontext
def kpi(ctx, year, campus, tier, kind, as_of, as_json):
    """The KPI figures of a year and scope (the same as the dashboard and the reports)."""
    if ctx.invoked_subcommand is not None:
        return
    from academy.extensions import db
    from academy.progress_reports.progress import build_progress, kpi_json

    params = _params(year, campus, tier, as_of.date() if as_of else None, kind)
    figures = kpi_json(build_progress(db.session, params.year, params.as_of, params.scope))
    if as_json:
        click.echo(json.dumps(figures, ensure_ascii=False, indent=2))
        return
    width = max(len(k) for k in figures)
    for key, value in figures.items():
        if isinstance(value, float):
            value = f"{value:.1%}"
        click.echo(f"{key:<{width}}  {value}")


@kpi.command("check-facts")
@click.option("--strict", is_flag=True, help="Exit 1 also when a cohort has no facts that hold.")
@with_appcontext
def check_facts(strict):
    """Count every cohort through the engine as of today and compare with its stored facts;
    exit 1 when any differ."""
    from academy.extensions import db
    from academy.kpi import facts

    differences, missing = facts.check(db.session)
    for d in differences:
        changes = ", ".join(
            f"{k} {stored} ≠ {counted}" for k, (stored, counted) in d.fields.items()
        )
        click.echo(f"cohort {d.code} (#{d.cohort_id}): {changes}")
    click.echo(
        f"{len(differences)} cohorts differ; {len(missing)} without facts that hold today "
        "(counted by the engine when shown)"
    )
    db.session.rollback()
    if differences or (strict and missing):
        sys.exit(1)


@kpi.command("refresh-facts")
@click.option("--all", "every", is_flag=True, help="Every cohort, not only stale ones.")
@with_appcontext
def refresh_facts(every):
    """Count again the cohorts whose facts are missing or past their date (or every cohort)."""
    from academy.extensions import db
    from academy.kpi import facts

    if every:
        done = facts.refresh_all(db.session)
        db.session.commit()
    else:
        done = facts.refresh_stale(db.session)
    click.echo(f"counted {done} cohorts")


@click.group("report")
def report():
    """Write the progress report to a file (PDF or Excel)."""


def _write(fmt: ReportFormat, year, campus, tier, as_of, output: Path) -> None:
    from academy.report_archive.services import render

    params = _params(year, campus, tier, as_of.date() if as_of else None)
    content, _report = render(fmt, params)
    output.write_bytes(content)
    click.echo(f"wrote {output} ({len(content):,} bytes)")


def _report_options(command):
    for option in reversed(
        [
            click.option("--year", type=int, help="Cohorts ending in this year."),
            click.option("--campus", "campus", help="Campus name (default: all of Seoul)."),
            click.option("--tier", type=TIERS, help="Size tier."),
            click.option(
                "--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), help="Figures as of DATE."
            ),
            click.option(
                "-o",
                "--output",
                required=True,
                type=click.Path(dir_okay=False, writable=True, path_type=Path),
                help="File to write.",
            ),
        ]
    ):
        command = option(command)
    return command


@report.command("pdf")
@_report_options
@with_appcontext
def report_pdf(year, campus, tier, as_of, output):
    """The PDF progress report."""
    _write(ReportFormat.PDF, year, campus, tier, as_of, output)


@report.command("xlsx")
@_report_options
@with_appcontext
def report_xlsx(year, campus, tier, as_of, output):
    """The Excel workbook of the same figures."""
    _write(ReportFormat.XLSX, year, campus, tier, as_of, output)


COMMANDS = (kpi, report)
