"""The built example site in a real browser: what a user sees and can do.

Chromium is the Debian package at /usr/bin/chromium; the module is skipped, with a reason,
only when it is missing. Nothing here reaches the network: the site is served from
127.0.0.1 and every other request is aborted and recorded (see browser_support.py).
Screenshots go to tests/artifacts/ (gitignored).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

import pytest

pytest.register_assert_rewrite("browser_support")  # before it is imported, for clear failures

from browser_support import (  # noqa: E402
    BUILD_DAY,
    CHROMIUM,
    MOBILE,
    OpenTab,
    Tab,
    board_counts,
    board_groups,
    contrast,
    luminance,
    save_screenshot,
    status_for,
)
from playwright.sync_api import Locator, Page, expect  # noqa: E402

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing: no browser to run the site in", allow_module_level=True)

# The fixtures (built_site, site_url, browser, open_tab, tab) live in browser_support.
pytest_plugins = ["browser_support"]

CONTACT = "ayesha-rahman"  # met, has an email, referred by Priya Raman (referred by Helen Okafor)
DONE_MEETING = "2026-11-20-ayesha-rahman"
SCHEDULED_MEETING = "2026-11-24-samuel-achebe"
COMPANY = "larkspur-health"
SITE_TITLE = "Networking journal"


# --------------------------------------------------------------------------- 1. every page


def expect_link(link: Locator, path: str) -> None:
    """The link leads to `path` on this site (whatever relative form its href takes)."""
    expect(link).to_have_count(1)
    href = link.evaluate("a => typeof a.href === 'string' ? a.href : a.href.baseVal")
    target = urlsplit(urljoin(link.page.url, href))
    assert target.hostname == "127.0.0.1", target
    got = target.path + (f"#{target.fragment}" if target.fragment else "")
    assert got == path, f"link goes to {got}, expected {path}"


def check_dashboard(page: Page) -> None:
    expect(page).to_have_title(f"Dashboard · {SITE_TITLE}")
    numbers = page.locator(".headline .numbers")
    expect(numbers.locator("div", has_text="Contacts").locator("dd")).to_have_text("16")
    expect(page.get_by_role("heading", name="What to do")).to_be_visible()
    for section in ("Overdue", "Due today", "Soon", "Later"):
        expect(page.get_by_role("heading", name=section)).to_be_visible()
    overdue = page.locator('.fu-group[data-status="overdue"] .follow-up')
    expect(overdue.first).to_be_visible()
    expect(page.locator(".resort-note")).to_be_hidden()
    next_meetings = page.locator("section", has=page.get_by_role("heading", name="Next meetings"))
    expect(next_meetings.get_by_role("link", name="Samuel Achebe")).to_be_visible()
    expect_link(
        next_meetings.get_by_role("link", name="Preparation sheet").first,
        f"/meetings/{SCHEDULED_MEETING}/#prep",
    )
    pipeline = page.locator("section", has=page.get_by_role("heading", name="Pipeline"))
    expect(pipeline.locator("svg").first).to_be_visible()
    expect(pipeline.get_by_role("link", name="Met")).to_have_attribute(
        "href", "contacts/#status=met")


def check_follow_ups(page: Page) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Follow-ups")
    expect(page.locator('.fu-group[data-status="overdue"] .follow-up').first).to_be_visible()
    done = page.locator("details.fu-done")
    expect(done.locator("summary")).to_contain_text("Done")
    done.locator("summary").click()
    expect(done.locator(".follow-up").first).to_be_visible()


def check_contacts(page: Page) -> None:
    expect(page.get_by_role("heading", level=1)).to_contain_text("Contacts")
    rows = page.locator("#contacts-table tbody tr")
    expect(rows).to_have_count(16)
    expect(page.locator("form.filters output")).to_have_text("16 shown")
    expect_link(rows.get_by_role("link", name="Ayesha Rahman"), f"/contacts/{CONTACT}/")


def check_contact(page: Page) -> None:
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ayesha Rahman")
    expect(page.get_by_role("heading", level=1).locator(".badge")).to_have_text("met")
    chain = page.get_by_role("navigation", name="Referral chain").locator("li")
    expect(chain).to_have_text(["Helen Okafor", "Priya Raman", "Ayesha Rahman"])
    expect(page.locator("dl.details")).to_contain_text("ayesha.rahman@example.com")
    meetings = page.locator("section", has=page.get_by_role("heading", name="Meetings"))
    expect_link(meetings.get_by_role("link", name="Ayesha Rahman"), f"/meetings/{DONE_MEETING}/")
    expect(page.get_by_text("Tariq Mahmood").first).to_be_visible()


def check_meetings(page: Page) -> None:
    expect(page.get_by_role("heading", level=1)).to_contain_text("Meetings")
    expect(page.locator("main table tbody tr")).to_have_count(17)
    expect_link(
        page.locator("main").get_by_role("link", name="Samuel Achebe"),
        f"/meetings/{SCHEDULED_MEETING}/",
    )


def check_done_meeting(page: Page) -> None:
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Meeting with Ayesha Rahman")
    expect(heading.locator(".badge")).to_have_text("done")
    expect(page.locator("#prep")).to_have_count(0)
    details = page.locator("dl.details")
    expect(details).to_contain_text("Thank-you sent")
    expect(details).to_contain_text("Outcome")
    notes = page.locator("section.notes")
    expect(notes).to_contain_text("What is your typical day like?")
    expect(notes).to_contain_text("Power BI in the morning")
    expect(page.locator("main").get_by_text("Tariq Mahmood").first).to_be_visible()


def check_scheduled_meeting(page: Page) -> None:
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Meeting with Samuel Achebe")
    expect(heading.locator(".badge")).to_have_text("scheduled")
    prep = page.locator("#prep")
    expect(prep).to_be_visible()
    expect(prep.get_by_role("heading", name="Preparation sheet")).to_be_visible()
    expect(prep.get_by_role("button", name="Print")).to_be_visible()
    goals = prep.locator("section", has=page.get_by_role("heading", name="Goals")).locator("ul li")
    expect(goals).to_have_count(3)
    expect(goals.first).to_have_text(
        "hear how a teacher fared in his first three years as an analyst"
    )
    expect(prep.get_by_text("Your script")).to_be_visible()
    expect(prep).to_contain_text("career-change")
    expect(prep).to_contain_text("stay true to it")
    length = prep.locator("dt", has_text="Agreed length").locator("xpath=following-sibling::dd[1]")
    expect(length).to_contain_text("20 minutes")
    expect(prep.locator("dl")).to_contain_text("Microsoft Teams")
    questions = prep.locator("ol.questions li")
    expect(questions).to_have_count(5)
    expect(questions.last).to_have_text("Who else should I talk to?")
    reminder = prep.locator(".reminder")
    expect(reminder).to_be_visible()
    expect(reminder).to_contain_text("who else you should talk to")
    expect(reminder).to_contain_text("use their name")
    expect(prep).to_contain_text("Grace Adeyemi")  # who suggested him: may use her name


def check_companies(page: Page) -> None:
    expect(page.get_by_role("heading", level=1)).to_contain_text("Companies")
    cards = page.locator(".cards .card")
    expect(cards).to_have_count(3)
    expect_link(page.get_by_role("link", name="Larkspur Health").first, f"/companies/{COMPANY}/")


def check_company(page: Page) -> None:
    expect(page.get_by_role("heading", level=1)).to_contain_text("Larkspur")
    people = page.locator("section", has=page.get_by_role("heading", name="People you know there"))
    expect(people.get_by_role("link")).to_have_text(["Ayesha Rahman", "Priya Raman"])


def check_referrals(page: Page) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Referral chains")
    graph = page.locator("main svg.graph")
    expect(graph).to_be_visible()
    tree_names = page.locator("ul.tree a").all_text_contents()
    assert len(tree_names) == 15, tree_names
    nodes = graph.locator(".node")
    node_names = [t.strip() for t in nodes.locator("text").all_text_contents()]
    assert sorted(node_names) == sorted(tree_names)
    # Each node links to its contact's page.
    link = graph.locator("a", has=page.locator("title", has_text="Samuel Achebe"))
    expect_link(link, "/contacts/samuel-achebe/")
    # The graph is drawn: its nodes have a real size on screen.
    box = nodes.first.bounding_box()
    assert box and box["width"] > 20 and box["height"] > 10, box


def check_questions(page: Page) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Question bank")
    article = page.locator(
        "article.question", has=page.get_by_role("heading", name="What is your typical day like?")
    )
    expect(article.locator("h3 .count")).to_have_text("9")
    answers = article.locator("blockquote.answer")
    expect(answers).to_have_count(3)  # the latest three; all nine on the question's page
    summary = article.locator("summary")
    expect(summary).to_have_text("9 answers: the latest 3")
    if not answers.first.is_visible():
        summary.click()
    expect(answers.first).to_be_visible()
    article.get_by_role("link", name="All 9 answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What is your typical day like?")
    answers = page.locator("blockquote.answer")
    expect(answers).to_have_count(9)
    meetings = set(answers.locator("footer a").evaluate_all("as => as.map(a => a.href)"))
    assert len(meetings) == 9, meetings
    expect(page.locator("main")).to_contain_text("Power BI in the morning")


def check_stats(page: Page) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Statistics")
    charts = page.locator("main .chart")  # an <svg>, or a figure of SVG bars
    assert charts.count() >= 3
    for i in range(charts.count()):
        expect(charts.nth(i)).to_be_visible()
        assert charts.nth(i).evaluate("c => c.tagName.toLowerCase() === 'svg'"
                                      " || c.querySelectorAll('svg rect.bar').length > 0")
        expect(charts.nth(i)).to_have_attribute("aria-label", re.compile(r"\w"))
    expect(page.locator("main img")).to_have_count(0)  # inline SVG, not images
    numbers = page.locator("dl.numbers")
    expect(numbers.locator("div", has_text="Meetings held").locator("dd")).to_have_text("13")


def check_search(page: Page) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Search")
    box = page.get_by_label("Search names, companies, tags and notes")
    expect(box).to_be_visible()
    expect(box).to_be_focused()
    expect(page.locator("#search-status")).to_contain_text("Type to search")


def check_not_found(page: Page) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    page.get_by_role("link", name="Back to the dashboard").click()
    expect(page).to_have_title(f"Dashboard · {SITE_TITLE}")


PAGES: list[tuple[str, Callable[[Page], None]]] = [
    ("/", check_dashboard),
    ("/follow-ups/", check_follow_ups),
    ("/contacts/", check_contacts),
    (f"/contacts/{CONTACT}/", check_contact),
    ("/meetings/", check_meetings),
    (f"/meetings/{DONE_MEETING}/", check_done_meeting),
    (f"/meetings/{SCHEDULED_MEETING}/", check_scheduled_meeting),
    ("/companies/", check_companies),
    (f"/companies/{COMPANY}/", check_company),
    ("/referrals/", check_referrals),
    ("/questions/", check_questions),
    ("/stats/", check_stats),
    ("/search/", check_search),
    ("/404.html", check_not_found),
]


@pytest.mark.parametrize(("path", "check"), PAGES, ids=[p for p, _ in PAGES])
def test_page_renders_cleanly(tab: Tab, path: str, check: Callable[[Page], None]) -> None:
    tab.goto(path)
    page = tab.page
    assert page.title().endswith(f" · {SITE_TITLE}"), page.title()
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator('meta[name="robots"]')).to_have_attribute("content", "noindex, nofollow")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    check(page)
    tab.assert_clean()


def test_offsite_requests_are_aborted_and_recorded(tab: Tab) -> None:
    """The guard itself: a request to another host never leaves, and is reported."""
    tab.goto("/")
    failed = tab.page.evaluate(
        """() => fetch('http://example.invalid/x').then(() => false, () => true)"""
    )
    assert failed
    assert tab.offsite == ["GET http://example.invalid/x"]
    tab.offsite.clear()


# --------------------------------------------------------------------------- 2. search


def results(page: Page):
    return page.locator("#search-results > li")


def test_search_by_surname_links_to_the_contact(tab: Tab) -> None:
    tab.goto("/search/")
    page = tab.page
    page.get_by_label("Search names, companies, tags and notes").press_sequentially("Achebe")
    hit = results(page).filter(has=page.get_by_role("link", name="Samuel Achebe", exact=True))
    expect(hit).to_have_count(1)
    expect(hit.locator(".kind")).to_have_text("contact")
    expect(hit.locator("mark").first).to_have_text("Achebe")
    expect(page.locator("#search-status")).to_contain_text("result")
    hit.get_by_role("link").click()
    expect(page).to_have_url(tab.url("/contacts/samuel-achebe/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Samuel Achebe")
    tab.assert_clean()


def test_search_query_in_the_url_prefills_and_shows_results(tab: Tab) -> None:
    tab.goto("/search/?q=rahman")
    page = tab.page
    expect(page.get_by_label("Search names, companies, tags and notes")).to_have_value("rahman")
    expect_link(
        results(page).get_by_role("link", name="Ayesha Rahman", exact=True),
        f"/contacts/{CONTACT}/",
    )
    tab.assert_clean()


def test_header_search_goes_to_the_search_page(tab: Tab) -> None:
    tab.goto("/")
    page = tab.page
    page.get_by_label("Search the journal").fill("Lindqvist")
    page.get_by_label("Search the journal").press("Enter")
    expect(page).to_have_url(tab.url("/search/?q=Lindqvist"))
    expect(results(page).get_by_role("link", name="Sophie Lindqvist", exact=True)).to_be_visible()
    tab.assert_clean()


def test_search_by_tag(tab: Tab) -> None:
    tab.goto("/search/")
    page = tab.page
    page.get_by_label("Search names, companies, tags and notes").fill("former-teacher")
    expect(results(page).locator("a")).to_have_text(
        ["Chloe Davies", "Helen Okafor", "Ruth Campbell", "Samuel Achebe"]
    )
    expect(results(page).locator(".kind")).to_have_text(["contact"] * 4)
    expect(results(page).first.locator("p mark")).to_have_text("former-teacher")
    tab.assert_clean()


def test_search_by_a_word_only_in_a_note(tab: Tab) -> None:
    # "staffroom" appears only in the notes of the meeting with Samuel Achebe.
    tab.goto("/search/")
    page = tab.page
    page.get_by_label("Search names, companies, tags and notes").fill("staffroom")
    expect(results(page)).to_have_count(1)
    hit = results(page).first
    expect(hit.get_by_role("link")).to_have_text("Meeting with Samuel Achebe")
    expect(hit.locator("p mark")).to_have_text("staffroom")  # the snippet shows where
    expect(page.locator("#search-status")).to_have_text("1 result")
    hit.get_by_role("link").click()
    expect(page).to_have_url(tab.url(f"/meetings/{SCHEDULED_MEETING}/"))
    tab.assert_clean()


def test_search_with_no_match_says_so(tab: Tab) -> None:
    tab.goto("/search/?q=zzzxqj")
    expect(results(tab.page)).to_have_count(0)
    expect(tab.page.locator("#search-status")).to_have_text("0 results")
    tab.assert_clean()


# --------------------------------------------------------------------------- 3. re-sorting


def test_dashboard_resorts_to_the_viewers_date(open_tab: OpenTab) -> None:
    viewer_day = date(2026, 11, 28)
    # What the build wrote, without JavaScript: the groups as of the build day.
    static = open_tab(javascript=False)
    static.goto("/")
    built = board_groups(static.page)
    assert "Confirm the meeting with Samuel Achebe on 2026-11-24 09:30" in " ".join(built["soon"])
    due = dict(
        zip(
            static.page.locator(
                '.fu-board .follow-up[data-done="0"] .fu-title'
            ).all_text_contents(),
            static.page.locator('.fu-board .follow-up[data-done="0"]').evaluate_all(
                "lis => lis.map(li => li.dataset.due)"
            ),
            strict=True,
        )
    )

    tab = open_tab(today=viewer_day)
    tab.goto("/")
    page = tab.page
    overdue = page.locator('.fu-group[data-status="overdue"]')
    confirm = overdue.locator(".follow-up", has_text="Confirm the meeting with Samuel Achebe")
    expect(confirm).to_be_visible()
    expect(confirm.locator(".fu-status")).to_have_text("overdue")
    note = page.locator(".resort-note")
    expect(note).to_be_visible()
    expect(note).to_contain_text(BUILD_DAY)
    expect(note).to_contain_text(viewer_day.isoformat())

    # Every open follow-up sits in the group the spec's rule gives for the viewer's date,
    # and each heading's count is the number of items under it.
    groups = board_groups(page)
    for status, titles in groups.items():
        for title in titles:
            key = " ".join(title.split())
            expected = status_for(date.fromisoformat(_due_of(due, key)), viewer_day)
            assert expected == status, f"{title!r} shown as {status}, should be {expected}"
    counts = board_counts(page)
    assert counts == {s: len(t) for s, t in groups.items()}
    assert counts["overdue"] == len(built["overdue"]) + len(built["today"]) + len(built["soon"])
    assert counts["today"] == 0
    expect(overdue.locator(".empty")).to_be_hidden()
    expect(page.locator('.fu-group[data-status="today"] .empty')).to_be_visible()
    tab.assert_clean()


def _due_of(due: dict[str, str], title: str) -> str:
    for text, day in due.items():
        if " ".join(text.split()) == title:
            return day
    raise AssertionError(f"no follow-up {title!r} in the built page")


def test_dashboard_headline_overdue_matches_the_resorted_board(open_tab: OpenTab) -> None:
    tab = open_tab(today="2026-11-28")
    tab.goto("/")
    page = tab.page
    shown = page.locator(".headline .numbers div", has_text="Overdue").locator("dd")
    expect(shown).to_have_text(str(board_counts(page)["overdue"]), timeout=1_000)


def test_dashboard_on_the_build_day_moves_nothing(open_tab: OpenTab) -> None:
    static = open_tab(javascript=False)
    static.goto("/")
    built_groups, built_counts = board_groups(static.page), board_counts(static.page)

    tab = open_tab(today=BUILD_DAY)
    tab.goto("/")
    expect(tab.page.locator(".resort-note")).to_be_hidden()
    assert board_groups(tab.page) == built_groups
    assert board_counts(tab.page) == built_counts
    soon = tab.page.locator('.fu-group[data-status="soon"]')
    expect(soon.locator(".follow-up", has_text="Samuel Achebe").locator(".fu-status")).to_have_text(
        "soon"
    )
    tab.assert_clean()


def test_follow_ups_page_resorts_too(open_tab: OpenTab) -> None:
    tab = open_tab(today="2026-11-28")
    tab.goto("/follow-ups/")
    page = tab.page
    overdue = page.locator('.fu-group[data-status="overdue"]')
    expect(overdue.locator(".follow-up", has_text="Samuel Achebe")).to_have_count(1)
    expect(page.locator(".resort-note")).to_be_visible()
    # Done follow-ups stay under Done.
    expect(page.locator('.fu-group[data-status] .follow-up[data-done="1"]')).to_have_count(0)
    tab.assert_clean()


# --------------------------------------------------------------------------- 4. contacts table


def visible_rows(page: Page):
    return page.locator("#contacts-table tbody tr:visible")


def test_contacts_filter_by_status(tab: Tab) -> None:
    tab.goto("/contacts/")
    page = tab.page
    page.get_by_label("Status").select_option("met")
    rows = visible_rows(page)
    expect(rows).to_have_count(10)
    expect(page.locator("form.filters output")).to_have_text("10 shown")
    for status in rows.locator(".badge").all_text_contents():
        assert status == "met"
    expect(page.locator("#contacts-table tbody tr", has_text="James Osei")).to_be_hidden()
    page.get_by_label("Status").select_option("")
    expect(visible_rows(page)).to_have_count(16)
    tab.assert_clean()


def test_contacts_sort_by_column(tab: Tab) -> None:
    tab.goto("/contacts/")
    page = tab.page
    table = page.locator("#contacts-table")
    name_th = table.locator("th", has=page.get_by_role("button", name="Name"))
    depth_th = table.locator("th", has=page.get_by_role("button", name="Depth"))
    expect(name_th).to_have_attribute("aria-sort", "ascending")

    depth_th.get_by_role("button").click()
    expect(depth_th).to_have_attribute("aria-sort", "ascending")
    expect(name_th).not_to_have_attribute("aria-sort", "ascending")
    depths = [int(d) for d in table.locator("tbody tr td:nth-child(6)").all_text_contents()]
    assert depths == sorted(depths) and depths[0] == 0 and depths[-1] == 4, depths

    depth_th.get_by_role("button").click()
    expect(depth_th).to_have_attribute("aria-sort", "descending")
    depths = [int(d) for d in table.locator("tbody tr td:nth-child(6)").all_text_contents()]
    assert depths == sorted(depths, reverse=True), depths

    name_th.get_by_role("button").click()
    expect(name_th).to_have_attribute("aria-sort", "ascending")
    name_th.get_by_role("button").click()
    expect(name_th).to_have_attribute("aria-sort", "descending")
    names = table.locator("tbody tr td:first-child").all_text_contents()
    assert names == sorted(names, key=str.casefold, reverse=True), names
    assert names[0] == "Tom Whitaker"
    tab.assert_clean()


def test_contacts_hash_preselects_status(tab: Tab) -> None:
    tab.goto("/contacts/#status=declined")
    page = tab.page
    expect(page.get_by_label("Status")).to_have_value("declined")
    expect(visible_rows(page)).to_have_count(1)
    expect(visible_rows(page).get_by_role("link")).to_have_text("James Osei")
    tab.assert_clean()


# --------------------------------------------------------------------------- 5. keyboard


def active(page: Page) -> dict[str, str]:
    return page.evaluate(
        """() => { const e = document.activeElement;
            return {tag: e.tagName.toLowerCase(), id: e.id, cls: e.className,
                    text: (e.textContent || '').trim(), href: e.getAttribute('href') || '',
                    inNav: !!e.closest('nav.main-nav'), inMain: !!e.closest('main')}; }"""
    )


def test_skip_link_is_the_first_tab_stop(tab: Tab) -> None:
    tab.goto("/")
    page = tab.page
    page.keyboard.press("Tab")
    focused = active(page)
    assert focused["cls"] == "skip-link" and focused["text"] == "Skip to content", focused
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_in_viewport()  # shown when focused
    box = skip.bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0, box
    page.keyboard.press("Enter")
    expect(page).to_have_url(tab.url("/#main"))
    assert active(page)["id"] == "main"
    page.keyboard.press("Tab")
    assert active(page)["inMain"], active(page)  # the next stop is in the content
    tab.assert_clean()


def test_nav_links_are_reachable_by_tab(tab: Tab) -> None:
    tab.goto("/contacts/")
    page = tab.page
    labels = page.locator("nav.main-nav a").all_text_contents()
    assert len(labels) >= 8, labels
    reached: list[str] = []
    for _ in range(len(labels) + 8):
        page.keyboard.press("Tab")
        focused = active(page)
        if focused["inNav"]:
            reached.append(focused["text"])
        elif reached:
            break
    assert reached == labels
    current = page.locator('nav.main-nav a[aria-current="page"]')
    expect(current).to_have_text("Contacts")
    tab.assert_clean()


# --------------------------------------------------------------------------- 6. mailto


def test_thank_you_has_a_mailto_draft(tab: Tab) -> None:
    tab.goto("/")
    page = tab.page
    item = page.locator(".follow-up.kind-thank-you", has_text="Thank Ayesha Rahman")
    draft = item.get_by_role("link", name="Draft email")
    expect(draft).to_be_visible()
    href = draft.get_attribute("href") or ""
    assert href.startswith("mailto:"), href
    parts = urlsplit(href)
    assert unquote(parts.path) == "ayesha.rahman@example.com"
    query = parse_qs(parts.query)
    subject, body = query["subject"][0], query["body"][0]
    assert "20 November 2026" in subject, subject
    assert "20 November 2026" in body, body
    assert body.startswith("Dear Ayesha"), body
    assert "Alex Example" in body  # signed by the journal's owner
    tab.assert_clean()


# --------------------------------------------------------------------------- 7. dark mode


def body_colours(page: Page) -> tuple[str, str]:
    return page.evaluate(
        "() => { const s = getComputedStyle(document.body); return [s.backgroundColor, s.color]; }"
    )


def test_dark_mode_dashboard(open_tab: OpenTab) -> None:
    light = open_tab(color_scheme="light")
    light.goto("/")
    bg, ink = body_colours(light.page)
    assert luminance(bg) > 0.8, bg
    assert contrast(ink, bg) >= 7, (ink, bg)

    dark = open_tab(color_scheme="dark")
    dark.goto("/")
    bg, ink = body_colours(dark.page)
    assert luminance(bg) < 0.05, bg
    assert contrast(ink, bg) >= 7, (ink, bg)
    panel = dark.page.locator(".follow-ups-panel").evaluate(
        "e => getComputedStyle(e).backgroundColor"
    )
    assert luminance(panel) < 0.1, panel
    dark.assert_clean()
    light.assert_clean()


# --------------------------------------------------------------------------- 8. screenshots


def test_screenshots(open_tab: OpenTab) -> None:
    """PNGs in tests/artifacts/ to look at; the assertions only check that they were made."""
    light = open_tab()
    light.goto("/")
    save_screenshot(light.page, "dashboard.png")
    light.goto(f"/contacts/{CONTACT}/")
    save_screenshot(light.page, "contact.png")
    light.goto(f"/meetings/{SCHEDULED_MEETING}/#prep")
    save_screenshot(light.page, "prep-sheet.png")
    light.page.emulate_media(media="print")
    expect(light.page.locator(".site-header")).to_be_hidden()
    expect(light.page.locator("#prep")).to_be_visible()
    expect(light.page.get_by_role("button", name="Print")).to_be_hidden()
    expect(light.page.locator("main > .two-col")).to_be_hidden()
    save_screenshot(light.page, "prep-sheet-print.png")
    light.page.emulate_media(media="screen")
    light.goto("/referrals/")
    save_screenshot(light.page, "referrals.png")
    light.assert_clean()

    dark = open_tab(color_scheme="dark")
    dark.goto("/")
    save_screenshot(dark.page, "dashboard-dark.png")
    dark.assert_clean()

    mobile = open_tab(mobile=True)
    mobile.goto("/")
    save_screenshot(mobile.page, "dashboard-mobile.png")
    mobile.assert_clean()


def chart_label_sizes(page: Page) -> dict[str, float]:
    """Each inline chart's smallest label, in CSS pixels as drawn (after the SVG is scaled).

    SVG charts scale their text with them; bar charts keep their labels as page text.
    """
    return page.evaluate(
        """() => Object.fromEntries(Array.from(document.querySelectorAll('main .chart'), c => {
            let sizes;
            if (c.tagName.toLowerCase() === 'svg') {
                const scale = c.getBoundingClientRect().width / c.viewBox.baseVal.width;
                sizes = Array.from(c.querySelectorAll('text'),
                    t => parseFloat(getComputedStyle(t).fontSize) * scale);
            } else {
                sizes = Array.from(c.querySelectorAll('.label, .value'),
                    t => parseFloat(getComputedStyle(t).fontSize));
            }
            return [c.getAttribute('aria-label'), Math.min(...sizes)];
        }))"""
    )


@pytest.mark.parametrize(
    ("path", "mobile"), [("/", False), ("/stats/", True)], ids=["desktop-dashboard", "mobile-stats"]
)
def test_chart_labels_stay_readable(open_tab: OpenTab, path: str, mobile: bool) -> None:
    tab = open_tab(mobile=mobile)
    tab.goto(path)
    sizes = chart_label_sizes(tab.page)
    assert sizes
    small = {label: round(px, 1) for label, px in sizes.items() if px < 10}
    assert not small, f"chart labels drawn below 10px: {small}"


MOBILE_PAGES = [
    "/",
    "/follow-ups/",
    "/contacts/",
    f"/contacts/{CONTACT}/",
    f"/meetings/{SCHEDULED_MEETING}/",
    "/referrals/",
    "/questions/",
    "/stats/",
]


@pytest.mark.parametrize("path", MOBILE_PAGES)
def test_mobile_page_does_not_scroll_sideways(open_tab: OpenTab, path: str) -> None:
    """At 390px the page fits the screen; wide tables and charts scroll in their own box."""
    tab = open_tab(mobile=True)
    tab.goto(path)
    width = tab.page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= MOBILE["width"], f"{path} is {width}px wide on a {MOBILE['width']}px screen"
    tab.assert_clean()
