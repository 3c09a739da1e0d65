"""Durations (`90d`, `2w`, `3m`) and calendar-month arithmetic."""

from __future__ import annotations

from datetime import date

import pytest

from infoint_site.durations import Duration, add_months, parse_duration


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90d", Duration(90, "d")),
        ("2w", Duration(2, "w")),
        ("3m", Duration(3, "m")),
        ("0d", Duration(0, "d")),
        (" 60d ", Duration(60, "d")),
        ("1M", Duration(1, "m")),
    ],
)
def test_parse_duration(text: str, expected: Duration) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "d", "90", "1y", "-1d", "1.5w", "90days", "12345d", "2w3d"])
def test_parse_duration_rejects(text: str) -> None:
    assert parse_duration(text) is None


@pytest.mark.parametrize(
    ("duration", "start", "expected"),
    [
        (Duration(90, "d"), date(2026, 11, 3), date(2027, 2, 1)),
        (Duration(60, "d"), date(2026, 11, 20), date(2027, 1, 19)),
        (Duration(2, "w"), date(2026, 11, 3), date(2026, 11, 17)),
        (Duration(1, "w"), date(2026, 12, 28), date(2027, 1, 4)),
        (Duration(0, "d"), date(2026, 11, 3), date(2026, 11, 3)),
        # Months keep the day of the month, clamped to the month's end.
        (Duration(1, "m"), date(2026, 1, 31), date(2026, 2, 28)),
        (Duration(1, "m"), date(2028, 1, 31), date(2028, 2, 29)),
        (Duration(13, "m"), date(2026, 1, 31), date(2027, 2, 28)),
        (Duration(1, "m"), date(2026, 3, 31), date(2026, 4, 30)),
        (Duration(3, "m"), date(2026, 11, 30), date(2027, 2, 28)),
        (Duration(1, "m"), date(2026, 12, 15), date(2027, 1, 15)),
        (Duration(12, "m"), date(2028, 2, 29), date(2029, 2, 28)),
        (Duration(48, "m"), date(2028, 2, 29), date(2032, 2, 29)),
    ],
)
def test_after(duration: Duration, start: date, expected: date) -> None:
    assert duration.after(start) == expected


def test_add_months_backwards_clamps_too() -> None:
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)
    assert add_months(date(2026, 1, 15), -1) == date(2025, 12, 15)
    assert add_months(date(2026, 1, 15), -13) == date(2024, 12, 15)


def test_words_and_text() -> None:
    assert str(Duration(90, "d")) == "90d"
    assert Duration(1, "w").words() == "1 week"
    assert Duration(3, "m").words() == "3 months"
    assert Duration(1, "m").words() == "1 month"
    assert Duration(2, "d").words() == "2 days"
