"""KPI computation: pure functions over query results. No Flask, no HTTP."""
