"""`export ics` and the site's calendar.ics, read back with the icalendar parser."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner, Result
from conftest import LoadJournal, MakeJournal

from infoint_site.cli import main
from infoint_site.export_ics import calendar_ics
from infoint_site.pipeline import load_journal
from infoint_site.render import SiteRenderer
from infoint_site.theme import find_theme

TODAY = date(2026, 11, 21)

JOURNAL = {
    "infoint.yaml": """
        title: Career change
        timezone: America/New_York
    """,
    "content/contacts/jane-doe.md": """
        ---
        name: Jane Doe
        role: Head of Data
        company: acme
        ---
    """,
    "content/contacts/mark-lee.md": """
        ---
        name: Mark Lee
        referred_by: jane-doe
        ---
    """,
    "content/companies/acme.md": """
        ---
        name: Acme, Inc.
        ---
    """,
    # Summer time in New York (UTC-4), with a duration, done, two custom follow-ups.
    "content/meetings/2026-07-14-jane-doe.md": """
        ---
        contact: jane-doe
        date: "2026-07-14 09:30"
        duration_minutes: 45
        format: in-person
        location: Blue Bottle; Market St, Booth 3
        goals: [learn how data teams hire]
        referrals: [mark-lee, Sara Kim]
        thank_you_sent: 2026-07-15
        evaluated: true
        follow_ups:
          - action: Send her the article on data mesh
            due: 2026-11-25
          - action: Ask about the spring intake
            after: 20w
        ---
    """,
    # Standard time (UTC-5), scheduled, no duration: the default 20 minutes.
    "content/meetings/2026-12-03-jane-mark.md": """
        ---
        contacts: [jane-doe, mark-lee]
        date: "2026-12-03 16:45"
        format: video
        platform: Zoom
        confirmed: 2026-12-02
        ---
    """,
    # A day with no time: an all-day event.
    "content/meetings/2026-12-10-mark-lee.md": """
        ---
        contact: mark-lee
        date: 2026-12-10
        format: phone
        ---
    """,
    "content/meetings/2026-12-12-mark-lee-cancelled.md": """
        ---
        contact: mark-lee
        date: "2026-12-12 10:00"
        status: cancelled
        ---
    """,
}


def parse(data: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(data)


def events(calendar: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


@pytest.fixture
def calendar(load: LoadJournal) -> icalendar.Calendar:
    return parse(calendar_ics(load(JOURNAL, TODAY).analysis))


def test_a_timed_meeting_is_at_its_local_time_with_the_zones_vtimezone(
        calendar: icalendar.Calendar) -> None:
    event = events(calendar)["meeting.2026-07-14-jane-doe@infoint-site"]
    start = event.decoded("DTSTART")
    assert start.replace(tzinfo=None) == datetime(2026, 7, 14, 9, 30)
    assert start.astimezone(UTC) == datetime(2026, 7, 14, 13, 30, tzinfo=UTC)  # EDT
    assert event["DTSTART"].params["TZID"] == "America/New_York"
    assert event.decoded("DURATION") == timedelta(minutes=45)
    assert str(event["SUMMARY"]) == "Informational interview with Jane Doe"
    assert str(event["LOCATION"]) == "Blue Bottle; Market St, Booth 3"
    assert str(event["STATUS"]) == "CONFIRMED"
    description = str(event["DESCRIPTION"])
    assert "With Jane Doe (Head of Data, Acme, Inc.)." in description
    assert "- learn how data teams hire" in description


def test_the_vtimezone_itself_gives_the_right_offsets(calendar: icalendar.Calendar) -> None:
    """Read the zone from the VTIMEZONE block, not from the parser's own tz database."""
    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "America/New_York"
    tz = zone.to_tz()
    assert tz.utcoffset(datetime(2026, 7, 14, 9, 30)) == timedelta(hours=-4)
    assert tz.utcoffset(datetime(2026, 12, 3, 16, 45)) == timedelta(hours=-5)


def test_standard_time_default_duration_and_the_platform_as_location(
        calendar: icalendar.Calendar) -> None:
    event = events(calendar)["meeting.2026-12-03-jane-mark@infoint-site"]
    assert event.decoded("DTSTART").astimezone(UTC) == datetime(2026, 12, 3, 21, 45, tzinfo=UTC)
    assert event.decoded("DURATION") == timedelta(minutes=20)
    assert str(event["LOCATION"]) == "Zoom"
    assert str(event["SUMMARY"]) == "Informational interview with Jane Doe and Mark Lee"
    assert "Video call on Zoom." in str(event["DESCRIPTION"])
    assert str(event["STATUS"]) == "CONFIRMED"  # it has `confirmed`


def test_a_meeting_without_a_time_is_an_all_day_event(calendar: icalendar.Calendar) -> None:
    event = events(calendar)["meeting.2026-12-10-mark-lee@infoint-site"]
    assert event.decoded("DTSTART") == date(2026, 12, 10)
    assert event.decoded("DTEND") == date(2026, 12, 11)
    assert str(event["STATUS"]) == "TENTATIVE"  # scheduled, not yet confirmed


def test_cancelled_meetings_and_done_follow_ups_are_left_out(
        calendar: icalendar.Calendar) -> None:
    uids = set(events(calendar))
    assert "meeting.2026-12-12-mark-lee-cancelled@infoint-site" not in uids
    assert not any(".thank-you." in uid for uid in uids)  # thanks were sent
    assert not any(".evaluate." in uid for uid in uids)


def test_open_follow_ups_are_all_day_events_saying_what_for_whom(
        load: LoadJournal) -> None:
    loaded = load(JOURNAL, TODAY)
    found = events(parse(calendar_ics(loaded.analysis)))
    open_items = loaded.analysis.open_follow_ups
    follow_ups = {uid: e for uid, e in found.items() if uid.startswith("follow-up.")}
    assert len(follow_ups) == len(open_items) > 0
    for event in follow_ups.values():
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert type(start) is date and end == start + timedelta(days=1)
        assert str(event["TRANSP"]) == "TRANSPARENT"
    article = next(e for e in follow_ups.values() if "data mesh" in str(e["SUMMARY"]))
    assert str(article["SUMMARY"]) == "Send her the article on data mesh (Jane Doe)"
    assert article.decoded("DTSTART") == date(2026, 11, 25)
    reach = next(e for e in follow_ups.values() if "Sara Kim" in str(e["SUMMARY"]))
    assert str(reach["SUMMARY"]).startswith("Reach out to Sara Kim")
    assert "From the meeting with Jane Doe on 2026-07-14." in str(reach["DESCRIPTION"])


def test_uids_are_unique_and_built_from_ids(calendar: icalendar.Calendar) -> None:
    uids = [str(e["UID"]) for e in calendar.walk("VEVENT")]
    assert len(uids) == len(set(uids))
    assert all(uid.endswith("@infoint-site") for uid in uids)
    assert "follow-up.reach-out.Sara%20Kim.2026-07-14-jane-doe@infoint-site" in uids
    assert "follow-up.confirm.jane-doe.2026-12-10-mark-lee@infoint-site" not in uids
    assert "follow-up.confirm.jane-doe.2026-12-03-jane-mark@infoint-site" not in uids  # done
    assert "follow-up.confirm.mark-lee.2026-12-10-mark-lee@infoint-site" in uids


def test_uids_stay_the_same_when_a_meeting_moves_or_a_day_passes(
        make_journal: MakeJournal) -> None:
    """Calendar apps update an event with a known UID instead of adding a second one."""
    root = make_journal(JOURNAL)
    before = events(parse(calendar_ics(load_journal(root, TODAY).analysis)))
    moved = root / "content/meetings/2026-12-03-jane-mark.md"
    moved.write_text(moved.read_text().replace("16:45", "11:00"), encoding="utf-8")
    custom = root / "content/meetings/2026-07-14-jane-doe.md"
    custom.write_text(custom.read_text().replace("2026-11-25", "2026-11-27"), encoding="utf-8")
    after = events(parse(calendar_ics(load_journal(root, TODAY + timedelta(days=1)).analysis)))
    assert set(after) == set(before)
    uid = "meeting.2026-12-03-jane-mark@infoint-site"
    assert after[uid].decoded("DTSTART").hour == 11
    article = next(u for u, e in after.items() if "data mesh" in str(e["SUMMARY"]))
    assert after[article].decoded("DTSTART") == date(2026, 11, 27)


def test_the_same_journal_and_day_give_the_same_bytes(load: LoadJournal) -> None:
    analysis = load(JOURNAL, TODAY).analysis
    data = calendar_ics(analysis)
    assert data == calendar_ics(analysis)
    assert data.startswith(b"BEGIN:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    assert b"DTSTAMP:20261121T000000Z" in data


def test_a_journal_in_utc_writes_utc_times(load: LoadJournal) -> None:
    loaded = load({
        "content/contacts/jane-doe.md": "---\nname: Jane Doe\n---\n",
        "content/meetings/m.md": '---\ncontact: jane-doe\ndate: "2026-12-01 14:00"\n---\n',
    }, TODAY)
    calendar = parse(calendar_ics(loaded.analysis))
    assert not calendar.walk("VTIMEZONE")
    event = events(calendar)["meeting.m@infoint-site"]
    assert event.decoded("DTSTART") == datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    assert b"DTSTART:20261201T140000Z" in calendar.to_ical()


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def test_export_ics_prints_the_calendar_and_a_summary_on_stderr(
        make_journal: MakeJournal) -> None:
    root = make_journal(JOURNAL)
    result = run("--root", root, "export", "ics", "--today", TODAY.isoformat())
    assert result.exit_code == 0, result.output
    calendar = parse(result.stdout_bytes)
    assert str(calendar["X-WR-CALNAME"]) == "Career change"
    assert len(calendar.walk("VEVENT")) > 3
    meetings = 3  # the cancelled one is left out
    assert result.stderr.startswith(f"exported {meetings} meetings and ")


def test_export_ics_refuses_a_journal_with_errors(make_journal: MakeJournal) -> None:
    root = make_journal({"content/contacts/x.md": "---\nrole: no name\n---\n"})
    result = run("--root", root, "export", "ics")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "nothing exported" in result.stderr


def _site_files(root: Path) -> dict[str, bytes]:
    loaded = load_journal(root, TODAY)
    renderer = SiteRenderer(loaded.analysis, find_theme(root, loaded.journal.settings.theme))
    return renderer.render().files


def test_the_site_publishes_calendar_ics_without_hidden_fields(
        make_journal: MakeJournal, tmp_path: Path) -> None:
    root = make_journal({**JOURNAL, "infoint.yaml": """
        timezone: America/New_York
        privacy:
          hide_fields: [location, goals, role]
    """})
    out = tmp_path / "site"
    result = run("--root", root, "build", "--today", TODAY.isoformat(), "--out", out)
    assert result.exit_code == 0, result.output
    published = (out / "calendar.ics").read_bytes()
    meeting = events(parse(published))["meeting.2026-07-14-jane-doe@infoint-site"]
    assert "LOCATION" not in meeting
    assert "Blue Bottle" not in published.decode()
    assert "data teams" not in published.decode()
    assert "Head of Data" not in published.decode()
    # The user's own export keeps every field.
    exported = run("--root", root, "export", "ics", "--today", TODAY.isoformat()).stdout
    assert "Blue Bottle" in exported and "Head of Data" in exported
    page = (out / "meetings" / "index.html").read_text(encoding="utf-8")
    assert '<a href="../calendar.ics">calendar.ics</a>' in page


def test_an_encrypted_site_has_no_calendar(make_journal: MakeJournal) -> None:
    root = make_journal({**JOURNAL, "infoint.yaml": "privacy:\n  encrypt: true\n"})
    files = _site_files(root)
    assert "calendar.ics" not in files
    assert b"calendar.ics" not in files["meetings/index.html"]
    plain = make_journal(JOURNAL, name="plain")
    assert "calendar.ics" in _site_files(plain)
