"""A save that changes only a note's body, or fields only shown, shows its pages before
the full rebuild."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from serve_saves import DAY, Preview, fresh, is_record_page

from infoint_site.affected import page_inputs
from infoint_site.analysis import Analysis, analyze
from infoint_site.body_edit import SHOWN_ONLY, body_edit, shown_edit
from infoint_site.loader import read_sources
from infoint_site.parse import parse_file
from infoint_site.pipeline import process
from infoint_site.records import Company, Contact, Meeting, Record
from infoint_site.render import SiteRenderer
from infoint_site.theme import find_theme
from infoint_site.validate import validate

OLIVER = "content/contacts/oliver-grant.md"


@pytest.fixture
def journal(example_journal: Path) -> Path:
    return example_journal


def reparsed(root: Path, rel: str, text: str):  # type: ignore[no-untyped-def]
    (root / rel).write_text(text, encoding="utf-8")
    kind = rel.split("/")[1]
    record, problems = parse_file(kind, rel, (root / rel).read_bytes())
    assert problems == []
    return record


def test_only_a_body_edit_takes_the_short_way(journal: Path) -> None:
    analysis = process(read_sources(journal), DAY).analysis
    rel = "content/contacts/oliver-grant.md"
    text = (journal / rel).read_text(encoding="utf-8")
    edit = body_edit(analysis, reparsed(journal, rel, text + "\nMore research.\n"))
    assert edit is not None
    swapped, pages = edit
    assert ("contact", "oliver-grant") in pages
    assert {m.id for m in analysis.meetings_of.get("oliver-grant", ())} == \
        {i for kind, i in pages if kind == "meeting"}
    assert swapped.follow_ups is analysis.follow_ups
    assert swapped.journal.contacts["oliver-grant"].body.endswith("More research.\n")
    # A field, an Evaluation heading or a link to a missing note: the full way.
    assert body_edit(analysis, reparsed(journal, rel, text.replace(
        "role: Product Analyst", "role: Head of Product"))) is None
    assert body_edit(analysis, reparsed(journal, rel, text + "\n[x](../contacts/nobody.md)\n")) \
        is None
    meeting = next(m for m in analysis.journal.meetings.values()
                   if not m.evaluated and analysis.meeting_status[m.id] == "done")
    mtext = (journal / meeting.path).read_text(encoding="utf-8")
    assert body_edit(analysis, reparsed(journal, meeting.path,
                                        mtext + "\n## Evaluation\n\nGood.\n")) is None


def test_the_edited_page_is_published_first_and_the_end_is_exact(journal: Path,
                                                                 tmp_path: Path) -> None:
    preview = Preview(journal, tmp_path / "preview")
    outcome = preview.save(OLIVER, lambda text: text + "\nEarly bird.\n")
    assert outcome.ok and outcome.parsed == 1
    first, site = preview.published[0], preview.site
    assert b"Early bird." in first.files["contacts/oliver-grant/index.html"]
    assert b"Early bird." not in first.files["search/index.html"]  # the listings come after
    assert b"Early bird." in site.snapshot.files["search/index.html"]
    assert site.snapshot.files == fresh(journal)


# -- fields only shown ----------------------------------------------------------------

NEW_VALUES: dict[str, Any] = {
    "role": "Chief <Tea> Officer", "field": "marine & coastal biology",
    "tags": ("zz-new-tag", "edtech"), "email": "someone.else@example.com",
    "phone": "+44 7700 900000", "linkedin": "https://www.linkedin.com/in/someone-else",
    "script": "Ask about the ferries", "duration_minutes": 95, "format": "phone",
    "platform": "Jitsi", "location": "Somewhere <&> else", "goals": ("Learn <what> matters",),
    "questions": ("What would you do now?",), "website": "https://new.example.com",
}
FOLDERS = {Contact: "contacts", Meeting: "meetings", Company: "companies"}


def changed(record: Record, name: str) -> Record:
    value = NEW_VALUES.get(name)
    if name == "may_use_name":
        value = record.may_use_name is not True  # type: ignore[attr-defined]
    assert value is not None and value != getattr(record, name), name
    return dataclasses.replace(record, **{name: value})  # type: ignore[type-var]


def swapped(analysis: Analysis, record: Record) -> Analysis:
    """The analysis of the journal with `record` in it, computed afresh."""
    journal = analysis.journal
    folder = FOLDERS[type(record)]
    table = {**getattr(journal, folder), record.id: record}
    return analyze(dataclasses.replace(journal, **{folder: table}), analysis.today)


def edits(analysis: Analysis) -> list[tuple[Record, Record]]:
    """Each field only shown, changed in a record that has follow-ups and meetings."""
    journal, found = analysis.journal, []
    busy = {f.contact for f in analysis.follow_ups} & set(analysis.meetings_of)
    contact = next(c for c in journal.contacts.values() if c.id in busy and c.company)
    meeting = next(m for m in journal.meetings.values()
                   if any(f.meeting == m.id for f in analysis.follow_ups))
    company = next(co for co in journal.companies.values()
                   if any(c.company == co.id for c in journal.contacts.values()))
    for record in (contact, meeting, company):
        found += [(record, changed(record, name)) for name in sorted(SHOWN_ONLY[type(record)])]
    return found


def test_nothing_the_journal_computes_reads_a_field_only_shown(journal: Path) -> None:
    """Statuses, chains, follow-ups, numbers and the checks across files stay the same
    when any of them changes: the early step may keep the last analysis."""
    analysis = process(read_sources(journal), DAY).analysis
    problems = validate(analysis)
    assert len(edits(analysis)) == sum(len(f) for f in SHOWN_ONLY.values())
    for _, after in edits(analysis):
        again = swapped(analysis, after)
        assert again.follow_ups == analysis.follow_ups, after
        assert (again.meeting_status, again.contact_status, again.forest, again.stats) == \
            (analysis.meeting_status, analysis.contact_status, analysis.forest, analysis.stats)
        assert {c: [m.id for m in ms] for c, ms in again.meetings_of.items()} == \
            {c: [m.id for m in ms] for c, ms in analysis.meetings_of.items()}
        assert validate(again) == problems


def test_a_shown_field_edit_renders_the_very_pages_a_full_build_changes(journal: Path) -> None:
    analysis = process(read_sources(journal), DAY).analysis
    theme = find_theme(journal, "default")
    inputs = page_inputs(analysis)
    old = SiteRenderer(analysis, theme).render().files
    for before, after in edits(analysis):
        full = SiteRenderer(swapped(analysis, after), theme).render().files
        edit = shown_edit(inputs, after)
        assert edit is not None, after
        early, pages = edit
        renderer = SiteRenderer(early, theme, plan=(inputs, pages))
        made = dict(renderer.record_page(job) for job in sorted(pages))
        assert renderer.problems == []
        for path, data in made.items():
            assert data == full[path], (after, path)
        moved = {p for p in full if is_record_page(p) and full[p] != old.get(p)}
        assert moved, (before, after)  # each of them is shown on some record page
        assert moved <= made.keys(), (after, moved - made.keys())


def test_a_field_the_journal_computes_from_takes_the_full_way(journal: Path) -> None:
    analysis = process(read_sources(journal), DAY).analysis
    inputs = page_inputs(analysis)
    contact = analysis.journal.contacts["oliver-grant"]
    meeting = next(iter(analysis.journal.meetings.values()))
    for record in (dataclasses.replace(contact, name="Olly Grant"),
                   dataclasses.replace(contact, last_contact=date(2026, 11, 1)),
                   dataclasses.replace(contact, role="Head", status="met"),
                   dataclasses.replace(meeting, outcome="job-offer"),
                   dataclasses.replace(meeting, location="Elsewhere", thank_you_sent=True)):
        assert shown_edit(inputs, record) is None, record


def test_a_role_saved_in_serve_is_published_first_and_the_end_is_exact(
        journal: Path, tmp_path: Path) -> None:
    preview = Preview(journal, tmp_path / "preview")
    outcome = preview.save(OLIVER, lambda text: text.replace(
        "role: Product Analyst", "role: Head of Reading Products"))
    assert outcome.ok and outcome.parsed == 1
    first = preview.published[0]
    assert b"Head of Reading Products" in first.files["contacts/oliver-grant/index.html"]
    assert b"Head of Reading Products" not in first.files["search/index.html"]  # listings later
    # The early pages, then the listings: the record pages of the full analysis are
    # those already shown, so they make no snapshot of their own.
    assert len(preview.published) == 2
    assert preview.site.snapshot.files == fresh(journal)


def test_nothing_is_shown_early_after_a_failed_build(journal: Path, tmp_path: Path) -> None:
    """The site shown is then the last good one, not the last analysis: an early page
    would mix the two, and the failed build's notice would no longer be true."""
    preview = Preview(journal, tmp_path / "preview")
    good = preview.site.snapshot
    assert not preview.save("content/meetings/2026-09-03-marcus-bell.md", lambda text: text
                            .replace("contact: marcus-bell", "contact: marcus-belle")).ok
    assert not preview.save(OLIVER, lambda text: text.replace(
        "role: Product Analyst", "role: Head of Reading Products")).ok
    assert preview.site.snapshot is good and preview.published == []
