"""Holes: where a note's HTML stands in a rendered page, as byte ranges, so that the
quick rebuild (`quick`) can put new HTML in its place.

A record page's holes are found by searching for each note's HTML in the page (it must
stand there once); pages with thousands of notes (the question pages) are given them
between markers instead, taken out in one pass (`marked`, `unmark`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import Any

from markupsafe import Markup, escape

SHOWN_FIELDS = ("role", "field")
"""Contact fields that the journal computes nothing from and the default theme shows
as they are, so that a quick rebuild can put a new value where the old one stands
(see `quick`): in the contact's page, its company's page, the contacts list, its
search entry and, for the role, the calendar's events of its meetings."""

HoleKey = tuple[Any, ...]
"""What stands in a hole: ("body", note path), ("answer", meeting path, heading line),
("search", note path), ("field", contact path, field name) (a value of one of its
`SHOWN_FIELDS`) or ("event", contact path) (the description of a calendar event that
says who the contact is)."""
Hole = tuple[HoleKey, int, int]
"""A hole: what stands in it, and its byte range in the file; -1, -1 when the build
could not tell where it stands (then a note it shows is never spliced)."""


def locate_holes(page: bytes, parts: Sequence[tuple[HoleKey, str]]) -> list[Hole]:
    """Where each part (a note's HTML, as given to the template) stands in `page`: only
    where it stands once and is not empty can it be told apart."""
    holes: list[Hole] = []
    for key, html in parts:
        part = html.encode("utf-8")
        at = page.find(part) if part else -1
        if at < 0 or page.find(part, at + 1) >= 0:
            holes.append((key, -1, -1))
        else:
            holes.append((key, at, at + len(part)))
    return holes


_TOKEN = os.urandom(12).hex()
"""Part of every marker, new in each process: a name or title may hold a NUL (a YAML
escape), but not this, which no one can know in advance."""
_MARKER = re.compile(f"\\x00{_TOKEN}([0-9]+)([\\x01\\x02])")


def marked(index: int, html: str) -> str:
    """`html` between markers, for a page with many holes (`unmark` finds and removes
    them)."""
    return f"\x00{_TOKEN}{index}\x01{html}\x00{_TOKEN}{index}\x02" if html else html


def unmark(html: str, parts: Sequence[tuple[HoleKey, str]]) -> tuple[bytes, list[Hole]]:
    """The page rendered with `marked` parts, as bytes without the markers, and where
    each part stands: in one pass, where searching for each part in a page of
    thousands of answers would take the square of its length."""
    pieces: list[bytes] = []
    position = last = 0
    starts: dict[int, list[int]] = {}
    ends: dict[int, list[int]] = {}
    for match in _MARKER.finditer(html):
        piece = html[last:match.start()].encode("utf-8")
        pieces.append(piece)
        position += len(piece)
        last = match.end()
        found = starts if match.group(2) == "\x01" else ends
        found.setdefault(int(match.group(1)), []).append(position)
    pieces.append(html[last:].encode("utf-8"))
    data = b"".join(pieces)
    holes: list[Hole] = []
    for index, (key, part) in enumerate(parts):
        start, end = starts.get(index, []), ends.get(index, [])
        if (len(start) == 1 == len(end)
                and data[start[0]:end[0]] == part.encode("utf-8") and part):
            holes.append((key, start[0], end[0]))
        else:  # not shown, shown twice or changed on the way: never spliced
            holes.append((key, -1, -1))
    return data, holes


def shown_value(record: Any, name: str) -> str:
    """A field of `SHOWN_FIELDS` as a template shows it (escaped by the template)."""
    return getattr(record, name) or ""


class FieldMarks:
    """The `shown` of one page's templates while holes are recorded: each value it
    shows is given between markers (`marked`, from index 0) and kept in `parts`, so
    `unmark` tells where it stands."""

    def __init__(self) -> None:
        self.parts: list[tuple[HoleKey, str]] = []

    def shown(self, record: Any, name: str) -> str:
        value = shown_value(record, name)
        if not value:
            return value
        html = str(escape(value))
        self.parts.append((("field", record.path, name), html))
        return Markup(marked(len(self.parts) - 1, html))
