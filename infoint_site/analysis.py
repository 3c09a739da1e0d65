"""Everything computed from a journal for one day: statuses, chains, follow-ups, numbers.

`analyze` is pure and linear in the journal's size; every view of the journal (the
terminal, the JSON export, the site) reads an `Analysis` and computes nothing again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .followups import Facts, FollowUp, compute_follow_ups
from .journal import Journal, contact_status, meeting_status, name_index
from .records import Meeting
from .referrals import ReferralForest, build_forest


@dataclass(frozen=True, slots=True)
class Stats:
    """The headline numbers."""

    contacts: int
    meetings_done: int
    meetings_scheduled: int
    referrals_received: int
    """Names suggested to you in done meetings."""
    offers: int
    """Done meetings whose outcome is a job offer."""
    overdue: int
    """Open follow-ups past their due date."""
    longest_chain: int
    """The depth of the deepest referral chain."""


@dataclass(frozen=True, slots=True)
class Analysis:
    journal: Journal
    today: date
    meeting_status: dict[str, str]
    contact_status: dict[str, str]
    meetings_of: dict[str, tuple[Meeting, ...]]
    """Contact id → their meetings, by date then id."""
    forest: ReferralForest
    follow_ups: list[FollowUp]
    """Sorted by due date, then kind, then contact (`FollowUp.sort_key`)."""
    stats: Stats

    @property
    def open_follow_ups(self) -> list[FollowUp]:
        return [f for f in self.follow_ups if f.is_open]


def analyze(journal: Journal, today: date) -> Analysis:
    """The journal's derived views on `today`."""
    statuses = {mid: meeting_status(m, today) for mid, m in journal.meetings.items()}
    meetings_of: dict[str, list[Meeting]] = {}
    for meeting in journal.meetings.values():  # already in date-then-id order
        for cid in dict.fromkeys(meeting.contacts):
            meetings_of.setdefault(cid, []).append(meeting)
    of = {cid: tuple(ms) for cid, ms in meetings_of.items()}
    contact_statuses = {
        cid: contact_status(c, (statuses[m.id] for m in of.get(cid, ())))
        for cid, c in journal.contacts.items()
    }
    forest = build_forest(journal.contacts)
    facts = Facts(journal, today, statuses, contact_statuses, of, name_index(journal.contacts))
    follow_ups = compute_follow_ups(facts)
    done = [m for m in journal.meetings.values() if statuses[m.id] == "done"]
    stats = Stats(
        contacts=len(journal.contacts),
        meetings_done=len(done),
        meetings_scheduled=sum(1 for s in statuses.values() if s == "scheduled"),
        referrals_received=sum(len(m.referrals) for m in done),
        offers=sum(1 for m in done if m.outcome == "job-offer"),
        overdue=sum(1 for f in follow_ups if f.status == "overdue"),
        longest_chain=forest.longest_chain,
    )
    return Analysis(journal, today, statuses, contact_statuses, of, forest, follow_ups, stats)
