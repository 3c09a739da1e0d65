"""Shared fixtures: scratch journals written from dedented strings (as lektor's tests do)."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from pathlib import Path

import pytest

from infoint_site import long_lived
from infoint_site.pipeline import Loaded, load_journal

REPO = Path(__file__).resolve().parents[1]

MakeJournal = Callable[..., Path]
LoadJournal = Callable[..., Loaded]


@pytest.fixture(autouse=True)
def _nothing_frozen() -> Iterator[None]:
    """Each test starts and ends with nothing frozen: `serve`'s builds freeze what they
    keep (`long_lived`), and the test process is not a `serve`."""
    long_lived.reset()
    yield
    long_lived.reset()


def write_files(root: Path, files: Mapping[str, str]) -> None:
    """Write each relative path's dedented text under `root` (a leading newline dropped)."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


@pytest.fixture
def make_journal(tmp_path: Path) -> MakeJournal:
    """`make_journal({"content/contacts/jane-doe.md": '''...'''})` → the journal's root.

    The root always has a ``content/`` folder, so it is a journal even with no files.
    Calling it again with the same `name` adds files to the same journal.
    """

    def make(files: Mapping[str, str] | None = None, name: str = "journal") -> Path:
        root = tmp_path / name
        (root / "content").mkdir(parents=True, exist_ok=True)
        write_files(root, files or {})
        return root

    return make


@pytest.fixture
def load(make_journal: MakeJournal) -> LoadJournal:
    """`load(files, today)` → the processed journal; fails the test on any error."""

    def run(files: Mapping[str, str], today: date, *, allow_errors: bool = False) -> Loaded:
        loaded = load_journal(make_journal(files), today)
        if not allow_errors:
            assert loaded.errors == 0, [p.format() for p in loaded.problems]
        return loaded

    return run


@pytest.fixture
def example_journal(tmp_path: Path) -> Path:
    """A copy of the example journal (this repository's content/ and infoint.yaml)."""
    root = tmp_path / "journal"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "infoint.yaml", root / "infoint.yaml")
    return root
