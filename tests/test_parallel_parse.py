"""The journal parsed by forked processes while this one readies the output folder."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from infoint_site import parallel
from infoint_site.build import build_site
from infoint_site.errors import JournalInvalid
from infoint_site.loader import read_sources
from infoint_site.parse import parse_file
from infoint_site.writer import UnsafeOutput

TODAY = date(2026, 11, 22)
SPARE = Path(".infoint-cache/previous-site")


def tree(folder: Path) -> dict[str, tuple[bytes | None, int]]:
    """Every file's bytes and every entry's inode under `folder`."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else None,
                                               p.stat().st_ino)
            for p in sorted(folder.rglob("*"))}


@pytest.fixture
def journal(example_journal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    monkeypatch.setattr(parallel, "PARALLEL_MIN_FILES", 1)  # the example journal: forked
    monkeypatch.setattr(parallel, "_PARSE_PIECE", 3)
    return example_journal


@pytest.mark.parametrize("workers", [2, 3, 5])
def test_pieces_claimed_from_both_ends_come_back_in_order(journal: Path, workers: int) -> None:
    files = list(read_sources(journal).files)
    calls: list[int] = []
    parsed = parallel.parse_in_workers(files, workers, meanwhile=lambda: calls.append(os.getpid()))
    assert parsed == [parse_file(f.kind, f.path, f.data) for f in files]
    assert calls == [os.getpid()]  # once, in this process


def test_a_slow_meanwhile_leaves_the_parsing_to_the_workers(
        journal: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The workers claim every piece while this process is busy elsewhere: none is left
    for it, and none is parsed twice or lost."""
    files = list(read_sources(journal).files)
    claimed: list[int] = []
    real = parallel._claim

    def claim(front: bool) -> int | None:
        found = real(front)
        if not front and found is not None:
            claimed.append(found)
        return found

    def wait_for_the_workers() -> None:
        import time

        for _ in range(500):
            if parallel._CLAIMED[0] >= parallel._CLAIMED[1]:
                return
            time.sleep(0.01)

    monkeypatch.setattr(parallel, "_claim", claim)
    parsed = parallel.parse_in_workers(files, 2, meanwhile=wait_for_the_workers)
    assert claimed == []
    assert parsed == [parse_file(f.kind, f.path, f.data) for f in files]


def test_a_journal_error_found_by_forked_parsers_keeps_the_site_and_the_spare(
        journal: Path, tmp_path: Path) -> None:
    """The new site's folder was readied (the spare taken) while the journal was parsed:
    the error found then puts the spare back as it was, and the site stays."""
    out = tmp_path / "site"
    build_site(journal, TODAY, out, use_cache=False, workers=2)
    build_site(journal, TODAY, out, use_cache=False, workers=2)  # the first: the spare now
    site, spare = tree(out), tree(journal / SPARE)
    assert spare
    broken = journal / "content/contacts/zoe-adams.md"
    broken.write_text("---\nname: Zoe Adams\nreferred_by: [\n---\n", encoding="utf-8")
    with pytest.raises(JournalInvalid):
        build_site(journal, TODAY, out, use_cache=False, workers=2)
    assert tree(out) == site
    assert tree(journal / SPARE) == spare  # the very files, not copies
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".infoint-tmp")]


def test_the_journals_errors_come_before_a_refused_output(journal: Path, tmp_path: Path) -> None:
    """The output is checked while the journal is parsed; its refusal is said only for
    a journal without errors, as when it was checked afterwards."""
    out = tmp_path / "not-a-site"
    out.mkdir()
    (out / "thesis.pdf").write_bytes(b"%PDF")
    with pytest.raises(UnsafeOutput, match="did not write"):
        build_site(journal, TODAY, out, workers=2)
    (journal / "content/contacts/zoe-adams.md").write_text(
        "---\nname: Zoe Adams\nreferred_by: [\n---\n", encoding="utf-8")
    with pytest.raises(JournalInvalid):
        build_site(journal, TODAY, out, workers=2)
    assert [p.name for p in out.iterdir()] == ["thesis.pdf"]
