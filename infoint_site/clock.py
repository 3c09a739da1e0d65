"""The one place that reads the clock: today's date in the journal's time zone."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo


def today_in(timezone: str) -> date:
    """The current date where the journal's owner lives."""
    return datetime.now(ZoneInfo(timezone)).date()
