"""Reports built from the KPI engine: the progress report, charts, PDF and Excel, the archive."""
