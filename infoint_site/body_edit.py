"""The most common saves while writing notes: a Markdown body, or a field only shown.

Nothing the journal computes (statuses, chains, follow-ups, numbers, the checks across
files) reads a body, so after such a save the previous analysis still holds with the
one record swapped in, and only the pages that show that body change: the record's own
page and, for a contact or a company, the preparation sheets of the meetings it is
researched for (`body_edit`). The same holds for the fields in `SHOWN_ONLY`, such as a
contact's role or a meeting's place; the pages that show them are found as
`affected_pages` finds them (`shown_edit`). `serve` uses this to show the edited page
before the full rebuild that follows.
"""

from __future__ import annotations

import dataclasses

from .affected import Page, PageInputs, changed_ids, pages_of_one_change
from .analysis import Analysis
from .journal import Journal
from .records import Company, Contact, Meeting, Record
from .validate import missing_links

_KINDS = {Contact: ("contacts", "contact"), Meeting: ("meetings", "meeting"),
          Company: ("companies", "company")}
"""Record type → (its folder and Journal table, its kind of page)."""

BODY_FIELDS = frozenset({"body", "body_line", "links", "answers"})
"""What a record's body decides (``evaluated`` is not among them: an Evaluation
heading changes the follow-ups, so such a save is not a body's edit here; `reanalysis`
follows it)."""


SHOWN_ONLY: dict[type, frozenset[str]] = {
    Contact: frozenset({"role", "field", "tags", "email", "phone", "linkedin", "script",
                        "may_use_name"}),
    Meeting: frozenset({"duration_minutes", "format", "platform", "location", "goals",
                        "questions"}),
    Company: frozenset({"website", "field", "tags"}),
}
"""Fields, by record type, that nothing the journal computes reads: only pages show them
(a contact's tags fill the contacts list's filter, and a meeting's questions the
question pages: listings, which the full rebuild makes). tests/test_body_edit.py
checks, field by field, that changing one leaves the analysis as it was."""


def body_edit(analysis: Analysis, record: Record) -> tuple[Analysis, set[Page]] | None:
    """`analysis` with `record` swapped in and the record pages that show its body, or
    None when the edit is more than a body or its links point at a missing file."""
    journal = analysis.journal
    folder, kind = _KINDS[type(record)]
    table = getattr(journal, folder)
    before = table.get(record.id)
    if before is None or before.path != record.path or not _same_but_body(before, record):
        return None
    if any(missing_links(journal, record, folder)):
        return None  # a warning to report: the full rebuild says it
    swapped = dataclasses.replace(journal, **{folder: {**table, record.id: record}})
    pages: set[Page] = {(kind, record.id)}
    if isinstance(record, Contact):
        people = [record.id]
    elif isinstance(record, Company):
        people = [c.id for c in journal.contacts.values() if c.company == record.id]
    else:
        people = []
    for cid in people:  # preparation sheets show the research on a person and their company
        pages.update(("meeting", m.id) for m in analysis.meetings_of.get(cid, ()))
    return dataclasses.replace(analysis, journal=swapped), pages


def shown_edit(inputs: PageInputs, record: Record) -> tuple[Analysis, set[Page]] | None:
    """The analysis of `inputs` with `record` swapped in and the record pages that show
    it, when the edit changed only `SHOWN_ONLY` fields (and perhaps the body); None
    otherwise, or when its links point at a missing file."""
    analysis = inputs.analysis
    journal = analysis.journal
    folder, _ = _KINDS[type(record)]
    table = getattr(journal, folder)
    before = table.get(record.id)
    if before is None or before.path != record.path or type(before) is not type(record) \
            or not same_but(before, record, BODY_FIELDS | SHOWN_ONLY[type(record)]):
        return None
    if any(missing_links(journal, record, folder)):
        return None  # a warning to report: the full rebuild says it
    swapped = dataclasses.replace(journal, **{folder: {**table, record.id: record}})
    meetings_of = analysis.meetings_of
    if isinstance(record, Meeting):  # the contacts' meetings, as their pages list them
        meetings_of = {**meetings_of, **{
            cid: tuple(record if m.id == record.id else m for m in meetings_of[cid])
            for cid in dict.fromkeys(record.contacts)}}
    after = dataclasses.replace(analysis, journal=swapped, meetings_of=meetings_of)
    return after, pages_of_one_change(inputs, dataclasses.replace(inputs, analysis=after),
                                      before, record)


def only_bodies_changed(before: Journal, after: Journal) -> bool:
    """Whether `after` has the records of `before`, each the same but for its body."""
    if changed_ids(before, after):
        return False
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
    return same_but(before, after, BODY_FIELDS)


def same_but(before: Record, after: Record, fields: frozenset[str]) -> bool:
    """Whether the two records are of one type and alike in every field but `fields`
    (the places of values, kept for messages, are not compared)."""
    return type(before) is type(after) and all(
        getattr(before, f.name) == getattr(after, f.name)
        for f in dataclasses.fields(before) if f.compare and f.name not in fields)
