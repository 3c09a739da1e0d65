"""The same site whatever the route: cache or none, one process or several, warm or cold."""

from __future__ import annotations

import base64
import json
import re
import shutil
import time
from datetime import date
from pathlib import Path

import pytest

from infoint_site import parallel
from infoint_site.build import build_site
from infoint_site.cache import CACHE_DIR, CACHE_FILE, BuildCache
from infoint_site.encrypt import derive, unseal
from infoint_site.render import SiteRenderer
from infoint_site.writer import SiteWriter, WriteFailed, Written

REPO = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 22)


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def journal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    root = tmp_path / "journal"
    root.mkdir()
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "infoint.yaml", root / "infoint.yaml")
    return root


def test_serial_and_parallel_builds_are_identical(journal: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "PARALLEL_MIN_PAGES", 1)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_FILES", 1)
    monkeypatch.setattr(parallel, "_BATCH", 5)
    one = build_site(journal, TODAY, tmp_path / "one", use_cache=False, workers=1)
    two = build_site(journal, TODAY, tmp_path / "two", use_cache=False, workers=2)
    three = build_site(journal, TODAY, tmp_path / "three", use_cache=False, workers=3)
    assert files_of(tmp_path / "one") == files_of(tmp_path / "two") == \
        files_of(tmp_path / "three")
    assert one.loaded.journal == two.loaded.journal == three.loaded.journal  # parsed apart
    assert one.problems == two.problems == three.problems


def test_pages_the_workers_write_are_sealed_when_encrypting(journal: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           ) -> None:
    """Workers write their pages themselves: encrypted, each one opens with the password
    to the page a serial build makes (the same path and bytes, once unsealed)."""
    monkeypatch.setattr(parallel, "PARALLEL_MIN_PAGES", 1)
    monkeypatch.setattr(parallel, "_BATCH", 5)
    settings = journal / "infoint.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        "encrypt: false", "encrypt: true"), encoding="utf-8")
    password = "correct horse battery staple"
    build_site(journal, TODAY, tmp_path / "two", password=password, use_cache=False, workers=2)
    build_site(journal, TODAY, tmp_path / "one", password=password, use_cache=False, workers=1)
    pages = {name: _unsealed(data, password)
             for name, data in files_of(tmp_path / "two").items() if name.endswith(".html")}
    assert len(pages) > 40 and b"Ayesha" not in b"".join(files_of(tmp_path / "two").values())
    serial = {name: _unsealed(data, password)
              for name, data in files_of(tmp_path / "one").items() if name.endswith(".html")}
    # Opaque page paths come from the password alone, so both builds name pages alike.
    assert pages == serial


def _unsealed(page: bytes, password: str) -> bytes:
    found = re.search(rb'<script type="application/json" id="sealed">(.*?)</script>', page)
    assert found, page[:200]
    sealed = json.loads(found.group(1))
    key = derive(password, base64.b64decode(sealed["salt"]), sealed["iterations"])
    return unseal(key, sealed["path"], base64.b64decode(sealed["payload"]))


def test_a_build_failing_while_workers_write_leaves_the_site_as_it_was(
        journal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The workers are stopped before the half-written site is removed: nothing of it
    is left beside the output, and the previous site stands."""
    monkeypatch.setattr(parallel, "PARALLEL_MIN_PAGES", 1)
    monkeypatch.setattr(parallel, "_BATCH", 1)
    out = tmp_path / "site"
    build_site(journal, TODAY, out, use_cache=False, workers=2)
    before = files_of(out)

    record_page, write = SiteRenderer.record_page, SiteWriter.write

    def slowly(self: SiteRenderer, job: tuple[str, str]) -> tuple[str, bytes | None]:
        time.sleep(0.05)  # the workers are still writing when this process fails
        return record_page(self, job)

    def fails(self: SiteWriter, rel: str, data: bytes) -> Written:
        if rel == "stats/index.html":
            raise WriteFailed("the disk is full")
        return write(self, rel, data)

    monkeypatch.setattr(SiteRenderer, "record_page", slowly)
    monkeypatch.setattr(SiteWriter, "write", fails)
    with pytest.raises(WriteFailed, match="the disk is full") as failure:
        build_site(journal, TODAY, out, use_cache=False, workers=2)
    # (`failure` keeps the build's frames alive, as a caller could: nothing may rely on
    # their collection to stop the workers)
    time.sleep(1)  # a worker left running would write on meanwhile
    assert files_of(out) == before
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".infoint-tmp")]
    assert failure.traceback


def test_cached_builds_equal_fresh_ones_after_every_edit(journal: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "PARALLEL_MIN_PAGES", 1)
    out = tmp_path / "site"
    first = build_site(journal, TODAY, out, workers=2)
    assert (journal / CACHE_DIR / CACHE_FILE).is_file()
    assert files_of(out) == files_of(_fresh(journal, tmp_path, "fresh0"))
    meeting = journal / "content/meetings/2026-11-20-ayesha-rahman.md"
    edits = [
        lambda: meeting.write_text(meeting.read_text(encoding="utf-8") + "\nOne more line.\n",
                                   encoding="utf-8"),
        lambda: (journal / "content/contacts/chloe-davies.md").unlink(),
        lambda: (journal / "infoint.yaml").write_text(
            (journal / "infoint.yaml").read_text(encoding="utf-8").replace(
                "Networking journal", "My journal"), encoding="utf-8"),
    ]
    for n, edit in enumerate(edits, 1):
        edit()
        warm = build_site(journal, TODAY, out, workers=2, quick=False)
        assert warm.loaded.errors == 0
        assert files_of(out) == files_of(_fresh(journal, tmp_path, f"fresh{n}")), n
    assert first.pages > 40


def test_an_unedited_rebuild_renders_only_listing_pages(journal: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build_site(journal, TODAY, out, workers=1)
    before = {p: p.stat().st_ino for p in out.rglob("index.html")}
    build_site(journal, TODAY, out, workers=1)
    after = {p: p.stat().st_ino for p in out.rglob("index.html")}
    kept = [p for p in after if before.get(p) == after[p]]
    assert len(kept) >= 16 + 17 + 3  # every record page linked, not written again


def test_the_follow_ups_page_is_kept_until_a_follow_up_changes(journal: Path,
                                                               tmp_path: Path) -> None:
    """A role edit moves no follow-up: the follow-ups page is linked from the last site;
    a thank-you marked sent moves one: it is rendered again, as a fresh build has it."""
    out = tmp_path / "site"
    page = out / "follow-ups/index.html"
    build_site(journal, TODAY, out, workers=1)
    first = page.stat().st_ino
    contact = journal / "content/contacts/ayesha-rahman.md"
    contact.write_text(contact.read_text(encoding="utf-8").replace(
        "role: Data Analyst", "role: Senior Data Analyst"), encoding="utf-8")
    build_site(journal, TODAY, out, workers=1, quick=False)
    assert page.stat().st_ino == first
    meeting = journal / "content/meetings/2026-09-10-priya-raman.md"
    text = meeting.read_text(encoding="utf-8")
    assert "thank_you_sent: 2026-09-11" in text
    meeting.write_text(text.replace("thank_you_sent: 2026-09-11", "thank_you_sent: false"),
                       encoding="utf-8")
    build_site(journal, TODAY, out, workers=1, quick=False)
    assert page.stat().st_ino != first
    assert files_of(out) == files_of(_fresh(journal, tmp_path, "fresh"))


def test_a_theme_of_its_own_macros_gets_each_page_s_context(journal: Path,
                                                            tmp_path: Path) -> None:
    """Only the default macros.html has its follow-up HTML shared between pages: a
    theme's own `follow_up` is called by each page, with that page's variables."""
    macros = (REPO / "themes/default/templates/macros.html").read_text(encoding="utf-8")
    own = macros.replace('<p class="fu-title">',
                         '<p class="fu-title" data-page="{{ section }}:{{ title_of_page }}">')
    assert own != macros
    templates = journal / "themes/mine/templates"
    templates.mkdir(parents=True)
    (templates / "macros.html").write_text(
        '{% set title_of_page = (contact.name if contact is defined else "") %}' + own,
        encoding="utf-8")
    settings = journal / "infoint.yaml"
    text = settings.read_text(encoding="utf-8")
    assert "theme: default" in text
    settings.write_text(text.replace("theme: default", "theme: mine"), encoding="utf-8")
    out = tmp_path / "site"
    build_site(journal, TODAY, out, use_cache=False, workers=1)
    page = (out / "contacts/ayesha-rahman/index.html").read_text(encoding="utf-8")
    assert 'data-page="contacts/:Ayesha Rahman"' in page
    assert 'data-page="meetings/:"' in (out / next(
        p for p in files_of(out) if p.startswith("meetings/2026-") and "ayesha" in p
    )).read_text(encoding="utf-8")


def test_a_foreign_or_damaged_cache_is_discarded_unread(journal: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    build_site(journal, TODAY, tmp_path / "site", workers=1)
    assert BuildCache.load(journal).status == "loaded"  # signed as it was written
    cache_file = journal / CACHE_DIR / CACHE_FILE
    data = bytearray(cache_file.read_bytes())
    data[-10] ^= 0xFF
    cache_file.write_bytes(bytes(data))
    assert BuildCache.load(journal).status.startswith("discarded: not signed")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "someone-else"))
    build_site(journal, TODAY, tmp_path / "other", workers=1)  # signs with another key
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    assert BuildCache.load(journal).status.startswith("discarded: not signed")
    cache_file.write_bytes(b"garbage")
    assert BuildCache.load(journal).status == "discarded: not a cache of this program"
    result = build_site(journal, TODAY, tmp_path / "site", workers=1, quick=False)
    assert files_of(tmp_path / "site") == files_of(tmp_path / "other")
    assert result.loaded.errors == 0


def _fresh(journal: Path, tmp_path: Path, name: str) -> Path:
    build_site(journal, TODAY, tmp_path / name, use_cache=False, workers=1)
    return tmp_path / name
