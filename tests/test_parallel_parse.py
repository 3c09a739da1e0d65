"""The journal parsed by forked processes while this one readies the output folder."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from infoint_site import build, parallel
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


# -- a cached build: the journal parsed here, the output readied by a forked process --


@pytest.fixture
def apart(journal: Path, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Builds of the example journal ready their output apart; how many did."""
    started: list[int] = []

    def counted(work: Callable[[], object], nice: int = 0) -> parallel.Apart:
        started.append(1)
        return parallel.Apart(work, nice)

    monkeypatch.setattr(build, "APART_MIN_FILES", 1)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_FILES", 1000)  # parsed in this process
    monkeypatch.setattr(build, "Apart", counted)
    return started


def test_apart_hands_back_what_its_work_returned_or_raised() -> None:
    assert parallel.Apart(lambda: {"pid": os.getpid()}).result() != {"pid": os.getpid()}
    with pytest.raises(UnsafeOutput, match="no"):
        parallel.Apart(lambda: (_ for _ in ()).throw(UnsafeOutput("no"))).result()
    with pytest.raises(parallel.ApartFailed):
        parallel.Apart(lambda: os._exit(3)).result()


def test_apart_runs_its_work_at_the_priority_it_is_given() -> None:
    """The build's readying process takes only the CPU the parsers leave."""
    mine = os.nice(0)
    assert parallel.Apart(lambda: os.nice(0)).result() == mine
    assert parallel.Apart(lambda: os.nice(0), nice=build.APART_NICE).result() == \
        min(19, mine + build.APART_NICE)


def test_a_new_journal_is_parsed_by_forked_processes_and_readied_apart(
        journal: Path, tmp_path: Path, apart: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    """A build from nothing: forked parsers, and the output readied by a third process
    (over the recycled spare, the second time)."""
    monkeypatch.setattr(parallel, "PARALLEL_MIN_FILES", 1)
    out, plain = tmp_path / "site", tmp_path / "plain"
    build_site(journal, TODAY, out, use_cache=False, workers=2)
    build_site(journal, TODAY, out, use_cache=False, workers=2)
    assert apart == [1, 1]
    assert tree(journal / SPARE)
    build_site(journal, TODAY, plain, use_cache=False, workers=1)
    assert {p: d for p, (d, _) in tree(out).items()} == \
        {p: d for p, (d, _) in tree(plain).items()}


def test_a_cached_build_readied_apart_writes_the_same_site(
        journal: Path, tmp_path: Path, apart: list[int]) -> None:
    out, plain = tmp_path / "site", tmp_path / "plain"
    build_site(journal, TODAY, out, workers=2)  # fills the cache
    assert apart == [1]  # a build from nothing too
    (journal / "content/contacts/zoe-adams.md").write_text(
        "---\nname: Zoe Adams\nrole: Analyst\n---\nMet at a meetup.\n", encoding="utf-8")
    build_site(journal, TODAY, out, workers=2, quick=False)
    build_site(journal, TODAY, out, workers=2, quick=False)  # over the recycled spare
    assert apart == [1, 1, 1]
    build_site(journal, TODAY, plain, use_cache=False, workers=1)
    assert {p: d for p, (d, _) in tree(out).items()} == \
        {p: d for p, (d, _) in tree(plain).items()}


def test_a_journal_error_keeps_the_site_and_the_spare_readied_apart(
        journal: Path, tmp_path: Path, apart: list[int]) -> None:
    out = tmp_path / "site"
    build_site(journal, TODAY, out, workers=2)
    build_site(journal, TODAY, out, workers=2, quick=False)  # the first: the spare now
    site, spare = tree(out), tree(journal / SPARE)
    assert spare
    (journal / "content/contacts/zoe-adams.md").write_text(
        "---\nname: Zoe Adams\nreferred_by: [\n---\n", encoding="utf-8")
    with pytest.raises(JournalInvalid):
        build_site(journal, TODAY, out, workers=2, quick=False)
    assert apart == [1, 1, 1]
    assert tree(out) == site
    assert tree(journal / SPARE) == spare  # the very files, not copies
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".infoint-tmp")]


def test_an_output_refused_apart_is_said_after_the_journals_errors(
        journal: Path, tmp_path: Path, apart: list[int]) -> None:
    out = tmp_path / "site"
    build_site(journal, TODAY, out, workers=2)
    (out / "thesis.pdf").write_bytes(b"%PDF")
    with pytest.raises(UnsafeOutput, match=r"thesis\.pdf"):
        build_site(journal, TODAY, out, workers=2, quick=False)
    (journal / "content/contacts/zoe-adams.md").write_text(
        "---\nname: Zoe Adams\nreferred_by: [\n---\n", encoding="utf-8")
    with pytest.raises(JournalInvalid):
        build_site(journal, TODAY, out, workers=2, quick=False)
    assert apart == [1, 1, 1]
    assert (out / "thesis.pdf").read_bytes() == b"%PDF"


def test_a_forked_process_that_dies_leaves_the_readying_to_this_one(
        journal: Path, tmp_path: Path, apart: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    out, plain = tmp_path / "site", tmp_path / "plain"
    build_site(journal, TODAY, out, workers=2)
    build_site(journal, TODAY, out, workers=2, quick=False)  # a spare to recycle
    monkeypatch.setattr(build, "Apart",
                        lambda work, nice: parallel.Apart(lambda: os._exit(3)))
    build_site(journal, TODAY, out, workers=2, quick=False)
    build_site(journal, TODAY, plain, use_cache=False, workers=1)
    assert {p: d for p, (d, _) in tree(out).items()} == \
        {p: d for p, (d, _) in tree(plain).items()}


def test_apart_leaves_ctrl_c_to_this_process() -> None:
    """The forked process ignores Ctrl-C: this one stops the build, and waits for it
    to put the spare site back."""
    import signal

    def interrupted() -> str:
        os.kill(os.getpid(), signal.SIGINT)
        return "answered"

    assert parallel.Apart(interrupted).result() == "answered"


def test_a_refused_fork_leaves_the_readying_to_this_one(
        journal: Path, tmp_path: Path, apart: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    out, plain = tmp_path / "site", tmp_path / "plain"
    build_site(journal, TODAY, out, workers=2)
    descriptors = len(os.listdir("/proc/self/fd"))

    def no_fork() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    with monkeypatch.context() as patched:
        patched.setattr(parallel.os, "fork", no_fork)
        patched.setattr(build, "Apart", parallel.Apart)
        build_site(journal, TODAY, out, workers=2, quick=False)
    assert len(os.listdir("/proc/self/fd")) == descriptors  # the pipe closed
    build_site(journal, TODAY, plain, use_cache=False, workers=1)
    assert {p: d for p, (d, _) in tree(out).items()} == \
        {p: d for p, (d, _) in tree(plain).items()}
