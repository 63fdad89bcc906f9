"""Operator commands (`flask academy ...`): thin wrappers over the services."""

import json
import sys
from pathlib import Path

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
@click.option(
    "--trainees",
    type=click.IntRange(min=1),
    help="Instead of the demo, N trainees over consecutive years at about 10,000 a year "
    "up to today (benchmarks: 50000 is five years).",
)
@click.option("--seed", type=int, default=None, help="Random seed (same seed, same data).")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The load date the data is dated from (YYYY-MM-DD); default today in Seoul.",
)
@with_appcontext
def demo(reset: bool, if_empty: bool, trainees: int | None, seed: int | None, today) -> None:
    """Load the illustrative demo data, dated from today, or N trainees at scale with --trainees."""
    from academy import demo as demo_data

    options = {} if seed is None else {"seed": seed}
    if today is not None:
        options["today"] = today.date()
    try:
        if trainees:
            from academy.scale import load_scale

            summary = load_scale(trainees, reset=reset, **options)
        else:
            summary = demo_data.load_demo(reset=reset, **options)
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


@academy.group("audit")
def audit_group() -> None:
    """The personal-data access log (접속기록): check the chain, purge what retention allows."""


@audit_group.command("verify")
@with_appcontext
def audit_verify() -> None:
    """Check every entry's hash and link; exit 1 at the first broken entry."""
    from academy.audit import verify_chain
    from academy.extensions import db
    from academy.models import AccessLog

    broken = verify_chain()
    if broken is not None:
        _fail(f"access log chain broken at entry {broken.seq} (id {broken.entry_id}): "
              f"{broken.problem}")  # fmt: skip
    count = db.session.scalar(db.select(db.func.count(AccessLog.id)))
    click.echo(f"access log chain verified: {count} entries")


@audit_group.command("purge")
@with_appcontext
def audit_purge() -> None:
    """Delete entries past retention (2 years; role grants and revocations 3), oldest first."""
    from academy.audit import PurgeRefused, purge

    try:
        result = purge()
    except PurgeRefused as refused:
        _fail(str(refused))
    click.echo(f"purged {result.deleted} access log entries past retention")


@academy.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--overwrite", is_flag=True, help="Replace PATH if it exists.")
@with_appcontext
def backup(path: Path, overwrite: bool) -> None:
    """Copy the whole database to PATH (SQLite online backup, or pg_dump on PostgreSQL)."""
    from academy import backup as backups

    try:
        click.echo(backups.backup(path, overwrite=overwrite))
    except backups.BackupError as error:
        _fail(str(error))


@academy.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the database.")
@with_appcontext
def restore(path: Path, yes: bool) -> None:
    """Replace the whole database with a backup made by `flask academy backup`."""
    from academy import backup as backups

    try:
        info = backups.inspect(path)
        backups.check_restorable(info)
        if not yes and not click.confirm(
            f"Replace every row of {backups.describe_database()} with {path}?"
        ):
            _fail("restore cancelled; nothing was changed")
        click.echo(backups.restore(info))
    except backups.BackupError as error:
        _fail(str(error))
