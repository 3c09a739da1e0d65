"""Which record pages an edit can change: so a rebuild renders those and no others.

A contact's, meeting's or company's page is made from its own record and from a few
neighbours: the meetings of a contact and the people in them, the chain above a
contact and the people below it, a company's people, the follow-ups owed to or about
someone. `affected_pages` compares two analyses of the same journal (before and after
an edit) through those links and returns every page whose inputs differ. It answers
None, "everything", when the edit reaches further than links: the settings or the day
changed. A renamed contact reaches, besides its own links, the meetings that suggest a
name that now means someone else (or no one). A file added or removed reaches what an
edit of every field of it would, on the side where it exists; the links to it in
notes are the renderer's to follow (`render.SiteRenderer`, which knows the links each
page's notes hold).

Pure and linear in the size of the journal, with small constants: comparing records
is by identity first (an unchanged file parses to the very same record in `serve`).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass

from .analysis import Analysis
from .followups import FollowUp
from .journal import Journal, name_index, resolve_person
from .records import Contact, Meeting, Record

Page = tuple[str, str]
"""("contact" | "meeting" | "company", id)."""


@dataclass(frozen=True, slots=True)
class PageInputs:
    """An analysis, indexed by the record pages that show each part of it."""

    analysis: Analysis
    names: dict[str, str]
    """The name index referrals resolve through."""
    follow_ups: dict[Page, list[FollowUp]]
    """Page → the follow-ups it lists: a contact's (owed to them or about them) and a
    meeting's, in the analysis's order."""
    suggested_by: dict[str, tuple[str, ...]]
    """Contact id → the meetings whose suggested names resolve to that contact."""
    people_at: dict[str, tuple[str, ...]]
    """Company id → the contacts who work there."""


def changed_ids(before: Journal, after: Journal) -> bool:
    """Whether a file was added or removed between two journals."""
    return (before.contacts.keys() != after.contacts.keys()
            or before.meetings.keys() != after.meetings.keys()
            or before.companies.keys() != after.companies.keys())


def follow_up_pages(item: FollowUp) -> list[Page]:
    """The record pages that list a follow-up: its contact's, the contact it is about,
    its meeting's (`page_inputs` writes the same inline: it runs for every follow-up,
    and the call costs a third of its time; tests/test_reanalysis.py holds the two
    alike)."""
    pages: list[Page] = [("contact", item.contact)]
    if item.about:
        pages.append(("contact", item.about))
    if item.meeting:
        pages.append(("meeting", item.meeting))
    return pages


def page_inputs(analysis: Analysis) -> PageInputs:
    journal = analysis.journal
    follow_ups: dict[Page, list[FollowUp]] = {}
    for item in analysis.follow_ups:  # (`follow_up_pages`, inline)
        follow_ups.setdefault(("contact", item.contact), []).append(item)
        if item.about:
            follow_ups.setdefault(("contact", item.about), []).append(item)
        if item.meeting:
            follow_ups.setdefault(("meeting", item.meeting), []).append(item)
    names = name_index(journal.contacts)
    suggested_by: dict[str, list[str]] = {}
    for meeting in journal.meetings.values():
        for person in meeting.referrals:
            cid = resolve_person(person, journal.contacts, names)
            if cid is not None:
                suggested_by.setdefault(cid, []).append(meeting.id)
    people_at: dict[str, list[str]] = {}
    for contact in journal.contacts.values():
        if contact.company:
            people_at.setdefault(contact.company, []).append(contact.id)
    return PageInputs(analysis, names, follow_ups,
                      {k: tuple(v) for k, v in suggested_by.items()},
                      {k: tuple(v) for k, v in people_at.items()})


def affected_pages(old: PageInputs, new: PageInputs) -> set[Page] | None:
    """The record pages whose inputs differ between `old` and `new`; None: all of them."""
    before, after = old.analysis, new.analysis
    oj, nj = before.journal, after.journal
    if (before.today != after.today or oj.settings != nj.settings
            or oj.unreadable_contacts != nj.unreadable_contacts):
        return None
    marks = _Marks(old, new)
    if old.names != new.names:  # a renamed contact: a suggested name may now mean another
        for mid, meeting in nj.meetings.items():
            if any(resolve_person(p, oj.contacts, old.names)
                   != resolve_person(p, nj.contacts, new.names) for p in meeting.referrals):
                marks.meeting_changed(mid)  # its suggestions, and its people's lists of them
    if changed_ids(oj, nj):  # a file added or removed: as if its every field changed
        for cid in oj.contacts.keys() ^ nj.contacts.keys():
            marks.contact_changed(cid, oj.contacts.get(cid), nj.contacts.get(cid))
        for mid in oj.meetings.keys() ^ nj.meetings.keys():
            marks.meeting_changed(mid)
        for coid in oj.companies.keys() ^ nj.companies.keys():
            marks.company_changed(coid)
    for cid, contact in nj.contacts.items():
        previous = oj.contacts.get(cid)
        if previous is None:
            continue
        if contact is not previous and contact != previous:
            marks.contact_changed(cid, previous, contact)
        elif before.contact_status[cid] != after.contact_status[cid]:
            marks.add("contact", [cid])
            marks.companies([contact.company])
    for mid, meeting in nj.meetings.items():
        previous_meeting = oj.meetings.get(mid)
        if previous_meeting is None:
            continue
        if meeting is not previous_meeting and meeting != previous_meeting:
            marks.meeting_changed(mid)
        elif before.meeting_status[mid] != after.meeting_status[mid]:
            marks.add("meeting", [mid])
            marks.add("contact", meeting.contacts)
    for coid, company in nj.companies.items():
        previous_company = oj.companies.get(coid)
        if previous_company is not None and company is not previous_company \
                and company != previous_company:
            marks.company_changed(coid)
    for page in old.follow_ups.keys() | new.follow_ups.keys():
        if old.follow_ups.get(page) != new.follow_ups.get(page):
            marks.pages.add(page)
    return marks.pages


def pages_of_one_change(old: PageInputs, new: PageInputs, before: Record,
                        after: Record) -> set[Page]:
    """The record pages a change of the one record `before` into `after` reaches, as
    `affected_pages` finds them, when nothing else differs between `old` and `new`
    (what the journal computes included: see `body_edit.shown_edit`)."""
    marks = _Marks(old, new)
    if isinstance(after, Contact):
        assert isinstance(before, Contact)
        marks.contact_changed(after.id, before, after)
    elif isinstance(after, Meeting):
        marks.meeting_changed(after.id)
    else:
        marks.company_changed(after.id)
    return marks.pages


class _Marks:
    """The pages found so far, and how each kind of change spreads."""

    def __init__(self, old: PageInputs, new: PageInputs) -> None:
        self.old, self.new = old, new
        self.pages: set[Page] = set()

    def add(self, kind: str, ids: Iterable[str]) -> None:
        self.pages.update((kind, i) for i in ids)

    def companies(self, ids: Iterable[str | None]) -> None:
        for coid in ids:
            if coid and coid in self.new.analysis.journal.companies:
                self.pages.add(("company", coid))

    def _meetings_of(self, cid: str) -> set[str]:
        return {m.id for side in (self.old, self.new)
                for m in side.analysis.meetings_of.get(cid, ())}

    def _contacts_of(self, mid: str) -> set[str]:
        return {c for side in (self.old, self.new)
                if (meeting := side.analysis.journal.meetings.get(mid)) is not None
                for c in meeting.contacts}

    def _follow_up_pages(self, page: Page) -> None:
        """Every page listing a follow-up this page lists: each shows names and the
        meeting it is about."""
        for side in (self.old, self.new):
            for item in side.follow_ups.get(page, ()):
                self.pages.add(("contact", item.contact))
                if item.about:
                    self.pages.add(("contact", item.about))
                if item.meeting:
                    self.pages.add(("meeting", item.meeting))

    def contact_changed(self, cid: str, before: Contact | None, after: Contact | None) -> None:
        """`before` None: the contact was added; `after` None: removed."""
        self.add("contact", [cid])
        self.companies([c.company for c in (before, after) if c])  # its people, their roles
        self._follow_up_pages(("contact", cid))  # names, email drafts
        for mid in self._meetings_of(cid):  # prep sheets: research, scripts
            self.add("meeting", [mid])
        renamed = before is None or after is None or before.name != after.name
        if renamed:
            for mid in self._meetings_of(cid):
                self.add("contact", self._contacts_of(mid))  # their rows show the names
                self._follow_up_pages(("meeting", mid))
            for side in (self.old, self.new):
                for mid in side.suggested_by.get(cid, ()):
                    self.add("meeting", [mid])
                    self.add("contact", self._contacts_of(mid))
        if renamed or before.referred_by != after.referred_by:
            for side in (self.old, self.new):
                forest = side.analysis.forest
                if cid not in forest.parent:
                    continue
                self.add("contact", forest.chains[cid])  # referred lists, descendant counts
                below = list(forest.referred[cid])
                for child in below:  # prep sheets name each child's referrer
                    for mid in self._meetings_of(child):
                        self.add("meeting", [mid])
                while below:  # every chain through this contact
                    child = below.pop()
                    self.add("contact", [child])
                    below.extend(forest.referred[child])

    def meeting_changed(self, mid: str) -> None:
        self.add("meeting", [mid])
        self.add("contact", self._contacts_of(mid))
        self._follow_up_pages(("meeting", mid))

    def company_changed(self, coid: str) -> None:
        self.add("company", [coid])
        for side in (self.old, self.new):
            for cid in side.people_at.get(coid, ()):
                self.add("contact", [cid])
                for mid in self._meetings_of(cid):  # prep sheets show the company
                    self.add("meeting", [mid])


def pages_replaced(inputs: PageInputs, stale: list[FollowUp],
                    fresh: list[FollowUp]) -> dict[Page, list[FollowUp]]:
    """`inputs.follow_ups` with the follow-ups `stale` taken out and `fresh` put in (see
    `followups.replaced`): each page's list in the analysis's order."""
    pages = dict(inputs.follow_ups)
    gone = {id(f) for f in stale}
    touched: dict[Page, list[FollowUp]] = {}
    for item in stale:
        for page in follow_up_pages(item):
            touched.setdefault(page, [f for f in pages.get(page, ()) if id(f) not in gone])
    for item in fresh:
        for page in follow_up_pages(item):
            touched.setdefault(page, list(pages.get(page, ()))).append(item)
    for page, items in touched.items():
        if items:
            pages[page] = sorted(items, key=FollowUp.sort_key)
        else:
            pages.pop(page, None)
    return pages


def people_moved(people_at: dict[str, tuple[str, ...]], cid: str, before: str | None,
                 after: str | None) -> dict[str, tuple[str, ...]]:
    """`people_at` (`PageInputs.people_at`) with the contact `cid` moved from the company
    `before` to `after` (None: none; a new contact comes from None): each company's
    people in the journal's order (by id)."""
    people = dict(people_at)
    if before:
        left = tuple(c for c in people.get(before, ()) if c != cid)
        if left:
            people[before] = left
        else:
            people.pop(before, None)
    if after:
        joined = list(people.get(after, ()))
        bisect.insort(joined, cid)
        people[after] = tuple(joined)
    return people
