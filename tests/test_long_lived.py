"""`serve` keeps each build out of the collector's walks, and still frees old builds.

A full collection at 10,000 files walked the whole kept build (0.35–0.45 s, once or
twice a rebuild): each build is frozen when it ends (`long_lived.settle`), and the
garbage old builds leave among frozen objects is collected when the journal is quiet
after `IDLE_SWEEP_BUILDS` builds (`DevSite.sweep`, called by the watcher) or after
`SETTLES_PER_SWEEP` builds without a sweep. An old build itself is freed when the next
one starts: the cycle that held it (Jinja's kept module of macros) is broken then. Each
test starts with nothing frozen and no sweep made (conftest.py).
"""

from __future__ import annotations

import gc
import threading
import time
import weakref
from datetime import date
from pathlib import Path

import pytest

import infoint_site.devsite
import infoint_site.serve
from infoint_site import long_lived
from infoint_site.devsite import DevSite
from infoint_site.render import SiteRenderer
from infoint_site.serve import Preview
from infoint_site.watcher import watch

DAY = date(2026, 11, 22)
CONTACT = "content/contacts/oliver-grant.md"


class _Cycle:
    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def renderers(monkeypatch: pytest.MonkeyPatch) -> list[weakref.ref[SiteRenderer]]:
    """A weak reference to every renderer `DevSite` makes (one a build)."""
    made: list[weakref.ref[SiteRenderer]] = []

    class Watched(SiteRenderer):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]
            made.append(weakref.ref(self))

    monkeypatch.setattr(infoint_site.devsite, "SiteRenderer", Watched)
    return made


def test_sweep_collects_cycles_that_were_frozen() -> None:
    cycle = _Cycle()
    alive = weakref.ref(cycle)
    long_lived.settle()  # the first settle sweeps; this one freezes the cycle
    assert gc.get_freeze_count() > 0
    long_lived.settle()
    del cycle
    gc.collect()
    assert alive() is not None, "a frozen cycle is out of the collector's sight"
    assert long_lived.sweep()
    assert alive() is None
    assert not long_lived.sweep(), "nothing settled since: nothing to do"


def test_settle_sweeps_after_so_many_builds_without_a_sweep() -> None:
    long_lived.settle()
    cycle = _Cycle()
    alive = weakref.ref(cycle)
    long_lived.settle()
    del cycle
    for _ in range(long_lived.SETTLES_PER_SWEEP - 2):
        long_lived.settle()
        assert alive() is not None
    long_lived.settle()  # the SETTLES_PER_SWEEP-th since the first one's sweep
    assert alive() is None
    assert not long_lived.sweep(), "that settle swept: nothing to do"


def test_a_build_is_kept_out_of_the_collectors_walks_and_freed_by_the_next(
        example_journal: Path, tmp_path: Path,
        renderers: list[weakref.ref[SiteRenderer]]) -> None:
    site = DevSite(example_journal, tmp_path / "out", lambda: DAY)
    assert site.rebuild().ok
    walked = {id(o) for o in gc.get_objects()}
    assert site._loaded is not None
    assert id(site._loaded.journal.contacts) not in walked, \
        "the build's journal is frozen when the build ends"

    path = example_journal / CONTACT
    for n in range(3):
        path.write_text(path.read_text(encoding="utf-8").replace("role:", f"role: C{n}", 1),
                        encoding="utf-8")
        assert site.rebuild([CONTACT]).ok
    assert all(ref() is None for ref in renderers[:-1]), \
        "the earlier builds' renderers are freed without a collection"
    gc.unfreeze()
    assert gc.collect() < 200, "three rebuilds leave next to no cyclic garbage"


def test_a_quiet_journal_is_swept_only_after_so_many_builds(
        example_journal: Path, tmp_path: Path) -> None:
    site = DevSite(example_journal, tmp_path / "out", lambda: DAY)
    assert site.rebuild().ok  # the first build sweeps
    assert not site.sweep(), "nothing built since the last sweep"
    for _ in range(long_lived.IDLE_SWEEP_BUILDS - 1):
        assert site.rebuild([CONTACT]).ok
    assert not site.sweep(), "too few builds since: a save would only wait for it"
    assert site.rebuild([CONTACT]).ok
    assert site.sweep()


def test_no_sweep_while_a_build_runs(example_journal: Path, tmp_path: Path) -> None:
    site = DevSite(example_journal, tmp_path / "out", lambda: DAY)
    assert site.rebuild().ok
    long_lived._unswept = long_lived.IDLE_SWEEP_BUILDS
    with site._lock:  # as a build on another thread holds it
        assert not site.sweep()
    assert site.sweep()


def test_the_watcher_calls_on_idle_when_the_journal_is_quiet(example_journal: Path) -> None:
    stop = threading.Event()
    idle: list[float] = []
    changes: list[set[str]] = []

    def on_idle() -> None:
        idle.append(time.monotonic())
        if len(idle) >= 2:
            stop.set()

    thread = threading.Thread(target=watch, args=(example_journal, changes.append, stop),
                              kwargs={"on_idle": on_idle, "idle_ms": 200}, daemon=True)
    started = time.monotonic()
    thread.start()
    try:
        thread.join(timeout=10)
        assert not thread.is_alive(), "on_idle was not called twice within 10 s"
    finally:
        stop.set()
    assert not changes
    assert idle[0] - started >= 0.15


def test_serve_sweeps_when_the_journal_is_quiet(example_journal: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    handed: list[object] = []

    def fake_watch(root: Path, on_change: object, stop: threading.Event,
                   on_idle: object = None) -> None:
        handed.append(on_idle)

    monkeypatch.setattr(infoint_site.serve, "watch", fake_watch)
    preview = Preview(example_journal, "127.0.0.1", 0, lambda: DAY)
    try:
        preview.start()
        deadline = time.monotonic() + 10
        while not handed and time.monotonic() < deadline:
            time.sleep(0.01)
        assert handed == [preview.site.sweep]
    finally:
        preview.stop()
