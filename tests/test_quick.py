"""The quick rebuild (`quick`): after saves that changed only notes' text, the new HTML
is spliced into the last build's pages. Every test compares with a build from nothing:
the bytes must be the same, and anything more than a note's text must take the full way.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from infoint_site import listings, loader, quick_state
from infoint_site.body import search_text
from infoint_site.build import build_site
from infoint_site.cache import BuildCache
from infoint_site.cli import main
from infoint_site.holes import locate_holes, marked, unmark
from infoint_site.quick_state import STATE_FILE, front_digest, load_state, write_state
from infoint_site.theme import default_theme_dir
from infoint_site.urls import QUICK_SUFFIX
from infoint_site.writer import MARKER, UnsafeOutput

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from generate import TAGS, TODAY, generate

EXAMPLE_DAY = date(2026, 11, 22)


@pytest.fixture(autouse=True)
def own_cache_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))


def site_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != MARKER}


def same_as_fresh(root: Path, out: Path, day: date, tmp_path: Path) -> None:
    fresh = tmp_path / "fresh"
    build_site(root, day, fresh, use_cache=False)
    mine, theirs = site_files(out), site_files(fresh)
    assert mine.keys() == theirs.keys()
    different = [f for f in mine if mine[f] != theirs[f]]
    assert not different


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_a_note_edit_is_spliced_into_every_page_that_shows_it(example_journal: Path,
                                                              tmp_path: Path) -> None:
    root, out = example_journal, tmp_path / "site"
    build_site(root, EXAMPLE_DAY, out)
    # A person researched for a scheduled meeting: their page and its preparation sheet.
    append(root / "content/contacts/samuel-achebe.md",
           "\nMoved to pricing in 2023; ask about the <b>team</b> & [Grace](grace-adeyemi.md).\n")
    append(root / "content/companies/kestrel-learning.md", "\nHiring freeze until May.\n")
    result = build_site(root, EXAMPLE_DAY, out)
    assert result.spliced is not None and result.spliced >= 4
    assert result.loaded is None  # nothing was loaded, parsed or analysed
    same_as_fresh(root, out, EXAMPLE_DAY, tmp_path)


@pytest.mark.parametrize(("sentence", "definition"), [
    ("A new first sentence, *stressed*.", ""),
    # Links, one of them defined outside the answer: relative to each page it is on.
    ("See [her manager][boss] and [Grace](../contacts/grace-adeyemi.md).",
     "\n[boss]: ../contacts/samuel-achebe.md\n"),
])
def test_answers_change_on_the_question_pages(example_journal: Path, tmp_path: Path,
                                              sentence: str, definition: str) -> None:
    root, out = example_journal, tmp_path / "site"
    build_site(root, EXAMPLE_DAY, out)
    meeting = next(p for p in sorted((root / "content/meetings").glob("*.md"))
                   if "## Q:" in p.read_text(encoding="utf-8"))
    text = meeting.read_text(encoding="utf-8")
    at = text.index("## Q:")
    end = text.index("\n", at)
    meeting.write_text(text[:end + 1] + f"\n{sentence}\n" + text[end + 1:] + definition,
                       encoding="utf-8")
    result = build_site(root, EXAMPLE_DAY, out)
    assert result.spliced is not None
    same_as_fresh(root, out, EXAMPLE_DAY, tmp_path)


def test_many_quick_rebuilds_in_a_row_match_fresh_builds(tmp_path: Path) -> None:
    root = generate(tmp_path / "journal", 80, seed=5)
    out = tmp_path / "site"
    build_site(root, TODAY, out)
    rng = random.Random(5)
    notes = sorted(root.glob("content/*/*.md"))
    someone = sorted(root.glob("content/contacts/*.md"))[0].stem
    quick = 0
    for step in range(12):
        for note in rng.sample(notes, rng.choice([1, 1, 2, 3])):
            words = rng.choice(["A line.", "Ünïcode — “quotes” <tag> & more.",
                                f"A [link](../contacts/{someone}.md).",
                                "x" * rng.randint(1, 3000)])
            append(note, f"\n{words} {step}\n")
        result = build_site(root, TODAY, out, workers=rng.choice([1, 2]))
        quick += result.spliced is not None
        same_as_fresh(root, out, TODAY, tmp_path)
    assert quick == 12


@pytest.mark.parametrize("change", [
    "front matter", "evaluation heading", "new file", "deleted file", "settings",
    "missing link", "page edited by hand", "question heading", "emptied note",
])
def test_more_than_a_note_takes_the_full_way(example_journal: Path, tmp_path: Path,
                                             change: str) -> None:
    root, out = example_journal, tmp_path / "site"
    build_site(root, EXAMPLE_DAY, out)
    contact = root / "content/contacts/samuel-achebe.md"
    meeting = next(p for p in sorted((root / "content/meetings").glob("*.md"))
                   if "## Q:" in p.read_text(encoding="utf-8"))
    if change == "front matter":
        contact.write_text(contact.read_text().replace("---\n", "---\n# a comment\n", 1))
    elif change == "evaluation heading":  # a held meeting not evaluated yet: now it is
        append(root / "content/meetings/2026-11-20-ayesha-rahman.md",
               "\n## Evaluation\n\nWent well.\n")
    elif change == "new file":
        (root / "content/contacts/new-person.md").write_text("---\nname: New Person\n---\n")
    elif change == "deleted file":
        (root / "content/companies/larkspur-health.md").unlink()
    elif change == "settings":
        append(root / "infoint.yaml", "\n# a comment\n")
    elif change == "missing link":
        append(contact, "\nSee [nobody](nobody-at-all.md).\n")
    elif change == "page edited by hand":
        page = out / "contacts/samuel-achebe/index.html"
        page.write_bytes(page.read_bytes().replace(b"</body>", b"<!-- mine --></body>"))
        append(contact, "\nMore.\n")
    elif change == "question heading":
        append(meeting, "\n## Q: A question never asked before?\n\nAn answer.\n")
    elif change == "emptied note":
        text = contact.read_text()
        contact.write_text(text[:text.index("\n---\n") + 5])
    try:
        result = build_site(root, EXAMPLE_DAY, out)
    except Exception:  # a deleted company may leave references: the full way refused it
        assert change == "deleted file"
        return
    assert result.spliced is None and result.loaded is not None
    same_as_fresh(root, out, EXAMPLE_DAY, tmp_path)


def test_another_day_folder_or_site_takes_the_full_way(example_journal: Path,
                                                       tmp_path: Path) -> None:
    root, out = example_journal, tmp_path / "site"
    build_site(root, EXAMPLE_DAY, out)
    assert build_site(root, EXAMPLE_DAY, out).spliced == 0  # nothing changed
    assert build_site(root, date(2026, 11, 23), out).spliced is None
    assert build_site(root, date(2026, 11, 23), tmp_path / "other").spliced is None
    build_site(root, date(2026, 11, 23), out, use_cache=False)  # a new site, not the state's
    append(root / "content/contacts/samuel-achebe.md", "\nMore.\n")
    assert build_site(root, date(2026, 11, 23), out).spliced is None


def test_nothing_changed_writes_nothing(example_journal: Path, tmp_path: Path) -> None:
    root, out = example_journal, tmp_path / "site"
    build_site(root, EXAMPLE_DAY, out)
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    result = build_site(root, EXAMPLE_DAY, out)
    assert result.spliced == 0 and result.bytes == 0
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == before


def test_a_same_size_edit_with_its_old_time_is_still_seen(example_journal: Path,
                                                          tmp_path: Path) -> None:
    root, out = example_journal, tmp_path / "site"
    build_site(root, EXAMPLE_DAY, out)
    contact = root / "content/contacts/samuel-achebe.md"
    info = contact.stat()
    text = contact.read_text(encoding="utf-8")
    contact.write_text(text[:-2] + ("Z" if text[-2] != "Z" else "Y") + text[-1:],
                       encoding="utf-8")
    os.utime(contact, ns=(info.st_atime_ns, info.st_mtime_ns))  # its inode time still moves
    assert contact.stat().st_size == info.st_size
    assert build_site(root, EXAMPLE_DAY, out).spliced not in (None, 0)
    same_as_fresh(root, out, EXAMPLE_DAY, tmp_path)


def test_a_tampered_or_foreign_state_is_ignored(example_journal: Path, tmp_path: Path) -> None:
    root, out = example_journal, tmp_path / "site"
    build_site(root, EXAMPLE_DAY, out)
    state = root / ".infoint-cache" / STATE_FILE
    data = bytearray(state.read_bytes())
    data[-5] ^= 1
    state.write_bytes(bytes(data))
    append(root / "content/contacts/samuel-achebe.md", "\nMore.\n")
    assert build_site(root, EXAMPLE_DAY, out).spliced is None
    same_as_fresh(root, out, EXAMPLE_DAY, tmp_path)


def test_no_state_for_an_encrypted_site_or_an_own_theme(example_journal: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    root, out = example_journal, tmp_path / "site"
    state = root / ".infoint-cache" / STATE_FILE
    (root / "themes/default/templates").mkdir(parents=True)
    (root / "themes/default/templates/contact.html").write_text(
        (Path(__file__).resolve().parents[1] / "themes/default/templates/contact.html")
        .read_text().replace("{{ notes|safe }}", "{{ notes|striptags }}"))
    build_site(root, EXAMPLE_DAY, out)
    assert not state.exists()
    append(root / "content/contacts/samuel-achebe.md", "\nMore.\n")
    assert build_site(root, EXAMPLE_DAY, out).spliced is None
    same_as_fresh(root, out, EXAMPLE_DAY, tmp_path)


def test_the_command_says_it_was_quick(example_journal: Path, tmp_path: Path) -> None:
    root, out = example_journal, tmp_path / "site"
    args = ["--root", str(root), "build", "--today", EXAMPLE_DAY.isoformat(), "--out", str(out)]
    assert CliRunner().invoke(main, args).exit_code == 0
    append(root / "content/contacts/samuel-achebe.md", "\nMore.\n")
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert re.search(r"quick: only notes' text, roles, fields or tags changed;"
                     r" \d+ files updated", result.output)
    assert "privacy:" in result.output


def test_holes_are_found_only_where_they_stand_once() -> None:
    page = b"<p>a</p><div><p>b</p></div><p>b</p>"
    assert locate_holes(page, [(("body", "x"), "<p>a</p>"), (("body", "y"), "<p>b</p>"),
                               (("body", "z"), ""), (("body", "w"), "<p>c</p>")]) == [
        (("body", "x"), 0, 8), (("body", "y"), -1, -1), (("body", "z"), -1, -1),
        (("body", "w"), -1, -1)]


def test_front_matter_digest_is_the_bytes_before_the_body() -> None:
    text = b"---\nname: A\n---\nbody\n"
    assert front_digest(text, 4) == front_digest(b"---\nname: A\n---\nother body", 4)
    assert front_digest(text, 4) != front_digest(b"---\nname: B\n---\nbody\n", 4)
    assert front_digest(b"---\nname: A\n---", 4) != front_digest(text, 4)


def test_a_site_built_since_without_the_cache_voids_the_state(example_journal: Path,
                                                               tmp_path: Path) -> None:
    """Two builds without the cache put the state's own folder back in place (the writer
    writes over the site it replaced), holding another day's site: never trusted."""
    root, out = example_journal, tmp_path / "site"
    build_site(root, EXAMPLE_DAY, out)
    folder = out.stat().st_ino
    later = date(2026, 12, 1)
    build_site(root, later, out, use_cache=False)
    build_site(root, later, out, use_cache=False)
    assert out.stat().st_ino == folder
    result = build_site(root, EXAMPLE_DAY, out)
    assert result.spliced is None
    same_as_fresh(root, out, EXAMPLE_DAY, tmp_path)


def test_a_page_left_half_replaced_is_the_sites_own(example_journal: Path,
                                                    tmp_path: Path) -> None:
    """A quick rebuild killed between writing a page and renaming it over the old one
    leaves a hidden file beside it: the next full build takes the folder and drops it."""
    root, out = example_journal, tmp_path / "site"
    build_site(root, EXAMPLE_DAY, out)
    leftover = out / "contacts/samuel-achebe/.index.html.4242.quick-tmp"
    leftover.write_bytes(b"half")
    contact = root / "content/contacts/samuel-achebe.md"
    contact.write_text(contact.read_text().replace("tags: [insurance,", "tags: [actuary,"))
    assert build_site(root, EXAMPLE_DAY, out).spliced is None
    assert not leftover.exists()
    same_as_fresh(root, out, EXAMPLE_DAY, tmp_path)


def test_marked_parts_are_found_in_one_pass_and_taken_out() -> None:
    parts = [(("answer", "m.md", 3), "<p>yes</p>"), (("answer", "n.md", 5), "<p>yes</p>"),
             (("answer", "o.md", 7), "<p>never shown</p>"), (("answer", "p.md", 9), "")]
    html = (f"<h1>Q — é</h1>{marked(0, parts[0][1])}<hr>{marked(1, parts[1][1])}"
            f"{marked(3, parts[3][1])}")
    data, holes = unmark(html, parts)
    assert data == "<h1>Q — é</h1><p>yes</p><hr><p>yes</p>".encode()
    assert holes == [(("answer", "m.md", 3), 17, 27), (("answer", "n.md", 5), 31, 41),
                     (("answer", "o.md", 7), -1, -1), (("answer", "p.md", 9), -1, -1)]
    twice = marked(0, "<p>a</p>")
    assert unmark(twice + twice, parts[:1])[1] == [(("answer", "m.md", 3), -1, -1)]
    # Every part once and in order (the contacts list's roles), or in another order.
    fields = [(("field", f"c{n}.md", "role"), f"R&amp;D {n}") for n in range(12)]
    in_order = "".join(f"<td>{marked(n, html)}</td>" for n, (_, html) in enumerate(fields))
    backwards = "".join(f"<td>{marked(n, fields[n][1])}</td>" for n in reversed(range(12)))
    for html in (in_order, backwards):
        data, holes = unmark(html, fields)
        assert [data[start:end].decode() for _, start, end in holes] == \
            [html for _, html in fields]
    changed = in_order.replace("R&amp;D 3", "R&amp;D 3!")  # (a filter at work on it)
    assert unmark(changed, fields)[1][3] == (fields[3][0], -1, -1)


# -- what a review found (each failed before its fix) ---------------------------------------


def test_an_answer_moved_down_unchanged_is_still_found_when_edited(example_journal: Path,
                                                                   tmp_path: Path) -> None:
    root, out = example_journal, tmp_path / "site"
    build_site(root, EXAMPLE_DAY, out)
    meeting = root / "content/meetings/2026-11-20-ayesha-rahman.md"
    text = meeting.read_text(encoding="utf-8")
    at = text.index("## Q:")
    meeting.write_text(text[:at] + "\n" + text[at:], encoding="utf-8")  # only its line moves
    assert build_site(root, EXAMPLE_DAY, out).spliced is not None
    text = meeting.read_text(encoding="utf-8")
    end = text.index("\n", text.index("## Q:"))
    meeting.write_text(text[:end + 1] + "\nA new first sentence.\n" + text[end + 1:],
                       encoding="utf-8")
    assert build_site(root, EXAMPLE_DAY, out).spliced not in (None, 0)
    same_as_fresh(root, out, EXAMPLE_DAY, tmp_path)


def test_a_name_holding_nul_characters_is_not_taken_for_markers(example_journal: Path,
                                                                 tmp_path: Path) -> None:
    root, out = example_journal, tmp_path / "site"
    contact = root / "content/contacts/helen-okafor.md"
    contact.write_text(contact.read_text().replace("name: Helen Okafor",
                                                   'name: "Helen\\x000\\x01 Okafor"'))
    build_site(root, EXAMPLE_DAY, out)
    same_as_fresh(root, out, EXAMPLE_DAY, tmp_path)


@pytest.mark.parametrize("name", [".backup.quick-tmp", "contacts/.my-notes.quick-tmp",
                                  "contacts/jane/.index.html.12.quick-tmp"])
def test_a_file_of_yours_named_like_a_leftover_is_never_taken(example_journal: Path,
                                                              tmp_path: Path, name: str) -> None:
    root, out = example_journal, tmp_path / "site"
    build_site(root, EXAMPLE_DAY, out)
    mine = out / name
    mine.parent.mkdir(parents=True, exist_ok=True)
    mine.write_text("mine")
    with pytest.raises(UnsafeOutput):
        build_site(root, EXAMPLE_DAY, out, use_cache=False)
    assert mine.read_text() == "mine"


def test_an_interrupted_quick_rebuild_leaves_nothing_behind(example_journal: Path,
                                                            tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch,
                                                            ) -> None:
    root, out = example_journal, tmp_path / "site"
    build_site(root, EXAMPLE_DAY, out)
    append(root / "content/contacts/samuel-achebe.md", "\nMore.\n")
    real_open, opened = open, []

    def interrupted(path: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if str(path).endswith(QUICK_SUFFIX):
            opened.append(path)
            if len(opened) == 2:
                raise KeyboardInterrupt
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr("builtins.open", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build_site(root, EXAMPLE_DAY, out)
    monkeypatch.undo()
    assert not [p for p in out.rglob("*") if p.name.endswith(QUICK_SUFFIX)]
    assert build_site(root, EXAMPLE_DAY, out).spliced is None  # the state was let go first
    same_as_fresh(root, out, EXAMPLE_DAY, tmp_path)


def test_a_state_of_another_layout_is_let_go(example_journal: Path, tmp_path: Path) -> None:
    root, out = example_journal, tmp_path / "site"
    build_site(root, EXAMPLE_DAY, out)
    state = load_state(root)
    assert state is not None
    del state["folders"]
    write_state(root, state)
    append(root / "content/contacts/samuel-achebe.md", "\nMore.\n")
    assert build_site(root, EXAMPLE_DAY, out).spliced is None
    same_as_fresh(root, out, EXAMPLE_DAY, tmp_path)


def test_a_theme_folder_pointed_elsewhere_is_seen(example_journal: Path, tmp_path: Path) -> None:
    root, out = example_journal, tmp_path / "site"
    (root / "themes").mkdir()
    (root / "themes/mine").symlink_to(default_theme_dir())
    settings = root / "infoint.yaml"
    settings.write_text(settings.read_text().replace("theme: default", "theme: mine"))
    build_site(root, EXAMPLE_DAY, out)
    assert (root / ".infoint-cache" / STATE_FILE).exists()  # it is the default theme
    own = tmp_path / "own-theme"
    shutil.copytree(default_theme_dir() / "templates", own / "templates")
    page = own / "templates/contact.html"
    page.write_text(page.read_text().replace('class="panel-title">Notes<', ">My notes<"))
    (root / "themes/mine").unlink()
    (root / "themes/mine").symlink_to(own)
    append(root / "content/contacts/samuel-achebe.md", "\nMore.\n")
    assert build_site(root, EXAMPLE_DAY, out).spliced is None
    same_as_fresh(root, out, EXAMPLE_DAY, tmp_path)


# -- the full build reads only what changed (the stamps the quick state keeps) --


def opened_notes(monkeypatch: pytest.MonkeyPatch, root: Path) -> list[str]:
    """The content files the loader opens from now on."""
    opened: list[str] = []

    def spy(path: Any, *args: Any, **kwargs: Any) -> Any:
        if f"{os.sep}content{os.sep}" in str(path):
            opened.append(Path(path).relative_to(root).as_posix())
        return open(path, *args, **kwargs)

    monkeypatch.setattr(loader, "open", spy, raising=False)
    return opened


def edit_role(root: Path, rel: str, role: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^role: .*$", f"role: {role}", text, count=1), encoding="utf-8")


def add_tag(root: Path, rel: str, tag: str) -> None:
    """A field edit that takes the full build when `tag` is new: the contacts list
    offers every tag as a filter."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\ntags: [", f"\ntags: [{tag}, ", 1), encoding="utf-8")


SAMUEL = "content/contacts/samuel-achebe.md"


@pytest.fixture
def settled_site(example_journal: Path, tmp_path: Path,
                 monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """The example journal and its site, built with every file settled when read."""
    monkeypatch.setattr(quick_state, "RACY_NS", 0)
    build_site(example_journal, EXAMPLE_DAY, tmp_path / "site")
    return example_journal, tmp_path / "site"


def test_a_full_build_reads_only_the_files_changed_since_the_last(
        settled_site: tuple[Path, Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    root, out = settled_site
    opened = opened_notes(monkeypatch, root)
    add_tag(root, SAMUEL, "actuarial")
    result = build_site(root, EXAMPLE_DAY, out)
    assert result.loaded is not None  # a listed field: the full build
    assert opened == [SAMUEL]
    same_as_fresh(root, out, EXAMPLE_DAY, tmp_path)


def test_files_changed_just_before_a_build_are_read_by_the_next(
        example_journal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A change in the same clock tick as the build's read could keep the stamp."""
    monkeypatch.setattr(quick_state, "RACY_NS", 500_000_000)
    root, out = example_journal, tmp_path / "site"
    build_site(root, EXAMPLE_DAY, out)
    time.sleep(0.6)  # the journal's files settled
    add_tag(root, SAMUEL, "actuarial")  # changed now: not settled when read
    build_site(root, EXAMPLE_DAY, out)
    time.sleep(0.6)
    opened = opened_notes(monkeypatch, root)
    add_tag(root, "content/contacts/grace-adeyemi.md", "director")
    build_site(root, EXAMPLE_DAY, out)
    assert sorted(opened) == ["content/contacts/grace-adeyemi.md", SAMUEL]
    same_as_fresh(root, out, EXAMPLE_DAY, tmp_path)


def test_a_file_whose_record_the_cache_lacks_is_read(
        settled_site: tuple[Path, Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    root, out = settled_site
    opened = opened_notes(monkeypatch, root)
    grace = "content/contacts/grace-adeyemi.md"
    monkeypatch.setattr(BuildCache, "has_parsed", lambda self, key: key[1] != grace)
    add_tag(root, SAMUEL, "actuarial")
    build_site(root, EXAMPLE_DAY, out)
    assert sorted(opened) == [grace, SAMUEL]
    same_as_fresh(root, out, EXAMPLE_DAY, tmp_path)


def test_a_note_spliced_by_the_quick_rebuild_is_read_by_the_next_full_build(
        settled_site: tuple[Path, Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The quick rebuild keeps the note's new digest, not its record: read, not trusted."""
    root, out = settled_site
    append(root / "content/contacts/grace-adeyemi.md", "\nNow leads the pricing guild.\n")
    assert build_site(root, EXAMPLE_DAY, out).spliced
    opened = opened_notes(monkeypatch, root)
    add_tag(root, SAMUEL, "actuarial")
    build_site(root, EXAMPLE_DAY, out)
    assert sorted(opened) == ["content/contacts/grace-adeyemi.md", SAMUEL]
    same_as_fresh(root, out, EXAMPLE_DAY, tmp_path)


def test_search_texts_of_unchanged_notes_come_from_the_cache(
        example_journal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, out = example_journal, tmp_path / "site"
    build_site(root, EXAMPLE_DAY, out)
    made: list[str] = []

    def counted(body: str) -> str:
        made.append(body)
        return search_text(body)

    monkeypatch.setattr(listings, "search_text", counted)
    add_tag(root, SAMUEL, "actuarial")
    append(root / "content/contacts/grace-adeyemi.md", "\nNow leads the pricing guild.\n")
    build_site(root, EXAMPLE_DAY, out, workers=1)
    assert len(made) == 1 and made[0].endswith("Now leads the pricing guild.\n")
    same_as_fresh(root, out, EXAMPLE_DAY, tmp_path)


GRACE = "content/contacts/grace-adeyemi.md"
"""Works at a company with its own file, and has meetings in the calendar."""


@pytest.mark.parametrize("edit", ["role", "field", "both, and the note", "escaped"])
def test_a_contacts_shown_field_is_spliced_where_it_stands(example_journal: Path,
                                                           tmp_path: Path, edit: str) -> None:
    """Role and field: the contact's page, its company's, the contacts list, its search
    entry and the calendar's descriptions of its meetings."""
    root, out = example_journal, tmp_path / "site"
    build_site(root, EXAMPLE_DAY, out)
    before = site_files(out)
    if edit in ("role", "both, and the note"):
        edit_role(root, GRACE, "Director of Analytics")
    if edit == "escaped":  # HTML, and the calendar's TEXT escapes and folding
        edit_role(root, GRACE, "'R&D <lead>, \"data\"; ops \\\\ ünïcode — a long title indeed'")
    if edit in ("field", "both, and the note"):
        path = root / GRACE
        path.write_text(path.read_text().replace("field: education technology",
                                                 "field: learning & technology"))
    if edit == "both, and the note":
        append(root / GRACE, "\nNow leads the pricing guild.\n")
    result = build_site(root, EXAMPLE_DAY, out)
    assert result.spliced is not None and result.loaded is None
    changed = {f for f, data in site_files(out).items() if before.get(f) != data}
    expected = {"contacts/grace-adeyemi/index.html", "search/index.html"}
    if edit != "field":
        expected |= {"companies/kestrel-learning/index.html", "contacts/index.html",
                     "calendar.ics"}
    assert expected <= changed
    same_as_fresh(root, out, EXAMPLE_DAY, tmp_path)


@pytest.mark.parametrize("change", ["emptied", "first given", "name too", "line added"])
def test_a_shown_field_edit_that_changes_more_takes_the_full_way(
        example_journal: Path, tmp_path: Path, change: str) -> None:
    root, out = example_journal, tmp_path / "site"
    build_site(root, EXAMPLE_DAY, out)
    path = root / GRACE
    text = path.read_text()
    if change == "emptied":  # no longer shown: " at " goes from the page
        text = text.replace("role: Head of Analytics", "role:")
    elif change == "first given":
        path = root / "content/contacts/new-person.md"
        path.write_text("---\nname: New Person\n---\n")
        build_site(root, EXAMPLE_DAY, out)
        text = "---\nname: New Person\nrole: Analyst\n---\n"
    elif change == "name too":
        text = text.replace("role: Head of Analytics", "role: Director").replace(
            "name: Grace Adeyemi", "name: Grace Adeyemi-Stone")
    elif change == "line added":
        text = text.replace("role: Head of Analytics", "role: Director\n# since May")
    path.write_text(text)
    result = build_site(root, EXAMPLE_DAY, out)
    assert result.spliced is None and result.loaded is not None
    same_as_fresh(root, out, EXAMPLE_DAY, tmp_path)


def test_a_hidden_field_edit_changes_nothing_shown(example_journal: Path,
                                                   tmp_path: Path) -> None:
    root, out = example_journal, tmp_path / "site"
    settings = root / "infoint.yaml"
    settings.write_text(settings.read_text().replace("hide_fields: []",
                                                     "hide_fields: [role]"))
    assert "hide_fields: [role]" in settings.read_text()
    build_site(root, EXAMPLE_DAY, out)
    before = site_files(out)
    edit_role(root, GRACE, "Director of Analytics")
    result = build_site(root, EXAMPLE_DAY, out)
    assert result.spliced is not None
    assert site_files(out) == before
    same_as_fresh(root, out, EXAMPLE_DAY, tmp_path)


def test_shown_fields_of_pages_a_full_build_kept_are_still_known(
        example_journal: Path, tmp_path: Path) -> None:
    """A full build that keeps listings and pages from the last one carries where the
    fields stand in them: the next role edit is still quick, and right."""
    root, out = example_journal, tmp_path / "site"
    build_site(root, EXAMPLE_DAY, out)
    # A note linking to a page that does not exist: a warning, so the full way, which
    # keeps every listing that shows no note, and every page but this one.
    append(root / SAMUEL, "\nSee [nobody](nobody-at-all.md).\n")
    result = build_site(root, EXAMPLE_DAY, out)
    assert result.spliced is None
    edit_role(root, GRACE, "Director of Analytics")
    assert build_site(root, EXAMPLE_DAY, out).spliced is not None
    same_as_fresh(root, out, EXAMPLE_DAY, tmp_path)


def test_many_field_and_note_edits_in_a_row_match_fresh_builds(tmp_path: Path) -> None:
    root = generate(tmp_path / "journal", 80, seed=11)
    out = tmp_path / "site"
    build_site(root, TODAY, out)
    rng = random.Random(11)
    contacts = sorted(root.glob("content/contacts/*.md"))
    notes = sorted(root.glob("content/*/*.md"))
    quick = 0
    for step in range(10):
        for contact in rng.sample(contacts, rng.choice([1, 1, 2])):
            text = contact.read_text(encoding="utf-8")
            field = rng.choice(["role", "field", "tags"])
            value = rng.choice(["Analyst", "R&D <lead>; a, b", "Ünïcode — “quoted”", "x" * 90])
            line = f"{field}: '{value} {step}'"
            if field == "tags":  # the generator's own tags: the set of them stays
                line = f"tags: [{', '.join(rng.sample(TAGS, rng.randint(1, 3)))}]"
            contact.write_text(re.sub(rf"(?m)^{field}: .*$", line, text, count=1),
                               encoding="utf-8")
        if rng.random() < 0.5:
            append(rng.choice(notes), f"\nA line {step}.\n")
        result = build_site(root, TODAY, out, workers=rng.choice([1, 2]))
        quick += result.spliced is not None
        same_as_fresh(root, out, TODAY, tmp_path)
    assert quick >= 7  # two contacts of one meeting, or a company's, may take the full way


def test_a_role_edit_makes_no_html_of_the_unchanged_note(
        example_journal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from infoint_site import quick_edits

    root, out = example_journal, tmp_path / "site"
    build_site(root, EXAMPLE_DAY, out)

    def no_html(*_: Any, **__: Any) -> Any:
        raise AssertionError("the note did not change: its HTML stands")

    monkeypatch.setattr(quick_edits.HoleEdits, "render", no_html)
    edit_role(root, GRACE, "Director of Analytics")
    assert build_site(root, EXAMPLE_DAY, out).spliced is not None
    same_as_fresh(root, out, EXAMPLE_DAY, tmp_path)


def test_edits_after_a_spliced_role_edit_are_quick_too(example_journal: Path,
                                                       tmp_path: Path) -> None:
    """The state the quick rebuild keeps knows the new role and front matter."""
    root, out = example_journal, tmp_path / "site"
    build_site(root, EXAMPLE_DAY, out)
    for edit in range(3):
        edit_role(root, GRACE, f"Director {edit}")
        assert build_site(root, EXAMPLE_DAY, out).spliced is not None
    append(root / GRACE, "\nNow leads the pricing guild.\n")
    assert build_site(root, EXAMPLE_DAY, out).spliced is not None
    same_as_fresh(root, out, EXAMPLE_DAY, tmp_path)


def test_a_note_put_back_with_a_role_edit_is_not_taken_for_unchanged(
        example_journal: Path, tmp_path: Path) -> None:
    """A note edited (quick), then put back in the same save as a role edit: the state
    knew the edited note, so the note is made again (a review found the state kept the
    first note's digest, and the old HTML stayed)."""
    root, out = example_journal, tmp_path / "site"
    build_site(root, EXAMPLE_DAY, out)
    original = (root / GRACE).read_text(encoding="utf-8")
    append(root / GRACE, "\nNow leads the pricing guild.\n")
    assert build_site(root, EXAMPLE_DAY, out).spliced is not None
    (root / GRACE).write_text(original.replace("role: Head of Analytics", "role: Director"),
                              encoding="utf-8")
    assert build_site(root, EXAMPLE_DAY, out).spliced is not None
    same_as_fresh(root, out, EXAMPLE_DAY, tmp_path)


def test_every_place_a_role_field_or_tag_stands_is_a_hole(example_journal: Path,
                                                     tmp_path: Path) -> None:
    """Where the site shows a contact's role, field or tags, the state knows it: a
    template that showed one without `shown` would leave an old value behind after a
    splice."""
    root, out = example_journal, tmp_path / "site"
    path = root / GRACE
    path.write_text(path.read_text().replace("role: Head of Analytics", "role: Zyxquor")
                    .replace("field: education technology", "field: Qwvbnat")
                    .replace("tags: [edtech,", "tags: [Vqzwtag, edtech,"))
    build_site(root, EXAMPLE_DAY, out)
    state = load_state(root)
    assert state is not None and state["fields"]
    found = 0
    for file, data in site_files(out).items():
        covered = [(start, end) for key, start, end in state["holes"].get(file, [])
                   if key[1] == GRACE and key[0] in ("field", "search", "event")]
        if file == "contacts/index.html":  # the filter's tags: the quick rebuild keeps them
            at = data.index(b'<select name="tag">')
            covered.append((at, data.index(b"</select>", at)))
        for word in (b"Zyxquor", b"Qwvbnat", b"Vqzwtag"):
            at = data.find(word)
            while at >= 0:
                found += 1
                assert any(start <= at < end for start, end in covered), (file, word)
                at = data.find(word, at + 1)
    assert found >= 12  # her page (3), company, contacts list (5), search (4), calendar


def test_roles_spliced_between_parallel_full_builds_match_fresh_builds(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Full builds in forked workers (the contacts list and the calendar made in the
    listings worker, the pages kept from the last build linked) know where every role
    stands; the quick rebuilds between them splice it."""
    from infoint_site import build, parallel

    monkeypatch.setattr(parallel, "PARALLEL_MIN_PAGES", 40)
    monkeypatch.setattr(build, "APART_MIN_FILES", 40)
    root = generate(tmp_path / "journal", 160, seed=8)
    out = tmp_path / "site"
    build_site(root, TODAY, out, workers=2)
    contacts = sorted(root.glob("content/contacts/*.md"))
    quick = full = 0
    for step in range(6):
        contact = contacts[step * 7 % len(contacts)]
        edit_role(root, contact.relative_to(root).as_posix(), f"Lead {step} & co")
        result = build_site(root, TODAY, out, workers=2)
        quick += result.spliced is not None
        same_as_fresh(root, out, TODAY, tmp_path)
        add_tag(root, contacts[(step * 11 + 3) % len(contacts)].relative_to(root).as_posix(),
                f"step-{step}")  # the full build, keeping most pages and some listings
        result = build_site(root, TODAY, out, workers=2)
        full += result.loaded is not None
        same_as_fresh(root, out, TODAY, tmp_path)
    assert quick == 6 and full == 6


GRACE_TAGS = "tags: [edtech, product-analytics, learning-science, hiring-manager]"


@pytest.mark.parametrize(("tags", "quick"), [
    ("tags: [edtech, product-analytics, learning-science, hiring-manager, sql]", True),
    ("tags: [edtech, learning-science, hiring-manager]", True),  # Oliver has it too
    ("tags: [hiring-manager, edtech, product-analytics, learning-science]", True),
    ("tags: [edtech, product-analytics, hiring-manager]", False),  # hers alone: filter
    ("tags: [edtech, product-analytics, learning-science, hiring-manager, brand-new]",
     False),
    ("tags: []", False),
])
def test_tags_that_every_contact_had_between_them_are_spliced(
        example_journal: Path, tmp_path: Path, tags: str, quick: bool) -> None:
    """Tags stand on the contact's page, twice in its row of the contacts list and in
    its search entry; the list's filter offers every tag, so the set must stay."""
    root, out = example_journal, tmp_path / "site"
    build_site(root, EXAMPLE_DAY, out)
    path = root / GRACE
    text = path.read_text()
    assert GRACE_TAGS in text
    path.write_text(text.replace(GRACE_TAGS, tags))
    result = build_site(root, EXAMPLE_DAY, out)
    assert (result.spliced is not None) == quick
    same_as_fresh(root, out, EXAMPLE_DAY, tmp_path)
    path.write_text(text.replace(GRACE_TAGS, GRACE_TAGS.replace("edtech", "edtech, sql")))
    build_site(root, EXAMPLE_DAY, out)  # the next edit knows the counts the last left
    same_as_fresh(root, out, EXAMPLE_DAY, tmp_path)


def test_tags_moved_between_contacts_in_one_save_are_quick_either_way(
        example_journal: Path, tmp_path: Path) -> None:
    """One contact gives up the last "learning-science", another takes it: the set of
    tags is the same once both are counted, whichever file is read first."""
    root, out = example_journal, tmp_path / "site"
    build_site(root, EXAMPLE_DAY, out)
    grace, oliver = root / GRACE, root / "content/contacts/oliver-grant.md"
    grace.write_text(grace.read_text().replace(GRACE_TAGS, GRACE_TAGS.replace(
        "learning-science, ", "")))
    oliver.write_text(oliver.read_text().replace("tags: [edtech,",
                                                 "tags: [learning-science, edtech,"))
    assert build_site(root, EXAMPLE_DAY, out).spliced is not None
    same_as_fresh(root, out, EXAMPLE_DAY, tmp_path)


def test_an_empty_tag_is_not_spliced(example_journal: Path, tmp_path: Path) -> None:
    """``tags: ['']`` shows in the page, but as nothing in the list's attribute, where
    no hole can stand: the full build (a review found the attribute left as it was)."""
    root, out = example_journal, tmp_path / "site"
    path = root / GRACE
    path.write_text(path.read_text().replace(GRACE_TAGS, "tags: ['']"))
    build_site(root, EXAMPLE_DAY, out)
    path.write_text(path.read_text().replace("tags: ['']", "tags: ['', '']"))
    assert build_site(root, EXAMPLE_DAY, out).spliced is None
    same_as_fresh(root, out, EXAMPLE_DAY, tmp_path)
