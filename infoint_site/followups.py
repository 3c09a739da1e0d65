"""Follow-ups: what you owe whom, and by when, computed from the journal for a day.

One function per rule of the spec's table, each a pure function of the journal, the
derived statuses and `today`, and each but the reach-outs for one record (a meeting or
a contact), so that an edit of one record can be followed by those of its rules alone
(`reanalysis`). `compute_follow_ups` runs them all and sorts the result by due date,
then kind, then contact (then meeting, title and whom it is about: `FollowUp.sort_key`).
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from .journal import Journal, name_key, resolve_person
from .records import Contact, Done, Meeting

KINDS = ("confirm", "thank-you", "evaluate", "resume", "referrer-update", "reach-out",
         "request-nudge", "keep-in-touch", "custom")
STATUSES = ("overdue", "today", "soon", "later", "done")


@dataclass(frozen=True, slots=True)
class FollowUp:
    """One thing to do for one person."""

    kind: str
    contact: str
    """The contact id it is owed to; for a reach-out to someone with no file, their name."""
    about: str | None
    """For a referrer-update: the contact you met on the referrer's advice."""
    meeting: str | None
    """The meeting it comes from, if any."""
    due: date
    done: Done
    """The day it was done, True (done, no date) or False (open)."""
    status: str
    """done, overdue, today, soon or later."""
    title: str
    """What to do, in words: 'Thank Jane Doe'."""

    @property
    def is_open(self) -> bool:
        return self.status != "done"

    def sort_key(self) -> tuple[date, str, str, str, str, str]:
        """Due, kind, contact, meeting, title, and whom it is about: two follow-ups alike
        in all of these come from one record (its own follow-up list), and keep its
        order."""
        return (self.due, self.kind, self.contact, self.meeting or "", self.title,
                self.about or "")


def follow_up_status(due: date, done: Done, today: date, soon_days: int) -> str:
    """done; else overdue, today, soon (within `soon_days`) or later."""
    if done:
        return "done"
    if due < today:
        return "overdue"
    if due == today:
        return "today"
    if due <= today + timedelta(days=soon_days):
        return "soon"
    return "later"


@dataclass(frozen=True, slots=True)
class Facts:
    """What the rules need besides the journal: derived statuses and meetings per contact."""

    journal: Journal
    today: date
    meeting_status: Mapping[str, str]
    contact_status: Mapping[str, str]
    meetings_of: Mapping[str, tuple[Meeting, ...]]
    """Contact id → their meetings, by date then id."""
    names: Mapping[str, str]


def _when(meeting: Meeting) -> str:
    clock = f" {meeting.time.strftime('%H:%M')}" if meeting.time else ""
    return f"{meeting.date.isoformat()}{clock}"


def _with(facts: Facts, meeting: Meeting) -> str:
    return " and ".join(facts.journal.contact_name(c) for c in meeting.contacts)


Draft = tuple[str, str, str | None, str | None, date, Done, str]
"""(kind, contact, about, meeting, due, done, title) before a status is given."""


def _confirm(facts: Facts, meeting: Meeting) -> Iterator[Draft]:
    if facts.meeting_status[meeting.id] == "scheduled":
        days = facts.journal.settings.follow_up.confirm_days_before
        yield ("confirm", meeting.contacts[0], None, meeting.id,
               meeting.date - timedelta(days=days), meeting.confirmed,
               f"Confirm the meeting with {_with(facts, meeting)} on {_when(meeting)}")


def _done_meetings(facts: Facts) -> Iterator[Meeting]:
    for meeting in facts.journal.meetings.values():
        if facts.meeting_status[meeting.id] == "done":
            yield meeting


def _after_meeting(facts: Facts, meeting: Meeting) -> Iterator[Draft]:
    if facts.meeting_status[meeting.id] != "done":
        return
    rules = facts.journal.settings.follow_up
    for contact in meeting.contacts:
        yield ("thank-you", contact, None, meeting.id,
               meeting.date + timedelta(days=rules.thank_you_days), meeting.thank_you_sent,
               f"Thank {facts.journal.contact_name(contact)}")
    yield ("evaluate", meeting.contacts[0], None, meeting.id,
           meeting.date + timedelta(days=rules.evaluate_days), meeting.evaluated,
           f"Write notes on and evaluate the meeting with {_with(facts, meeting)}")
    if meeting.resume_requested:
        yield ("resume", meeting.contacts[0], None, meeting.id,
               meeting.date + timedelta(days=rules.resume_days), meeting.resume_sent,
               f"Send your resume to {_with(facts, meeting)}")


def _meeting_custom(facts: Facts, meeting: Meeting) -> Iterator[Draft]:
    if facts.meeting_status[meeting.id] == "cancelled":
        return
    for item in meeting.follow_ups:
        due = item.due if item.due is not None else item.after.after(meeting.date)  # type: ignore[union-attr]
        yield ("custom", meeting.contacts[0], None, meeting.id, due, item.done, item.action)


def _referrer_update(facts: Facts, cid: str, contact: Contact) -> Iterator[Draft]:
    journal = facts.journal
    referrer = contact.referred_by
    if referrer is None or referrer not in journal.contacts or referrer == cid:
        return
    first = next((m for m in facts.meetings_of.get(cid, ())
                  if facts.meeting_status[m.id] == "done"), None)
    if first is not None:
        days = journal.settings.follow_up.referrer_update_days
        yield ("referrer-update", referrer, cid, first.id,
               first.date + timedelta(days=days), first.referrer_updated,
               f"Tell {journal.contact_name(referrer)} that you met {contact.name}")


def _has_live_meeting(facts: Facts, cid: str) -> bool:
    return any(facts.meeting_status[m.id] != "cancelled" for m in facts.meetings_of.get(cid, ()))


def _parked(facts: Facts, cid: str) -> bool:
    """Declined or dormant contacts are not chased."""
    return facts.journal.contacts[cid].status in ("declined", "dormant")


def _reach_outs(facts: Facts) -> Iterator[Draft]:
    """One rule over the whole journal: each name is reached out to once, from the first
    done meeting that suggested it."""
    journal = facts.journal
    days = journal.settings.follow_up.reach_out_days
    seen: set[str] = set()
    for meeting in _done_meetings(facts):
        for person in meeting.referrals:
            cid = resolve_person(person, journal.contacts, facts.names)
            key = cid if cid is not None else name_key(person)
            if key in seen or not key or cid in meeting.contacts:
                continue
            seen.add(key)
            if cid is not None and (journal.contacts[cid].requested is not None
                                    or _has_live_meeting(facts, cid) or _parked(facts, cid)):
                continue
            name = journal.contact_name(cid) if cid else person
            yield ("reach-out", cid or person, None, meeting.id,
                   meeting.date + timedelta(days=days), False,
                   f"Reach out to {name}, suggested by {_with(facts, meeting)}")


def _request_nudge(facts: Facts, cid: str, contact: Contact) -> Iterator[Draft]:
    if contact.requested is None or _has_live_meeting(facts, cid) or _parked(facts, cid):
        return
    days = facts.journal.settings.follow_up.request_nudge_days
    yield ("request-nudge", cid, None, None, contact.requested + timedelta(days=days), False,
           f"Nudge {contact.name}: no answer to your request of {contact.requested.isoformat()}")


def _keep_in_touch(facts: Facts, cid: str, contact: Contact) -> Iterator[Draft]:
    if contact.keep_in_touch is False:
        return
    done = [m for m in facts.meetings_of.get(cid, ()) if facts.meeting_status[m.id] == "done"]
    if not done:
        return
    default = facts.journal.settings.follow_up.keep_in_touch
    cadence = default if contact.keep_in_touch is True else contact.keep_in_touch
    last = max(done[-1].date, contact.last_contact or done[-1].date)
    yield ("keep-in-touch", cid, None, None, cadence.after(last), False,
           f"Keep in touch with {contact.name} (last contact {last.isoformat()})")


def _contact_custom(facts: Facts, cid: str, contact: Contact) -> Iterator[Draft]:
    for item in contact.follow_ups:
        if item.due is not None:
            yield ("custom", cid, None, None, item.due, item.done, item.action)


MEETING_RULES = (_confirm, _after_meeting, _meeting_custom)
"""The rules that read one meeting (and its contacts' names): each yields its drafts."""
CONTACT_RULES = (_referrer_update, _request_nudge, _keep_in_touch, _contact_custom)
"""The rules that read one contact (its referrer's name, its meetings and their
statuses): each yields its drafts. The one left, `_reach_outs`, reads the journal."""


def drafts_of(facts: Facts, meetings: Iterable[Meeting],
              contacts: Iterable[tuple[str, Contact]]) -> Iterator[Draft]:
    """The drafts of the rules that read one record, for these records."""
    for meeting in meetings:
        for meeting_rule in MEETING_RULES:
            yield from meeting_rule(facts, meeting)
    for cid, contact in contacts:
        for contact_rule in CONTACT_RULES:
            yield from contact_rule(facts, cid, contact)


def follow_ups_of(facts: Facts, drafts: Iterable[Draft]) -> list[FollowUp]:
    """The drafts as follow-ups, with their statuses on `facts.today` (not sorted)."""
    soon = facts.journal.settings.follow_up.soon_days
    return [FollowUp(kind, contact, about, meeting, due, done,
                     follow_up_status(due, done, facts.today, soon), title)
            for kind, contact, about, meeting, due, done, title in drafts]


def compute_follow_ups(facts: Facts) -> list[FollowUp]:
    """Every follow-up of the journal on `facts.today`, sorted by `FollowUp.sort_key`
    (due, kind, contact first)."""
    journal = facts.journal
    follow_ups = follow_ups_of(facts, itertools.chain(
        drafts_of(facts, journal.meetings.values(), journal.contacts.items()),
        _reach_outs(facts)))
    follow_ups.sort(key=FollowUp.sort_key)
    return follow_ups


def reach_outs(facts: Facts) -> list[FollowUp]:
    """The reach-outs alone (see `reanalysis`)."""
    return follow_ups_of(facts, _reach_outs(facts))


def replaced(items: list[FollowUp], stale: list[FollowUp],
              fresh: list[FollowUp]) -> list[FollowUp]:
    """`items` (sorted) without `stale` and with `fresh` in their sorted places. Two
    follow-ups alike in their sort key come from one record's rules, all stale or none,
    so `fresh` keeps its own order among equals, as a sort of the whole would."""
    gone = {id(f) for f in stale}
    kept = [f for f in items if id(f) not in gone] if gone else list(items)
    for item in fresh:
        bisect.insort_right(kept, item, key=FollowUp.sort_key)
    return kept
