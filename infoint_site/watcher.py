"""Watch a journal for changes: content, settings and themes, never the output."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

import watchfiles

QUIET_MS = 25
"""A burst of saves (an editor writing a temporary file, then renaming it) is one change
once the journal has been quiet this long…"""
MAX_BURST_MS = 300
"""…or once the burst has lasted this long."""
IDLE_MS = 4000
"""The journal is quiet (for `on_idle`) after this long without an event under its
folder: long enough that the writer is most likely reading, not about to save again.
Events the filter drops count too (an editor's swap file, git, a `build` into public/):
those can keep a journal from ever being quiet."""


INPUTS = frozenset({"infoint.yaml", "content", "themes"})


class JournalFilter(watchfiles.DefaultFilter):
    """Only the journal's inputs: content/, themes/ and infoint.yaml."""

    def __init__(self, root: Path) -> None:
        super().__init__()
        self.root = root.resolve()

    def relative(self, path: str) -> str | None:
        """`path` relative to the root; a symlink is not followed (its target may well
        be outside the journal, and the loader is the one to say so)."""
        try:
            return Path(os.path.abspath(path)).relative_to(self.root).as_posix()
        except ValueError:
            return None

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        rel = self.relative(path)
        if rel is None:
            return False
        # The folders themselves too: renamed or deleted whole, they send no other event.
        watched = rel in INPUTS or rel.startswith(("content/", "themes/"))
        return watched and super().__call__(change, path)


def watch(root: Path, on_change: Callable[[set[str]], None], stop: threading.Event,
          on_idle: Callable[[], object] = lambda: None, idle_ms: int = IDLE_MS) -> None:
    """Call `on_change` with the changed paths (relative to `root`) until `stop` is set,
    and `on_idle` after each `idle_ms` without any event under `root` (see `IDLE_MS`)."""
    journal_filter = JournalFilter(root)
    for changes in watchfiles.watch(journal_filter.root, watch_filter=journal_filter,
                                    debounce=MAX_BURST_MS, step=QUIET_MS, stop_event=stop,
                                    raise_interrupt=False, rust_timeout=idle_ms,
                                    yield_on_timeout=True):
        if not changes:  # only a timeout yields nothing
            on_idle()
            continue
        paths = {rel for _, path in changes if (rel := journal_filter.relative(path))}
        if paths:
            on_change(paths)
