"""Link records into a journal: index them by id and derive statuses.

Pure: records and settings in, a `Journal` and the id clashes out. The statuses of
meetings and contacts depend on `today`, which is always passed in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from .problems import Problem, error
from .records import Company, Contact, Meeting, Record
from .settings import Settings


@dataclass(frozen=True, slots=True)
class Journal:
    """Every record of a journal, by id."""

    settings: Settings
    contacts: dict[str, Contact]
    """By id, in id order."""
    meetings: dict[str, Meeting]
    """By id, in date-then-id order."""
    companies: dict[str, Company]
    """By id, in id order."""
    unreadable_contacts: frozenset[str] = frozenset()
    """Ids of contact files that exist but could not be read (their errors say why)."""

    def contact_name(self, contact_id: str) -> str:
        """The person's name, or the id itself when there is no such contact."""
        contact = self.contacts.get(contact_id)
        return contact.name if contact else contact_id


def meeting_order(meeting: Meeting) -> tuple[date, str]:
    return meeting.date, meeting.id


def link(records: Iterable[Record], settings: Settings,
         unreadable_contacts: Iterable[str] = ()) -> tuple[Journal, list[Problem]]:
    """Index records by id; a second file with an id already taken is an error."""
    problems: list[Problem] = []
    tables: dict[type, dict[str, Record]] = {Contact: {}, Meeting: {}, Company: {}}
    for record in sorted(records, key=lambda r: r.path):
        table = tables[type(record)]
        first = table.get(record.id)
        if first is not None:
            problems.append(error(
                record.path, 1, 1, "E302",
                f"id '{record.id}' is already used by {first.path}; rename one of the files",
            ))
            continue
        table[record.id] = record
    contacts = {k: tables[Contact][k] for k in sorted(tables[Contact])}
    companies = {k: tables[Company][k] for k in sorted(tables[Company])}
    meetings = {
        m.id: m for m in sorted(tables[Meeting].values(), key=meeting_order)  # type: ignore[arg-type]
    }
    journal = Journal(settings, contacts, meetings, companies,  # type: ignore[arg-type]
                      frozenset(unreadable_contacts) - contacts.keys())
    return journal, problems


def meeting_status(meeting: Meeting, today: date) -> str:
    """``scheduled``, ``done`` or ``cancelled``: as written, else from the date."""
    if meeting.status:
        return meeting.status
    return "scheduled" if meeting.date >= today else "done"


def contact_status(contact: Contact, meeting_statuses: Iterable[str]) -> str:
    """As written, else met / scheduled / requested / to-contact from their meetings."""
    if contact.status:
        return contact.status
    statuses = set(meeting_statuses)
    if "done" in statuses:
        return "met"
    if "scheduled" in statuses:
        return "scheduled"
    if contact.requested is not None:
        return "requested"
    return "to-contact"


def name_key(name: str) -> str:
    """A name as the name index holds it: casefolded, its spaces made one."""
    return " ".join(name.casefold().split())


def name_index(contacts: Mapping[str, Contact]) -> dict[str, str]:
    """Casefolded name → contact id, for names that only one contact has."""
    seen: dict[str, str | None] = {}
    for cid, contact in contacts.items():
        key = name_key(contact.name)
        seen[key] = None if key in seen else cid
    return {name: cid for name, cid in seen.items() if cid is not None}


def resolve_person(
    text: str, contacts: Mapping[str, Contact], names: Mapping[str, str]
) -> str | None:
    """The contact id a referral means: an id as written, else a unique name; None if neither."""
    if text in contacts:
        return text
    return names.get(name_key(text))
