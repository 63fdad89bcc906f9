"""Operator commands (`flask academy ...`): thin wrappers over the services."""

import json
import sys

import click
from flask.cli import with_appcontext
from flask_babel import force_locale

from academy.models import Role


@click.group()
def academy() -> None:
    """Set up and run the Youth Employment Academy."""


def fail(message: str) -> None:
    """Operator commands end on an error with one line on stderr and exit status 1."""
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


_fail = fail


@academy.command()
@with_appcontext
def init() -> None:
    """Upgrade the schema and load the reference data. Safe to run twice."""
    from flask_migrate import upgrade

    from academy import reference

    upgrade(revision="heads")  # every branch, should two features add migrations side by side
    added = reference.load_reference_data()
    click.echo(f"schema up to date; reference data: {added} new rows")


@academy.command()
@click.option("--reset", is_flag=True, help="Delete every row first, then load the demo data.")
@click.option(
    "--if-empty", is_flag=True, help="Succeed without loading when the database holds data."
)
@with_appcontext
def demo(reset: bool, if_empty: bool) -> None:
    """Load the illustrative 2025 demo data."""
    from academy import demo as demo_data

    try:
        summary = demo_data.load_demo(reset=reset)
    except demo_data.DemoRefused as refused:
        # `make run` loads the demo on the first start only and must not stop on later starts.
        if if_empty:
            click.echo("the database holds data already; demo data not loaded")
            logins = demo_data.login_lines()
            if logins:
                click.echo("Demo logins:\n" + "\n".join(logins))
            return
        _fail(str(refused))
    click.echo(summary.describe())


@academy.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_appcontext
def campuses(as_json: bool) -> None:
    """Every campus with kind, district, tier, floor area, classrooms and yearly capacity."""
    from academy.campuses.services import campus_rows

    rows = campus_rows()
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        cap = row["capacity_per_year"]
        click.echo(
            f"{row['name']}\t{row['kind']}\t{row['district']}\t{row['tier']}\t"
            f"{row['floor_area_m2']}㎡\t{row['classrooms']}\t{cap['min']}–{cap['max']}"
        )


@academy.command("create-user")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--campus", "campus_name", help="Campus name (required for a coordinator).")
@click.option("--name", default=None, help="Display name (default: the part before @).")
@click.password_option(prompt="Password", confirmation_prompt=True)
@with_appcontext
def create_user(email: str, role: str, campus_name: str | None, name: str | None,
                password: str) -> None:  # fmt: skip
    """Create an account; prompts for the password."""
    from academy.auth.services import AccountError
    from academy.auth.services import create_user as create

    try:
        with force_locale("en"):  # operator commands speak English, like their flags
            user = create(email, name or email.split("@")[0], Role(role), password, campus_name)
    except AccountError as error:
        _fail(str(error))
    click.echo(f"created {user.email} ({user.role.value})")
