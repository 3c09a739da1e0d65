"""Record pages rendered by forked worker processes, one per core.

A worker inherits the analysed journal and the renderer at the fork, renders batches of
contact, meeting and company pages, and hands back the pages and what rendering learned
(warnings, answer sections, page fingerprints, cache entries); the main process merges
it and writes as results arrive. The pages are the same bytes as a serial render.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .render import SiteRenderer

PARALLEL_MIN_PAGES = 400
"""Fewer record pages than this render in the main process: forking would cost more."""
_BATCH = 64

_WORKER: SiteRenderer | None = None
"""The renderer a forked worker inherited (set just before the fork)."""


def _render_batch(jobs: list[tuple[str, str]]) -> tuple[Any, ...]:
    """In a worker: render some record pages; return them and what rendering learned."""
    renderer = _WORKER
    assert renderer is not None
    problems, sections = len(renderer.problems), set(renderer.sections)
    fingerprints = set(renderer.memo.fingerprints)
    rendered = renderer.memo.rendered
    pages = [renderer.record_page(job) for job in jobs]
    store = renderer.memo.store
    return (
        pages,
        renderer.problems[problems:],
        {k: v for k, v in renderer.sections.items() if k not in sections},
        {k: v for k, v in renderer.memo.fingerprints.items() if k not in fingerprints},
        store.take_new_markdown() if store is not None else ([], []),
        renderer.memo.rendered - rendered,
    )


def render_in_workers(renderer: SiteRenderer, jobs: list[tuple[str, str]],
                       workers: int) -> Iterator[tuple[str, bytes | None]]:
    """Record pages rendered by forked processes, in order; their findings merged back."""
    import multiprocessing

    global _WORKER
    _WORKER = renderer
    if renderer.memo.store is not None:
        renderer.memo.store.take_new_markdown()  # workers report only their own
    batches = [jobs[i:i + _BATCH] for i in range(0, len(jobs), _BATCH)]
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for pages, problems, sections, fingerprints, markdown, rendered in pool.imap(
                    _render_batch, batches):
                renderer.problems.extend(problems)
                renderer.sections.update(sections)
                renderer.memo.fingerprints.update(fingerprints)
                renderer.memo.rendered += rendered
                if renderer.memo.store is not None:
                    new, hits = markdown
                    for key, value in new:
                        renderer.memo.store.put_markdown(key, value)
                    for key in hits:
                        renderer.memo.store.mark_used(key)
                yield from pages
    finally:
        _WORKER = None
