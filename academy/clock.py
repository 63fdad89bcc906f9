"""Dates are Asia/Seoul: "today" for a rule is today in Seoul, not on the server."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

SEOUL = ZoneInfo("Asia/Seoul")


def seoul_today() -> date:
    return datetime.now(SEOUL).date()
