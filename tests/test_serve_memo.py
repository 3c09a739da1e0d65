"""What `serve` keeps between builds stays small and true: one rendering of each note,
warnings at their lines, and no early step that would show a warning gone stale."""

from __future__ import annotations

import sys
from pathlib import Path

from infoint_site.devsite import DevSite
from infoint_site.loader import read_sources
from infoint_site.pipeline import process
from infoint_site.render import SiteRenderer
from infoint_site.theme import find_theme

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from generate import TODAY, generate


def ids(root: Path, kind: str) -> list[str]:
    return sorted(p.stem for p in (root / "content" / kind).glob("*.md"))


def test_a_long_session_keeps_one_rendering_of_each_note(tmp_path: Path) -> None:
    root = generate(tmp_path / "journal", 60, seed=2)
    site = DevSite(root, tmp_path / "preview", lambda: TODAY)
    assert site.rebuild().ok
    kept = len(site.render_memo.markdown)
    note = root / f"content/contacts/{ids(root, 'contacts')[3]}.md"
    text = note.read_text()
    for n in range(12):
        note.write_text(text + f"\nEdit {n}.\n")
        assert site.rebuild({note.relative_to(root).as_posix()}).ok
    assert len(site.render_memo.markdown) == kept


def test_a_warning_moves_with_its_line(tmp_path: Path) -> None:
    """A note's warning after a line was added to the front matter is at its new line,
    as a fresh build has it."""
    root = generate(tmp_path / "journal", 40, seed=3)
    site = DevSite(root, tmp_path / "preview", lambda: TODAY)
    note = root / f"content/contacts/{ids(root, 'contacts')[3]}.md"
    note.write_text(note.read_text() + "\n![pic](https://example.com/a.png)\n")
    assert site.rebuild().ok
    note.write_text(note.read_text().replace("\n", '\nphone: "+44 1"\n', 1))
    outcome = site.rebuild({note.relative_to(root).as_posix()})
    loaded = process(read_sources(root), TODAY)
    fresh = SiteRenderer(loaded.analysis, find_theme(root, "default"))
    fresh.render()
    assert [p for p in outcome.problems if p.code == "W601"] == \
        [p for p in fresh.problems if p.code == "W601"] != []


def test_a_new_meeting_a_warning_names_waits_for_the_full_rebuild(tmp_path: Path) -> None:
    """A link in a code block is no link on the page, but the check of missing links
    reads it: the new meeting it names is not shown before its warning goes."""
    root = generate(tmp_path / "journal", 60, seed=7)
    problems: list[list[str]] = []
    site = DevSite(root, tmp_path / "preview", lambda: TODAY,
                   on_publish=lambda: problems.append([p.code for p in site.problems]))
    contacts = ids(root, "contacts")
    note = root / f"content/contacts/{contacts[5]}.md"
    note.write_text(note.read_text()
                    + "\nA snippet:\n\n    see [call](../meetings/2026-11-30-zz-new.md)\n")
    assert "W602" in [p.code for p in site.rebuild().problems]
    rel = "content/meetings/2026-11-30-zz-new.md"
    (root / rel).write_text(f'---\ncontact: {contacts[9]}\ndate: "2026-11-30"\n---\nNew.\n')
    problems.clear()
    assert site.rebuild({rel}).ok
    assert problems and all("W602" not in codes for codes in problems)
