"""The most common save while writing notes: only a Markdown body changed.

Nothing the journal computes (statuses, chains, follow-ups, numbers) reads a body, so
after such a save the previous analysis still holds with the one record swapped in,
and only the pages that show that body change: the record's own page and, for a
contact or a company, the preparation sheets of the meetings it is researched for.
`serve` uses this to show the edited page before the full rebuild that follows.
"""

from __future__ import annotations

import dataclasses

from .affected import Page
from .analysis import Analysis
from .body import journal_link
from .journal import Journal
from .records import Company, Contact, Meeting, Record

BODY_FIELDS = frozenset({"body", "body_line", "links", "search_text", "answers"})
"""What a record's body decides (``evaluated`` is not among them: an Evaluation
heading changes the follow-ups, so such a save takes the full way)."""


def body_edit(analysis: Analysis, record: Record) -> tuple[Analysis, set[Page]] | None:
    """`analysis` with `record` swapped in and the record pages that show its body, or
    None when the edit is more than a body or its links point at a missing file."""
    journal = analysis.journal
    table_name = {Contact: "contacts", Meeting: "meetings", Company: "companies"}[type(record)]
    table = getattr(journal, table_name)
    before = table.get(record.id)
    if before is None or before.path != record.path or not _same_but_body(before, record):
        return None
    tables = {"contacts": journal.contacts, "meetings": journal.meetings,
              "companies": journal.companies}
    for link in record.links:
        found = journal_link(link.target, table_name) if not link.image else None
        if found is not None and found[1] not in tables.get(found[0], {}):
            return None  # a warning to report: the full rebuild says it
    swapped = dataclasses.replace(journal, **{table_name: {**table, record.id: record}})
    pages: set[Page] = {(table_name[:-1] if table_name != "companies" else "company",
                         record.id)}
    people = [record.id] if isinstance(record, Contact) else \
        [c.id for c in journal.contacts.values() if c.company == record.id] \
        if isinstance(record, Company) else []
    for cid in people:  # preparation sheets show the research on a person and their company
        pages.update(("meeting", m.id) for m in analysis.meetings_of.get(cid, ()))
    return dataclasses.replace(analysis, journal=swapped), pages


def only_bodies_changed(before: Journal, after: Journal) -> bool:
    """Whether every record of `after` is the one of `before`, but for its body (the same
    ids are assumed, as `affected_pages` checks)."""
    for old_table, new_table in ((before.contacts, after.contacts),
                                 (before.meetings, after.meetings),
                                 (before.companies, after.companies)):
        for record_id, record in new_table.items():
            old = old_table.get(record_id)
            if old is None:
                return False
            if old is not record and old != record and not _same_but_body(old, record):
                return False
    return True


def _same_but_body(before: Record, after: Record) -> bool:
    return type(before) is type(after) and all(
        getattr(before, f.name) == getattr(after, f.name)
        for f in dataclasses.fields(before) if f.compare and f.name not in BODY_FIELDS)
