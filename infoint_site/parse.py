"""One file's bytes to one record: pure, and dependent on that file alone.

`parse_file` is what a cache keys by content: the same path and bytes always give
the same record and problems.
"""

from __future__ import annotations

from typing import Any

from .body import is_remote, remote_image_message, scan_body
from .frontmatter import parse_front_matter
from .layout import FOLDERS
from .problems import Problem, warning
from .records import Company, Contact, Meeting, Record
from .schema import COMPANY_FIELDS, CONTACT_FIELDS, MEETING_FIELDS, convert_record_fields

KINDS = tuple(FOLDERS.values())
"""The content folders, each holding one kind of record."""


def record_id(path: str) -> str:
    """A file's id: its name without ``.md``."""
    stem = path.rsplit("/", 1)[-1]
    return stem[:-3] if stem.endswith(".md") else stem


def parse_file(kind: str, path: str, data: bytes) -> tuple[Record | None, list[Problem]]:
    """The record in `data`, read from `path` (relative to the journal root), or None.

    `kind` is the content folder: ``contacts``, ``meetings`` or ``companies``. The id
    is the file's stem. A record is returned whenever the required fields are good,
    even if other values were wrong (those are left out and reported).
    """
    node, parts, problems = parse_front_matter(path, data)
    if node is None or parts is None:
        return None, problems
    facts = scan_body(parts.body, parts.body_line)
    for link in facts.links:
        if link.image and is_remote(link.target):
            problems.append(warning(path, link.line, 1, "W601", remote_image_message(link.target)))
    common: dict[str, Any] = {"id": record_id(path), "path": path, "body": parts.body,
                              "body_line": parts.body_line, "links": facts.links}
    if kind == "contacts":
        values, positions = convert_record_fields(path, node, CONTACT_FIELDS, problems)
        if "name" not in values:
            return None, problems
        return Contact(**common, **values, positions=positions), problems
    if kind == "companies":
        values, positions = convert_record_fields(path, node, COMPANY_FIELDS, problems)
        if "name" not in values:
            return None, problems
        return Company(**common, **values, positions=positions), problems

    values, positions = convert_record_fields(path, node, MEETING_FIELDS, problems)
    if "contact" not in values or "date" not in values:
        return None, problems
    day, clock = values.pop("date")
    contacts = values.pop("contact")
    for i in range(len(contacts)):
        if f"contact.{i}" not in positions and "contact" in positions:
            positions[f"contact.{i}"] = positions["contact"]
    if facts.has_evaluation and not values.get("evaluated"):
        values["evaluated"] = True
    meeting = Meeting(
        **common, **values, contacts=contacts, date=day, time=clock,
        answers=facts.answers, positions=positions,
    )
    return meeting, problems
