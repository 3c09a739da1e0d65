"""The journal's records: immutable, typed, one per file.

Each record keeps the file it came from and the positions of the values that later
checks may point at (``positions["referred_by"]`` is the (line, col) of that value;
list items are ``"referrals.0"``, ``"referrals.1"``…). Records are plain data and
pickle cleanly, so a cache can keep them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, time
from typing import TypeVar

from .body import Answer, NoteLink
from .durations import Duration

Done = date | bool
"""A done value: the day it was done, ``True`` (done, no date) or ``False``."""
Position = tuple[int, int]

CONTACT_STATUSES = ("to-contact", "requested", "scheduled", "met", "declined", "dormant")
MEETING_STATUSES = ("scheduled", "done", "cancelled")
MEETING_FORMATS = ("in-person", "phone", "video")
OUTCOMES = ("advice", "referral", "job-lead", "job-offer", "none")


@dataclass(frozen=True, slots=True)
class FollowUpItem:
    """An action written by hand in a contact's or a meeting's ``follow_ups``."""

    action: str
    due: date | None = None
    """A fixed due date."""
    after: Duration | None = None
    """Due this long after the meeting's date (meetings only)."""
    done: Done = False
    line: int = 1
    """The item's line in its file."""


@dataclass(frozen=True, slots=True)
class Contact:
    """A person: one file in ``content/contacts/``."""

    id: str
    """The file stem, e.g. ``jane-doe``."""
    path: str
    """The file, relative to the journal root."""
    name: str
    company: str | None = None
    """A company id, or free text when no company file has that id."""
    role: str | None = None
    field: str | None = None
    tags: tuple[str, ...] = ()
    email: str | None = None
    phone: str | None = None
    linkedin: str | None = None
    referred_by: str | None = None
    """The contact id of who suggested this person; None for someone you already knew."""
    may_use_name: bool | None = None
    requested: date | None = None
    """The day you asked for a conversation."""
    script: str | None = None
    """The reason you gave when asking."""
    status: str | None = None
    """An explicit status; None means derived from meetings and `requested`."""
    keep_in_touch: Duration | bool = False
    """A cadence, True for the journal's default cadence, or False."""
    last_contact: date | None = None
    follow_ups: tuple[FollowUpItem, ...] = ()
    body: str = ""
    body_line: int = 1
    links: tuple[NoteLink, ...] = ()
    """Links and images written in the body, for checks."""
    positions: dict[str, Position] = dataclasses.field(default_factory=dict, compare=False)


@dataclass(frozen=True, slots=True)
class Meeting:
    """A conversation: one file in ``content/meetings/``."""

    id: str
    path: str
    contacts: tuple[str, ...]
    """Contact ids, first the main one."""
    date: date
    time: time | None = None
    """Local time in the journal's timezone, when one was given."""
    duration_minutes: int | None = None
    format: str | None = None
    platform: str | None = None
    location: str | None = None
    status: str | None = None
    """An explicit status; None means scheduled from today on, else done."""
    goals: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()
    referrals: tuple[str, ...] = ()
    """People suggested in this meeting: contact ids or names, as written."""
    outcome: str | None = None
    confirmed: Done = False
    thank_you_sent: Done = False
    evaluated: Done = False
    """True/a date from front matter, or True when the body has an "Evaluation" heading."""
    resume_requested: bool = False
    resume_sent: Done = False
    referrer_updated: Done = False
    follow_ups: tuple[FollowUpItem, ...] = ()
    body: str = ""
    body_line: int = 1
    answers: tuple[Answer, ...] = ()
    links: tuple[NoteLink, ...] = ()
    """Links and images written in the body, for checks."""
    positions: dict[str, Position] = dataclasses.field(default_factory=dict, compare=False)


@dataclass(frozen=True, slots=True)
class Company:
    """An organisation you research: one file in ``content/companies/``."""

    id: str
    path: str
    name: str
    website: str | None = None
    field: str | None = None
    tags: tuple[str, ...] = ()
    body: str = ""
    body_line: int = 1
    links: tuple[NoteLink, ...] = ()
    """Links and images written in the body, for checks."""
    positions: dict[str, Position] = dataclasses.field(default_factory=dict, compare=False)


Record = Contact | Meeting | Company


R = TypeVar("R", Contact, Meeting, Company)


def redact_record(record: R, hidden: tuple[str, ...]) -> R:
    """`record` with its `hidden` fields blanked (to their defaults, or None), as the
    site shows it (`privacy.hide_fields`)."""
    changes = {}
    for field in dataclasses.fields(record):
        if field.name in hidden:
            changes[field.name] = field.default if field.default is not dataclasses.MISSING \
                else None
    return dataclasses.replace(record, **changes) if changes else record
