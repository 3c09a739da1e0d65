"""Watch a journal for changes: content, settings and themes, never the output."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import watchfiles

QUIET_MS = 100
"""A burst of saves (an editor writing a temporary file, then renaming it) is one change
once the journal has been quiet this long…"""
MAX_BURST_MS = 300
"""…or once the burst has lasted this long."""


class JournalFilter(watchfiles.DefaultFilter):
    """Only the journal's inputs: content/, themes/ and infoint.yaml."""

    def __init__(self, root: Path) -> None:
        super().__init__()
        self.root = root.resolve()

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        try:
            rel = Path(path).resolve().relative_to(self.root).as_posix()
        except ValueError:
            return False
        watched = rel == "infoint.yaml" or rel.startswith(("content/", "themes/"))
        return watched and super().__call__(change, path)


def watch(root: Path, on_change: Callable[[set[str]], None], stop: threading.Event) -> None:
    """Call `on_change` with the changed paths (relative to `root`) until `stop` is set."""
    journal_filter = JournalFilter(root)
    for changes in watchfiles.watch(root, watch_filter=journal_filter, debounce=MAX_BURST_MS,
                                    step=QUIET_MS, stop_event=stop,
                                    raise_interrupt=False, yield_on_timeout=False):
        paths = set()
        for _, path in changes:
            try:
                paths.add(Path(path).resolve().relative_to(journal_filter.root).as_posix())
            except ValueError:
                continue
        if paths:
            on_change(paths)
