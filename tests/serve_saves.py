"""What the tests of `serve`'s saves share: a preview that keeps what it publishes, a
save made in its journal, a site built from nothing to hold it to."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from infoint_site.devsite import DevSite, Outcome, Snapshot
from infoint_site.loader import read_sources
from infoint_site.pipeline import process
from infoint_site.render import SiteRenderer
from infoint_site.theme import find_theme

DAY = date(2026, 11, 22)
RECORD_FOLDERS = frozenset({"contacts", "meetings", "companies"})


class Preview:
    """A `DevSite` of `journal`, built once; `published` then keeps every snapshot it
    publishes."""

    def __init__(self, journal: Path, folder: Path, day: date = DAY) -> None:
        self.journal = journal
        self.published: list[Snapshot] = []
        self.site = DevSite(journal, folder, lambda: day,
                            on_publish=lambda: self.published.append(self.site.snapshot))
        assert self.site.rebuild().ok
        self.published.clear()

    def save(self, rel: str, change: Callable[[str], str]) -> Outcome:
        """Write `change` of the file at `rel` and rebuild as `serve` does on its save."""
        path = self.journal / rel
        text = path.read_text(encoding="utf-8")
        changed = change(text)
        assert changed != text, rel
        path.write_text(changed, encoding="utf-8")
        return self.site.rebuild({rel})


def fresh(root: Path, day: date = DAY) -> dict[str, bytes]:
    """Every file of the site of the journal at `root`, rendered from nothing."""
    loaded = process(read_sources(root), day)
    return SiteRenderer(loaded.analysis,
                        find_theme(root, loaded.journal.settings.theme)).render().files


def is_record_page(path: str) -> bool:
    """A contact's, a meeting's or a company's page (``contacts/<id>/index.html``)."""
    return path.split("/")[0] in RECORD_FOLDERS and path.count("/") == 2
