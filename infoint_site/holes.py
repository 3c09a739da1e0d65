"""Holes: where a note's HTML, or a value of a contact's `SHOWN_FIELDS`, stands in a
rendered page, as byte ranges, so that the quick rebuild (`quick`) can put new HTML in
its place.

A record page's holes are found by searching for each note's HTML in the page (it must
stand there once); pages with thousands of notes (the question pages) are given them
between markers instead, taken out in one pass (`marked`, `unmark`).
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from markupsafe import Markup, escape

SHOWN_FIELDS = ("role", "field", "tags")
"""Contact fields that the journal computes nothing from and the default theme shows
(`shown_forms`), so that a quick rebuild can put a new value where the old one stands
(see `quick`): in the contact's page, its company's page (the role), the contacts list,
its search entry and, for the role, the calendar's events of its meetings. (Tags are
also the contacts list's filter: the quick rebuild keeps the set of them as it is.)"""

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
_MARKER = re.compile(f"\\x00{_TOKEN}([0-9]+)([\\x01\\x02])".encode())
"""A marker in a page's bytes: its index, and whether it opens (1) or closes (2)."""


_OPEN = f"\x00{_TOKEN}"


def marked(index: int, html: str) -> str:
    """`html` between markers, for a page with many holes (`unmark` finds and removes
    them)."""
    return f"{_OPEN}{index}\x01{html}{_OPEN}{index}\x02" if html else html


def unmark(html: str, parts: Sequence[tuple[HoleKey, str]]) -> tuple[bytes, list[Hole]]:
    """The page rendered with `marked` parts, as bytes without the markers, and where
    each part stands: in one pass, where searching for each part in a page of
    thousands of answers would take the square of its length. (Split at the markers
    in one call: a page can hold 16,000 of them, the contacts list.)"""
    pieces = _MARKER.split(html.encode("utf-8"))  # text, index, which end, text, …
    texts, indices, sides = pieces[0::3], pieces[1::3], pieces[2::3]
    data = b"".join(texts)
    positions = list(itertools.accumulate(map(len, texts[:-1])))
    count = len(parts)
    spans: Iterable[tuple[int, int]]
    if sides == [b"\x01", b"\x02"] * count \
            and indices == [str(n).encode() for n in range(count) for _ in "ab"]:
        spans = zip(positions[0::2], positions[1::2], strict=True)  # each once, in order
    else:
        starts: dict[int, list[int]] = {}
        ends: dict[int, list[int]] = {}
        for position, index, side in zip(positions, indices, sides, strict=True):
            (starts if side == b"\x01" else ends).setdefault(int(index), []).append(position)
        spans = ((start[0], end[0]) if len(start) == 1 == len(end) else (-1, -1)
                 for start, end in ((starts.get(n, []), ends.get(n, []))
                                    for n in range(count)))
    holes: list[Hole] = []
    for (key, part), (start, end) in zip(parts, spans, strict=True):
        if start >= 0 and part and data[start:end] == part.encode("utf-8"):
            holes.append((key, start, end))
        else:  # not shown, shown twice or changed on the way: never spliced
            holes.append((key, -1, -1))
    return data, holes


def shown_value(record: Any, name: str, caller: Callable[[], str] | None = None) -> str:
    """`shown` when no holes are recorded: the field as the template shows it, which is
    what the `{% call shown(…) %}` block around it makes (`caller`), or else the value
    (escaped by the template)."""
    if caller is not None:
        return caller()
    return getattr(record, name) or ""


ShownValue = str | tuple[str, ...]
"""A value of `SHOWN_FIELDS`: a text, or tags."""


def shown_forms(value: ShownValue) -> list[str]:
    """The ways the default theme shows a value of `SHOWN_FIELDS`, as HTML: a text as it
    is; tags as the list of their spans, or joined by ``|`` in an attribute. The quick
    rebuild puts a new value in a hole only where the hole holds the old one in one of
    these forms, so a template that shows it otherwise is never spliced wrongly."""
    if isinstance(value, tuple):
        return ["".join(f'<span class="tag">{escape(tag)}</span> ' for tag in value),
                str(escape("|".join(value)))]
    return [str(escape(value))]


class FieldMarks:
    """The `shown` of one page's templates while holes are recorded: each value it
    shows is given between markers (`marked`, from index 0) and kept in `parts`, so
    `unmark` tells where it stands."""

    def __init__(self) -> None:
        self.parts: list[tuple[HoleKey, str]] = []

    def shown(self, record: Any, name: str, caller: Callable[[], str] | None = None) -> str:
        if caller is not None:
            html = caller()
        else:
            value = getattr(record, name)
            html = escape(value) if value else ""
        if not html:
            return ""
        self.parts.append((("field", record.path, name), html))
        return Markup(marked(len(self.parts) - 1, html))
