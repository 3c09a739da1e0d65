"""What one build lends the next: rendered pages and Markdown kept by their inputs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import jinja2

from .cache import BuildCache
from .problems import Problem

Lookup = tuple[str, str, bool]
"""A journal link a note's rendering looked up: (folder, record id, whether it was found)."""

KeptNote = tuple[str | None, list[Problem], dict[int, str], frozenset[Lookup]]
"""A note rendered: its HTML (None when only the rest was kept), warnings, the HTML of
its answers by line, and the journal links it looked up."""


def freeze(value: Any) -> Any:
    """A hashable, comparable copy of a page's context (lists → tuples, dicts → items)."""
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    if isinstance(value, dict):
        return tuple((k, freeze(v)) for k, v in value.items())
    if isinstance(value, set | frozenset):
        return frozenset(freeze(v) for v in value)
    return value


@dataclass
class RenderMemo:
    """What one build can lend the next in the same process (`serve`).

    Pages of one record (a contact, a meeting, a company) are rendered from their own
    context only, so a page whose frozen context is unchanged is not rendered again.
    Markdown is kept per body and page depth, with the journal links it looked up: when
    a file is added or removed, the renderings whose links now resolve otherwise are
    dropped, and the record pages that showed them are made again. Everything is
    dropped when the settings, the day or the theme change.
    """

    keep: bool = False
    """Whether a later build in this process will use this memo (`serve`): only then
    are pages kept, and record pages nothing changed for skipped altogether."""
    env: jinja2.Environment | None = None
    global_key: Any = None
    ids_key: Any = None
    pages: dict[str, tuple[Any, bytes]] = field(default_factory=dict)
    markdown: dict[tuple[str, str, int, str, str], KeptNote] = field(default_factory=dict)
    """(path, text, first line, folder, page depth) → the note (or the answer) rendered:
    one rendering of each at each place (see `keep_note`)."""
    _latest: dict[tuple[str, int, str, str], str] = field(default_factory=dict)
    """(path, first line, folder, page depth) → the text `markdown` holds for it."""
    rendered: int = 0
    """Pages rendered by the last build (the rest came from the memo)."""
    store: BuildCache | None = None
    """The persistent cache, for Markdown rendered by earlier builds."""
    previous_pages: dict[str, tuple[bytes, int, int]] | None = None
    """Record pages of the site being replaced: file → (fingerprint, size, mtime_ns). Given,
    a page whose fingerprint is unchanged is not rendered: `stream` yields None for it and
    the writer links the old file."""
    reusable: Callable[[str, int, int], bool] | None = None
    """Whether the current site still holds the file with that size and mtime."""
    fingerprints: dict[str, bytes] = field(default_factory=dict)
    """This build's record pages: file → fingerprint of its template, context and theme."""
    inputs: Any = None
    """The last build's `affected.PageInputs`, to find what an edit changed."""
    records: dict[tuple[str, str], tuple[str, bytes | None, list[Problem],
                                          dict[tuple[str, int], str]]] = \
        field(default_factory=dict)
    """(kind, id) → the record page the last build made: its file, bytes, warnings and
    answer sections."""
    page_links: dict[tuple[str, str], frozenset[Lookup]] | None = None
    """(kind, id) → the journal links the notes on that record page looked up, as the
    page in place was made (pages without any left out); kept up to date by each build
    when a dict: in `serve`, and in a cached `build`, which keeps it for the next."""
    search_texts: dict[str, str] = field(default_factory=dict)
    """A note's body → its words for the search page, as the last build made them."""

    def __post_init__(self) -> None:
        if self.keep and self.page_links is None:
            self.page_links = {}

    def keep_note(self, key: tuple[str, str, int, str, str], note: KeptNote) -> None:
        """Keep `note` as the rendering of `key`, and forget the one of the text kept
        before at the same place: a long `serve` keeps one rendering of each note (and
        answer) where it starts, and only a note moved to another line (its front
        matter longer or shorter) leaves its last one behind."""
        path, text, first_line, folder, base = key
        place = (path, first_line, folder, base)
        old = self._latest.get(place)
        if old is not None and old != text:
            self.markdown.pop((path, old, first_line, folder, base), None)
        self._latest[place] = text
        self.markdown[key] = note

    def keep_notes_if(self, keep: Callable[[tuple[str, str, int, str, str], KeptNote], bool],
                      ) -> None:
        """Forget the renderings `keep` says no to."""
        kept: dict[tuple[str, str, int, str, str], KeptNote] = {}
        dropped: list[tuple[str, str, int, str, str]] = []
        for key, note in self.markdown.items():
            if keep(key, note):
                kept[key] = note
            else:
                dropped.append(key)
        self.markdown = kept
        for path, text, first_line, folder, base in dropped:
            place = (path, first_line, folder, base)
            if self._latest.get(place) == text:
                del self._latest[place]

    def reset(self) -> None:
        self.pages.clear()
        self.markdown.clear()
        self._latest.clear()
        self.records.clear()
        self.inputs = None  # (every page is made again: `page_links` is brought up to date)

