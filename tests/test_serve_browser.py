"""`serve` in a real browser: an open page follows the file as it is saved, broken and fixed.

A `Preview` of a copy of the example journal runs in this process on 127.0.0.1; Chromium
(Debian's, through Playwright, from browser_support) opens its pages. Nothing leaves
127.0.0.1: every other request is aborted and recorded.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

pytest.register_assert_rewrite("browser_support")

from browser_support import CHROMIUM, DESKTOP, TIMEZONE, Tab, _watch, save_screenshot  # noqa: E402
from playwright.sync_api import Browser, expect  # noqa: E402

from infoint_site.serve import Preview  # noqa: E402

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing: no browser to run the site in", allow_module_level=True)

pytest_plugins = ["browser_support"]  # the session's `browser`

DAY = date(2026, 11, 22)
CONTACT = "content/contacts/oliver-grant.md"
LIVE = "/__infoint/"
OLD_NAME = re.compile(r"^Oliver Grant\s")  # the heading also shows the contact's status
NEW_NAME = re.compile(r"^Oliver Grant-Hale\s")


@pytest.fixture
def journal(example_journal: Path) -> Path:
    return example_journal


@pytest.fixture
def preview(journal: Path) -> Iterator[Preview]:
    """The journal served on 127.0.0.1, its watcher known to be listening."""
    builds: list[object] = []
    preview = Preview(journal, "127.0.0.1", 0, lambda: DAY, builds.append)
    preview.start()
    try:
        settings = journal / "infoint.yaml"
        deadline = time.monotonic() + 10
        while len(builds) == 1:  # save unchanged until the watcher notices
            assert time.monotonic() < deadline, "the watcher never reported a change"
            settings.write_bytes(settings.read_bytes())
            time.sleep(0.3)
        time.sleep(0.4)
        yield preview
    finally:
        preview.stop()


@pytest.fixture
def open_live_tab(browser: Browser, preview: Preview) -> Iterator[Callable[[str], Tab]]:
    contexts = []

    def open_(path: str) -> Tab:
        context = browser.new_context(viewport=DESKTOP, locale="en-GB", timezone_id=TIMEZONE,
                                      service_workers="block")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        tab = Tab(page=page, context=context, base=preview.url)
        _watch(tab)
        tab.goto(path)
        # Reloads are the server's doing: a reload forgets this mark.
        page.evaluate("window.__notReloaded = true")
        return tab

    yield open_
    for context in contexts:
        context.close()


def assert_clean(tab: Tab) -> None:
    """No console error, page error, off-site request or failed load, except the event
    stream that a reload cuts short."""
    problems = [p for p in tab.problems() if LIVE + "events" not in p]
    assert not problems, "\n".join(problems)


def reloaded(tab: Tab) -> bool:
    return not tab.page.evaluate("window.__notReloaded === true")


def test_an_open_page_follows_edits_errors_and_fixes(
        preview: Preview, journal: Path, open_live_tab: Callable[[str], Tab]) -> None:
    contact = open_live_tab("/contacts/oliver-grant/")
    other = open_live_tab("/contacts/ayesha-rahman/")
    page = contact.page
    expect(page.locator("h1")).to_have_text(OLD_NAME)
    path = journal / CONTACT
    text = path.read_text(encoding="utf-8")

    # Saved: the open page shows the change by itself; the other tab is left alone.
    path.write_text(text.replace("name: Oliver Grant", "name: Oliver Grant-Hale")
                    + "\nLive marker 4711.\n", encoding="utf-8")
    expect(page.locator("h1")).to_have_text(NEW_NAME)
    expect(page.get_by_text("Live marker 4711.")).to_be_visible()
    assert reloaded(contact)
    page.evaluate("window.__notReloaded = true")
    time.sleep(0.5)
    assert not reloaded(other)

    # Broken: every open page shows the problem over the last good page.
    path.write_text(text.replace("name: Oliver Grant", "name: [Oliver, Grant]"),
                    encoding="utf-8")
    for tab in (contact, other):
        overlay = tab.page.locator("#infoint-overlay")
        expect(overlay).to_be_visible()
        expect(overlay.get_by_role("listitem")).to_have_count(1)
        expect(overlay.get_by_role("listitem")).to_contain_text(f"{CONTACT}:2: name: ")
        assert not reloaded(tab)
    expect(page.locator("h1")).to_have_text(NEW_NAME)  # the last good site
    save_screenshot(page, "serve-overlay.png", full_page=False)
    # A tab opened now sees the overlay too.
    late = open_live_tab("/")
    expect(late.page.locator("#infoint-overlay")).to_be_visible()

    # Fixed: the overlay goes, and the page shows the fixed file.
    path.write_text(text, encoding="utf-8")
    for tab in (contact, other, late):
        expect(tab.page.locator("#infoint-overlay")).to_have_count(0)
    expect(page.locator("h1")).to_have_text(OLD_NAME)
    expect(page.get_by_text("Live marker 4711.")).to_have_count(0)
    for tab in (contact, other, late):
        assert_clean(tab)


def test_a_deleted_page_turns_into_the_404_and_back(
        preview: Preview, journal: Path, open_live_tab: Callable[[str], Tab]) -> None:
    tab = open_live_tab("/meetings/2026-08-27-oliver-grant/")
    path = journal / "content/meetings/2026-08-27-oliver-grant.md"
    text = path.read_bytes()
    path.unlink()
    expect(tab.page.locator("h1")).to_have_text("Not found")
    path.write_bytes(text)
    expect(tab.page.locator("h1")).not_to_have_text("Not found")
    expect(tab.page.locator("h1")).to_contain_text("Oliver Grant")
    problems = [p for p in tab.problems() if LIVE + "events" not in p
                and "404" not in p]  # the page was missing for a while, as it should be
    assert not problems, "\n".join(problems)
