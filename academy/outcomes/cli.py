"""`flask outcomes import FILE [--dry-run]`: the web import's service, for operators and cron."""

from pathlib import Path

import click
from flask.cli import with_appcontext

from academy.cli import fail as _fail
from academy.models import Role


@click.group()
def outcomes() -> None:
    """Job outcomes."""


@outcomes.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and print what would change.")
@click.option("--campus", "campus_name", help="Only trainees of this campus (its name).")
@click.option("--by", "by_email", help="The account the import is recorded under.")
@with_appcontext
def import_outcomes(
    file: Path, dry_run: bool, campus_name: str | None, by_email: str | None
) -> None:
    """Import an outcome file (.xlsx or .csv, the outcomes format). Every problem is printed by
    row and column and nothing is written unless the whole file is clean (exit status 1)."""

    from academy.exchange.reading import UnreadableFile
    from academy.outcomes.importing import ImportAction, ImportRejected, commit_import, plan_import

    by, campus_id = _actor_and_campus(
        by_email, campus_name, (Role.COORDINATOR, Role.ADMIN), "no coordinator or administrator"
    )
    data = file.read_bytes()
    try:
        if dry_run:
            plan = plan_import(data, campus_id, by=by)
            if plan.problems:
                raise ImportRejected(plan)
        else:
            plan = commit_import(data, by, campus_id, file.name)
    except UnreadableFile as error:
        _fail(str(error.args[0]))
    except ImportRejected as rejected:
        problems = rejected.plan.problems
        for problem in problems:
            where = f"row {problem.line}" + (f", {problem.column}" if problem.column else "")
            value = f" ({problem.value})" if problem.value else ""
            click.echo(f"{where}: {problem.message}{value}", err=True)
        _fail(f"{len(problems)} problems in {file.name}; nothing was written")
    for warning in plan.parsed.warnings:
        click.echo(f"warning: {warning}")
    counts = plan.counts
    verb = "would write" if dry_run else "wrote"
    click.echo(
        f"{file.name}: {len(plan.rows)} rows; {verb} {counts[ImportAction.NEW]} new versions, "
        f"{counts[ImportAction.VERIFY]} verified in place; {counts[ImportAction.UNCHANGED]} "
        f"unchanged, {counts[ImportAction.REPLACED]} replaced by a later row"
    )


@outcomes.command("match")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--campus", "campus_name", help="Match within this campus's trainees (its name).")
@click.option("--dry-run", is_flag=True, help="Check the file and print what would change.")
@click.option("--by", "by_email", help="The account the match is recorded and verified under.")
@click.option(
    "--take",
    "take",
    type=int,
    multiple=True,
    help="A row (as numbered in Excel) whose record is chosen over a disagreeing "
    "report; repeat for several.",
)
@with_appcontext
def match_outcomes(
    file: Path, campus_name: str | None, dry_run: bool, by_email: str | None, take: tuple[int, ...]
) -> None:
    """Verify outcomes from an employment-insurance match (.xlsx or .csv): 성명, 생년월일, 사업장명,
    사업자등록번호, 자격취득일, 자격상실일. Rows that match nobody, several people or no cohort are
    listed and not applied; a report that disagrees is listed and kept unless --take names its
    row. Every problem is printed by row and column and nothing is written unless the whole
    file is clean (exit status 1). Without --campus the match is citywide."""

    from academy.exchange.reading import UnreadableFile
    from academy.outcomes.matching import MatchAction, MatchRejected, apply_match, plan_match

    by, campus_id = _actor_and_campus(
        by_email,
        campus_name,
        (Role.COORDINATOR, Role.OFFICIAL, Role.ADMIN),
        "no coordinator, official or administrator",
    )
    data = file.read_bytes()
    try:
        if dry_run:
            plan = plan_match(data, campus_id, by)
            if plan.problems:
                raise MatchRejected(plan)
        else:
            plan, _match = apply_match(data, by, campus_id, file.name, set(take))
    except UnreadableFile as error:
        _fail(str(error.args[0]))
    except MatchRejected as rejected:
        problems = rejected.plan.problems
        for problem in problems:
            where = f"row {problem.line}" + (f", {problem.column}" if problem.column else "")
            value = f" ({problem.value})" if problem.value else ""
            click.echo(f"{where}: {problem.message}{value}", err=True)
        _fail(f"{len(problems)} problems in {file.name}; nothing was written")
    for warning in plan.parsed.warnings:
        click.echo(f"warning: {warning}")
    for item in plan.rows:
        if item.action == MatchAction.NOT_APPLIED:
            click.echo(f"row {item.row.line}: not applied: {item.reason}")
        elif item.action == MatchAction.CONFLICT:
            chosen = "record chosen" if item.row.line in take else "report kept"
            click.echo(
                f"row {item.row.line}: the trainee's report differs in "
                f"{', '.join(item.differences)} ({chosen})"
            )
    counts = plan.counts
    taken = sum(1 for item in plan.conflicts if item.row.line in take)
    verb = "would verify" if dry_run else "verified"
    click.echo(
        f"{file.name}: {len(plan.rows)} rows; {verb} {counts[MatchAction.VERIFY]} reports, "
        f"{counts[MatchAction.ADD] + taken} jobs from the record, "
        f"{counts[MatchAction.AT_START]} employed at the start; "
        f"{counts[MatchAction.CONFLICT] - taken} disagreeing reports kept, "
        f"{counts[MatchAction.NOT_APPLIED]} rows not applied, "
        f"{counts[MatchAction.UNCHANGED]} unchanged"
    )


def _actor_and_campus(by_email, campus_name, roles: tuple[Role, ...], wrong_role: str):
    """Who the command acts as (--by) and the campus it is held to: a coordinator's own, or
    --campus (which a coordinator may name only when it is their own); none is citywide."""
    import sqlalchemy as sa

    from academy.auth.services import find_user
    from academy.extensions import db
    from academy.models import Campus

    by = None
    campus_id = None
    if by_email:
        by = find_user(by_email)
        if by is None or by.role not in roles:
            _fail(f"{wrong_role} account {by_email}")
        if by.role == Role.COORDINATOR:
            campus_id = by.campus_id
    if campus_name:
        campus = db.session.scalar(sa.select(Campus).where(Campus.name == campus_name))
        if campus is None:
            _fail(f"no campus named {campus_name}")
        if campus_id is not None and campus.id != campus_id:
            _fail(f"{by_email} is a coordinator of another campus")
        campus_id = campus.id
    return by, campus_id
