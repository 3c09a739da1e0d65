"""An analysis brought up to date after one record's edit equals one made afresh."""

from __future__ import annotations

import dataclasses
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from serve_saves import DAY, Preview, fresh, is_record_page

from infoint_site import reanalysis
from infoint_site.affected import PageInputs, affected_pages, page_inputs
from infoint_site.analysis import Analysis, analyze
from infoint_site.durations import Duration
from infoint_site.journal import meeting_order
from infoint_site.loader import read_sources
from infoint_site.pipeline import process
from infoint_site.records import (
    CONTACT_STATUSES,
    MEETING_STATUSES,
    OUTCOMES,
    Contact,
    FollowUpItem,
    Meeting,
    Record,
)
from infoint_site.render import SiteRenderer
from infoint_site.theme import find_theme
from infoint_site.validate import validate

REPO = Path(__file__).resolve().parent.parent

DAYS = st.dates(min_value=DAY - timedelta(days=400), max_value=DAY + timedelta(days=60))
DONE = st.sampled_from([True, False]) | DAYS
ITEMS = st.lists(st.builds(FollowUpItem, st.sampled_from(["Send the deck", "Call back", "x"]),
                           DAYS, st.none(), DONE, st.integers(1, 30)), max_size=3)
CONTACT_VALUES: dict[str, Any] = {
    "status": st.none() | st.sampled_from(CONTACT_STATUSES),
    "requested": st.none() | DAYS,
    "keep_in_touch": st.booleans() | st.builds(Duration, st.integers(1, 8),
                                               st.sampled_from("dwm")),
    "last_contact": st.none() | DAYS,
    "follow_ups": ITEMS.map(tuple),
    "role": st.none() | st.sampled_from(["Analyst", "Head of <Data>"]),
    "company": st.none(),  # (drawn from the journal's companies: `companies_of`)
}
MEETING_VALUES: dict[str, Any] = {
    "status": st.none() | st.sampled_from(MEETING_STATUSES),
    "outcome": st.none() | st.sampled_from(OUTCOMES),
    "confirmed": DONE, "thank_you_sent": DONE, "evaluated": DONE,
    "resume_requested": st.booleans(), "resume_sent": DONE, "referrer_updated": DONE,
    "follow_ups": st.lists(st.builds(FollowUpItem, st.sampled_from(["Send notes", "y"]),
                                     st.none(), st.builds(Duration, st.integers(1, 20),
                                                          st.sampled_from("dw")),
                                     DONE, st.integers(1, 30)), max_size=2).map(tuple),
    "location": st.none() | st.just("Café <&> Co"),
    "date": DAYS | st.sampled_from([DAY, DAY - timedelta(days=1), DAY + timedelta(days=1)]),
    "time": st.none() | st.times(),
    "referrals": st.just(()),  # (drawn from the journal's names: `suggested_names`)
    "contacts": st.just(()),  # (drawn from the journal: `people_of`)
}


def people_of(journal: Any) -> st.SearchStrategy[tuple[str, ...]]:
    """A meeting's people: one or two contacts, now and then someone with no file."""
    ids = sorted(journal.contacts)[::9][:15]
    return st.lists(st.sampled_from([*ids, "nobody-with-a-file"]), min_size=1, max_size=2,
                    unique=True).map(tuple)


def companies_of(journal: Any) -> st.SearchStrategy[str | None]:
    """A contact's company: a company file's id, a name with no file, an id mistyped."""
    ids = sorted(journal.companies)[:6]
    return st.none() | st.sampled_from([*ids, "Elsewhere Ltd", "elsewhere-ltd",
                                        *(f"{i}x" for i in ids[:2])])


def suggested_names(journal: Any) -> st.SearchStrategy[tuple[str, ...]]:
    """A meeting's suggested names: ids, names (a few of them shared by two contacts),
    names with no file."""
    people = sorted(journal.contacts.values(), key=lambda c: c.id)[::7][:12]
    names = [*(c.id for c in people), *(c.name for c in people), "Arlo Penhaligon",
             "Quill Nobody", "arlo penhaligon"]
    return st.lists(st.sampled_from(names), max_size=3).map(tuple)


def test_every_field_it_follows_is_tried() -> None:
    assert set(CONTACT_VALUES) >= reanalysis.COMPUTED_FROM[Contact]
    assert set(MEETING_VALUES) >= reanalysis.COMPUTED_FROM[Meeting]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> PageInputs:
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        from generate import generate
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    root = generate(tmp_path_factory.mktemp("journal"), 300)
    return page_inputs(process(read_sources(root), DAY).analysis)


@pytest.fixture(scope="module")
def example() -> PageInputs:
    return page_inputs(process(read_sources(REPO), DAY).analysis)


def afresh(analysis: Analysis, record: Record) -> PageInputs:
    journal = analysis.journal
    folder = "contacts" if isinstance(record, Contact) else "meetings"
    table = {**getattr(journal, folder), record.id: record}
    if folder == "meetings":  # in the order `link` gives them
        table = {m.id: m for m in sorted(table.values(), key=meeting_order)}
    else:
        table = dict(sorted(table.items()))
    return page_inputs(analyze(dataclasses.replace(journal, **{folder: table}), analysis.today))


def assert_same(got: tuple[Analysis, PageInputs] | None, want: PageInputs,
                before: Analysis, record: Record) -> None:
    """The update equals the analysis made afresh, or is refused for a warning of the
    edited record's own; the checks across files find what they found before."""
    if got is None:
        assert any(p.path == record.path for p in validate(want.analysis)), record
        return
    assert validate(want.analysis) == validate(before)
    analysis, inputs = got
    fresh = want.analysis
    assert analysis.follow_ups == fresh.follow_ups  # in the same order
    assert (analysis.meeting_status, analysis.contact_status, analysis.stats) == \
        (fresh.meeting_status, fresh.contact_status, fresh.stats)
    assert analysis.meetings_of == fresh.meetings_of
    assert analysis.journal == fresh.journal
    assert [list(t) for t in (analysis.journal.meetings, analysis.journal.contacts)] == \
        [list(t) for t in (fresh.journal.meetings, fresh.journal.contacts)]  # in order
    assert analysis.forest == fresh.forest
    assert [list(t) for t in (analysis.forest.parent, analysis.forest.referred)] == \
        [list(t) for t in (fresh.forest.parent, fresh.forest.referred)]
    assert inputs.follow_ups == want.follow_ups
    assert (inputs.names, inputs.suggested_by, inputs.people_at) == \
        (want.names, want.suggested_by, want.people_at)


def check(inputs: PageInputs, record: Record) -> None:
    """`edit` of `record` into `inputs` against an analysis made afresh (`assert_same`)."""
    assert_same(reanalysis.edit(inputs, record), afresh(inputs.analysis, record),
                inputs.analysis, record)


def edited(data: st.DataObject, inputs: PageInputs) -> Record:
    journal = inputs.analysis.journal
    if data.draw(st.booleans(), label="contact?"):
        record: Record = data.draw(st.sampled_from(list(journal.contacts.values())))
        values = {**CONTACT_VALUES, "company": companies_of(journal)}
    else:
        record = data.draw(st.sampled_from(list(journal.meetings.values())))
        values = {**MEETING_VALUES, "referrals": suggested_names(journal),
                  "contacts": people_of(journal)}
    fields = data.draw(st.sets(st.sampled_from(sorted(values)), min_size=1, max_size=4))
    return dataclasses.replace(record, **{f: data.draw(values[f], label=f) for f in fields})


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_an_edit_of_a_generated_journal(generated: PageInputs, data: st.DataObject) -> None:
    record = edited(data, generated)
    check(generated, record)


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_an_edit_of_the_example_journal(example: PageInputs, data: st.DataObject) -> None:
    record = edited(data, example)
    check(example, record)


def test_a_meeting_cancelled_and_done_again(example: PageInputs) -> None:
    """Statuses that move reach-outs, nudges and the referrer's update."""
    analysis = example.analysis
    for meeting in analysis.journal.meetings.values():
        for status in MEETING_STATUSES:
            record = dataclasses.replace(meeting, status=status)
            assert_same(reanalysis.edit(example, record), afresh(analysis, record), analysis,
                        record)


def test_what_changes_the_journals_shape_takes_the_full_way(example: PageInputs) -> None:
    journal = example.analysis.journal
    contact = journal.contacts["oliver-grant"]
    meeting = next(iter(journal.meetings.values()))
    company = next(iter(journal.companies.values()))
    for record in (dataclasses.replace(contact, name="Olly Grant"),
                   dataclasses.replace(contact, referred_by="helen-okafor", last_contact=DAY),
                   dataclasses.replace(contact, path="content/contacts/olly.md"),
                   dataclasses.replace(meeting, path="content/meetings/elsewhere.md"),
                   dataclasses.replace(meeting, contacts=("nobody-with-a-file",)),
                   dataclasses.replace(company, website="https://new.example.com")):
        assert reanalysis.edit(example, record) is None, record


def test_the_pages_it_reaches_are_the_full_builds(example: PageInputs) -> None:
    """Rendered from the updated analysis, the pages `affected_pages` finds are the full
    build's, and no other record page changes."""
    analysis = example.analysis
    theme = find_theme(REPO, "default")
    old = SiteRenderer(analysis, theme).render().files
    meeting = next(m for m in analysis.journal.meetings.values()
                   if analysis.meeting_status[m.id] == "done" and not m.thank_you_sent)
    contact = next(c for c in analysis.journal.contacts.values() if c.requested is None
                   and not c.status)
    for record in (dataclasses.replace(meeting, thank_you_sent=DAY, outcome="job-offer"),
                   dataclasses.replace(meeting, status="cancelled"),
                   dataclasses.replace(contact, requested=DAY - timedelta(days=30)),
                   dataclasses.replace(contact, last_contact=DAY, keep_in_touch=True)):
        got = reanalysis.edit(example, record)
        assert got is not None
        updated, inputs = got
        reached = affected_pages(example, inputs)
        assert reached is not None
        tables = {"contact": updated.journal.contacts, "meeting": updated.journal.meetings,
                  "company": updated.journal.companies}
        pages = {(kind, i) for kind, i in reached if i in tables[kind]}  # not names alone
        full = SiteRenderer(afresh(analysis, record).analysis, theme).render().files
        renderer = SiteRenderer(updated, theme, plan=(inputs, pages))
        made = dict(renderer.record_page(job) for job in sorted(pages))
        for path, data in made.items():
            assert data == full[path], (record, path)
        moved = {p for p in full if is_record_page(p) and full[p] != old.get(p)}
        assert moved and moved <= made.keys(), (record, moved - made.keys())


def test_a_date_saved_in_serve_is_published_first_and_the_end_is_exact(
        example_journal: Path, tmp_path: Path) -> None:
    preview = Preview(example_journal, tmp_path / "preview")
    assert preview.save("content/contacts/oliver-grant.md", lambda text: text.replace(
        "keep_in_touch: false", "keep_in_touch: true\nlast_contact: 2026-11-02")).ok
    first = preview.published[0]
    assert b"2 Nov 2026" in first.files["contacts/oliver-grant/index.html"]
    assert b"Keep in touch with Oliver Grant" in first.files["contacts/oliver-grant/index.html"]
    assert b"Keep in touch with Oliver Grant" not in first.files["follow-ups/index.html"]
    assert preview.site.snapshot.files == fresh(example_journal)


def test_a_meeting_moved_to_another_day(generated: PageInputs) -> None:
    """A done meeting whose suggested names are reached out to moves: the reach-outs are
    due on other days, and it changes places among the meetings (and the suggestions)."""
    analysis = generated.analysis
    reached = [f for f in analysis.follow_ups if f.kind == "reach-out" and f.meeting]
    assert reached
    for item in reached[:5]:
        meeting = analysis.journal.meetings[item.meeting or ""]
        for days in (-40, -1, 1):
            record = dataclasses.replace(meeting, date=meeting.date + timedelta(days=days))
            if record.date >= DAY:
                continue
            got = reanalysis.edit(generated, record)
            assert got is not None
            assert_same(got, afresh(analysis, record), analysis, record)


def test_a_meeting_moved_past_another_that_suggested_the_same_person(
        generated: PageInputs) -> None:
    analysis = generated.analysis
    first, second = [m for m in analysis.journal.meetings.values()
                     if analysis.meeting_status[m.id] == "done"][:2]
    person = next(c for c in analysis.journal.contacts
                  if c not in (*first.contacts, *second.contacts))
    base = generated
    for meeting in (first, second):
        base = afresh(base.analysis, dataclasses.replace(meeting, referrals=(person,)))
    assert base.suggested_by[person] == (first.id, second.id)
    moved = dataclasses.replace(base.analysis.journal.meetings[first.id],
                                date=second.date + timedelta(days=1))
    got = reanalysis.edit(base, moved)
    assert got is not None and got[1].suggested_by[person] == (second.id, first.id)
    assert_same(got, afresh(base.analysis, moved), base.analysis, moved)


def new_meeting(data: st.DataObject, inputs: PageInputs) -> Meeting:
    """A new meeting file: another's fields, some drawn anew, with people drawn too (now
    and then someone with no file)."""
    journal = inputs.analysis.journal
    model = data.draw(st.sampled_from(list(journal.meetings.values())))
    values = {**MEETING_VALUES, "referrals": suggested_names(journal),
              "contacts": people_of(journal)}
    fields = data.draw(st.sets(st.sampled_from(sorted(values)), max_size=4)) | {"contacts"}
    return dataclasses.replace(model, id=f"{model.id}-zz-new",
                               path=model.path.replace(".md", "-zz-new.md"),
                               **{f: data.draw(values[f], label=f) for f in sorted(fields)})


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_new_meeting_of_a_generated_journal(generated: PageInputs,
                                              data: st.DataObject) -> None:
    record = new_meeting(data, generated)
    check(generated, record)


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_a_new_meeting_of_the_example_journal(example: PageInputs, data: st.DataObject) -> None:
    record = new_meeting(data, example)
    check(example, record)


def test_a_new_meeting_with_someone_who_has_no_file_waits(example: PageInputs) -> None:
    meeting = next(iter(example.analysis.journal.meetings.values()))
    record = dataclasses.replace(meeting, id="zz-new", path="content/meetings/zz-new.md",
                                 contacts=("nobody-at-all",))
    assert reanalysis.edit(example, record) is None


def test_a_new_meeting_file_in_serve_is_published_first_unless_a_note_links_to_it(
        example_journal: Path, tmp_path: Path) -> None:
    """A meeting scheduled with someone who has a file: its page and theirs come first.
    One that a note already links to waits for the full rebuild, which makes that note's
    page again (its link now finds the meeting)."""
    preview = Preview(example_journal, tmp_path / "preview")
    new = "content/meetings/2026-12-02-oliver-grant.md"
    (example_journal / new).write_text(
        '---\ncontact: oliver-grant\ndate: "2026-12-02 10:00"\nformat: video\n---\n'
        "Second chat.\n", encoding="utf-8")
    assert preview.site.rebuild({new}).ok
    first = preview.published[0].files
    assert b"Second chat." in first["meetings/2026-12-02-oliver-grant/index.html"]
    assert b"2026-12-02-oliver-grant/" in first["contacts/oliver-grant/index.html"]
    assert b"2026-12-02-oliver-grant/" not in first["meetings/index.html"]  # (a listing)
    assert preview.site.snapshot.files == fresh(example_journal)
    linking = "content/contacts/helen-okafor.md"  # (not in the meeting)
    assert preview.save(linking, lambda text: text + "\nSee [Oliver](../meetings/zz-next.md).\n").ok
    preview.published.clear()
    (example_journal / "content/meetings/zz-next.md").write_text(
        '---\ncontact: oliver-grant\ndate: "2026-12-09"\n---\n', encoding="utf-8")
    assert preview.site.rebuild({"content/meetings/zz-next.md"}).ok
    assert b"meetings/zz-next/" in preview.published[0].files["contacts/helen-okafor/index.html"]
    assert preview.site.snapshot.files == fresh(example_journal)


def test_a_meeting_with_someone_suggested_elsewhere(generated: PageInputs) -> None:
    """A new meeting with a person a reach-out is owed to ends the reach-out; cancelling
    the only meeting of a person suggested elsewhere brings one back."""
    analysis = generated.analysis
    journal = analysis.journal
    owed = next(f for f in analysis.follow_ups
                if f.kind == "reach-out" and f.contact in journal.contacts)
    model = next(iter(journal.meetings.values()))
    new = dataclasses.replace(model, id="zz-new", path="content/meetings/zz-new.md",
                              contacts=(owed.contact,), date=DAY + timedelta(days=3),
                              status=None, referrals=())
    got = reanalysis.edit(generated, new)
    assert got is not None and owed not in got[0].follow_ups
    assert_same(got, afresh(analysis, new), analysis, new)
    suggested = {cid for cid, mids in generated.suggested_by.items()
                 if len(analysis.meetings_of.get(cid, ())) == 1
                 and not set(mids) & {m.id for m in analysis.meetings_of[cid]}}
    tried = 0
    for cid in sorted(suggested)[:20]:
        only = analysis.meetings_of[cid][0]
        cancelled = dataclasses.replace(only, status="cancelled")
        got = reanalysis.edit(generated, cancelled)
        if got is not None:
            tried += 1
            assert_same(got, afresh(analysis, cancelled), analysis, cancelled)
    assert tried


def test_a_meetings_people_changed(generated: PageInputs) -> None:
    """Someone suggested elsewhere taken out of their only meeting is owed a reach-out
    again; a meeting whose suggestions are reached out to gains a person (its
    reach-outs now say who suggested them)."""
    analysis = generated.analysis
    journal = analysis.journal
    owed_again = 0
    owed = sorted({f.contact for f in analysis.follow_ups
                   if f.kind == "reach-out" and f.contact in journal.contacts})
    for cid in owed[:10]:
        meeting = next(m for m in journal.meetings.values()
                       if m.id not in generated.suggested_by[cid] and cid not in m.contacts)
        base = afresh(analysis, dataclasses.replace(meeting, contacts=(meeting.contacts[0], cid),
                                                    referrals=()))
        assert not any(f.kind == "reach-out" and f.contact == cid
                       for f in base.analysis.follow_ups)  # (they have a meeting now)
        left = dataclasses.replace(base.analysis.journal.meetings[meeting.id],
                                   contacts=meeting.contacts[:1])
        got = reanalysis.edit(base, left)
        assert_same(got, afresh(base.analysis, left), base.analysis, left)
        if got is not None:
            owed_again += any(f.kind == "reach-out" and f.contact == cid
                              for f in got[0].follow_ups)
    reached = next(f for f in analysis.follow_ups if f.kind == "reach-out" and f.meeting)
    meeting = journal.meetings[reached.meeting or ""]
    other = next(c for c in sorted(journal.contacts)
                 if c not in meeting.contacts and c != reached.contact)
    joined = dataclasses.replace(meeting, contacts=(*meeting.contacts, other))
    got = reanalysis.edit(generated, joined)
    assert got is not None and reached not in got[0].follow_ups
    assert_same(got, afresh(analysis, joined), analysis, joined)
    assert owed_again


def new_contact(data: st.DataObject, inputs: PageInputs) -> Contact:
    """A new contact file: another's fields, some drawn anew; its name a suggested one,
    one no one has, or another's; its referrer someone, no one, no file or itself."""
    journal = inputs.analysis.journal
    model = data.draw(st.sampled_from(list(journal.contacts.values())))
    ids = sorted(journal.contacts)
    name = data.draw(st.sampled_from(["Arlo Penhaligon", "Quill Nobody", "Zed Newcomer",
                                      journal.contacts[ids[3]].name]), label="name")
    new_id = data.draw(st.sampled_from(["arlo-penhaligon", "zz-newcomer", "aaa-first",
                                        f"{ids[5]}x"]), label="id")
    values = {**CONTACT_VALUES, "company": companies_of(journal),
              "referred_by": st.sampled_from([None, ids[0], ids[7], new_id, "no-file-here"])}
    fields = data.draw(st.sets(st.sampled_from(sorted(values)), max_size=4))
    return dataclasses.replace(model, id=new_id, path=f"content/contacts/{new_id}.md",
                               name=name, **{f: data.draw(values[f], label=f) for f in fields})


def assert_new_contact(inputs: PageInputs, record: Contact) -> None:
    """As `assert_same`; refused, only for a name another contact has, or a problem."""
    got = reanalysis.edit(inputs, record)
    want = afresh(inputs.analysis, record)
    if got is None and not any(p.path == record.path for p in validate(want.analysis)):
        assert any(c.name == record.name for c in inputs.analysis.journal.contacts.values()) \
            or validate(want.analysis) != validate(inputs.analysis), record
        return
    assert_same(got, want, inputs.analysis, record)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_new_contact_of_a_generated_journal(generated: PageInputs,
                                              data: st.DataObject) -> None:
    assert_new_contact(generated, new_contact(data, generated))


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_a_new_contact_of_the_example_journal(example: PageInputs, data: st.DataObject) -> None:
    assert_new_contact(example, new_contact(data, example))


def test_a_suggested_name_that_gets_a_file(generated: PageInputs) -> None:
    """The common case: a name suggested in a done meeting, reached out to, gets a file
    referred by whom you met; the reach-out now names the contact."""
    analysis = generated.analysis
    journal = analysis.journal
    meeting = next(m for m in journal.meetings.values()
                   if analysis.meeting_status[m.id] == "done" and len(m.contacts) == 1)
    base = afresh(analysis, dataclasses.replace(meeting, referrals=("Quenby Arrowsmith",)))
    assert any(f.kind == "reach-out" and f.contact == "Quenby Arrowsmith"
               for f in base.analysis.follow_ups)
    model = next(iter(journal.contacts.values()))
    record = dataclasses.replace(model, id="quenby-arrowsmith", name="Quenby Arrowsmith",
                                 path="content/contacts/quenby-arrowsmith.md",
                                 referred_by=meeting.contacts[0], status=None, requested=None,
                                 follow_ups=(), company=None)
    got = reanalysis.edit(base, record)
    assert got is not None
    assert any(f.kind == "reach-out" and f.contact == "quenby-arrowsmith"
               for f in got[0].follow_ups)
    assert got[1].suggested_by["quenby-arrowsmith"] == (meeting.id,)
    assert_same(got, afresh(base.analysis, record), base.analysis, record)


def test_a_new_contact_and_what_suggestions_meant_before(example: PageInputs) -> None:
    """A suggestion written as the new contact's id is followed; one whose warning the
    new contact would change (a mistyped id it now names, an id that meant another
    contact by name) waits for the full rebuild."""
    analysis = example.analysis
    journal = analysis.journal
    meeting = next(m for m in journal.meetings.values()
                   if analysis.meeting_status[m.id] == "done" and len(m.contacts) == 1
                   and "helen-okafor" not in m.contacts)
    model = next(iter(journal.contacts.values()))

    def newcomer(new_id: str, name: str) -> Contact:
        return dataclasses.replace(model, id=new_id, name=name, referred_by=meeting.contacts[0],
                                   path=f"content/contacts/{new_id}.md", status=None,
                                   requested=None, follow_ups=(), company=None)

    base = afresh(analysis, dataclasses.replace(meeting, referrals=("zz-newcomer",)))
    record = newcomer("zz-newcomer", "Zed Newcomer")
    got = reanalysis.edit(base, record)
    assert got is not None and got[1].suggested_by["zz-newcomer"] == (meeting.id,)
    assert_same(got, afresh(base.analysis, record), base.analysis, record)

    base = afresh(analysis, dataclasses.replace(meeting, referrals=("helen-okafo",)))
    assert any(p.code == "W302" for p in validate(base.analysis))
    assert reanalysis.edit(base, newcomer("zz-new", "Helen-Okafo")) is None  # (W302 goes)

    other = next(c for c in journal.contacts.values() if c.id not in meeting.contacts)
    base = afresh(analysis, dataclasses.replace(other, name="quill-vance",  # (no warning)
                                                referred_by=meeting.contacts[0]))
    base = afresh(base.analysis, dataclasses.replace(base.analysis.journal.meetings[meeting.id],
                                                     referrals=("quill-vance",)))
    assert meeting.id in base.suggested_by[other.id]  # (by name)
    assert reanalysis.edit(base, newcomer("quill-vance", "Quill Vance")) is None


def test_a_new_company(example: PageInputs) -> None:
    """A company file for a company a contact names: nothing computed changes; one whose
    id a contact's mistyped company is close to waits (its warning would change)."""
    analysis = example.analysis
    journal = analysis.journal
    contact = journal.contacts["oliver-grant"]
    model = next(iter(journal.companies.values()))
    for named in ("zz-firm", "ZZ Firm"):
        base = afresh(analysis, dataclasses.replace(contact, company=named))
        record = dataclasses.replace(model, id="zz-firm", path="content/companies/zz-firm.md")
        got = reanalysis.edit(base, record)
        assert got is not None
        journal_after = dataclasses.replace(base.analysis.journal, companies=dict(sorted(
            {**base.analysis.journal.companies, record.id: record}.items())))
        want = page_inputs(analyze(journal_after, DAY))
        assert got[0] == want.analysis and list(got[0].journal.companies) == \
            list(want.analysis.journal.companies)
        assert (got[1].follow_ups, got[1].names, got[1].suggested_by, got[1].people_at) == \
            (want.follow_ups, want.names, want.suggested_by, want.people_at)
        assert validate(want.analysis) == validate(base.analysis)
    near = next(iter(journal.companies))
    base = afresh(analysis, dataclasses.replace(contact, company=f"{near}x"))
    assert any(p.code == "W303" for p in validate(base.analysis))
    mistyped = dataclasses.replace(model, id=f"{near}xx", path=f"content/companies/{near}xx.md")
    assert reanalysis.edit(base, mistyped) is None
