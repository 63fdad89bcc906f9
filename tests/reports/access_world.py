"""URL arguments of the KPI, report and ecosystem endpoints for the access-policy test."""

from datetime import date

from academy.extensions import db
from academy.models import ArchivedReport, ReportFormat

KPI_PREFIXES = ("dashboard.", "reports.", "ecosystem.", "api.")


def archived_report() -> ArchivedReport:
    content = b"%PDF-1.7\n%%EOF\n"
    row = ArchivedReport(
        format=ReportFormat.PDF,
        year=2025,
        as_of=date(2026, 1, 5),
        filename="academy-kpi-2025-citywide-2026-01-05.pdf",
        sha256="0" * 64,
        size_bytes=len(content),
        content=content,
    )
    db.session.add(row)
    db.session.commit()
    return row


def kpi_url_args(endpoint, world) -> dict:
    if endpoint == "dashboard.campus":
        return {"campus_id": world["campus"].id}
    if endpoint == "reports.download":
        return {"report_id": archived_report().id}
    return {}
