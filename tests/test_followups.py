"""Every row of the spec's follow-up table, computed through the whole pipeline."""

from __future__ import annotations

from datetime import date

from infoint_site.pipeline import Loaded

D = date

JOHN = """
    ---
    name: John Smith
    ---
"""
JANE = """
    ---
    name: Jane Doe
    referred_by: john-smith
    ---
"""
MARK = """
    ---
    name: Mark Lee
    ---
"""
PEOPLE = {
    "content/contacts/john-smith.md": JOHN,
    "content/contacts/jane-doe.md": JANE,
    "content/contacts/mark-lee.md": MARK,
}


def meeting(front: str, body: str = "") -> str:
    """A meeting file from front matter lines (no fences) and an optional body."""
    return f"---\n{front.strip()}\n---\n{body}"


def contact(front: str) -> str:
    return f"---\n{front.strip()}\n---\n"


Row = tuple[str, str, str | None, str | None, date, date | bool, str]


def rows(loaded: Loaded, *kinds: str) -> list[Row]:
    """(kind, contact, about, meeting, due, done, status) of the follow-ups of these kinds."""
    return [
        (f.kind, f.contact, f.about, f.meeting, f.due, f.done, f.status)
        for f in loaded.analysis.follow_ups
        if not kinds or f.kind in kinds
    ]


def titles(loaded: Loaded, kind: str) -> list[str]:
    return [f.title for f in loaded.analysis.follow_ups if f.kind == kind]


# --- confirm --------------------------------------------------------------------------------


def test_confirm_for_a_scheduled_meeting(load) -> None:
    loaded = load({**PEOPLE, "content/meetings/m1.md": meeting(
        "contact: jane-doe\ndate: 2026-11-10")}, D(2026, 11, 5))
    assert rows(loaded) == [("confirm", "jane-doe", None, "m1", D(2026, 11, 9), False, "soon")]
    assert titles(loaded, "confirm") == ["Confirm the meeting with Jane Doe on 2026-11-10"]


def test_confirm_done_when_confirmed(load) -> None:
    loaded = load({**PEOPLE, "content/meetings/m1.md": meeting(
        "contact: jane-doe\ndate: 2026-11-10\nconfirmed: 2026-11-09")}, D(2026, 11, 9))
    assert rows(loaded) == [
        ("confirm", "jane-doe", None, "m1", D(2026, 11, 9), D(2026, 11, 9), "done"),
    ]


def test_confirm_once_for_a_two_person_meeting_owed_to_the_first(load) -> None:
    loaded = load({**PEOPLE, "content/meetings/m1.md": meeting(
        "contact: [mark-lee, jane-doe]\ndate: 2026-11-10")}, D(2026, 11, 10))
    assert rows(loaded) == [
        ("confirm", "mark-lee", None, "m1", D(2026, 11, 9), False, "overdue"),
    ]
    assert titles(loaded, "confirm") == [
        "Confirm the meeting with Mark Lee and Jane Doe on 2026-11-10"
    ]


def test_no_confirm_once_the_meeting_is_done(load) -> None:
    loaded = load({**PEOPLE, "content/meetings/m1.md": meeting(
        "contact: mark-lee\ndate: 2026-11-10")}, D(2026, 11, 11))
    assert rows(loaded, "confirm") == []


# --- thank-you, evaluate, resume ------------------------------------------------------------


def test_thank_you_one_per_contact_of_a_two_person_meeting(load) -> None:
    loaded = load({**PEOPLE, "content/meetings/m1.md": meeting(
        "contacts: [jane-doe, mark-lee]\ndate: 2026-11-03")}, D(2026, 11, 4))
    assert rows(loaded, "thank-you") == [
        ("thank-you", "jane-doe", None, "m1", D(2026, 11, 4), False, "today"),
        ("thank-you", "mark-lee", None, "m1", D(2026, 11, 4), False, "today"),
    ]
    assert titles(loaded, "thank-you") == ["Thank Jane Doe", "Thank Mark Lee"]
    # evaluate is one per meeting, owed to the first contact
    assert rows(loaded, "evaluate") == [
        ("evaluate", "jane-doe", None, "m1", D(2026, 11, 5), False, "soon"),
    ]


def test_thank_you_done_when_sent(load) -> None:
    loaded = load({**PEOPLE, "content/meetings/m1.md": meeting(
        "contacts: [jane-doe, mark-lee]\ndate: 2026-11-03\nthank_you_sent: 2026-11-03")},
        D(2026, 11, 20))
    assert rows(loaded, "thank-you") == [
        ("thank-you", "jane-doe", None, "m1", D(2026, 11, 4), D(2026, 11, 3), "done"),
        ("thank-you", "mark-lee", None, "m1", D(2026, 11, 4), D(2026, 11, 3), "done"),
    ]


def _evaluate(load, front: str, body: str = "") -> list[Row]:
    loaded = load({**PEOPLE, "content/meetings/m1.md": meeting(
        f"contact: mark-lee\ndate: 2026-11-03\n{front}", body)}, D(2026, 11, 5))
    return rows(loaded, "evaluate")


def test_evaluate_open(load) -> None:
    assert _evaluate(load, "") == [
        ("evaluate", "mark-lee", None, "m1", D(2026, 11, 5), False, "today"),
    ]


def test_evaluate_done_by_evaluated_true(load) -> None:
    assert _evaluate(load, "evaluated: true") == [
        ("evaluate", "mark-lee", None, "m1", D(2026, 11, 5), True, "done"),
    ]


def test_evaluate_done_by_evaluated_date(load) -> None:
    assert _evaluate(load, "evaluated: 2026-11-04") == [
        ("evaluate", "mark-lee", None, "m1", D(2026, 11, 5), D(2026, 11, 4), "done"),
    ]


def test_evaluate_done_by_an_evaluation_heading(load) -> None:
    body = "## Notes\nLots.\n\n## Evaluation\nWent well; ask about pay next time.\n"
    assert _evaluate(load, "", body) == [
        ("evaluate", "mark-lee", None, "m1", D(2026, 11, 5), True, "done"),
    ]


def test_evaluate_not_done_by_a_heading_in_a_fenced_block(load) -> None:
    body = "## Notes\n\n```markdown\n## Evaluation\n```\n"
    assert _evaluate(load, "", body) == [
        ("evaluate", "mark-lee", None, "m1", D(2026, 11, 5), False, "today"),
    ]


def test_evaluate_not_done_by_evaluated_false(load) -> None:
    assert _evaluate(load, "evaluated: false") == [
        ("evaluate", "mark-lee", None, "m1", D(2026, 11, 5), False, "today"),
    ]


def test_resume_only_when_requested(load) -> None:
    loaded = load({
        **PEOPLE,
        "content/meetings/asked.md": meeting(
            "contact: jane-doe\ndate: 2026-11-03\nresume_requested: true"),
        "content/meetings/not-asked.md": meeting(
            "contact: mark-lee\ndate: 2026-11-03\nresume_requested: false"),
        "content/meetings/silent.md": meeting("contact: john-smith\ndate: 2026-11-03"),
        "content/meetings/later.md": meeting(
            "contact: john-smith\ndate: 2026-11-30\nresume_requested: true"),
    }, D(2026, 11, 6))
    assert rows(loaded, "resume") == [
        ("resume", "jane-doe", None, "asked", D(2026, 11, 5), False, "overdue"),
    ]
    assert titles(loaded, "resume") == ["Send your resume to Jane Doe"]


def test_resume_done_when_sent(load) -> None:
    loaded = load({**PEOPLE, "content/meetings/m1.md": meeting(
        "contact: jane-doe\ndate: 2026-11-03\nresume_requested: true\nresume_sent: 2026-11-05"
    )}, D(2026, 11, 6))
    assert rows(loaded, "resume") == [
        ("resume", "jane-doe", None, "m1", D(2026, 11, 5), D(2026, 11, 5), "done"),
    ]


# --- referrer-update ------------------------------------------------------------------------


def test_referrer_update_for_the_first_done_meeting_only(load) -> None:
    loaded = load({
        **PEOPLE,
        "content/meetings/first.md": meeting("contact: jane-doe\ndate: 2026-11-03"),
        "content/meetings/second.md": meeting(
            "contact: jane-doe\ndate: 2026-11-10\nreferrer_updated: 2026-11-11"),
    }, D(2026, 11, 12))
    assert rows(loaded, "referrer-update") == [
        ("referrer-update", "john-smith", "jane-doe", "first", D(2026, 11, 6), False,
         "overdue"),
    ]
    assert titles(loaded, "referrer-update") == ["Tell John Smith that you met Jane Doe"]


def test_referrer_update_done_on_that_meeting(load) -> None:
    loaded = load({
        **PEOPLE,
        "content/meetings/first.md": meeting(
            "contact: jane-doe\ndate: 2026-11-03\nreferrer_updated: true"),
        "content/meetings/second.md": meeting("contact: jane-doe\ndate: 2026-11-10"),
    }, D(2026, 11, 12))
    assert rows(loaded, "referrer-update") == [
        ("referrer-update", "john-smith", "jane-doe", "first", D(2026, 11, 6), True, "done"),
    ]


def test_referrer_update_skips_a_cancelled_first_meeting(load) -> None:
    loaded = load({
        **PEOPLE,
        "content/meetings/first.md": meeting(
            "contact: jane-doe\ndate: 2026-11-03\nstatus: cancelled"),
        "content/meetings/second.md": meeting("contact: jane-doe\ndate: 2026-11-10"),
    }, D(2026, 11, 12))
    assert rows(loaded, "referrer-update") == [
        ("referrer-update", "john-smith", "jane-doe", "second", D(2026, 11, 13), False, "soon"),
    ]


def test_no_referrer_update_before_meeting_or_without_referrer(load) -> None:
    loaded = load({
        **PEOPLE,
        "content/meetings/jane.md": meeting("contact: jane-doe\ndate: 2026-11-20"),
        "content/meetings/mark.md": meeting("contact: mark-lee\ndate: 2026-11-03"),
    }, D(2026, 11, 12))
    assert rows(loaded, "referrer-update") == []


# --- reach-out ------------------------------------------------------------------------------

REFERRED = meeting("contact: jane-doe\ndate: 2026-11-03\nreferrals: [mark-lee, Sara Kim]")


def test_reach_out_for_a_contact_and_for_a_name_with_no_file(load) -> None:
    loaded = load({**PEOPLE, "content/meetings/m1.md": REFERRED}, D(2026, 11, 10))
    assert rows(loaded, "reach-out") == [
        ("reach-out", "Sara Kim", None, "m1", D(2026, 11, 10), False, "today"),
        ("reach-out", "mark-lee", None, "m1", D(2026, 11, 10), False, "today"),
    ]
    assert titles(loaded, "reach-out") == [
        "Reach out to Sara Kim, suggested by Jane Doe",
        "Reach out to Mark Lee, suggested by Jane Doe",
    ]


def test_reach_out_gone_once_requested(load) -> None:
    loaded = load({
        **PEOPLE,
        "content/contacts/mark-lee.md": contact(
            "name: Mark Lee\nreferred_by: jane-doe\nrequested: 2026-11-05"),
        "content/meetings/m1.md": REFERRED,
    }, D(2026, 11, 10))
    assert [r[1] for r in rows(loaded, "reach-out")] == ["Sara Kim"]


def test_reach_out_gone_once_a_meeting_exists(load) -> None:
    loaded = load({
        **PEOPLE,
        "content/meetings/m1.md": REFERRED,
        "content/meetings/m2.md": meeting("contact: mark-lee\ndate: 2026-11-20"),
    }, D(2026, 11, 10))
    assert [r[1] for r in rows(loaded, "reach-out")] == ["Sara Kim"]


def test_reach_out_stays_when_the_only_meeting_is_cancelled(load) -> None:
    loaded = load({
        **PEOPLE,
        "content/meetings/m1.md": REFERRED,
        "content/meetings/m2.md": meeting(
            "contact: mark-lee\ndate: 2026-11-20\nstatus: cancelled"),
    }, D(2026, 11, 10))
    assert [r[1] for r in rows(loaded, "reach-out")] == ["Sara Kim", "mark-lee"]


def test_reach_out_for_a_name_gone_once_their_file_has_requested(load) -> None:
    loaded = load({
        **PEOPLE,
        "content/contacts/sara-kim.md": contact(
            "name: Sara Kim\nreferred_by: jane-doe\nrequested: 2026-11-06"),
        "content/meetings/m1.md": REFERRED,
    }, D(2026, 11, 10))
    assert rows(loaded, "reach-out") == [
        ("reach-out", "mark-lee", None, "m1", D(2026, 11, 10), False, "today"),
    ]


def test_reach_out_for_a_name_becomes_their_id_once_they_have_a_file(load) -> None:
    loaded = load({
        **PEOPLE,
        "content/contacts/sara-kim.md": contact("name: Sara Kim\nreferred_by: jane-doe"),
        "content/meetings/m1.md": REFERRED,
    }, D(2026, 11, 10))
    assert [r[1] for r in rows(loaded, "reach-out")] == ["mark-lee", "sara-kim"]


def test_one_reach_out_per_person_from_the_first_meeting(load) -> None:
    loaded = load({
        **PEOPLE,
        "content/meetings/m1.md": REFERRED,
        "content/meetings/m2.md": meeting(
            "contact: john-smith\ndate: 2026-11-05\nreferrals: [sara  kim, Mark Lee]"),
    }, D(2026, 11, 10))
    assert rows(loaded, "reach-out") == [
        ("reach-out", "Sara Kim", None, "m1", D(2026, 11, 10), False, "today"),
        ("reach-out", "mark-lee", None, "m1", D(2026, 11, 10), False, "today"),
    ]


def test_no_reach_out_to_someone_who_declined(load) -> None:
    loaded = load({
        **PEOPLE,
        "content/contacts/mark-lee.md": contact(
            "name: Mark Lee\nreferred_by: jane-doe\nstatus: declined"),
        "content/meetings/m1.md": REFERRED,
    }, D(2026, 11, 10))
    assert [r[1] for r in rows(loaded, "reach-out")] == ["Sara Kim"]


def test_no_reach_out_from_a_meeting_not_yet_done(load) -> None:
    loaded = load({**PEOPLE, "content/meetings/m1.md": meeting(
        "contact: jane-doe\ndate: 2026-11-30\nreferrals: [mark-lee, Sara Kim]")},
        D(2026, 11, 10))
    assert rows(loaded, "reach-out") == []


# --- request-nudge --------------------------------------------------------------------------

ASKED_MARK = contact("name: Mark Lee\nrequested: 2026-11-01")


def test_request_nudge(load) -> None:
    loaded = load({**PEOPLE, "content/contacts/mark-lee.md": ASKED_MARK}, D(2026, 11, 8))
    assert rows(loaded) == [
        ("request-nudge", "mark-lee", None, None, D(2026, 11, 8), False, "today"),
    ]
    assert titles(loaded, "request-nudge") == [
        "Nudge Mark Lee: no answer to your request of 2026-11-01"
    ]


def test_request_nudge_gone_once_a_meeting_exists(load) -> None:
    loaded = load({
        **PEOPLE,
        "content/contacts/mark-lee.md": ASKED_MARK,
        "content/meetings/m1.md": meeting("contact: mark-lee\ndate: 2026-11-20"),
    }, D(2026, 11, 8))
    assert rows(loaded, "request-nudge") == []


def test_request_nudge_stays_when_the_meeting_is_cancelled(load) -> None:
    loaded = load({
        **PEOPLE,
        "content/contacts/mark-lee.md": ASKED_MARK,
        "content/meetings/m1.md": meeting(
            "contact: mark-lee\ndate: 2026-11-20\nstatus: cancelled"),
    }, D(2026, 11, 9))
    assert rows(loaded, "request-nudge") == [
        ("request-nudge", "mark-lee", None, None, D(2026, 11, 8), False, "overdue"),
    ]


def test_no_request_nudge_when_declined(load) -> None:
    loaded = load({**PEOPLE, "content/contacts/mark-lee.md": contact(
        "name: Mark Lee\nrequested: 2026-11-01\nstatus: declined")}, D(2026, 11, 9))
    assert rows(loaded) == []


# --- keep-in-touch --------------------------------------------------------------------------


KEEP_TODAY = D(2026, 11, 20)


def _keep(load, cadence: str, last_contact: str = "", settings: str = "",
          today: date = KEEP_TODAY) -> list[Row]:
    extra = f"\nlast_contact: {last_contact}" if last_contact else ""
    files = {
        "content/contacts/mark-lee.md": contact(
            f"name: Mark Lee\nkeep_in_touch: {cadence}{extra}"),
        "content/meetings/a.md": meeting(
            "contact: mark-lee\ndate: 2026-09-01\nthank_you_sent: true\nevaluated: true"),
        "content/meetings/b.md": meeting(
            "contact: mark-lee\ndate: 2026-10-31\nthank_you_sent: true\nevaluated: true"),
    }
    if settings:
        files["infoint.yaml"] = settings
    return rows(load(files, today), "keep-in-touch")


def test_keep_in_touch_from_the_last_done_meeting(load) -> None:
    assert _keep(load, "60d") == [
        ("keep-in-touch", "mark-lee", None, None, D(2026, 12, 30), False, "later"),
    ]


def test_keep_in_touch_from_a_later_last_contact(load) -> None:
    assert _keep(load, "60d", last_contact="2026-11-15") == [
        ("keep-in-touch", "mark-lee", None, None, D(2027, 1, 14), False, "later"),
    ]


def test_keep_in_touch_ignores_an_earlier_last_contact(load) -> None:
    assert _keep(load, "60d", last_contact="2026-10-01") == [
        ("keep-in-touch", "mark-lee", None, None, D(2026, 12, 30), False, "later"),
    ]


def test_keep_in_touch_true_uses_the_default_cadence(load) -> None:
    assert _keep(load, "true") == [
        ("keep-in-touch", "mark-lee", None, None, D(2027, 1, 29), False, "later"),
    ]


def test_keep_in_touch_true_uses_the_settings_cadence(load) -> None:
    settings = "follow_up:\n  keep_in_touch: 3w\n"
    assert _keep(load, "true", settings=settings) == [
        ("keep-in-touch", "mark-lee", None, None, D(2026, 11, 21), False, "soon"),
    ]


def test_keep_in_touch_in_months_clamps(load) -> None:
    assert _keep(load, "3m") == [
        ("keep-in-touch", "mark-lee", None, None, D(2027, 1, 31), False, "later"),
    ]
    assert _keep(load, "4m", last_contact="2026-10-31") == [
        ("keep-in-touch", "mark-lee", None, None, D(2027, 2, 28), False, "later"),
    ]
    assert _keep(load, "1m", last_contact="2028-01-31", today=D(2028, 2, 1)) == [
        ("keep-in-touch", "mark-lee", None, None, D(2028, 2, 29), False, "later"),
    ]
    assert _keep(load, "13m", last_contact="2027-01-31", today=D(2028, 2, 22)) == [
        ("keep-in-touch", "mark-lee", None, None, D(2028, 2, 29), False, "soon"),
    ]


def test_keep_in_touch_title(load) -> None:
    loaded = load({
        "content/contacts/mark-lee.md": contact("name: Mark Lee\nkeep_in_touch: 60d"),
        "content/meetings/a.md": meeting("contact: mark-lee\ndate: 2026-09-01"),
    }, D(2026, 11, 20))
    assert titles(loaded, "keep-in-touch") == [
        "Keep in touch with Mark Lee (last contact 2026-09-01)"
    ]


def test_no_keep_in_touch_without_a_done_meeting_or_when_false(load) -> None:
    loaded = load({
        "content/contacts/a-b.md": contact(
            "name: A B\nkeep_in_touch: 60d\nlast_contact: 2026-10-01"),
        "content/contacts/c-d.md": contact("name: C D\nkeep_in_touch: false"),
        "content/contacts/e-f.md": contact("name: E F\nkeep_in_touch: 60d"),
        "content/meetings/cd.md": meeting("contact: c-d\ndate: 2026-09-01"),
        "content/meetings/ef.md": meeting("contact: e-f\ndate: 2026-12-01"),
        "content/meetings/ef0.md": meeting(
            "contact: e-f\ndate: 2026-09-01\nstatus: cancelled"),
    }, D(2026, 11, 20))
    assert rows(loaded, "keep-in-touch") == []


# --- custom ---------------------------------------------------------------------------------


def test_custom_from_a_meeting_with_after_and_due(load) -> None:
    loaded = load({**PEOPLE, "content/meetings/m1.md": meeting("""
contact: jane-doe
date: 2026-11-03
thank_you_sent: true
evaluated: true
follow_ups:
  - action: Send her the article on data mesh
    after: 2w
  - action: Ask how the reorg went
    due: 2026-11-06
    done: 2026-11-07
  - action: Read the book she recommended
    after: 1m
    done: true
""")}, D(2026, 11, 10))
    assert rows(loaded, "custom") == [
        ("custom", "jane-doe", None, "m1", D(2026, 11, 6), D(2026, 11, 7), "done"),
        ("custom", "jane-doe", None, "m1", D(2026, 11, 17), False, "soon"),
        ("custom", "jane-doe", None, "m1", D(2026, 12, 3), True, "done"),
    ]
    assert titles(loaded, "custom") == [
        "Ask how the reorg went",
        "Send her the article on data mesh",
        "Read the book she recommended",
    ]


def test_custom_after_in_months_clamps(load) -> None:
    loaded = load({**PEOPLE, "content/meetings/m1.md": meeting("""
contact: jane-doe
date: 2026-01-31
status: scheduled
follow_ups:
  - action: One month on
    after: 1m
  - action: Thirteen months on
    after: 13m
""")}, D(2026, 1, 20))
    assert [(r[4], r[6]) for r in rows(loaded, "custom")] == [
        (D(2026, 2, 28), "later"), (D(2027, 2, 28), "later"),
    ]


def test_custom_from_a_contact(load) -> None:
    loaded = load({"content/contacts/jane-doe.md": contact("""
name: Jane Doe
follow_ups:
  - action: Introduce her to Sam Lee
    due: 2026-12-01
    done: 2026-11-30
  - action: Send her the conference link
    due: 2026-11-25
""")}, D(2026, 11, 20))
    assert rows(loaded) == [
        ("custom", "jane-doe", None, None, D(2026, 11, 25), False, "soon"),
        ("custom", "jane-doe", None, None, D(2026, 12, 1), D(2026, 11, 30), "done"),
    ]
    assert titles(loaded, "custom") == ["Send her the conference link",
                                        "Introduce her to Sam Lee"]


# --- meetings with a time, cancelled meetings -----------------------------------------------

TIMED = {**PEOPLE, "content/meetings/m1.md": meeting(
    'contact: mark-lee\ndate: "2026-11-04 09:00"')}


def test_meeting_with_a_time_on_its_day_is_scheduled(load) -> None:
    loaded = load(TIMED, D(2026, 11, 4))
    m1 = loaded.journal.meetings["m1"]
    assert (m1.date, m1.time.isoformat(timespec="minutes") if m1.time else None) == (
        D(2026, 11, 4), "09:00")
    assert loaded.analysis.meeting_status["m1"] == "scheduled"
    assert loaded.analysis.contact_status["mark-lee"] == "scheduled"
    assert rows(loaded) == [("confirm", "mark-lee", None, "m1", D(2026, 11, 3), False, "overdue")]
    assert titles(loaded, "confirm") == ["Confirm the meeting with Mark Lee on 2026-11-04 09:00"]


def test_meeting_with_a_time_is_done_the_next_day(load) -> None:
    loaded = load(TIMED, D(2026, 11, 5))
    assert loaded.analysis.meeting_status["m1"] == "done"
    assert loaded.analysis.contact_status["mark-lee"] == "met"
    assert rows(loaded) == [
        ("thank-you", "mark-lee", None, "m1", D(2026, 11, 5), False, "today"),
        ("evaluate", "mark-lee", None, "m1", D(2026, 11, 6), False, "soon"),
    ]


def test_cancelled_meetings_produce_nothing(load) -> None:
    everything = """
status: cancelled
referrals: [john-smith, Sara Kim]
resume_requested: true
follow_ups:
  - action: Should not appear
    after: 1w
  - action: Nor this
    due: 2026-11-05
"""
    loaded = load({
        **PEOPLE,
        "content/meetings/past.md": meeting(f"contact: jane-doe\ndate: 2026-11-03{everything}"),
        "content/meetings/future.md": meeting(
            f"contact: [jane-doe, mark-lee]\ndate: 2026-11-30{everything}"),
    }, D(2026, 11, 10))
    assert rows(loaded) == []
    assert loaded.analysis.meeting_status == {"past": "cancelled", "future": "cancelled"}
    assert loaded.analysis.contact_status["jane-doe"] == "to-contact"
