"""Writing the site: one atomic swap, and folders a build must never replace."""

from __future__ import annotations

import errno
import os
import shutil
import textwrap
from collections.abc import Mapping
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from infoint_site import quick, writer
from infoint_site.cli import main
from infoint_site.writer import MARKER, UnsafeOutput, check_output, write_site

TODAY = "2026-11-22"

JOURNAL = {
    "infoint.yaml": "title: Test journal\ntimezone: Europe/London\n",
    "content/contacts/john-smith.md": """
        ---
        name: John Smith
        ---
        An old colleague.
    """,
    "content/contacts/jane-doe.md": """
        ---
        name: Jane Doe
        referred_by: john-smith
        ---
    """,
    "content/contacts/sam-lee.md": """
        ---
        name: Sam Lee
        ---
    """,
    "content/meetings/2026-11-03-jane-doe.md": """
        ---
        contact: jane-doe
        date: 2026-11-03
        status: done
        ---
        ## Notes
        Useful.
    """,
}

# -- helpers ---------------------------------------------------------------------------------


def write_journal(root: Path, files: Mapping[str, str] = JOURNAL) -> Path:
    """Write each relative path's dedented text under `root`; the root is a journal."""
    (root / "content").mkdir(parents=True, exist_ok=True)
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def build(root: Path, out: Path | str, *extra: str) -> Result:
    return CliRunner().invoke(
        main, ["--root", str(root), "build", "--today", TODAY, "--out", str(out), *extra]
    )


def built(root: Path, out: Path | str) -> Result:
    result = build(root, out)
    assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
    return result


Snapshot = dict[str, tuple[bytes | None, int]]


def snapshot(folder: Path) -> Snapshot:
    """Every file and folder under `folder`: its bytes (None for a folder) and mtime."""
    if not folder.exists():
        return {}
    found: Snapshot = {".": (None, folder.stat().st_mtime_ns)}
    for path in sorted(folder.rglob("*")):
        info = path.lstat()
        data = path.read_bytes() if path.is_file() and not path.is_symlink() else None
        found[path.relative_to(folder).as_posix()] = (data, info.st_mtime_ns)
    return found


def temp_folders(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.endswith(".infoint-tmp"))


@pytest.fixture(autouse=True)
def full_builds(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are about the writer: the quick rebuild (which writes no new site) is
    kept out of the way, except where both must refuse or clean up the same."""
    if request.node.name not in QUICK_TOO:
        monkeypatch.setattr(quick, "quick_build", lambda *args: None)


QUICK_TOO = {"test_refuses_a_site_folder_where_the_user_added_a_file",
             "test_leftovers_of_a_killed_build_are_cleaned",
             "test_refuses_a_folder_with_files_it_did_not_write"}


@pytest.fixture
def journal(tmp_path: Path) -> Path:
    return write_journal(tmp_path / "journal")


@pytest.fixture
def old_site(tmp_path: Path, journal: Path) -> Path:
    """A site built before, as the user has it on disk."""
    out = tmp_path / "site"
    built(journal, out)
    assert (out / "contacts/jane-doe/index.html").is_file()
    return out


# -- a failed build leaves the previous site ------------------------------------------------


def test_a_journal_error_leaves_the_previous_site_untouched(
        tmp_path: Path, journal: Path, old_site: Path) -> None:
    site_before = snapshot(old_site)
    (journal / "content/contacts/jane-doe.md").write_text(
        "---\nname: Jane Doe\nreferred_by: jon-smith\n---\n", encoding="utf-8")
    everything_before = snapshot(tmp_path)
    result = build(journal, old_site)
    assert result.exit_code == 1
    assert "content/contacts/jane-doe.md:3:" in result.stderr
    assert "error[E" in result.stderr and "jon-smith" in result.stderr
    assert "previous site was left as it was" in result.stderr
    assert result.stdout == ""
    assert snapshot(old_site) == site_before  # same bytes, same mtimes
    assert snapshot(tmp_path) == everything_before  # and nothing new anywhere


def test_a_journal_error_writes_nothing_when_there_is_no_site_yet(
        tmp_path: Path, journal: Path) -> None:
    (journal / "content/contacts/bad.md").write_text("no front matter\n", encoding="utf-8")
    before = snapshot(tmp_path)
    result = build(journal, tmp_path / "out" / "site")
    assert result.exit_code == 1
    assert "content/contacts/bad.md:1:" in result.stderr
    assert snapshot(tmp_path) == before


# -- guards ----------------------------------------------------------------------------------


def refused(result: Result, *words: str) -> None:
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert "refusing to build into" in result.stderr, result.stderr
    for word in words:
        assert word in result.stderr, (word, result.stderr)
    assert "Traceback" not in result.output
    assert "internal error" not in result.stderr


def test_refuses_the_journal_root(tmp_path: Path, journal: Path) -> None:
    before = snapshot(tmp_path)
    refused(build(journal, journal), "journal")
    assert snapshot(tmp_path) == before


def test_refuses_the_journal_root_given_as_dot(
        tmp_path: Path, journal: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(journal)
    before = snapshot(tmp_path)
    refused(build(Path("."), "."), "journal")
    assert snapshot(tmp_path) == before


def test_refuses_a_symlink_to_the_journal_root(tmp_path: Path, journal: Path) -> None:
    link = tmp_path / "link"
    link.symlink_to(journal, target_is_directory=True)
    before = snapshot(tmp_path)
    refused(build(journal, link), "journal")
    assert snapshot(tmp_path) == before


def test_refuses_an_ancestor_of_the_journal(tmp_path: Path) -> None:
    root = write_journal(tmp_path / "projects" / "journal")
    before = snapshot(tmp_path)
    refused(build(root, tmp_path / "projects"), "journal")
    refused(build(root, tmp_path), "journal")
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("inside", ["content", "content/site", "content/contacts",
                                    "themes/site", ".git/site"])
def test_refuses_a_folder_inside_the_journal_sources(
        tmp_path: Path, journal: Path, inside: str) -> None:
    (journal / ".git").mkdir()
    before = snapshot(tmp_path)
    refused(build(journal, journal / inside), inside.split("/")[0] + "/")
    assert snapshot(tmp_path) == before


def test_refuses_the_file_system_root(tmp_path: Path, journal: Path) -> None:
    before = snapshot(tmp_path)
    listing = sorted(os.listdir("/"))
    refused(build(journal, "/"), "root of the file system")
    assert sorted(os.listdir("/")) == listing
    assert snapshot(tmp_path) == before


def test_refuses_the_home_folder(
        tmp_path: Path, journal: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()  # empty: only the home-folder guard can refuse it
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: home))
    before = snapshot(tmp_path)
    refused(build(journal, home), "home folder")
    assert snapshot(tmp_path) == before


def test_an_empty_folder_is_accepted(tmp_path: Path, journal: Path) -> None:
    """The counterpart of the home-folder test: an empty folder elsewhere is fine."""
    out = tmp_path / "empty"
    out.mkdir()
    built(journal, out)
    assert (out / "index.html").is_file()


def test_refuses_a_folder_with_files_it_did_not_write(tmp_path: Path, journal: Path) -> None:
    out = tmp_path / "documents"
    (out / "taxes").mkdir(parents=True)
    (out / "taxes" / "2025.pdf").write_bytes(b"%PDF")
    before = snapshot(tmp_path)
    refused(build(journal, out), "did not write", ".infoint-site")
    assert snapshot(tmp_path) == before


def test_refuses_a_site_folder_where_the_user_added_a_file(
        tmp_path: Path, journal: Path, old_site: Path) -> None:
    (old_site / "contacts" / "my-cv.pdf").write_bytes(b"%PDF")
    before = snapshot(tmp_path)
    refused(build(journal, old_site), "contacts/my-cv.pdf")
    assert snapshot(tmp_path) == before


def test_refuses_a_marker_written_by_something_else(tmp_path: Path, journal: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / MARKER).write_text('{"generator": "other", "files": [".infoint-site"]}')
    before = snapshot(tmp_path)
    refused(build(journal, out), "did not write")
    assert snapshot(tmp_path) == before


def test_refuses_a_file_as_the_output(tmp_path: Path, journal: Path) -> None:
    out = tmp_path / "notes.txt"
    out.write_text("mine")
    before = snapshot(tmp_path)
    result = build(journal, out)
    assert result.exit_code == 2  # click's usage error, before anything is read
    assert "is a file" in result.stderr
    assert snapshot(tmp_path) == before
    with pytest.raises(UnsafeOutput, match="not a folder"):
        check_output(journal, out)


def test_check_output_accepts_the_default_public_folder(tmp_path: Path, journal: Path) -> None:
    check_output(journal, journal / "public")
    with pytest.raises(UnsafeOutput):
        check_output(journal, journal / "content")


# -- rebuilding ------------------------------------------------------------------------------


def test_rebuild_over_its_own_site_removes_pages_of_deleted_contacts(
        tmp_path: Path, journal: Path, old_site: Path) -> None:
    assert (old_site / "contacts/sam-lee/index.html").is_file()
    (journal / "content/contacts/sam-lee.md").unlink()
    (journal / "content/contacts/kim-park.md").write_text("---\nname: Kim Park\n---\n")
    result = built(journal, old_site)
    assert result.stdout.startswith("built ")
    assert not (old_site / "contacts/sam-lee").exists()
    assert (old_site / "contacts/kim-park/index.html").is_file()
    assert "Sam Lee" not in (old_site / "contacts/index.html").read_text(encoding="utf-8")
    assert temp_folders(tmp_path) == []
    # and once more, with nothing changed
    built(journal, old_site)
    assert temp_folders(tmp_path) == []


def test_rebuild_into_the_default_output_setting(journal: Path) -> None:
    for _ in range(2):
        result = CliRunner().invoke(main, ["--root", str(journal), "build", "--today", TODAY])
        assert result.exit_code == 0, result.stderr
    assert (journal / "public/index.html").is_file()
    assert temp_folders(journal) == []


def test_a_symlinked_output_folder_stays_a_link_to_the_new_site(
        tmp_path: Path, journal: Path, old_site: Path) -> None:
    link = tmp_path / "public"
    link.symlink_to(old_site, target_is_directory=True)
    (journal / "content/contacts/kim-park.md").write_text("---\nname: Kim Park\n---\n")
    built(journal, link)
    assert link.is_symlink()
    assert (old_site / "contacts/kim-park/index.html").is_file()
    assert temp_folders(tmp_path) == []


def test_leftovers_of_a_killed_build_are_cleaned(tmp_path: Path, journal: Path,
                                                 old_site: Path) -> None:
    for name in (".site.4242.new.infoint-tmp", ".site.4242.old.infoint-tmp"):
        (tmp_path / name / "contacts").mkdir(parents=True)
        (tmp_path / name / "contacts" / "index.html").write_text("half")
    other = tmp_path / ".elsewhere.4242.new.infoint-tmp"
    other.mkdir()
    built(journal, old_site)
    assert temp_folders(tmp_path) == [other.name]  # only this output's leftovers go
    assert (old_site / "index.html").is_file()


def test_a_killed_first_build_leaves_no_site_and_the_next_build_cleans_up(
        tmp_path: Path, journal: Path) -> None:
    (tmp_path / ".site.999.new.infoint-tmp").mkdir()
    built(journal, tmp_path / "site")
    assert temp_folders(tmp_path) == []


# -- failures while writing ------------------------------------------------------------------


class DiskFullAfter:
    """`open` that fails with ENOSPC after `n` files, as a full disk would."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.opened = 0

    def __call__(self, path: object, mode: str = "r", *args: object, **kwargs: object) -> object:
        if "w" in mode or "x" in mode:
            self.opened += 1
            if self.opened > self.n:
                raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return open(path, mode, *args, **kwargs)  # type: ignore[call-overload]


@pytest.mark.parametrize("after", [0, 5])
def test_a_write_failure_leaves_the_old_site_whole(
        tmp_path: Path, journal: Path, old_site: Path, monkeypatch: pytest.MonkeyPatch,
        after: int) -> None:
    (journal / "content/contacts/kim-park.md").write_text("---\nname: Kim Park\n---\n")
    before = snapshot(old_site)
    failing = DiskFullAfter(after)
    monkeypatch.setattr(writer, "open", failing, raising=False)
    result = build(journal, old_site)
    assert result.exit_code == 1
    assert "No space left on device" in result.stderr
    assert "Traceback" not in result.output
    assert failing.opened == after + 1
    assert snapshot(old_site) == before
    assert temp_folders(tmp_path) == []
    monkeypatch.undo()
    built(journal, old_site)  # and the next build works
    assert (old_site / "contacts/kim-park/index.html").is_file()


def test_a_write_failure_is_reported_as_such_not_as_an_internal_error(
        tmp_path: Path, journal: Path, old_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writer, "open", DiskFullAfter(3), raising=False)
    result = build(journal, old_site)
    assert result.exit_code == 1
    assert "No space left on device" in result.stderr
    assert "internal error" not in result.stderr
    assert "please report it" not in result.stderr


@pytest.mark.parametrize("failing_call", [
    1,
    2,
])
def test_a_failed_swap_leaves_the_old_site_whole(
        tmp_path: Path, journal: Path, old_site: Path, monkeypatch: pytest.MonkeyPatch,
        failing_call: int) -> None:
    """No renameat2, and one of the two renames of the fallback fails."""
    before = snapshot(old_site)
    real_rename = os.rename
    calls: list[tuple[str, str]] = []

    def rename(src: str | Path, dst: str | Path) -> None:
        calls.append((str(src), str(dst)))
        if len(calls) == failing_call:
            raise OSError(errno.EIO, "Input/output error")
        real_rename(src, dst)

    monkeypatch.setattr(writer, "_exchange", lambda a, b: False)
    monkeypatch.setattr(writer.os, "rename", rename)
    result = build(journal, old_site)
    monkeypatch.undo()
    assert result.exit_code == 1
    assert len(calls) >= failing_call  # the fallback may move the old site back
    assert "Input/output error" in result.stderr
    assert snapshot(old_site) == before
    assert temp_folders(tmp_path) == []


def test_write_site_without_renameat2_still_ends_with_the_new_site(
        tmp_path: Path, journal: Path, old_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writer, "_exchange", lambda a, b: False)
    (journal / "content/contacts/sam-lee.md").unlink()
    built(journal, old_site)
    assert not (old_site / "contacts/sam-lee").exists()
    assert (old_site / "contacts/jane-doe/index.html").is_file()
    assert temp_folders(tmp_path) == []


@pytest.mark.parametrize("exchange", [True, False])
def test_write_site_replaces_the_whole_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exchange: bool) -> None:
    if not exchange:
        monkeypatch.setattr(writer, "_exchange", lambda a, b: False)
    out = tmp_path / "site"
    first = {"index.html": b"<p>one</p>", "contacts/a/index.html": b"a"}
    assert write_site(out, first) == sum(map(len, first.values())) + len(
        writer.marker_bytes(first))
    second = {"index.html": b"<p>two</p>", "meetings/b/index.html": b"b"}
    write_site(out, second)
    files = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*")
             if p.is_file()}
    assert files == {**second, MARKER: writer.marker_bytes(second)}
    assert temp_folders(tmp_path) == []


def test_exchange_swaps_two_folders_atomically_where_supported(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "which").write_text("a")
    (b / "which").write_text("b")
    if not writer._exchange(a, b):
        pytest.skip("renameat2(RENAME_EXCHANGE) is not supported here")
    assert (a / "which").read_text() == "b"
    assert (b / "which").read_text() == "a"


def test_the_marker_lists_every_file_of_the_site(old_site: Path) -> None:
    import json

    listed = json.loads((old_site / MARKER).read_text(encoding="utf-8"))
    assert listed["generator"] == "infoint-site"
    on_disk = sorted(p.relative_to(old_site).as_posix() for p in old_site.rglob("*")
                     if p.is_file())
    assert listed["files"] == on_disk


def site_bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_replaced_site_is_written_over_by_the_next_build(tmp_path: Path,
                                                             journal: Path) -> None:
    """The site a build replaces is kept in the cache folder and becomes the next
    build's starting folder: its page folders stay, every file is replaced, never
    written through (it shares files with the live site), and what the new site lacks
    goes."""
    out = tmp_path / "site"
    spare = journal / ".infoint-cache" / "previous-site"
    built(journal, out)
    (journal / "content/contacts/kim-park.md").write_text("---\nname: Kim Park\n---\n")
    built(journal, out)
    assert (spare / "contacts/jane-doe/index.html").is_file()  # the first site, kept
    assert not (spare / "contacts/kim-park").exists()
    live = site_bytes(out)
    (journal / "content/contacts/kim-park.md").unlink()
    jane = journal / "content/contacts/jane-doe.md"
    jane.write_text(jane.read_text(encoding="utf-8") + "\nA third build.\n", encoding="utf-8")
    built(journal, out)
    assert site_bytes(spare) == live  # the second site, untouched by the third build
    fresh = tmp_path / "fresh"
    built(journal, fresh)
    assert site_bytes(out) == site_bytes(fresh)
    assert not (out / "contacts/kim-park").exists()  # no file nor folder left over
    assert ".gitignore" in os.listdir(journal / ".infoint-cache")


def test_a_spare_site_holding_a_symlink_is_not_used(tmp_path: Path, journal: Path) -> None:
    out = tmp_path / "site"
    built(journal, out)
    built(journal, out)
    spare = journal / ".infoint-cache" / "previous-site"
    outside = tmp_path / "outside"
    outside.mkdir()
    page = spare / "contacts/jane-doe"
    shutil.rmtree(page)
    page.symlink_to(outside, target_is_directory=True)
    built(journal, out)
    assert list(outside.iterdir()) == []  # nothing was written through the link
    fresh = tmp_path / "fresh"
    built(journal, fresh)
    assert site_bytes(out) == site_bytes(fresh)


def test_a_spare_site_shaped_differently_is_written_over(tmp_path: Path, journal: Path) -> None:
    """Where the old site had a file the new one has a folder, and the other way round."""
    out = tmp_path / "site"
    built(journal, out)
    built(journal, out)
    spare = journal / ".infoint-cache" / "previous-site"
    shutil.rmtree(spare / "contacts")
    (spare / "contacts").write_text("a file where a folder goes")
    (spare / "robots.txt").unlink()
    (spare / "robots.txt").mkdir()
    (spare / "robots.txt" / "stray.html").write_text("a folder where a file goes")
    built(journal, out)
    fresh = tmp_path / "fresh"
    built(journal, fresh)
    assert site_bytes(out) == site_bytes(fresh)


def test_a_recycled_file_is_written_over_only_when_no_other_site_shares_it(
        tmp_path: Path, journal: Path) -> None:
    """Writing over a file of the replaced site where it is is much faster than removing
    it and making it anew; but a file that is also a name in the live site (a page the
    last build linked) must never be written through."""
    out = tmp_path / "site"
    spare = journal / ".infoint-cache" / "previous-site"
    built(journal, out)
    built(journal, out)  # the first site is the spare now
    shared, live_page = spare / "contacts/jane-doe/index.html", out / "contacts/jane-doe/index.html"
    shared.unlink()
    os.link(live_page, shared)
    live_bytes = live_page.read_bytes()
    dashboard = (spare / "index.html").stat().st_ino
    jane = journal / "content/contacts/jane-doe.md"
    jane.write_text(jane.read_text(encoding="utf-8") + "\nA third build.\n", encoding="utf-8")
    built(journal, out)
    assert (out / "index.html").stat().st_ino == dashboard  # written over in place
    assert (spare / "contacts/jane-doe/index.html").read_bytes() == live_bytes  # not through
    fresh = tmp_path / "fresh"
    built(journal, fresh)
    assert site_bytes(out) == site_bytes(fresh)


def test_a_page_unchanged_for_two_builds_is_left_where_it_is(tmp_path: Path,
                                                            journal: Path) -> None:
    """The two sites take turns as the live one and the one written over: a page linked
    into both needs neither removing nor linking again."""
    out = tmp_path / "site"
    built(journal, out)
    built(journal, out)  # links the first site's pages into the second
    page = out / "contacts/jane-doe/index.html"
    inode = page.stat().st_ino
    spare_page = journal / ".infoint-cache/previous-site/contacts/jane-doe/index.html"
    assert spare_page.stat().st_ino == inode
    built(journal, out)
    assert page.stat().st_ino == inode
    fresh = tmp_path / "fresh"
    built(journal, fresh)
    assert site_bytes(out) == site_bytes(fresh)
