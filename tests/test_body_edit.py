"""A save that changes only a note's body shows its page before the full rebuild."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from infoint_site.body_edit import body_edit
from infoint_site.devsite import DevSite, Snapshot
from infoint_site.loader import read_sources
from infoint_site.parse import parse_file
from infoint_site.pipeline import process
from infoint_site.render import SiteRenderer
from infoint_site.theme import find_theme

DAY = date(2026, 11, 22)


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
    published: list[Snapshot] = []
    site = DevSite(journal, tmp_path / "preview", lambda: DAY,
                   on_publish=lambda: published.append(site.snapshot))
    assert site.rebuild().ok
    rel = "content/contacts/oliver-grant.md"
    path = journal / rel
    path.write_text(path.read_text(encoding="utf-8") + "\nEarly bird.\n", encoding="utf-8")
    published.clear()
    outcome = site.rebuild({rel})
    assert outcome.ok and outcome.parsed == 1
    first = published[0]
    assert b"Early bird." in first.files["contacts/oliver-grant/index.html"]
    assert b"Early bird." not in first.files["search/index.html"]  # the listings come after
    assert b"Early bird." in site.snapshot.files["search/index.html"]
    loaded = process(read_sources(journal), DAY)
    want = SiteRenderer(loaded.analysis, find_theme(journal, "default")).render().files
    assert site.snapshot.files == want
