"""Checks across files, run on a linked journal: plain functions kept in a list.

Each validator takes the `Analysis` and returns problems; per-file problems (syntax,
types, unknown keys) were already found while parsing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping

from .analysis import Analysis
from .body import NoteLink, journal_link, missing_link_message
from .journal import Journal, name_index, resolve_person
from .problems import Problem, error, shorten, warning
from .records import Contact, Meeting, Record
from .suggest import did_you_mean

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)+")
"""What an id looks like: a value of that shape that names nothing may be mistyped."""


def _at(record: Contact | Meeting, key: str) -> tuple[int, int]:
    return record.positions.get(key) or record.positions.get(key.split(".")[0]) or (1, 1)


def _no_contact(field: str, ref: str, analysis: Analysis) -> str:
    """'no contact x; did you mean y?', matching ids and, failing that, full names."""
    contacts = analysis.journal.contacts
    hint = did_you_mean(ref, contacts)
    if not hint:
        by_name = resolve_person(ref, contacts, name_index(contacts))
        hint = f"; did you mean '{by_name}'? (use the id, the file's name)" if by_name else ""
    return f"{field}: no contact '{shorten(ref)}'{hint}"


def unknown_references(analysis: Analysis) -> Iterator[Problem]:
    """referred_by and meeting contacts must name contacts that exist.

    A contact whose file exists but could not be read is not reported again here.
    """
    contacts = analysis.journal.contacts
    unreadable = analysis.journal.unreadable_contacts
    for cid, contact in contacts.items():
        ref = contact.referred_by
        if ref is None or ref in unreadable:
            continue
        line, col = _at(contact, "referred_by")
        if ref == cid:
            yield error(contact.path, line, col, "E303",
                        "referred_by: a contact cannot refer themselves; leave it out for"
                        " someone you already knew")
        elif ref not in contacts:
            yield error(contact.path, line, col, "E301", _no_contact("referred_by", ref, analysis))
    for meeting in analysis.journal.meetings.values():
        for i, cid in enumerate(meeting.contacts):
            if cid not in contacts and cid not in unreadable:
                line, col = _at(meeting, f"contact.{i}")
                yield error(meeting.path, line, col, "E301", _no_contact("contact", cid, analysis))


def referral_cycles(analysis: Analysis) -> Iterator[Problem]:
    """referred_by links must form a forest: a cycle is reported once, naming every id."""
    contacts = analysis.journal.contacts
    for cycle in analysis.forest.cycles:
        first = contacts[cycle[0]]
        line, col = _at(first, "referred_by")
        loop = " → ".join((*cycle, cycle[0]))
        yield error(first.path, line, col, "E304",
                    f"referral cycle: {loop} (each referred_by the next); someone in it must"
                    " be a person you already knew")


def referral_mismatches(analysis: Analysis) -> Iterator[Problem]:
    """A meeting's referrals that name a contact referred by someone else, or a likely typo."""
    names = name_index(analysis.journal.contacts)
    for meeting in analysis.journal.meetings.values():
        yield from meeting_referral_mismatches(analysis, names, meeting)


def meeting_referral_mismatches(analysis: Analysis, names: Mapping[str, str],
                                meeting: Meeting) -> Iterator[Problem]:
    """`referral_mismatches` of one meeting (`names`: the journal's `name_index`)."""
    contacts = analysis.journal.contacts
    for i, person in enumerate(meeting.referrals):
        line, col = _at(meeting, f"referrals.{i}")
        cid = resolve_person(person, contacts, names)
        if cid is None:
            # Only a slug-shaped name can be a mistyped id; names are common and fine.
            hint = did_you_mean(person, contacts) if SLUG.fullmatch(person) else ""
            if hint:
                yield warning(meeting.path, line, col, "W302",
                              f"referrals: no contact '{shorten(person)}'{hint}"
                              " (kept as a name)")
            continue
        if cid in meeting.contacts or any(
                cid in analysis.forest.chains[c] for c in meeting.contacts if c in contacts):
            continue  # themselves, or someone above them in their own chain
        referrer = contacts[cid].referred_by
        if referrer not in meeting.contacts:
            said = f"referred_by: {referrer}" if referrer else "no referred_by"
            yield warning(
                meeting.path, line, col, "W403",
                f"referrals: '{shorten(person)}' was suggested in this meeting, but"
                f" {contacts[cid].path} has {said}; set referred_by:"
                f" {meeting.contacts[0]}",
            )


def stale_schedules(analysis: Analysis) -> Iterator[Problem]:
    """A meeting still marked scheduled after its day: did it happen?"""
    for meeting in analysis.journal.meetings.values():
        if meeting.status == "scheduled" and meeting.date < analysis.today:
            line, col = _at(meeting, "status")
            yield warning(meeting.path, line, col, "W402",
                          f"status: still scheduled, but {meeting.date.isoformat()} has passed;"
                          " set status: done or cancelled")


def company_typos(analysis: Analysis) -> Iterator[Problem]:
    """A company that looks like a mistyped company id."""
    for contact in analysis.journal.contacts.values():
        yield from contact_company_typos(analysis.journal, contact)


def contact_company_typos(journal: Journal, contact: Contact) -> Iterator[Problem]:
    """`company_typos` of one contact."""
    companies, company = journal.companies, contact.company
    if company is None or company in companies or not SLUG.fullmatch(company):
        return
    hint = did_you_mean(company, companies)
    if hint:
        line, col = _at(contact, "company")
        yield warning(contact.path, line, col, "W303",
                      f"company: no company file '{company}'{hint} (kept as a name)")


def broken_note_links(analysis: Analysis) -> Iterator[Problem]:
    """A link in a note to a journal file that does not exist (``../contacts/x.md``)."""
    journal = analysis.journal
    for kind, table in (("contacts", journal.contacts), ("meetings", journal.meetings),
                        ("companies", journal.companies)):
        for record in table.values():
            for link, target_kind in missing_links(journal, record, kind):
                yield warning(record.path, link.line, 1, "W602",
                              missing_link_message(link.target, target_kind))


def missing_links(journal: Journal, record: Record,
                  kind: str) -> Iterator[tuple[NoteLink, str]]:
    """The links in `record`'s note (a file in `kind`'s folder) to journal files that do
    not exist, each with the folder it points into."""
    tables = {"contacts": journal.contacts, "meetings": journal.meetings,
              "companies": journal.companies}
    for link in record.links:
        found = journal_link(link.target, kind) if not link.image else None
        if found is not None and found[1] not in tables.get(found[0], {}):
            yield link, found[0]


VALIDATORS: tuple[Callable[[Analysis], Iterator[Problem]], ...] = (
    unknown_references,
    referral_cycles,
    referral_mismatches,
    stale_schedules,
    company_typos,
    broken_note_links,
)


def validate(analysis: Analysis) -> list[Problem]:
    """Every cross-file problem of the journal."""
    return [problem for check in VALIDATORS for problem in check(analysis)]
