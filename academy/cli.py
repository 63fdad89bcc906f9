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
@click.option(
    "--campus", "campus_name", help="Campus name (required for a coordinator; an instructor's)."
)
@click.option("--name", default=None, help="Display name (default: the part before @).")
@click.option(
    "--birth-date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Birth date YYYY-MM-DD (required for a trainee).",
)
@with_appcontext
def create_user(
    email: str, role: str, campus_name: str | None, name: str | None, birth_date
) -> None:
    """Create an account with what its role needs (an instructor profile, a trainee record);
    prompts for the password once the options are known to be complete."""
    from academy.auth.services import AccountError, find_user
    from academy.auth.services import create_user as create

    role_ = Role(role)
    born = birth_date.date() if birth_date else None
    missing = {
        Role.COORDINATOR: (campus_name, "a coordinator needs --campus"),
        Role.TRAINEE: (born, "a trainee needs --birth-date (YYYY-MM-DD)"),
    }
    if role_ in missing and not missing[role_][0]:
        _fail(missing[role_][1])
    if find_user(email) is not None:
        _fail(f"an account for {email.strip().lower()} already exists")
    password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        with force_locale("en"):  # operator commands speak English, like their flags
            user = create(email, name or email.split("@")[0], role_, password, campus_name, born)
    except AccountError as error:
        _fail(str(error))
    click.echo(f"created {user.email} ({user.role.value}); sign in at /login")


@academy.group("token")
def token_group() -> None:
    """Personal API tokens for /api/v1/kpi (officials and administrators)."""


@token_group.command("create")
@click.argument("email")
@click.option("--name", required=True, help="What the token is for, e.g. the tool that uses it.")
@click.option("--days", type=int, default=90, show_default=True, help="Days until it expires.")
@with_appcontext
def token_create(email: str, name: str, days: int) -> None:
    """Print a new read-only token for EMAIL's account; it is not shown again."""
    from academy.api.tokens import TokenRefused, create_token
    from academy.auth.services import find_user

    user = find_user(email)
    if user is None:
        _fail(f"no account for {email.strip().lower()}")
    try:
        with force_locale("en"):
            row, secret = create_token(user, name, days)
    except TokenRefused as refused:
        with force_locale("en"):
            _fail(str(refused.message))
    click.echo(secret)
    click.echo(
        f"token {row.name!r} for {user.email}, expires {row.expires_at:%Y-%m-%d} (UTC); "
        "it is not shown again",
        err=True,
    )


@academy.group("audit")
def audit_group() -> None:
    """The personal-data access log (접속기록): check the chain, purge what retention allows."""


@audit_group.command("verify")
@click.option(
    "--anchor",
    "anchor",
    is_flag=False,
    flag_value="",
    default=None,
    metavar="[TARGET]",
    help="Also check the head anchored outside the database (a file or a redis:// "
    "URL; default: AUDIT_ANCHOR).",
)
@with_appcontext
def audit_verify(anchor: str | None) -> None:
    """Check every entry's hash and link; exit 1 at the first broken entry. With --anchor,
    also that the newest entries anchored outside the database are still there."""
    from flask import current_app

    from academy.audit import AnchorError, anchor_problem, read_anchor, verify_chain
    from academy.extensions import db
    from academy.models import AccessLog

    broken = verify_chain()
    if broken is not None:
        _fail(
            f"access log chain broken at entry {broken.seq} (id {broken.entry_id}): "
            f"{broken.problem}"
        )
    count = db.session.scalar(db.select(db.func.count(AccessLog.id)))
    if anchor is not None:
        target = anchor or current_app.config.get("AUDIT_ANCHOR")
        if not target:
            _fail("no anchor target: pass --anchor TARGET or set AUDIT_ANCHOR")
        try:
            anchored = read_anchor(target)
            problem = anchor_problem(anchored)
        except (AnchorError, OSError) as error:
            _fail(str(error))
        if anchored is None:
            _fail(f"no anchor found at {target}: run `flask academy audit anchor` first")
        if problem:
            _fail(f"access log does not match its anchor: {problem}")
        click.echo(
            f"access log chain verified: {count} entries, "
            f"anchored entry {anchored.seq} present and unchanged"
        )
        return
    click.echo(f"access log chain verified: {count} entries")


@audit_group.command("anchor")
@click.option(
    "--to",
    "target",
    default=None,
    metavar="TARGET",
    help="A file path or a redis:// URL (default: AUDIT_ANCHOR).",
)
@with_appcontext
def audit_anchor(target: str | None) -> None:
    """Write the log's newest entry (sequence number and hash) outside the database, so that
    deleting the newest entries is found by `verify --anchor`. Run it on a schedule."""
    from academy.audit import AnchorError, write_anchor

    try:
        head = write_anchor(target)
    except (AnchorError, OSError) as error:
        _fail(f"anchor not written: {error}")
    if head is None:
        click.echo("access log is empty: nothing to anchor")
        return
    click.echo(f"anchored entry {head.seq} ({head.entry_hash[:12]}…) at {head.at}")


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


@academy.command()
@click.option(
    "--threads",
    type=click.IntRange(min=1),
    default=None,
    help="Jobs run at once by this process (WORKER_THREADS, 2 by default).",
)
@with_appcontext
def worker(threads: int | None) -> None:
    """Run the background worker: imports, reports, reminders, and the periodic purges."""
    from flask import current_app

    from academy.jobs.worker import run

    run(current_app._get_current_object(), threads)
