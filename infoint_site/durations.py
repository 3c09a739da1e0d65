"""Durations such as ``90d``, ``2w`` and ``3m``, and date arithmetic with them."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

_DURATION = re.compile(r"([0-9]{1,4})\s*([dwm])")
_UNIT_WORDS = {"d": ("day", "days"), "w": ("week", "weeks"), "m": ("month", "months")}


@dataclass(frozen=True, slots=True)
class Duration:
    """A count of days, weeks or calendar months."""

    amount: int
    unit: str
    """``d``, ``w`` or ``m``."""

    def after(self, day: date) -> date:
        """`day` plus this duration; months clamp to the month's end (31 Jan + 1m = 28 Feb)."""
        if self.unit == "d":
            return day + timedelta(days=self.amount)
        if self.unit == "w":
            return day + timedelta(weeks=self.amount)
        return add_months(day, self.amount)

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"

    def words(self) -> str:
        """'3 months', '1 week'."""
        one, many = _UNIT_WORDS[self.unit]
        return f"{self.amount} {one if self.amount == 1 else many}"


def parse_duration(text: str) -> Duration | None:
    """``90d`` → Duration(90, 'd'); None when the text is not a duration."""
    match = _DURATION.fullmatch(text.strip().lower())
    if match is None:
        return None
    return Duration(int(match.group(1)), match.group(2))


def add_months(day: date, months: int) -> date:
    """`day` moved by whole calendar months, the day clamped to the month's length."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))
