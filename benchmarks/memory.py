"""Memory: the peak resident set of a worker while it generates the citywide PDF report.

A fresh Python process plays the worker: it builds the app as gunicorn's worker does, opens a
database connection, and records its resident set (RSS, /proc/self/status VmRSS) and its own
peak so far (VmHWM), then restarts the kernel's high-water mark (by writing 5 to
/proc/self/clear_refs) so that the peak read afterwards is the PDF's. It then generates the
citywide PDF the way the report archive does (academy.report_archive.services.render: KPI figures,
charts, HTML, WeasyPrint) and records the peak again.

Only VmHWM is used. getrusage's ru_maxrss (RUSAGE_SELF in the child, RUSAGE_CHILDREN in the
parent) is not the child's own: Linux carries the high-water mark of the process that forked
it across exec, so a child of this script, which has just loaded the scale data and holds
hundreds of MiB, would report the parent's peak as its own. VmHWM belongs to the address space,
which exec replaces.

Usage (builds and drops a database of its own, bench_memory_<pid>_<random>, on the
server DATABASE_URL names):
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python benchmarks/memory.py [--trainees 50000]
"""

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from serving import fill, machine, scratch_database  # noqa: E402


def status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def rss_kib() -> int:
    return status_kib("VmRSS")


def reset_peak() -> None:
    """Start the kernel's high-water mark (VmHWM) again from the current RSS, so the peak read
    afterwards belongs to the PDF alone."""
    Path("/proc/self/clear_refs").write_text("5")


def child(database_url: str) -> None:
    """The worker's side: RSS before, the PDF, the peak after; one JSON line on stdout."""
    import sqlalchemy as sa

    from academy import create_app
    from academy.extensions import db
    from academy.models import ReportFormat
    from academy.progress_reports.scope import resolve
    from academy.report_archive import services
    from config import TestConfig

    config = TestConfig()
    config.SQLALCHEMY_DATABASE_URI = database_url
    app = create_app(config)
    with app.test_request_context("/reports/"), app.app_context():
        db.session.execute(sa.text("SELECT 1"))
        params = resolve(db.session)
        before = {"rss": rss_kib(), "peak": status_kib("VmHWM")}
        reset_peak()
        started = time.perf_counter()
        content, _report = services.render(ReportFormat.PDF, params)
        seconds = time.perf_counter() - started
        after = {"rss": rss_kib(), "hwm": status_kib("VmHWM")}
    print(
        json.dumps(
            {
                "before": before,
                "after": after,
                "seconds": seconds,
                "pdf_bytes": len(content),
                "year": params.year,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trainees", type=int, help="scale generator size (default: the demo)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    with scratch_database("bench_memory") as url:
        loaded = fill(url, args.trainees)
        print(loaded, flush=True)
        out = subprocess.run(
            [sys.executable, __file__, "--child", url], capture_output=True, text=True, check=True
        ).stdout
    figures = json.loads(out.strip().splitlines()[-1])
    before, after = figures["before"], figures["after"]
    mib = 1024
    print(
        f"\nMemory, {machine()}; citywide PDF for {figures['year']} "
        f"({figures['pdf_bytes'] / 1024:.0f} KiB, {figures['seconds']:.1f} s)"
    )
    print(
        f"worker RSS before generating: {before['rss'] / mib:.0f} MiB "
        f"(peak so far {before['peak'] / mib:.0f} MiB)"
    )
    print(
        f"worker peak RSS while generating (VmHWM reset before): {after['hwm'] / mib:.0f} MiB "
        f"(+{(after['hwm'] - before['rss']) / mib:.0f} MiB over the worker at rest); "
        f"RSS afterwards {after['rss'] / mib:.0f} MiB"
    )
    whole = max(before["peak"], after["hwm"])
    print(f"peak over the worker's whole life (VmHWM): {whole / mib:.0f} MiB")


if __name__ == "__main__":
    main()
