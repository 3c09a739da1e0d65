"""Contacts as a spreadsheet: `export csv`, one row per contact.

The columns are the contact's id, then every contact field in the order of
`schema.CONTACT_FIELDS` (so a new field becomes a new column by itself), then four
computed ones: the company's name (a company file's name when `company` is its id),
the current status, the referral chain and the number of meetings.

The text is UTF-8 with a byte-order mark and CRLF line ends (RFC 4180), so Excel reads
the accents right and every other spreadsheet opens it as it is. A cell that a
spreadsheet would run as a formula (it starts with ``=``, ``+``, ``-`` or ``@`` and is
not a phone number or a plain number) is written with a leading apostrophe: the names
come from other people, and an imported name must never run as a formula.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from .analysis import Analysis
from .durations import Duration
from .export_vcard import company_name
from .records import Contact, FollowUpItem
from .schema import CONTACT_FIELDS

COMPUTED_COLUMNS = ("company_name", "current_status", "referral_chain", "meetings")
BOM = "\ufeff"

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER_LIKE = re.compile(r"[+\-]?[0-9][0-9 ()./\-]*(?:(?:ext\.?|x) ?[0-9]+)?", re.I)


def columns() -> list[str]:
    return ["id", *(f.name for f in CONTACT_FIELDS), *COMPUTED_COLUMNS]


def _done(value: Any) -> str:
    if value is True:
        return "done"
    if value is False:
        return ""
    return f"done {value.isoformat()}"


def _follow_up(item: FollowUpItem) -> str:
    when = f"due {item.due.isoformat()}" if item.due else f"after {item.after}"
    return "; ".join(x for x in (item.action, when, _done(item.done)) if x)


def cell(value: Any) -> str:
    """One value as spreadsheet text."""
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, Duration):
        return str(value)
    if isinstance(value, tuple):
        if value and isinstance(value[0], FollowUpItem):
            return "\n".join(_follow_up(item) for item in value)
        return ", ".join(cell(v) for v in value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def safe(text: str) -> str:
    """`text`, with a leading apostrophe if a spreadsheet would run it as a formula."""
    if text.startswith(_FORMULA_START) and not _NUMBER_LIKE.fullmatch(text):
        return "'" + text
    return text


def contact_row(analysis: Analysis, contact: Contact) -> list[str]:
    row = [contact.id, *(cell(getattr(contact, f.name)) for f in CONTACT_FIELDS)]
    row.append(company_name(analysis.journal, contact.company) or "")
    row.append(analysis.contact_status[contact.id])
    row.append(" > ".join(analysis.forest.chains[contact.id]))
    row.append(str(len(analysis.meetings_of.get(contact.id, ()))))
    return [safe(x) for x in row]


def contacts_csv(analysis: Analysis) -> str:
    """The whole spreadsheet, byte-order mark first."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns())
    for contact in analysis.journal.contacts.values():
        writer.writerow(contact_row(analysis, contact))
    return BOM + out.getvalue()
