"""EXPLAIN ANALYZE of every SQL statement the heaviest pages run, at 50,000 trainees (PostgreSQL).

Each page of benchmarks/scale_db.py is opened once through the test client, signed in as its
role; the statements it sends are captured with their parameters and run again under
`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)`. Printed per page: how many statements, their total
execution time, and the slowest ones with the plan's top node, any sequential scan of a table
over 10,000 rows (the sign of a missing index) and the statement's first line.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python benchmarks/explain.py [--all] [--page SUBSTRING]

--all prints every statement, not only the slowest three of a page. Not a test.
"""

import argparse
import json
import re
import sys
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scale_db import heavy_pages, scale_app, signed_in  # noqa: E402

from academy.extensions import db  # noqa: E402

BIG_TABLE_ROWS = 10_000


def capture(app, client, url: str) -> tuple[int, list[tuple[str, object]]]:
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if not executemany and statement.lstrip().upper().startswith(("SELECT", "WITH")):
            statements.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        status = client.get(url).status_code
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    return status, statements


def seq_scans(plan: dict, sizes: dict[str, int]) -> list[str]:
    found = []
    if (
        plan.get("Node Type") == "Seq Scan"
        and sizes.get(plan.get("Relation Name"), 0) > BIG_TABLE_ROWS
    ):
        found.append(f"{plan['Relation Name']} ({sizes[plan['Relation Name']]:,} rows)")
    for child in plan.get("Plans", []):
        found += seq_scans(child, sizes)
    return found


def explain(app, statement: str, parameters) -> dict:
    with app.app_context():
        raw = db.session.connection().connection.driver_connection
        with raw.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {statement}", parameters)
            result = cursor.fetchone()[0]
        db.session.rollback()
        db.session.remove()
    return (json.loads(result) if isinstance(result, str) else result)[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--all", action="store_true", help="every statement, not the slowest 3")
    parser.add_argument("--page", default="", help="only pages whose name contains this")
    args = parser.parse_args()
    app = scale_app()
    with app.app_context():
        sizes = dict(
            db.session.execute(sa.text("SELECT relname, n_live_tup FROM pg_stat_user_tables")).all()
        )
        db.session.remove()
    clients = {}
    grand_total = 0.0
    for name, email, url in heavy_pages(app):
        if args.page not in name:
            continue
        client = clients.get(email) or clients.setdefault(email, signed_in(app, email))
        client.get(url)  # warm: the first request of a client loads the translations
        status, statements = capture(app, client, url)
        results = []
        for statement, parameters in statements:
            plan = explain(app, statement, parameters)
            results.append((plan["Execution Time"], plan, statement))
        total = sum(r[0] for r in results)
        grand_total += total
        print(f"\n{name}  GET {url} → {status}: {len(results)} statements, {total:.1f} ms in SQL")
        shown = results if args.all else sorted(results, key=lambda r: r[0], reverse=True)[:3]
        for ms, plan, statement in shown:
            top = plan["Plan"]
            scans = seq_scans(top, sizes)
            first = re.sub(r"\s+", " ", statement)[:110]
            print(
                f"  {ms:8.2f} ms  {top['Node Type']}, rows {top.get('Actual Rows')}"
                + (f"; SEQ SCAN {', '.join(scans)}" if scans else "")
            )
            print(f"             {first}")
    print(f"\nall pages: {grand_total:.1f} ms of SQL execution")


if __name__ == "__main__":
    main()
