"""The journal as an RFC 5545 calendar: `export ics` and the site's ``calendar.ics``.

One event per scheduled or done meeting (cancelled ones are left out), at its local
time in the journal's time zone with that zone's VTIMEZONE, and one all-day event per
open follow-up on its due day. Every UID is built from the journal's own ids, so a
calendar that imports the file again, or subscribes to it, updates its events instead
of duplicating them. Pure: the same analysis gives the same bytes (DTSTAMP is the
start of `today` in UTC, not the clock).

The `icalendar` package is imported inside `calendar_ics`, so importing this module
stays cheap.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import quote

from .analysis import Analysis
from .followups import FollowUp
from .journal import Journal
from .records import Meeting

UID_DOMAIN = "infoint-site"
"""The same for every journal: UIDs must not change when a journal moves or is renamed."""
DEFAULT_MINUTES = 20
"""A timed meeting with no `duration_minutes` lasts this long (the template's default)."""
PRODID = "-//infoint-site//infoint-site//EN"

_FORMATS = {"in-person": "In person", "phone": "Phone call", "video": "Video call"}


def _uid_part(text: str) -> str:
    """An id made safe and unambiguous inside a UID: dots separate the parts."""
    return quote(text, safe="-_~").replace(".", "%2E")


def meeting_uid(meeting_id: str) -> str:
    return f"meeting.{_uid_part(meeting_id)}@{UID_DOMAIN}"


def follow_up_uid(item: FollowUp) -> str:
    """kind, contact and meeting (and, when they apply, who it is about and the action).

    A custom follow-up adds a short hash of its action: a meeting can have several, and
    the hash keeps each one's UID when its due date moves.
    """
    parts = ["follow-up", item.kind, _uid_part(item.contact), _uid_part(item.meeting or "-")]
    if item.about:
        parts.append(_uid_part(item.about))
    if item.kind == "custom":
        parts.append(hashlib.sha256(item.title.encode("utf-8")).hexdigest()[:12])
    return ".".join(parts) + f"@{UID_DOMAIN}"


def _company_name(journal: Journal, company: str | None) -> str | None:
    if company is None:
        return None
    found = journal.companies.get(company)
    return found.name if found else company


def _person(journal: Journal, contact_id: str) -> str:
    """'Jane Doe (Head of Data, Acme)': who they are, as far as the journal says."""
    contact = journal.contacts.get(contact_id)
    if contact is None:
        return contact_id
    about = ", ".join(x for x in (contact.role, _company_name(journal, contact.company)) if x)
    return f"{contact.name} ({about})" if about else contact.name


def meeting_summary(journal: Journal, meeting: Meeting) -> str:
    names = " and ".join(journal.contact_name(c) for c in meeting.contacts)
    return f"Informational interview with {names}"


def meeting_description(journal: Journal, meeting: Meeting) -> str:
    lines = ["With " + "; ".join(_person(journal, c) for c in meeting.contacts) + "."]
    how = _FORMATS.get(meeting.format or "")
    if how and meeting.platform:
        how += f" on {meeting.platform}"
    elif meeting.platform:
        how = f"On {meeting.platform}"
    if how:
        lines.append(how + ".")
    if meeting.duration_minutes:
        lines.append(f"{meeting.duration_minutes} minutes: keep to it.")
    if meeting.goals:
        lines.append("Goals:")
        lines += [f"- {goal}" for goal in meeting.goals]
    return "\n".join(lines)


def follow_up_summary(journal: Journal, item: FollowUp) -> str:
    """The follow-up's title, naming the person when the title does not (custom ones)."""
    if item.kind == "custom":
        return f"{item.title} ({journal.contact_name(item.contact)})"
    return item.title


def follow_up_description(journal: Journal, item: FollowUp) -> str:
    lines = [f"Follow-up ({item.kind}) for {journal.contact_name(item.contact)}."]
    meeting = journal.meetings.get(item.meeting or "")
    if meeting is not None:
        names = " and ".join(journal.contact_name(c) for c in meeting.contacts)
        lines.append(f"From the meeting with {names} on {meeting.date.isoformat()}.")
    return "\n".join(lines)


def _calendar_meetings(analysis: Analysis) -> Iterator[Meeting]:
    for mid, meeting in analysis.journal.meetings.items():
        if analysis.meeting_status[mid] in ("scheduled", "done"):
            yield meeting


def calendar_ics(analysis: Analysis) -> bytes:
    """The calendar of `analysis`: meetings and open follow-ups, CRLF line ends.

    Reads whatever journal the analysis holds: the site passes one with
    ``privacy.hide_fields`` already blanked; `export ics` passes the whole journal.
    """
    from zoneinfo import ZoneInfo

    import icalendar

    journal = analysis.journal
    settings = journal.settings
    zone = ZoneInfo(settings.timezone)
    stamp = datetime.combine(analysis.today, datetime.min.time(), UTC)

    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", settings.title)
    calendar.add("x-wr-calname", settings.title)
    calendar.add("x-wr-timezone", settings.timezone)

    days: list[date] = []
    seen: dict[str, int] = {}

    def event(uid: str, summary: str, description: str, **extra: Any) -> Any:
        count = seen.get(uid, 0) + 1
        seen[uid] = count
        if count > 1:  # two identical custom follow-ups: still one event each
            local, domain = uid.split("@", 1)
            uid = f"{local}.{count}@{domain}"
        item = icalendar.Event()
        item.add("uid", uid)
        item.add("dtstamp", stamp)
        item.add("summary", summary)
        item.add("description", description)
        for key, value in extra.items():
            if value is not None:
                item.add(key.replace("_", "-"), value)
        calendar.add_component(item)
        return item

    for meeting in _calendar_meetings(analysis):
        status = analysis.meeting_status[meeting.id]
        confirmed = status == "done" or bool(meeting.confirmed)
        fields: dict[str, Any] = {
            "location": meeting.location or meeting.platform,
            "status": "CONFIRMED" if confirmed else "TENTATIVE",
        }
        if meeting.time is None:
            fields["dtstart"] = meeting.date
            fields["dtend"] = meeting.date + timedelta(days=1)
            fields["transp"] = "TRANSPARENT"
        else:
            fields["dtstart"] = datetime.combine(meeting.date, meeting.time, zone)
            fields["duration"] = timedelta(minutes=meeting.duration_minutes or DEFAULT_MINUTES)
        days.append(meeting.date)
        event(meeting_uid(meeting.id), meeting_summary(journal, meeting),
              meeting_description(journal, meeting), **fields)

    for item in analysis.open_follow_ups:
        event(follow_up_uid(item), follow_up_summary(journal, item),
              follow_up_description(journal, item), dtstart=item.due,
              dtend=item.due + timedelta(days=1), transp="TRANSPARENT",
              categories=["follow-up"])

    if days:
        # The zone's rules for every year with a meeting, and the next one.
        first = date(min(days).year, 1, 1)
        last = date(max(days).year + 2, 1, 1)
        calendar.add_missing_timezones(first, last)
    return calendar.to_ical()
