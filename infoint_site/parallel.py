"""Record pages rendered by forked worker processes, one per core.

A worker inherits the analysed journal and the renderer at the fork, renders batches of
contact, meeting and company pages, and hands back what rendering learned (warnings,
answer sections, page fingerprints, cache entries) with the pages, or, given a way to
write them (`build` gives its writer's), writes the pages itself and hands back only
their sizes and times: 150 MB of pages need not be pickled and piped at 10,000 files.
The main process merges it as results arrive. The pages are the same bytes as a serial
render.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import signal
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .loader import SourceFile
    from .problems import Problem
    from .records import Record
    from .render import SiteRenderer
    from .writer import Written

PageWrite = Callable[[str, bytes], "Written"]
"""Writes one page of the new site (by its file path) and says what was written."""

PARALLEL_MIN_PAGES = 400
"""Fewer record pages than this render in the main process: forking would cost more."""
_BATCH = 64

PARALLEL_MIN_FILES = 1000
"""Fewer files to parse than this are parsed in the main process."""
_PARSE_PIECE = 250
"""Files parsed at a time by one process (see `parse_in_workers`)."""

_SWITCH_INTERVAL = 0.0002
"""How long this process's busy thread keeps the GIL while the pool's thread waits to
take a worker's results off the pipe (Python's default is 5 ms). A worker blocks on a
full pipe until that thread reads it, 64 KB at a time: with the default, the forked
parser spent half its time waiting while this process parsed its own share."""
_RESPONSIVE: list[float] = []
"""The switch intervals to go back to, one per pool that is still running."""


_FROZEN = 0
"""How many `frozen` blocks this process is in."""


@contextlib.contextmanager
def frozen() -> Iterator[None]:
    """Every object made so far out of the collector's sight, until the outermost such
    block ends. Forked with them frozen, a worker's full collection no longer walks the
    whole inherited journal, writing to each object and so copying every page of it
    (0.25 s a worker at 10,000 files, a fifth of its pages' time); `build` renders in
    one, where this process's own full collections walked the journal five times.

    Its end unfreezes everything, also what `long_lived` froze for `serve` (which never
    renders in workers): in a process that does both, as tests do, the collector walks
    the kept build again until the next build settles."""
    global _FROZEN
    gc.freeze()
    _FROZEN += 1
    try:
        yield
    finally:
        _FROZEN -= 1
        if not _FROZEN:
            gc.unfreeze()


@contextlib.contextmanager
def uncollected() -> Iterator[None]:
    """No collections in this block (`build` freezes what it makes before one walks it;
    the parsers' records arrive without one)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _responsive() -> None:
    """Hand the GIL over quickly while a pool runs (see `_SWITCH_INTERVAL`)."""
    _RESPONSIVE.append(sys.getswitchinterval())
    sys.setswitchinterval(min(_RESPONSIVE[-1], _SWITCH_INTERVAL))


def _unhurried() -> None:
    """A pool stopped: the interval as it was before the first one started."""
    if _RESPONSIVE:
        before = _RESPONSIVE.pop()
        if not _RESPONSIVE:
            sys.setswitchinterval(before)


_WORKER: SiteRenderer | None = None
"""The renderer a forked worker inherited (set just before the fork)."""
_WRITE: PageWrite | None = None
"""How a forked worker writes its pages, if it does (set just before the fork)."""


def _render_batch(jobs: list[tuple[str, str]]) -> tuple[Any, ...]:
    """In a worker: render some record pages; return them and what rendering learned."""
    renderer = _WORKER
    assert renderer is not None
    problems, sections = len(renderer.problems), set(renderer.sections)
    fingerprints = set(renderer.memo.fingerprints)
    rendered = renderer.memo.rendered
    pages = [renderer.record_page(job) for job in jobs]
    store = renderer.memo.store
    known = renderer.memo.page_links
    holes = _holes_of(renderer, pages)
    write = _WRITE
    return (
        pages if write is None else [(path, data if data is None else write(path, data))
                                     for path, data in pages],
        holes,
        renderer.problems[problems:],
        {k: v for k, v in renderer.sections.items() if k not in sections},
        {k: v for k, v in renderer.memo.fingerprints.items() if k not in fingerprints},
        store.markdown.take() if store is not None else ([], set()),
        renderer.memo.rendered - rendered,
        {job: known.get(job) for job in jobs} if known is not None else {},
    )


def render_in_workers(renderer: SiteRenderer, jobs: list[tuple[str, str]],
                      workers: int, write: PageWrite | None = None) -> WorkerPages:
    """Record pages rendered by forked processes, in order; their findings merged back.
    Given `write`, each worker writes its pages with it and hands back what it returned
    in place of the bytes.

    The workers are forked and start at once, before the first page is asked for, so
    the caller can do other work (the listings) while they render."""
    import multiprocessing

    global _WORKER, _WRITE
    _WORKER, _WRITE = renderer, write
    if renderer.memo.store is not None:
        renderer.memo.store.markdown.take()  # workers report only their own
    batches = [jobs[i:i + _BATCH] for i in range(0, len(jobs), _BATCH)]
    try:
        with frozen():
            pool = multiprocessing.get_context("fork").Pool(workers)
    finally:
        _WORKER = _WRITE = None  # the workers have their copy; this process needs none
    _responsive()
    return WorkerPages(renderer, pool, pool.imap(_render_batch, batches))


class WorkerPages:
    """The pages the workers render, as they come; `close` stops the workers."""

    def __init__(self, renderer: SiteRenderer, pool: Any,
                 results: Iterator[tuple[Any, ...]]) -> None:
        self.renderer, self.pool, self.results = renderer, pool, results

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        renderer = self.renderer
        known = renderer.memo.page_links
        for pages, holes, problems, sections, fingerprints, markdown, rendered, links \
                in self.results:
            if renderer.holes is not None:
                renderer.holes.update(holes)
            renderer.problems.extend(problems)
            renderer.sections.update(sections)
            renderer.memo.fingerprints.update(fingerprints)
            renderer.memo.rendered += rendered
            if renderer.memo.store is not None:
                renderer.memo.store.markdown.merge(markdown)
            if known is not None:
                for job, found in links.items():
                    if found is None:
                        known.pop(job, None)
                    else:
                        known[job] = found
            yield from pages

    def close(self) -> None:
        _stop(self.pool)


def _stop(pool: Any) -> None:
    """Stop a pool `_responsive` was called for."""
    try:
        pool.terminate()
        pool.join()
    finally:
        _unhurried()


_FILES: list[SourceFile] = []
"""The files a forked parser inherited (set just before the fork)."""
_PIECES: list[tuple[int, int]] = []
"""The pieces of `_FILES` to parse, claimed one at a time (see `_claim`)."""
_CLAIMED: Any = None
"""Shared with the forked parsers: [pieces claimed from the front, pieces left after
them]. Workers take pieces from the front, this process from the back."""


def _parse_range(bounds: tuple[int, int]) -> list[tuple[Record | None, list[Problem]]]:
    from .parse import parse_file

    return [parse_file(f.kind, f.path, f.data) for f in _FILES[bounds[0]:bounds[1]]]


def _claim(front: bool) -> int | None:
    """The next piece no one has claimed yet, from the front or the back; None when
    every piece is taken."""
    with _CLAIMED.get_lock():
        first, end = _CLAIMED[0], _CLAIMED[1]
        if first >= end:
            return None
        if front:
            _CLAIMED[0] = first + 1
            return first
        _CLAIMED[1] = end - 1
        return end - 1


def _parse_claimed(_: int) -> tuple[int, list[tuple[Record | None, list[Problem]]]] | None:
    """In a worker: parse the next piece from the front, if one is left."""
    piece = _claim(front=True)
    return None if piece is None else (piece, _parse_range(_PIECES[piece]))


def parse_in_workers(files: list[SourceFile], workers: int,
                     meanwhile: Callable[[], None] | None = None,
                     ) -> list[tuple[Record | None, list[Problem]]]:
    """`parse_file` of every file, in order, by this process and forked ones.

    The files are cut into pieces of a few hundred, which the workers claim from the
    front and this process from the back, so each parses as much as its speed allows:
    this process first does `meanwhile` (the build's walks of the output folders), and
    it also takes the records the workers send, pickled a piece at a time (one pickle
    of half the journal, 20 MB at 10,000 files, would stand in memory beside the
    records made of it)."""
    import multiprocessing

    global _FILES, _PIECES, _CLAIMED
    pieces = [(i, min(i + _PARSE_PIECE, len(files)))
              for i in range(0, len(files), _PARSE_PIECE)]
    _FILES, _PIECES = files, pieces
    _CLAIMED = multiprocessing.get_context("fork").Array("i", [0, len(pieces)])
    try:
        pool = multiprocessing.get_context("fork").Pool(max(1, min(workers - 1, len(pieces))))
        _responsive()
        try:
            with uncollected():  # records arrive by the thousand: no collections meanwhile
                theirs = pool.imap_unordered(_parse_claimed, range(len(pieces)))
                if meanwhile is not None:
                    meanwhile()
                parsed: dict[int, list[tuple[Record | None, list[Problem]]]] = {}
                while (piece := _claim(front=False)) is not None:
                    parsed[piece] = _parse_range(pieces[piece])
                for found in theirs:
                    if found is not None:
                        parsed[found[0]] = found[1]
                return [result for i in range(len(pieces)) for result in parsed[i]]
        finally:
            _stop(pool)
    finally:
        _FILES, _PIECES, _CLAIMED = [], [], None


def _holes_of(renderer: SiteRenderer, pages: list[tuple[str, bytes | None]]) -> dict[str, Any]:
    """Where notes stand in the pages a worker rendered, when recorded (see `quick`)."""
    if renderer.holes is None:
        return {}
    return {path: renderer.holes[path] for path, _ in pages if path in renderer.holes}


def _render_summary(half: int, calendar: bool) -> tuple[Any, ...]:
    renderer = _WORKER
    assert renderer is not None
    start = len(renderer.problems)
    fingerprints = set(renderer.memo.fingerprints)
    store = renderer.memo.store
    if store is not None:
        store.search_texts.take()  # this worker's own, below
    pages = list(renderer.summary_pages(half))
    if calendar:
        pages.append(renderer.calendar_file())
    write = _WRITE
    return ([(path, data if data is None or write is None else write(path, data))
             for path, data in pages],
            renderer.problems[start:], _holes_of(renderer, pages),
            renderer.search_entries,
            {k: v for k, v in renderer.memo.fingerprints.items() if k not in fingerprints},
            store.search_texts.take() if store is not None else ([], set()))


class Summaries:
    """The listing pages a forked worker renders; `get` waits for them."""

    def __init__(self, renderer: SiteRenderer, pool: Any, result: Any) -> None:
        self.renderer, self.pool, self.result = renderer, pool, result

    def get(self) -> list[tuple[str, Any]]:
        pages, problems, holes, search_entries, fingerprints, texts = self.result.get()
        if self.renderer.memo.store is not None:
            self.renderer.memo.store.search_texts.merge(texts)
        self.renderer.problems.extend(problems)
        self.renderer.memo.fingerprints.update(fingerprints)
        if self.renderer.holes is not None:
            self.renderer.holes.update(holes)
            self.renderer.search_entries.update(search_entries)
        return pages

    def close(self) -> None:
        _stop(self.pool)


def summary_in_worker(renderer: SiteRenderer, half: int, calendar: bool = False,
                      write: PageWrite | None = None) -> Summaries:
    """Start rendering `renderer.summary_pages(half)`, and the calendar if `calendar`, in
    one forked worker, now; given `write`, it writes them (20 MB at 10,000 files) and
    hands back what `write` returned."""
    import multiprocessing

    global _WORKER, _WRITE
    _WORKER, _WRITE = renderer, write
    try:
        with frozen():
            pool = multiprocessing.get_context("fork").Pool(1)
    finally:
        _WORKER = _WRITE = None
    _responsive()
    return Summaries(renderer, pool, pool.apply_async(_render_summary, (half, calendar)))


class ApartFailed(Exception):
    """The forked process of an `Apart` ended without an answer (killed, say)."""


class Apart:
    """`work()` run in a forked process while this one goes on; `result` waits for it
    and gives what it returned (or raises what it raised). The process is forked at
    once (`ApartFailed` if it cannot be) and ignores Ctrl-C, which this one is left to
    handle: `result` must be called, on the way out too, and it reaps the process.

    With `nice`, the forked process runs at that lower priority: it then takes a core
    only when the others leave it one (`build` readies its output folder this way while
    the journal is parsed, and does it in the lulls, the reading and the analysis)."""

    def __init__(self, work: Callable[[], Any], nice: int = 0) -> None:
        read, write = os.pipe()
        try:
            pid = os.fork()
        except OSError as exc:  # no memory or processes left to fork
            os.close(read)
            os.close(write)
            raise ApartFailed(f"could not fork: {exc}") from exc
        if pid == 0:  # the forked process: answer, then leave without any cleanup
            code = 1
            try:
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                os.close(read)
                if nice:
                    with contextlib.suppress(OSError):
                        os.nice(nice)
                try:
                    answer: tuple[bool, Any] = (True, work())
                except Exception as exc:  # handed back to be raised there
                    answer = (False, exc)
                with os.fdopen(write, "wb") as pipe:
                    pipe.write(pickle.dumps(answer, pickle.HIGHEST_PROTOCOL))
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        self._pid, self._read = pid, read
        self._answer: tuple[bool, Any] | None = None

    def result(self) -> Any:
        if self._answer is None:
            self._answer = (False, ApartFailed("stopped while waiting for the answer"))
            try:
                with os.fdopen(self._read, "rb") as pipe:
                    data = pipe.read()
            finally:
                os.waitpid(self._pid, 0)  # reaped even when this one is interrupted
            try:
                self._answer = pickle.loads(data)  # our own fork's bytes
            except Exception as exc:
                self._answer = (False, ApartFailed(f"the forked process gave no answer: {exc}"))
        done, value = self._answer
        if not done:
            raise value
        return value
