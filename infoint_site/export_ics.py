"""The journal as an RFC 5545 calendar: `export ics` and the site's ``calendar.ics``.

One event per scheduled or done meeting (cancelled ones are left out), at its local
time in the journal's time zone with that zone's VTIMEZONE, and one all-day event per
open follow-up on its due day. Every UID is built from the journal's own ids, so a
calendar that imports the file again, or subscribes to it, updates its events instead
of duplicating them. Pure: the same analysis gives the same bytes (DTSTAMP is the
start of `today` in UTC, not the clock).

The `icalendar` package, which writes the VTIMEZONE, is imported only when a calendar
has a timed meeting, so importing this module stays cheap.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from .analysis import Analysis
from .contact_text import described
from .contentlines import content_lines, escape_text
from .followups import FollowUp
from .holes import Hole
from .journal import Journal
from .records import Meeting
from .urls import quoted

UID_DOMAIN = "infoint-site"
"""The same for every journal: UIDs must not change when a journal moves or is renamed."""
DEFAULT_MINUTES = 20
"""A timed meeting with no `duration_minutes` lasts this long (the template's default)."""
PRODID = "-//infoint-site//infoint-site//EN"

_FORMATS = {"in-person": "In person", "phone": "Phone call", "video": "Video call"}


def _uid_part(text: str) -> str:
    """An id made safe and unambiguous inside a UID: dots separate the parts."""
    return quoted(text).replace(".", "%2E")  # (- _ ~ are never quoted)


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
    return described(contact, _company_name(journal, contact.company))


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


def description_holes(analysis: Analysis, data: bytes) -> list[Hole]:
    """Where each meeting event's DESCRIPTION line stands in `data` (made by
    `calendar_ics` from `analysis`), folded, without its line end: once for each known
    contact of the meeting, as ("event", the contact's path), for a quick rebuild to
    put a new role where a person is described (see `quick`). The meetings' events
    come first and in order, and each has one DESCRIPTION, whose escaped text holds no
    line break: the n-th such line is the n-th meeting's."""
    contacts = analysis.journal.contacts
    holes: list[Hole] = []
    at = data.find(b"\r\nBEGIN:VEVENT\r\n")
    for meeting in _calendar_meetings(analysis):
        start = data.find(b"\r\nDESCRIPTION:", at) + 2
        if start < 2:  # (never, as `calendar_ics` writes it)
            break
        end = data.find(b"\r\n", start)
        while data.startswith(b" ", end + 2):  # a folded line goes on
            end = data.find(b"\r\n", end + 3)
        holes += [(("event", contacts[cid].path), start, end)
                  for cid in dict.fromkeys(meeting.contacts) if cid in contacts]
        at = end
    return holes


def _day(day: date) -> str:
    return day.strftime("%Y%m%d")


def vtimezone(name: str, first: date, last: date) -> str:
    """The VTIMEZONE block of IANA zone `name` between two days, from the tz database."""
    from zoneinfo import ZoneInfo

    import icalendar

    block = icalendar.Timezone.from_tzinfo(ZoneInfo(name), name, first, last)
    return block.to_ical().decode("utf-8")


class _Events:
    """VEVENT blocks as content lines, each UID made unique in order."""

    def __init__(self, stamp: str) -> None:
        self.lines: list[str] = []
        self.stamp = stamp
        self.seen: dict[str, int] = {}

    def add(self, uid: str, summary: str, description: str, timing: list[str],
            extra: list[str]) -> None:
        count = self.seen.get(uid, 0) + 1
        self.seen[uid] = count
        if count > 1:  # two identical custom follow-ups: still one event each
            local, domain = uid.split("@", 1)
            uid = f"{local}.{count}@{domain}"
        self.lines += ["BEGIN:VEVENT", f"UID:{escape_text(uid)}", f"DTSTAMP:{self.stamp}",
                       *timing, f"SUMMARY:{escape_text(summary)}",
                       f"DESCRIPTION:{escape_text(description)}", *extra, "END:VEVENT"]


def calendar_ics(analysis: Analysis) -> bytes:
    """The calendar of `analysis`: meetings and open follow-ups, CRLF line ends.

    Reads whatever journal the analysis holds: the site passes one with
    ``privacy.hide_fields`` already blanked; `export ics` passes the whole journal.

    The events are written here (they are plain content lines, and writing them
    with a library cost a second per thousand events, on every build); the time
    zone's VTIMEZONE rules come from `icalendar`, which derives them from the tz
    database. The tests read the result back with `icalendar`'s parser.
    """
    journal = analysis.journal
    settings = journal.settings
    utc = settings.timezone in ("UTC", "Etc/UTC")
    stamp = analysis.today.strftime("%Y%m%dT000000Z")
    events = _Events(stamp)
    timed: list[date] = []

    for meeting in _calendar_meetings(analysis):
        status = analysis.meeting_status[meeting.id]
        confirmed = status == "done" or bool(meeting.confirmed)
        if meeting.time is None:
            timing = [f"DTSTART;VALUE=DATE:{_day(meeting.date)}",
                      f"DTEND;VALUE=DATE:{_day(meeting.date + timedelta(days=1))}"]
            extra = ["TRANSP:TRANSPARENT"]
        else:
            start = datetime.combine(meeting.date, meeting.time)
            minutes = meeting.duration_minutes or DEFAULT_MINUTES
            if utc:
                timing = [f"DTSTART:{start.strftime('%Y%m%dT%H%M%SZ')}"]
            else:
                timing = [f"DTSTART;TZID={settings.timezone}:{start.strftime('%Y%m%dT%H%M%S')}"]
                timed.append(meeting.date)
            timing.append(f"DURATION:PT{minutes}M")
            extra = []
        where = meeting.location or meeting.platform
        if where:
            extra.append(f"LOCATION:{escape_text(where)}")
        extra.append(f"STATUS:{'CONFIRMED' if confirmed else 'TENTATIVE'}")
        events.add(meeting_uid(meeting.id), meeting_summary(journal, meeting),
                   meeting_description(journal, meeting), timing, extra)

    for item in analysis.open_follow_ups:
        events.add(follow_up_uid(item), follow_up_summary(journal, item),
                   follow_up_description(journal, item),
                   [f"DTSTART;VALUE=DATE:{_day(item.due)}",
                    f"DTEND;VALUE=DATE:{_day(item.due + timedelta(days=1))}"],
                   ["TRANSP:TRANSPARENT", "CATEGORIES:follow-up"])

    head = content_lines([
        "BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH", f"NAME:{escape_text(settings.title)}",
        f"X-WR-CALNAME:{escape_text(settings.title)}",
        f"X-WR-TIMEZONE:{escape_text(settings.timezone)}",
    ])
    zone = ""
    if timed:
        # The zone's rules for every year with a timed meeting, and the next one.
        zone = vtimezone(settings.timezone, date(min(timed).year, 1, 1),
                         date(max(timed).year + 2, 1, 1))
    body = content_lines([*events.lines, "END:VCALENDAR"])
    return (head + zone + body).encode("utf-8")
