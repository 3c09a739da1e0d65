"""Text for the terminal: problems and follow-ups, plain or coloured. Pure strings."""

from __future__ import annotations

from collections.abc import Iterable

import click

from .followups import FollowUp
from .problems import Problem

_STATUS_COLOURS = {"overdue": "red", "today": "yellow", "soon": "cyan", "later": None}
_STATUS_TITLES = {"overdue": "Overdue", "today": "Due today", "soon": "Soon", "later": "Later"}


def problem_line(problem: Problem, colour: bool) -> str:
    text = problem.format()
    if not colour:
        return text
    where, _, rest = text.partition(f" {problem.severity.value}[")
    tint = "red" if problem.is_error else "yellow"
    return (click.style(where, bold=True) + " "
            + click.style(f"{problem.severity.value}[", fg=tint) + rest)


def due_lines(follow_ups: Iterable[FollowUp], colour: bool) -> list[str]:
    """Open follow-ups grouped overdue / today / soon / later, each with its due date."""
    groups: dict[str, list[FollowUp]] = {status: [] for status in _STATUS_TITLES}
    for follow_up in follow_ups:
        if follow_up.is_open:
            groups[follow_up.status].append(follow_up)
    lines: list[str] = []
    for status, items in groups.items():
        if not items:
            continue
        if lines:
            lines.append("")
        heading = f"{_STATUS_TITLES[status]} ({len(items)})"
        fg = _STATUS_COLOURS[status]
        lines.append(click.style(heading, fg=fg, bold=True) if colour else heading)
        for item in items:
            where = f"  [{item.meeting}]" if item.meeting else ""
            lines.append(f"  {item.due.isoformat()}  {item.kind:<15} {item.title}{where}")
    return lines


def due_summary(follow_ups: Iterable[FollowUp]) -> str:
    counts = dict.fromkeys(_STATUS_TITLES, 0)
    for follow_up in follow_ups:
        if follow_up.is_open:
            counts[follow_up.status] += 1
    total = sum(counts.values())
    parts = ", ".join(f"{n} {status}" for status, n in counts.items())
    return f"{total} open follow-up{'s' * (total != 1)}: {parts}"
