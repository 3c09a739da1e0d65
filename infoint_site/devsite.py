"""The site `serve` shows: rebuilt in memory after every change, swapped in whole.

A `DevSite` keeps what one build can lend the next (parsed files by content, pages by
context) and publishes each finished build as an immutable `Snapshot`: a request reads
one snapshot from start to end, so it never sees a half-built site. A build with
errors leaves the last good snapshot in place and records the problems instead.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .encrypt import Sealer, SiteKey, check_password, site_key
from .errors import InfointError
from .loader import Sources, read_sources, update_sources
from .pipeline import ParseMemo, process
from .problems import Problem, count, error, sort_problems
from .render import RenderMemo, SiteRenderer
from .theme import find_theme
from .urls import OpaqueUrls, Urls


@dataclass(frozen=True)
class Snapshot:
    """One finished build: every file of the site, and when each last changed."""

    epoch: int
    """Counts builds up from the first build's start in milliseconds; 0: not built yet."""
    files: dict[str, bytes]
    changed_at: dict[str, int] = field(default_factory=dict)
    """Output path → the epoch of the build that last changed it."""
    assets_changed_at: int = 0
    """The epoch of the build that last changed a file under ``assets/`` (the theme's
    stylesheet and scripts, which every page loads)."""

    def page_changed_at(self, page: str) -> int:
        """The last epoch that changed what a tab on `page` shows: the page (made or
        removed) or an asset it loads; -1 if no such page ever was."""
        changed = self.changed_at.get(page)
        if changed is None:
            return 0 if page in self.files else -1
        return max(changed, self.assets_changed_at)


@dataclass(frozen=True)
class Outcome:
    ok: bool
    problems: list[Problem]
    changed: list[str]
    seconds: float
    parsed: int = 0
    rendered: int = 0

    def summary(self) -> str:
        ms = f"{self.seconds * 1000:.0f} ms"
        if not self.ok:
            errors = count(self.problems)[0]
            return (f"build failed in {ms} ({errors} error{'s' * (errors != 1)}); still showing"
                    " the last good site")
        files = f"{len(self.changed)} file{'s' * (len(self.changed) != 1)} changed"
        return (f"rebuilt in {ms}: {files} ({self.parsed} parsed,"
                f" {self.rendered} pages rendered)")


class DevSite:
    """Builds the journal at `root` again and again, writing into `out` as it goes."""

    def __init__(self, root: Path, out: Path, today: Callable[[], date | None] = lambda: None,
                 password: str | None = None,
                 on_publish: Callable[[], None] = lambda: None) -> None:
        self.root = root
        self.out = out
        self.today = today
        self.password = password
        """For ``privacy.encrypt``: the preview is encrypted as the published site is."""
        self._key: SiteKey | None = None
        self.on_publish = on_publish
        """Called after each new snapshot (to wake the tabs)."""
        self.parse_memo = ParseMemo()
        self.render_memo = RenderMemo(keep=True)
        self._sources: Sources | None = None
        self._plain: dict[str, bytes] = {}
        """The files of the current snapshot before encryption."""
        self._sealed = False
        """Whether the current snapshot is encrypted."""
        self.snapshot = Snapshot(0, {})
        self._problems: list[Problem] = []
        self.standing: list[Problem] = []
        """Problems that outlast builds (the watcher stopped, say), shown before the
        latest build's own."""
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._closed = False

    def close(self) -> None:
        """Write nothing more into `out`, even from a build still running; returns once
        no file is being written, so `out` can then be removed for good."""
        with self._write_lock:
            self._closed = True

    @property
    def problems(self) -> list[Problem]:
        """The standing problems and the latest build's; errors among the latter mean
        that build failed."""
        return [*self.standing, *self._problems]

    @property
    def building(self) -> bool:
        """True while a build runs."""
        return self._lock.locked()

    def forget_theme(self) -> None:
        """Templates changed on disk: render everything again next time."""
        self.render_memo.env = None

    def rebuild(self, changed: Collection[str] | None = None) -> Outcome:
        """Build once; never raises. A failed build keeps the previous snapshot.

        `changed` lists the paths (relative to the root) that changed since the last
        build, as the watcher reports them; None means anything may have changed.
        """
        with self._lock:
            if changed is None or any(p.split("/")[0] == "themes" for p in changed):
                self.forget_theme()
            started = time.perf_counter()
            try:
                return self._rebuild(started, changed)
            except InfointError as exc:
                problem = error("infoint.yaml", 1, 1, "E001", str(exc))
            except Exception as exc:  # the server must survive anything a build does
                problem = error("(infoint-site)", 1, 1, "E000",
                                f"internal error: {type(exc).__name__}: {exc}")
            self._problems = [problem]
            return Outcome(False, [problem], [], time.perf_counter() - started)

    def _read(self, changed: Collection[str] | None) -> Sources:
        """The journal's files: only the `changed` ones read again when that is enough."""
        if changed is not None and self._sources is not None:
            updated = update_sources(self._sources, changed)
            if updated is not None:
                self._sources = updated
                return updated
        self._sources = read_sources(self.root)
        return self._sources

    def _rebuild(self, started: float, changed: Collection[str] | None) -> Outcome:
        loaded = process(self._read(changed), self.today(), memo=self.parse_memo)
        if loaded.failed():
            return self._failed(loaded.problems, started)
        settings = loaded.journal.settings
        theme = find_theme(self.root, settings.theme)
        key = self._site_key() if settings.privacy.encrypt else None
        renderer = SiteRenderer(loaded.analysis, theme, memo=self.render_memo,
                                urls=OpaqueUrls(key.path_key) if key else Urls(),
                                encrypted=key is not None)
        sealer = renderer.sealer(key) if key is not None else None
        records = dict(renderer.record_pages())
        shown: list[str] = []
        if renderer.affected is not None and self.snapshot.epoch:
            # An edit that reaches only some record pages: show them now, so the tab on
            # the edited page reloads at once; the listings follow below.
            problems = sort_problems([*loaded.problems, *renderer.problems])
            if count(problems)[0]:
                return self._failed(problems, started)
            shown = self._publish({**self._plain, **records}, sealer, problems)
        files = dict(sorted({**records, **dict(renderer.other_files())}.items()))
        problems = sort_problems([*loaded.problems, *renderer.problems])
        if count(problems)[0]:
            return self._failed(problems, started)
        shown.extend(self._publish(files, sealer, problems))
        return Outcome(True, problems, sorted(set(shown)), time.perf_counter() - started,
                       self.parse_memo.parsed, self.render_memo.rendered)

    def _failed(self, problems: list[Problem], started: float) -> Outcome:
        self._problems = problems
        return Outcome(False, problems, [], time.perf_counter() - started,
                       self.parse_memo.parsed, self.render_memo.rendered)

    def _publish(self, plain: dict[str, bytes], sealer: Sealer | None,
                 problems: list[Problem]) -> list[str]:
        """Make `plain` (every file, before encryption) the snapshot; the paths that
        changed or went."""
        previous, before = self.snapshot, self._plain
        changed = [path for path, data in plain.items()
                   if (old := before.get(path)) is not data and old != data]
        removed = [path for path in before if path not in plain]
        files = plain
        if sealer is not None:  # an unchanged page keeps its ciphertext: no needless reload
            fresh = set(changed) if self._sealed else set(plain)
            files = {path: sealer(path, data) if path in fresh else previous.files[path]
                     for path, data in plain.items()}
        self._sealed = sealer is not None
        self._write(changed, removed, files)
        # The first epoch is the clock in milliseconds, so that a tab left open from an
        # earlier run of serve, reconnecting with that run's epoch, reloads.
        epoch = previous.epoch + 1 if previous.epoch else time.time_ns() // 1_000_000
        changed_at = {path: previous.changed_at.get(path, epoch) for path in files}
        for path in [*changed, *removed]:
            changed_at[path] = epoch
        assets = any(path.startswith("assets/") for path in [*changed, *removed])
        self.snapshot = Snapshot(epoch, files, changed_at,
                                 epoch if assets else previous.assets_changed_at)
        self._plain = plain
        self._problems = problems
        self.on_publish()
        return [*changed, *removed]

    def _site_key(self) -> SiteKey:
        """One key for the whole session, so an unlocked tab stays unlocked."""
        if self._key is None:
            self._key = site_key(check_password(self.password))
        return self._key

    def _write(self, changed: list[str], removed: list[str], files: dict[str, bytes]) -> None:
        """Mirror the build into the private folder, one atomic replace per file."""
        try:
            # Deleted under us since the last build: write it all again.
            self._mirror(changed if self.out.is_dir() else list(files), files)
        except FileNotFoundError:
            self._mirror(list(files), files)  # …or while this one was writing
        for path in removed:
            (self.out / path).unlink(missing_ok=True)

    def _mirror(self, paths: list[str], files: dict[str, bytes]) -> None:
        for path in paths:
            with self._write_lock:
                if self._closed:
                    return
                target = self.out / path
                target.parent.mkdir(parents=True, exist_ok=True)
                temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
                temporary.write_bytes(files[path])
                os.replace(temporary, target)
