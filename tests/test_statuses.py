"""Statuses of follow-ups, meetings and contacts; done values; order; settings overrides."""

from __future__ import annotations

from datetime import date

import pytest

from infoint_site.export_json import follow_up_json
from infoint_site.followups import FollowUp, follow_up_status
from infoint_site.journal import contact_status, meeting_status
from infoint_site.records import Contact, Meeting

D = date
TODAY = D(2026, 11, 20)


def meeting(front: str, body: str = "") -> str:
    return f"---\n{front.strip()}\n---\n{body}"


def contact(front: str) -> str:
    return f"---\n{front.strip()}\n---\n"


# --- follow-up status -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "done", "expected"),
    [
        (D(2026, 11, 19), False, "overdue"),
        (D(2026, 1, 1), False, "overdue"),
        (D(2026, 11, 20), False, "today"),
        (D(2026, 11, 21), False, "soon"),
        (D(2026, 11, 27), False, "soon"),  # exactly today + soon_days
        (D(2026, 11, 28), False, "later"),  # one day past the window
        (D(2027, 6, 1), False, "later"),
        (D(2026, 11, 1), True, "done"),
        (D(2026, 11, 1), D(2026, 11, 2), "done"),
        (D(2026, 12, 30), D(2026, 11, 2), "done"),
    ],
)
def test_follow_up_status(due: date, done: date | bool, expected: str) -> None:
    assert follow_up_status(due, done, TODAY, 7) == expected


def test_follow_up_status_with_other_windows() -> None:
    assert follow_up_status(D(2026, 11, 21), False, TODAY, 0) == "later"
    assert follow_up_status(D(2026, 11, 20), False, TODAY, 0) == "today"
    assert follow_up_status(D(2026, 12, 4), False, TODAY, 14) == "soon"
    assert follow_up_status(D(2026, 12, 5), False, TODAY, 14) == "later"


def test_soon_window_boundary_through_the_journal(load) -> None:
    loaded = load({
        "content/contacts/a-b.md": contact("""
name: A B
follow_ups:
  - {action: In the window, due: 2026-11-27}
  - {action: Just past it, due: 2026-11-28}
  - {action: Today, due: 2026-11-20}
  - {action: Yesterday, due: 2026-11-19}
"""),
    }, TODAY)
    assert [(f.title, f.status) for f in loaded.analysis.follow_ups] == [
        ("Yesterday", "overdue"), ("Today", "today"), ("In the window", "soon"),
        ("Just past it", "later"),
    ]


# --- done values ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "done", "status", "as_json"),
    [
        ("true", True, "done", True),
        ("2026-11-04", D(2026, 11, 4), "done", "2026-11-04"),
        ("false", False, "overdue", None),
        ("", False, "overdue", None),  # left blank, as the template leaves it
    ],
)
def test_done_values(load, written: str, done: date | bool, status: str,
                     as_json: str | bool | None) -> None:
    loaded = load({
        "content/contacts/a-b.md": contact("name: A B"),
        "content/meetings/m.md": meeting(
            f"contact: a-b\ndate: 2026-11-03\nevaluated: true\nthank_you_sent: {written}"),
    }, TODAY)
    [thanks] = [f for f in loaded.analysis.follow_ups if f.kind == "thank-you"]
    assert (thanks.done, thanks.status) == (done, status)
    assert follow_up_json(thanks)["done"] == as_json
    assert thanks.is_open is (status != "done")


# --- meeting statuses -----------------------------------------------------------------------


def _meeting(day: date, status: str | None = None) -> Meeting:
    return Meeting(id="m", path="content/meetings/m.md", contacts=("a",), date=day,
                   status=status)


@pytest.mark.parametrize(
    ("day", "written", "expected"),
    [
        (D(2026, 11, 20), None, "scheduled"),  # today
        (D(2026, 11, 19), None, "done"),  # yesterday
        (D(2026, 12, 1), None, "scheduled"),
        (D(2026, 11, 1), "cancelled", "cancelled"),
        (D(2026, 12, 1), "cancelled", "cancelled"),
        (D(2026, 12, 1), "done", "done"),
        (D(2026, 11, 1), "scheduled", "scheduled"),
    ],
)
def test_meeting_status(day: date, written: str | None, expected: str) -> None:
    assert meeting_status(_meeting(day, written), TODAY) == expected


def test_meeting_statuses_through_the_journal(load) -> None:
    loaded = load({
        "content/contacts/a-b.md": contact("name: A B"),
        "content/meetings/today.md": meeting("contact: a-b\ndate: 2026-11-20"),
        "content/meetings/yesterday.md": meeting("contact: a-b\ndate: 2026-11-19"),
        "content/meetings/stale.md": meeting(
            "contact: a-b\ndate: 2026-11-10\nstatus: scheduled"),
    }, TODAY)
    assert loaded.analysis.meeting_status == {
        "stale": "scheduled", "yesterday": "done", "today": "scheduled",
    }
    # still scheduled after its day: a warning, pointing at the status value
    assert [p.format() for p in loaded.problems] == [
        "content/meetings/stale.md:4:9: warning[W402]: status: still scheduled, but 2026-11-10"
        " has passed; set status: done or cancelled",
    ]


# --- contact statuses -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("requested", "written", "meetings", "expected"),
    [
        (None, None, [], "to-contact"),
        (D(2026, 11, 1), None, [], "requested"),
        (D(2026, 11, 1), None, ["cancelled"], "requested"),
        (None, None, ["cancelled"], "to-contact"),
        (D(2026, 11, 1), None, ["scheduled"], "scheduled"),
        (None, None, ["scheduled", "cancelled"], "scheduled"),
        (None, None, ["done"], "met"),
        (D(2026, 11, 1), None, ["done", "scheduled"], "met"),
        (None, "declined", ["done"], "declined"),
        (D(2026, 11, 1), "dormant", [], "dormant"),
        (None, "met", [], "met"),
        (None, "to-contact", ["scheduled"], "to-contact"),
    ],
)
def test_contact_status(requested: date | None, written: str | None, meetings: list[str],
                        expected: str) -> None:
    person = Contact(id="a", path="content/contacts/a.md", name="A", requested=requested,
                     status=written)
    assert contact_status(person, meetings) == expected


def test_contact_statuses_through_the_journal(load) -> None:
    loaded = load({
        "content/contacts/met.md": contact("name: Met\nrequested: 2026-10-01"),
        "content/contacts/booked.md": contact("name: Booked\nrequested: 2026-10-01"),
        "content/contacts/asked.md": contact("name: Asked\nrequested: 2026-11-01"),
        "content/contacts/new.md": contact("name: New"),
        "content/contacts/no.md": contact("name: No\nrequested: 2026-10-01\nstatus: declined"),
        "content/meetings/1.md": meeting("contact: met\ndate: 2026-11-02"),
        "content/meetings/2.md": meeting("contact: met\ndate: 2026-11-25"),
        "content/meetings/3.md": meeting("contact: booked\ndate: 2026-11-20"),
        "content/meetings/4.md": meeting("contact: asked\ndate: 2026-11-10\nstatus: cancelled"),
        "content/meetings/5.md": meeting("contact: no\ndate: 2026-11-10"),
    }, TODAY)
    assert loaded.analysis.contact_status == {
        "asked": "requested", "booked": "scheduled", "met": "met", "new": "to-contact",
        "no": "declined",
    }


# --- order ----------------------------------------------------------------------------------


def test_sorted_by_due_then_kind_then_contact(load) -> None:
    loaded = load({
        "content/contacts/zed.md": contact("name: Zed\nrequested: 2026-11-03"),
        "content/contacts/amy.md": contact("""
name: Amy
follow_ups:
  - {action: Call Amy, due: 2026-11-10}
  - {action: Earlier, due: 2026-11-01}
"""),
        "content/contacts/bob.md": contact("""
name: Bob
follow_ups:
  - {action: Call Bob, due: 2026-11-10}
"""),
        # done on 2026-11-09: thank-you for both, evaluate for bob, due 11-10 and 11-11
        "content/meetings/m.md": meeting("contact: [bob, amy]\ndate: 2026-11-09"),
    }, TODAY)
    assert [(f.due, f.kind, f.contact) for f in loaded.analysis.follow_ups] == [
        (D(2026, 11, 1), "custom", "amy"),
        (D(2026, 11, 10), "custom", "amy"),
        (D(2026, 11, 10), "custom", "bob"),
        (D(2026, 11, 10), "request-nudge", "zed"),
        (D(2026, 11, 10), "thank-you", "amy"),
        (D(2026, 11, 10), "thank-you", "bob"),
        (D(2026, 11, 11), "evaluate", "bob"),
    ]


def test_sort_key_uses_due_kind_contact_first() -> None:
    a = FollowUp("thank-you", "a", None, "m", D(2026, 1, 2), False, "later", "x")
    b = FollowUp("confirm", "z", None, "m", D(2026, 1, 2), False, "later", "x")
    c = FollowUp("confirm", "b", None, "m", D(2026, 1, 2), False, "later", "x")
    d = FollowUp("thank-you", "a", None, "m", D(2026, 1, 1), False, "later", "x")
    assert sorted([a, b, c, d], key=FollowUp.sort_key) == [d, c, b, a]


# --- settings overrides ---------------------------------------------------------------------

OVERRIDES = """
follow_up:
  confirm_days_before: 2
  thank_you_days: 0
  evaluate_days: 5
  resume_days: 4
  referrer_update_days: 10
  reach_out_days: 14
  request_nudge_days: 3
  soon_days: 1
"""


def test_settings_override_every_day_count(load) -> None:
    loaded = load({
        "infoint.yaml": OVERRIDES,
        "content/contacts/ref.md": contact("name: Ref"),
        "content/contacts/met.md": contact("name: Met\nreferred_by: ref"),
        "content/contacts/ask.md": contact("name: Ask\nrequested: 2026-11-15"),
        "content/meetings/done.md": meeting(
            "contact: met\ndate: 2026-11-10\nresume_requested: true\nreferrals: [New Person]"),
        "content/meetings/next.md": meeting("contact: ref\ndate: 2026-11-22"),
    }, TODAY)
    assert [(f.kind, f.contact, f.due, f.status) for f in loaded.analysis.follow_ups] == [
        ("thank-you", "met", D(2026, 11, 10), "overdue"),
        ("resume", "met", D(2026, 11, 14), "overdue"),
        ("evaluate", "met", D(2026, 11, 15), "overdue"),
        ("request-nudge", "ask", D(2026, 11, 18), "overdue"),
        ("confirm", "ref", D(2026, 11, 20), "today"),
        ("referrer-update", "ref", D(2026, 11, 20), "today"),
        ("reach-out", "New Person", D(2026, 11, 24), "later"),
    ]


def test_default_day_counts(load) -> None:
    loaded = load({
        "content/contacts/ref.md": contact("name: Ref"),
        "content/contacts/met.md": contact("name: Met\nreferred_by: ref"),
        "content/contacts/ask.md": contact("name: Ask\nrequested: 2026-11-15"),
        "content/meetings/done.md": meeting(
            "contact: met\ndate: 2026-11-10\nresume_requested: true\nreferrals: [New Person]"),
        "content/meetings/next.md": meeting("contact: ref\ndate: 2026-11-22"),
    }, TODAY)
    assert [(f.kind, f.contact, f.due, f.status) for f in loaded.analysis.follow_ups] == [
        ("thank-you", "met", D(2026, 11, 11), "overdue"),
        ("evaluate", "met", D(2026, 11, 12), "overdue"),
        ("resume", "met", D(2026, 11, 12), "overdue"),
        ("referrer-update", "ref", D(2026, 11, 13), "overdue"),
        ("reach-out", "New Person", D(2026, 11, 17), "overdue"),
        ("confirm", "ref", D(2026, 11, 21), "soon"),
        ("request-nudge", "ask", D(2026, 11, 22), "soon"),
    ]
