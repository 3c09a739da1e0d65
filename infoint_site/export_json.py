"""The computed journal as the JSON of `infoint-site export json` (see SPEC.md)."""

from __future__ import annotations

import json
from typing import Any

from .analysis import Analysis
from .followups import FollowUp
from .records import Done


def _done(value: Done) -> str | bool | None:
    if value is True:
        return True
    if value is False:
        return None
    return value.isoformat()


def follow_up_json(follow_up: FollowUp) -> dict[str, Any]:
    return {
        "kind": follow_up.kind,
        "contact": follow_up.contact,
        "about": follow_up.about,
        "meeting": follow_up.meeting,
        "due": follow_up.due.isoformat(),
        "done": _done(follow_up.done),
        "status": follow_up.status,
        "title": follow_up.title,
    }


def journal_json(analysis: Analysis) -> dict[str, Any]:
    """The spec's shape: contacts by id, meetings by date then id, follow-ups by due."""
    journal, forest = analysis.journal, analysis.forest
    contacts = [
        {
            "id": cid,
            "name": contact.name,
            "company": contact.company,
            "referred_by": contact.referred_by,
            "chain": list(forest.chains[cid]),
            "depth": forest.depth(cid),
            "referrals": list(forest.referred[cid]),
            "descendants": forest.descendants[cid],
            "status": analysis.contact_status[cid],
            "meetings": [m.id for m in analysis.meetings_of.get(cid, ())],
        }
        for cid, contact in journal.contacts.items()
    ]
    meetings = [
        {
            "id": mid,
            "contacts": list(meeting.contacts),
            "date": meeting.date.isoformat(),
            "time": meeting.time.strftime("%H:%M") if meeting.time else None,
            "status": analysis.meeting_status[mid],
            "referrals": list(meeting.referrals),
            "outcome": meeting.outcome,
        }
        for mid, meeting in journal.meetings.items()
    ]
    stats = analysis.stats
    return {
        "today": analysis.today.isoformat(),
        "contacts": contacts,
        "meetings": meetings,
        "follow_ups": [follow_up_json(f) for f in analysis.follow_ups],
        "stats": {
            "contacts": stats.contacts,
            "meetings_done": stats.meetings_done,
            "meetings_scheduled": stats.meetings_scheduled,
            "referrals_received": stats.referrals_received,
            "offers": stats.offers,
            "overdue": stats.overdue,
            "longest_chain": stats.longest_chain,
        },
    }


def dumps(data: Any) -> str:
    """Stable, readable JSON: the same journal and day give the same bytes."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
