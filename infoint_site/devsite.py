"""The site `serve` shows: rebuilt in memory after every change.

A `DevSite` keeps what one build can lend the next (the files read, parse results by
content, record pages by what they show) and publishes each build as an immutable
`Snapshot`: a request reads one snapshot from start to end, so it never sees a
half-written page. A build with errors leaves the last good snapshot in place and
records the problems instead.

A save is shown in up to three steps, each a snapshot, so that the tab on the edited
page reloads in a blink even at 10,000 files:

1. a save of one record that leaves the names and chains alone (a note, a contact's
   role or company, a meeting's thank-you, day, people or suggested names, a last
   contact's date, a new file…): the pages that show it, from the last analysis with
   the record swapped in (`body_edit`) or brought up to date (`reanalysis`), before the
   whole journal is analysed again;
2. every record page the edit can reach (`affected`), from the full analysis;
3. the listings (dashboard, follow-ups, search…), which show the whole journal and
   take the longest; the site then equals a fresh `build`, byte for byte.

Until step 3 ends, a listing shows the journal as it was before the save.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from . import long_lived, reanalysis
from .affected import Page, PageInputs, affected_pages
from .analysis import Analysis
from .body_edit import body_edit, only_bodies_changed, shown_edit
from .clock import today_in
from .encrypt import Sealer, SiteKey, check_password, site_key
from .errors import InfointError
from .loader import Sources, read_sources, update_sources
from .pipeline import Loaded, ParseMemo, process
from .problems import Problem, count, error, sort_problems
from .records import Contact, Meeting, Record
from .render import BODY_BLIND, RenderMemo, SiteRenderer
from .theme import find_theme
from .urls import OpaqueUrls, Urls

RELOAD_GRACE_SECONDS = 0.1
"""After showing an edit early, how long the full rebuild waits to start."""


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
        self._loaded: Loaded | None = None
        self._early = Outcome(True, [], [], 0.0)
        """The last journal that built."""
        self._plain: dict[str, bytes] = {}
        """The files of the current snapshot before encryption."""
        self._record_files: Collection[str] = frozenset()
        """Which of them are record pages."""
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
        """True while a build (or a `sweep`) runs."""
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
            outcome = self._guarded(changed)
            long_lived.settle()  # kept for the next build: out of the collector's walks
            return outcome

    def sweep(self) -> bool:
        """Collect what earlier builds left behind (see `long_lived`), unless a build
        runs or fewer than `long_lived.IDLE_SWEEP_BUILDS` builds were made since the
        last sweep; for when the journal has been quiet for a while. True if it did."""
        if not self._lock.acquire(blocking=False):
            return False
        try:
            return long_lived.sweep(long_lived.IDLE_SWEEP_BUILDS)
        finally:
            self._lock.release()

    def _guarded(self, changed: Collection[str] | None) -> Outcome:
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
        sources = self._read(changed)
        self._early = Outcome(True, [], [], 0.0)
        if changed is not None and len(changed) == 1:
            self._show_edit_early(sources, next(iter(changed)))
        loaded = process(sources, self.today(), memo=self.parse_memo)
        if loaded.failed():
            return self._failed(loaded.problems, started)
        previous, self._loaded = self._loaded, loaded
        settings = loaded.journal.settings
        theme = find_theme(self.root, settings.theme)
        key = self._site_key() if settings.privacy.encrypt else None
        renderer = SiteRenderer(loaded.analysis, theme, memo=self.render_memo,
                                urls=OpaqueUrls(key.path_key) if key else Urls(),
                                encrypted=key is not None)
        sealer = renderer.sealer(key) if key is not None else None
        if renderer.affected is not None and previous is not None \
                and only_bodies_changed(previous.journal, loaded.journal):
            renderer.kept_listings = BODY_BLIND & self._plain.keys()
        records = dict(renderer.record_pages())
        shown: list[str] = []
        if renderer.affected is not None and self.snapshot.epoch:
            # An edit that reaches only some record pages: show them now, so the tab on
            # the edited page reloads at once; the listings follow below.
            problems = sort_problems([*loaded.problems, *renderer.problems])
            if count(problems)[0]:
                return self._failed(problems, started)
            gone = self._record_files - records.keys()  # (a file removed)
            shown = self._publish({**{path: data for path, data in self._plain.items()
                                      if path not in gone}, **records}, sealer, problems)
        files = dict(sorted({**records, **{path: data if data is not None else self._plain[path]
                                           for path, data in renderer.other_files()}}.items()))
        problems = sort_problems([*loaded.problems, *renderer.problems])
        if count(problems)[0]:
            return self._failed(problems, started)
        shown.extend(self._publish(files, sealer, problems))
        self._record_files = records.keys()
        early = self._early  # what showing an edit early did (see _show_edit_early)
        return Outcome(True, problems, sorted({*shown, *early.changed}),
                       time.perf_counter() - started, self.parse_memo.parsed + early.parsed,
                       self.render_memo.rendered + early.rendered)

    def _show_edit_early(self, sources: Sources, rel: str) -> None:
        """When the save at `rel` changed one record and left the journal's shape alone,
        publish the pages that show it at once, from the last analysis (see
        `_early_plan`); the full rebuild follows."""
        loaded, inputs = self._loaded, self.render_memo.inputs
        if (loaded is None or inputs is None or self.render_memo.env is None
                or not self.snapshot.epoch or count(self._problems)[0]
                or any(p.path == rel for p in self._problems)):
            return  # (after a failed build, the site shown is not the last analysis's)
        settings = loaded.journal.settings
        if (self.today() or today_in(settings.timezone)) != loaded.analysis.today:
            return
        source = next((f for f in sources.files if f.path == rel), None)
        if source is None:
            return
        parsed = self.parse_memo.parsed
        record, found = self.parse_memo.parse(source)
        parsed = self.parse_memo.parsed - parsed
        self._early = Outcome(True, [], [], 0.0, parsed)
        if record is None or found:
            return
        if _linked_to_before(self.render_memo, loaded, record, self._problems):
            return
        plan = _early_plan(loaded, inputs, record)
        if plan is None:
            return
        analysis, indexed, pages = plan
        key = self._site_key() if settings.privacy.encrypt else None
        renderer = SiteRenderer(analysis, find_theme(self.root, settings.theme),
                                memo=self.render_memo,
                                urls=OpaqueUrls(key.path_key) if key else Urls(),
                                encrypted=key is not None, plan=(indexed, pages))
        files = dict(renderer.record_page(job) for job in sorted(pages))
        if renderer.problems:
            return
        shown = self._publish({**self._plain, **files},  # type: ignore[dict-item]
                              renderer.sealer(key) if key is not None else None,
                              self._problems)
        self._early = Outcome(True, [], shown, 0.0, parsed, self.render_memo.rendered)
        if shown:
            # Let the tabs fetch the page they were just told to reload before the full
            # rebuild takes the interpreter (a sleep gives it up entirely).
            time.sleep(RELOAD_GRACE_SECONDS)

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
        if not changed and not removed and problems == self._problems \
                and self._sealed == (sealer is not None):
            self._plain = plain
            return []  # the same site: no new snapshot, so no tab asks again
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


def _linked_to_before(memo: RenderMemo, loaded: Loaded, record: Record,
                      problems: list[Problem]) -> bool:
    """Whether `record` is new and a note on a record page in place links to it: that
    page changes too (the link now finds its page), which only the full rebuild knows
    to make again (`SiteRenderer.compare_with`). Or a warning of a missing link may
    name it (the checks read links the pages do not show, such as in a code block)."""
    journal = loaded.journal
    folder = "meetings" if isinstance(record, Meeting) else \
        "contacts" if isinstance(record, Contact) else "companies"
    if record.id in getattr(journal, folder):
        return False
    if any(p.code == "W602" and f"{record.id}.md" in p.message for p in problems):
        return True
    missing = (folder, record.id, False)
    return memo.page_links is None or any(missing in links for links in memo.page_links.values())


def _early_plan(loaded: Loaded, inputs: PageInputs, record: Record,
                ) -> tuple[Analysis, PageInputs, set[Page]] | None:
    """The analysis, page inputs and record pages to show `record`'s save with, taken
    from the last build's: for a note's body (`body_edit`) or a field nothing computes
    from (`shown_edit`), the last analysis with the record swapped in; for a field the
    journal computes from, that analysis brought up to date (`reanalysis`). None when
    the save changed more than that."""
    edit = body_edit(loaded.analysis, record) or shown_edit(inputs, record)
    if edit is not None:
        return edit[0], inputs, edit[1]
    updated = reanalysis.edit(inputs, record)
    if updated is None:
        return None
    analysis, indexed = updated
    reached = affected_pages(inputs, indexed)
    if reached is None:
        return None
    tables = {"contact": analysis.journal.contacts, "meeting": analysis.journal.meetings,
              "company": analysis.journal.companies}
    # (a follow-up owed to a name with no file marks a page that does not exist)
    return analysis, indexed, {(kind, i) for kind, i in reached if i in tables[kind]}
