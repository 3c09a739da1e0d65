"""Page-ready views of the computed journal: names, links, labels and drafts.

Templates stay simple because the decisions are made here, in tested Python.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, time

from .analysis import Analysis
from .followups import FollowUp
from .journal import Journal
from .records import Meeting, redact_record
from .urls import Urls, quoted

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

KIND_LABELS = {
    "confirm": "Confirm", "thank-you": "Thank", "evaluate": "Evaluate", "resume": "Resume",
    "referrer-update": "Update referrer", "reach-out": "Reach out",
    "request-nudge": "Nudge", "keep-in-touch": "Keep in touch", "custom": "To do",
}
CONTACT_STATUS_ORDER = ("to-contact", "requested", "scheduled", "met", "declined", "dormant")


def long_date(day: date) -> str:
    """'Tue 24 November 2026', the same in every locale."""
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"


def short_date(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1][:3]} {day.year}"


def first_name(name: str) -> str:
    return name.split()[0] if name.split() else name


def redact(journal: Journal, hidden: tuple[str, ...]) -> Journal:
    """The journal with `hidden` fields blanked in every record, before anything renders."""
    if not hidden:
        return journal
    return dataclasses.replace(
        journal,
        contacts={k: redact_record(v, hidden) for k, v in journal.contacts.items()},
        meetings={k: redact_record(v, hidden) for k, v in journal.meetings.items()},
        companies={k: redact_record(v, hidden) for k, v in journal.companies.items()},
    )


@dataclass(frozen=True, slots=True)
class Link:
    text: str
    url: str | None
    """None when there is no page (a suggested person with no file yet)."""


@dataclass(frozen=True, slots=True)
class MeetingRow:
    """A meeting as one line of a table."""

    id: str
    url: str
    date: date
    time: time | None
    with_names: str
    format: str | None
    status: str
    outcome: str | None


@dataclass(frozen=True, slots=True)
class FollowUpView:
    item: FollowUp
    label: str
    who: Link
    about: Link | None
    meeting: Link | None
    mailto: str | None
    """A prefilled email draft, for thanks, referrer updates and keeping in touch."""


class Views:
    """Builds views for one analysis, one set of URLs and one owner."""

    def __init__(self, analysis: Analysis, urls: Urls, owner: str) -> None:
        self.analysis = analysis
        self.journal = analysis.journal
        self.urls = urls
        self.owner = owner
        self._with_names: dict[str, str] = {}

    def contact_link(self, contact_id: str) -> Link:
        contact = self.journal.contacts.get(contact_id)
        if contact is None:
            return Link(contact_id, None)
        return Link(contact.name, self.urls.contact(contact_id))

    def meeting_link(self, meeting_id: str) -> Link:
        meeting = self.journal.meetings[meeting_id]
        return Link(f"{self.with_names(meeting)}, {short_date(meeting.date)}",
                    self.urls.meeting(meeting_id))

    def company_link(self, company: str | None) -> Link | None:
        if not company:
            return None
        found = self.journal.companies.get(company)
        if found is None:
            return Link(company, None)
        return Link(found.name, self.urls.company(company))

    def with_names(self, meeting: Meeting) -> str:
        names = self._with_names.get(meeting.id)
        if names is None:
            names = " and ".join(self.journal.contact_name(c) for c in meeting.contacts)
            self._with_names[meeting.id] = names
        return names

    def person_link(self, person: str) -> Link:
        """A referral as written: a contact's page when they have a file."""
        from .journal import resolve_person

        cid = resolve_person(person, self.journal.contacts, self._names())
        return self.contact_link(cid) if cid else Link(person, None)

    def _names(self) -> dict[str, str]:
        cached = getattr(self, "_name_cache", None)
        if cached is None:
            from .journal import name_index

            cached = name_index(self.journal.contacts)
            self._name_cache = cached
        return cached

    def follow_up(self, item: FollowUp) -> FollowUpView:
        who = self.contact_link(item.contact)
        return FollowUpView(
            item=item,
            label=KIND_LABELS[item.kind],
            who=who,
            about=self.contact_link(item.about) if item.about else None,
            meeting=self.meeting_link(item.meeting) if item.meeting else None,
            mailto=self._draft(item) if item.is_open else None,
        )

    def follow_ups(self, items: list[FollowUp]) -> list[FollowUpView]:
        return [self.follow_up(i) for i in items]

    def _draft(self, item: FollowUp) -> str | None:
        contact = self.journal.contacts.get(item.contact)
        if contact is None or not contact.email:
            return None
        dear = f"Dear {first_name(contact.name)},"
        sign = f"\n\nBest wishes,\n{self.owner}" if self.owner else "\n\nBest wishes,"
        meeting = self.journal.meetings.get(item.meeting) if item.meeting else None
        when = long_date(meeting.date) if meeting else ""
        if item.kind == "thank-you" and meeting:
            subject = f"Thank you for our conversation on {when}"
            body = (f"{dear}\n\nThank you for taking the time to talk with me on {when}. "
                    "Your advice was a great help, and I will follow it up."
                    f"{sign}")
        elif item.kind == "referrer-update" and item.about and meeting:
            about = self.journal.contact_name(item.about)
            subject = f"I met {about}: thank you"
            body = (f"{dear}\n\nI wanted to let you know that I met {about} on {when}, "
                    "as you suggested. Thank you for the introduction: it was a really "
                    f"useful conversation.{sign}")
        elif item.kind == "keep-in-touch":
            subject = "Catching up"
            body = (f"{dear}\n\nIt has been a while since we last spoke, and I wanted to "
                    f"let you know how things are going.{sign}")
        else:
            return None
        return (f"mailto:{quoted(contact.email, safe='@')}?subject={quoted(subject)}"
                f"&body={quoted(body)}")
