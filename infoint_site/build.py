"""`infoint-site build`: validate, compute, render, then write the site in one swap.

Everything is computed and rendered in memory before the writer touches the disk,
so a journal with errors, a template error or an unsafe output folder leaves the
previous site exactly as it was.
"""

from __future__ import annotations

import contextlib
import os
import stat
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from .affected import Page, PageInputs, page_inputs
from .analysis import analyze
from .body_edit import only_bodies_changed
from .cache import BuildCache, cache_folder
from .encrypt import Sealer, check_password, site_key
from .errors import InfointError, JournalInvalid
from .holes import Hole
from .journal import link
from .loader import Sources, read_sources
from .parallel import Apart, ApartFailed, frozen, uncollected
from .pipeline import Loaded, ParseMemo, process
from .privacy import privacy_report
from .problems import Problem, count, sort_problems, summary
from .quick import BuildResult, quick_build
from .quick_state import (
    Recorded,
    Stamp,
    carried_holes,
    current_state,
    forget,
    record_sources,
    save_state,
    site_stamps,
    trusted_sources,
)
from .records import Record
from .render import BODY_BLIND, RenderMemo, SiteRenderer
from .render_memo import Lookup
from .settings import Settings, parse_settings
from .theme import default_theme_dir, find_theme
from .urls import OpaqueUrls, Urls
from .writer import SiteWriter, WriteFailed, Written, check_output


def output_folder(root: Path, configured: str, out: Path | None) -> Path:
    """`--out` as given (relative to where you are), else the setting, relative to the root."""
    return out if out is not None else root / configured


def build_site(root: Path | str, today: date | None = None, out: Path | None = None,
               strict: bool = False, password: str | None = None,
               use_cache: bool = True, workers: int | None = None,
               quick: bool = True, state: dict[str, Any] | None = None) -> BuildResult:
    """Build the journal at `root` into its output folder; raise `JournalInvalid` on errors.

    With ``privacy.encrypt`` on, `password` (from INFOINT_PASSWORD) encrypts every page;
    a missing or short one stops the build before anything is written. With `use_cache`,
    files unchanged since an earlier build are neither parsed nor rendered again (see
    `cache`); the output is the same byte for byte either way, and whatever the number
    of `workers` (default: one per core). With the cache and `quick`, a rebuild after
    saves that changed only notes' text and contacts' roles, fields or tags splices them
    into the pages (see `quick`). `state`: what the last build kept, if the caller has
    loaded it.
    """
    root = Path(root)
    if state is None and use_cache:
        state = current_state(root)  # what the last build kept
    if use_cache and quick and state is not None:
        result = quick_build(root, today, out, strict, state)
        if result is not None:
            return result
    cache = BuildCache.load(root) if use_cache else None
    workers = workers if workers is not None else (os.cpu_count() or 1)
    result = _build(root, today, out, strict, password, cache, workers, state)
    if cache is not None:  # only a build that went through touches the cache
        with uncollected():
            cache.save()
    return result


def _build(root: Path, today: date | None, out: Path | None, strict: bool,
           password: str | None, cache: BuildCache | None, workers: int,
           state: dict[str, Any] | None) -> BuildResult:
    started, started_ns = time.perf_counter(), time.time_ns()
    last_state = state if cache is not None and cache.status == "loaded" else None
    sources = _read(root, cache, last_state)
    configured, wrong = parse_settings(sources.settings)  # (its problems: reported below)
    target = output_folder(root, configured.output, out)
    files = tuple((f.kind, f.path, f.digest()) for f in sources.files)
    with contextlib.ExitStack() as stack:
        # The output folder is checked and the new site's folder made ready (walks of
        # 10,000 page folders each) by a forked process of low priority, while this one
        # parses and analyses the journal (with forked parsers, when it is new to the
        # cache): on a core of its own where one is free, and in the lulls otherwise.
        ready = _Ready(root, target, stack, early=not wrong)
        if workers > 1 and len(files) >= APART_MIN_FILES and hasattr(os, "fork"):
            ready.apart()
        with uncollected():  # the journal is made, then frozen: no collection ever walks it
            loaded = process(sources, today, ParseMemo(cache), workers, meanwhile=ready)
            settings = loaded.journal.settings
            # What a quick rebuild needs to know (see `quick`): only for an unencrypted
            # site of the default theme (below), read without a problem.
            recorded = record_sources(
                zip(sources.files, (d for _, _, d in files), strict=True), _by_path(loaded),
                sources.settings, root, settings.timezone,
                settings.output, loaded.analysis.today, started_ns,
                last_state["recorded"] if last_state is not None else None,
            ) if cache is not None and not settings.privacy.encrypt and not sources.problems \
                else None
            del sources  # the files' bytes (30 MB at 10,000 files) are parsed: let them go
            if loaded.failed(strict):
                raise JournalInvalid(_failure(loaded.problems, strict), loaded.problems)
            stack.enter_context(frozen())
        result = _render(root, target, loaded, files, recorded, ready.writer(), stack, strict,
                         password, cache, workers, started, last_state)
    return result


def _read(root: Path, cache: BuildCache | None, last_state: dict | None) -> Sources:
    """The journal's files; with the `last_state` of a build, those unchanged since (by
    their stamps: `trusted_sources`) whose records the `cache` holds are not read. (A
    quick rebuild since keeps the digest of a note it spliced, not its record.)"""
    trusted = trusted_sources(last_state)
    if not trusted or cache is None:
        return read_sources(root)
    held = {path: known for path, known in trusted.items()
            if cache.has_parsed((path.split("/")[1], path, known[1]))}
    return read_sources(root, held)


class _Ready:
    """Checks the output folder (`check_output`), then enters a `SiteWriter` for it
    into `stack`: walks of 10,000 page folders each. A big journal has that done by a
    forked process (`apart`) while this one parses and analyses; otherwise it is done
    here, while forked processes parse the journal (`__call__`, when it is called) or
    by `writer`. A refusal is raised by `writer`, after the journal's own errors, which
    come first. (A build stopped by those errors then has made and removed its new
    folder beside the output, or put the spare back: the folders' times change, and
    nothing else.) With settings in error, no folder to hold the output, or a small
    journal parsed in this process, `writer` does it all once the journal is known to
    be sound."""

    def __init__(self, root: Path, target: Path, stack: contextlib.ExitStack,
                 early: bool) -> None:
        self.root, self.target, self.stack, self.early = root, target, stack, early
        self._checked = False
        self._writer: SiteWriter | None = None
        self._refused: InfointError | None = None
        self._apart: tuple[SiteWriter | None, Apart] | None = None

    def apart(self) -> None:
        """Start what `__call__` does in a forked process of low priority, now: for a
        big journal, so that the walks go on while this one parses (or loads from the
        cache) and analyses, taking what CPU the parsers leave. A build stopped by the
        journal's errors (or Ctrl-C) waits for it and gives the spare back."""
        if not self.early or self._apart is not None:
            return
        writer = SiteWriter(self.target, _spare(self.root)) \
            if self.target.parent.is_dir() else None

        def prepare() -> tuple[set[str], set[str] | None] | None:
            check_output(self.root, self.target)
            return writer.prepared() if writer is not None else None

        try:
            self._apart = (writer, Apart(prepare, nice=APART_NICE))
        except ApartFailed:
            return  # `writer` does it all here
        self.stack.callback(self._unused)

    def _settle(self) -> SiteWriter | None:
        """Wait for the forked process; the writer it entered, if it did."""
        if self._apart is None:
            return None
        writer, apart = self._apart
        self._apart = None
        try:
            prepared = apart.result()
        except InfointError as exc:  # UnsafeOutput, WriteFailed: said in `writer`
            self._refused = exc
            return None
        except Exception:  # ApartFailed, or a failure raised again by `writer` here
            return None  # `writer` then does it all here (leftovers are cleared first)
        self._checked = True
        return writer.resume(prepared) if writer is not None and prepared is not None \
            else None

    def _unused(self) -> None:
        """A build stopped before it wrote (the journal's errors): the spare back."""
        writer = self._settle()
        if writer is not None:
            writer.__exit__(None, None, None)

    def __call__(self) -> None:
        if not self.early or self._apart is not None:
            return
        try:
            self._check()
            if self.target.parent.is_dir():
                self._writer = self._enter()
        except InfointError as exc:  # UnsafeOutput, WriteFailed
            self._refused = exc

    def _check(self) -> None:
        check_output(self.root, self.target)
        self._checked = True

    def _enter(self) -> SiteWriter:
        return self.stack.enter_context(SiteWriter(self.target, _spare(self.root)))

    def writer(self) -> SiteWriter:
        entered = self._settle()
        if entered is not None:
            self.stack.push(entered)  # (entered in the forked process: only its exit)
            self._writer = entered
        if self._refused is not None:
            raise self._refused
        if not self._checked:
            self._check()
        if self._writer is None:
            self._writer = self._enter()
        return self._writer


def _render(root: Path, target: Path, loaded: Loaded, files: tuple[tuple[str, str, bytes], ...],
            recorded: Recorded | None, writer: SiteWriter, stack: contextlib.ExitStack,
            strict: bool, password: str | None, cache: BuildCache | None, workers: int,
            started: float, last_state: dict | None) -> BuildResult:
    """Render the checked journal into `writer`, swap the site in, and keep what the
    next build needs. `stack` holds the writer; it is closed once the site is in."""
    settings = loaded.journal.settings
    key = site_key(check_password(password)) if settings.privacy.encrypt else None
    theme = find_theme(root, settings.theme)
    if theme.folders != (default_theme_dir(),):
        recorded = None
    urls = OpaqueUrls(key.path_key) if key else Urls()
    memo = RenderMemo(store=cache)
    # Pages unchanged since the site being replaced keep their file (never when
    # encrypting: a new build has a new key).
    previous = cache.pages_of(target) if cache is not None and key is None else None
    last_build = cache.state_of(target) if cache is not None and previous else None
    if not isinstance(last_build, LastBuild):
        last_build = None
    if cache is not None and key is None:  # (kept for the next build)
        memo.page_links = dict(last_build.page_links) if last_build is not None else {}
    seen: dict[str, os.stat_result] = {}  # kept pages, as just checked: for `reuse`
    if previous is not None:
        memo.previous_pages = previous
        memo.reusable = lambda file, size, mtime: _unchanged(target, file, size, mtime, seen)
    renderer = SiteRenderer(loaded.analysis, theme, urls=urls, encrypted=key is not None,
                            memo=memo)
    if previous:
        last = _last_inputs(cache, last_build, renderer.global_digest)
        renderer.compare_with(last)
        if last is not None and renderer.affected is not None \
                and only_bodies_changed(last.analysis.journal, loaded.journal):
            renderer.kept_listings = frozenset(
                f for f in BODY_BLIND if f in previous and memo.reusable(f, *previous[f][1:]))
    sealer = renderer.sealer(key) if key is not None else None
    if recorded is not None:
        renderer.holes = {}
    pages: dict[str, tuple[bytes, int, int]] = {}
    linked: list[str] = []
    # (closed before the writer exits: its workers stop before a failed site is put away)
    stream = stack.enter_context(
        contextlib.closing(renderer.stream(workers, write=_writing(writer, sealer))))
    for path, data in stream:
        if data is None:  # the current site's file is still right: link it
            if not writer.reuse(path, seen.pop(path, None)):
                raise WriteFailed(f"{target / path} changed during the build; build again")
            pages[path] = previous[path]  # type: ignore[index]
            linked.append(path)
            continue
        info = writer.adopt(path, data) if isinstance(data, Written) \
            else writer.write(path, sealer(path, data) if sealer else data)
        if path in memo.fingerprints:
            pages[path] = (memo.fingerprints[path], info.size, info.mtime_ns)
        elif path in BODY_BLIND:  # kept by the next build if only bodies change
            pages[path] = (LISTING, info.size, info.mtime_ns)
    problems = sort_problems([*loaded.problems, *renderer.problems])
    errors, warnings = count(problems)
    if errors or (strict and warnings):
        raise JournalInvalid(_failure(problems, strict), problems)
    report = privacy_report(renderer.journal, writer.files, encrypted=key is not None)
    written = writer.commit()
    stack.close()  # the stream's workers stop; the writer has nothing left to put away
    # The journal is no longer frozen: what is kept below (tens of thousands of small
    # objects) would set off a full collection walking all of it (0.2 s at 10,000 files).
    with uncollected():
        if cache is not None:
            journal = loaded.journal
            tables = {"contact": journal.contacts, "meeting": journal.meetings,
                      "company": journal.companies}  # (pages of records gone are left out)
            links = {job: found for job, found in (memo.page_links or {}).items()
                     if job[1] in tables[job[0]]}
            this_build = LastBuild(files, journal.unreadable_contacts, settings,
                                   loaded.analysis.today, renderer.global_digest, links)
            cache.set_pages_of(target, pages if key is None else {},
                               this_build if key is None else None)
        stamps = site_stamps(target, writer.files) if recorded is not None else None
        found = _all_holes(renderer, target, linked, last_state if linked else None, stamps) \
            if stamps is not None else None
        if found is not None and recorded is not None and stamps is not None:
            holes, fields = found
            tags = Counter(t for c in renderer.journal.contacts.values() for t in c.tags)
            save_state(root, target, recorded, holes, fields, tags, renderer.search_entries,
                       problems, report, report.pages, stamps)
        elif cache is not None:
            forget(root)  # the last state describes a site that is gone
    return BuildResult(target, report.pages, len(writer.files) + 1, written,
                       time.perf_counter() - started, problems, loaded, report)


def _writing(writer: SiteWriter, sealer: Sealer | None) -> Callable[[str, bytes], Written]:
    """How a forked worker writes a page it rendered (sealed, when encrypting) into
    `writer`'s folder, so its bytes need not travel back to this process."""
    if sealer is None:
        return writer.write
    return lambda path, data: writer.write(path, sealer(path, data))


def _by_path(loaded: Loaded) -> dict[str, Record]:
    journal = loaded.journal
    return {r.path: r for table in (journal.contacts, journal.meetings, journal.companies)
            for r in table.values()}


def _all_holes(renderer: SiteRenderer, target: Path, linked: list[str],
               last_state: dict | None, stamps: dict[str, Stamp],
               ) -> tuple[dict[str, list[Hole]], bool] | None:
    """Where notes stand in every page of the site just swapped in: as rendered, or,
    for a page kept from the last build, as the last state knew it; None when a kept
    page that shows a note is not known (the quick rebuild then waits for a full one).
    And whether contacts' shown fields are known wherever they stand: in the pages
    rendered here they are, and in every kept one if the last state knew it with
    them, listings too."""
    assert renderer.holes is not None
    holes = {file: found for file, found in renderer.holes.items() if found}
    fields = not linked or (last_state is not None and last_state["fields"])
    for file in linked:
        found = carried_holes(last_state, target, file, stamps)
        if file in BODY_BLIND:  # no note: kept for notes whatever is known of it
            fields = fields and found is not None
        elif not found:
            return None
        if found:
            holes[file] = found
    return holes, fields


@dataclass(frozen=True, slots=True)
class LastBuild:
    """What the build of an output folder was made from, kept in the cache: enough to
    analyse that journal again and see which record pages an edit since can reach."""

    files: tuple[tuple[str, str, bytes], ...]
    """(kind, path, digest) of each content file, the cache's keys of their records."""
    unreadable_contacts: frozenset[str]
    settings: Settings
    today: date
    global_digest: bytes
    """The settings, day and theme every page depends on."""
    page_links: dict[Page, frozenset[Lookup]]
    """The journal links the notes on each record page looked up (`RenderMemo.page_links`):
    the pages a file added or removed since reaches through them."""


def _last_inputs(cache: BuildCache | None, last_build: LastBuild | None,
                 global_digest: bytes) -> PageInputs | None:
    """The pages of the `last_build` into the output folder, indexed for
    `affected_pages`; None when unknown or when something every page shows (settings,
    day, theme) changed since."""
    if cache is None or last_build is None or last_build.global_digest != global_digest:
        return None
    records: list[Record] = []
    for file in last_build.files:
        found = cache.peek_parsed(file)
        if found is None:
            return None
        if found[0] is not None:
            records.append(found[0])
    journal, _ = link(records, last_build.settings, last_build.unreadable_contacts)
    return page_inputs(analyze(journal, last_build.today))


APART_MIN_FILES = 1000
"""A journal of this many files has its output folder readied by a forked process
(`_Ready.apart`): walks of as many page folders."""
APART_NICE = 10
"""How much lower the priority of that process is (see `parallel.Apart`): while forked
parsers take both cores, it waits for the reading and the analysis, when one is free;
not the lowest, so that a machine busy with other work does not starve it."""
LISTING = b"listing"
"""The fingerprint of a listing in the cache: it is kept only by the body-only rule."""
SPARE_SITE = "previous-site"
"""In the cache folder: the site the last build replaced, written over by the next."""


def _spare(root: Path) -> Path | None:
    try:
        return cache_folder(root) / SPARE_SITE
    except OSError:  # a read-only journal: every build starts from an empty folder
        return None


def _unchanged(site: Path, file: str, size: int, mtime_ns: int,
               seen: dict[str, os.stat_result]) -> bool:
    """The current site still holds the very file the last build wrote (not a link);
    what was found is kept in `seen`, for `SiteWriter.reuse`."""
    try:
        info = os.lstat(os.path.join(site, file))
    except OSError:
        return False
    if stat.S_ISREG(info.st_mode) and info.st_size == size and info.st_mtime_ns == mtime_ns:
        seen[file] = info
        return True
    return False


def _failure(problems: list[Problem], strict: bool) -> str:
    errors, warnings = count(problems)
    why = summary(errors, warnings) + (" (--strict)" if strict and not errors else "")
    return f"build stopped: {why}; the previous site was left as it was"
