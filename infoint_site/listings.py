"""The listing pages: referrals, the question bank, statistics, search, the pipeline.

Functions of a `SiteRenderer` (its journal, views, URLs and templates), kept here so the
renderer itself stays about pages of one record and the machinery around them.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from .body import question_key, search_text
from .cache import digest
from .contact_text import contact_summary, contact_words
from .holes import HoleKey, marked
from .questions import group_title, question_bank
from .search import search_entry
from .svg import Bar, GraphNode, columns, hbars, referral_graph
from .urls import Urls, rebase_links
from .views import CONTACT_STATUS_ORDER, MONTHS, Link, short_date

if TYPE_CHECKING:
    from collections.abc import Iterator

    from .holes import Hole
    from .render import SiteRenderer

DASHBOARD_OVERDUE = 100
"""Overdue follow-ups listed on the dashboard; older ones are on the follow-ups page."""
FOLLOW_UPS_DONE = 100
"""Done follow-ups listed on the follow-ups page (the most recent)."""
QUESTION_PREVIEW = 3
"""Answers shown per question on the question bank; all of them are on its own page."""


def _question_slugs(keys: Any) -> dict[str, str]:
    """A short, unique, ASCII address for each question key."""
    import re

    slugs: dict[str, str] = {}
    taken: set[str] = set()
    for key in sorted(keys):
        base = re.sub(r"[^a-z0-9]+", "-", key.encode("ascii", "ignore").decode()).strip("-")
        base = base[:60].rstrip("-") or "question"
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        slugs[key] = slug
    return slugs


def referrals_page(r: SiteRenderer) -> tuple[str, bytes]:
    forest = r.analysis.forest
    base = Urls.base_for("referrals/")
    nodes = {
        cid: GraphNode(cid, c.name, f"status-{r.analysis.contact_status[cid]}",
                       base + r.urls.contact(cid), forest.referred[cid])
        for cid, c in r.journal.contacts.items()
    }
    roots = forest.roots()
    trees = [r for r in roots if forest.referred[r]]
    singles = [r for r in roots if not forest.referred[r]]
    graph = referral_graph(nodes, trees)
    return r._page("referrals/", "referrals.html", trees=trees, singles=singles,
                      graph=graph, forest=forest, tree_events=_tree_events(trees, forest))


def question_pages(r: SiteRenderer) -> Iterator[tuple[str, bytes]]:
    """The question bank with the latest answers, and a page per answered question."""
    bank = question_bank(r.settings.questions)
    # Each answer: (meeting, HTML for the bank's page, HTML for the question's page).
    answers: dict[str, list[tuple[Link, str, str]]] = {}
    holes: dict[str, list[HoleKey]] = {}  # the same answers, as the quick rebuild knows them
    asked: dict[str, str] = {}
    for meeting in reversed(r.journal.meetings.values()):  # newest first
        if r.analysis.meeting_status[meeting.id] == "cancelled":
            continue
        for answer in meeting.answers:
            key = question_key(answer.question)
            asked.setdefault(key, answer.question)
            # As cut from its note's HTML on the meeting's page (reference links
            # resolved by the whole note), its links made relative to each page.
            html = r.sections.get((meeting.path, answer.line))
            if html is None:
                text = answer.text(meeting.body)
                index_html, page_html = (
                    r.markdown_html(meeting.path, text, answer.line + 1,
                                       "meetings", Urls.base_for(url), report=False)
                    for url in ("questions/", "questions/x/"))
            else:
                index_html, page_html = (rebase_links(html, Urls.base_for(url))
                                         for url in ("questions/", "questions/x/"))
            answers.setdefault(key, []).append(
                (r.views.meeting_link(meeting.id), index_html, page_html))
            holes.setdefault(key, []).append(("answer", meeting.path, answer.line))
    slugs = _question_slugs(answers)
    mark = r.holes is not None  # where each answer stands is recorded (see `quick`)
    previews: list[tuple[HoleKey, str]] = []
    shown = answers  # on the bank's page: with markers around the latest answers
    if mark:
        shown = {}
        for key, found in answers.items():
            latest = []
            for hole, (link, html, page_html) in zip(holes[key][:QUESTION_PREVIEW],
                                                     found[:QUESTION_PREVIEW], strict=True):
                latest.append((link, marked(len(previews), html), page_html))
                previews.append((hole, html))
            shown[key] = latest + found[QUESTION_PREVIEW:]
    rows_by_key = {k: (asked[k], shown[k], r.urls.question(slugs[k])) for k in answers}
    groups = []
    in_bank = set()
    for group, questions in bank.items():
        rows = []
        for question in questions:
            key = question_key(question)
            in_bank.add(key)
            found = rows_by_key.get(key)
            rows.append((question, found[1], found[2]) if found else (question, [], None))
        groups.append((group_title(group), rows))
    others = [rows_by_key[k] for k in sorted(asked, key=lambda k: asked[k].lower())
              if k not in in_bank]
    if others:
        groups.append(("Your other questions", others))
    yield r._page("questions/", "questions.html", holes=previews, marked=mark, groups=groups,
                  answered=len(answers), preview=QUESTION_PREVIEW)
    for key in sorted(answers):
        question, _, url = rows_by_key[key]
        found = answers[key]
        parts = [(hole, html) for hole, (_, _, html) in zip(holes[key], found, strict=True)]
        if mark:
            found = [(link, html, marked(n, page_html))
                     for n, (link, html, page_html) in enumerate(found)]
        yield r._page(url, "question.html", question=question, answers=found, holes=parts,
                      marked=mark)


def stats_page(r: SiteRenderer) -> tuple[str, bytes]:
    analysis = r.analysis
    stats = analysis.stats
    months: dict[str, Counter[str]] = {}
    meetings = list(r.journal.meetings.values())
    if meetings:
        first, last = meetings[0].date, max(meetings[-1].date, analysis.today)
        year, month = first.year, first.month
        while (year, month) <= (last.year, last.month):
            months[f"{year}-{month:02d}"] = Counter()
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        for meeting in meetings:
            months[meeting.date.strftime("%Y-%m")][analysis.meeting_status[meeting.id]] += 1
    series = [(f"{MONTHS[int(k[5:]) - 1][:3]} {k[2:4]}", dict(v)) for k, v in months.items()]
    per_month = columns(series, [("done", "done"), ("scheduled", "scheduled"),
                                 ("cancelled", "cancelled")], "Meetings per month")
    statuses = Counter(analysis.contact_status.values())
    asked = sum(1 for cid, c in r.journal.contacts.items()
                if c.requested or analysis.meetings_of.get(cid))
    met = statuses["met"]
    funnel = hbars([
        Bar("Contacts", stats.contacts, "funnel-0"),
        Bar("Asked for a meeting", asked, "funnel-1"),
        Bar("Met", met, "funnel-2"),
        Bar("Referrals received", stats.referrals_received, "funnel-3"),
        Bar("Offers", stats.offers, "funnel-4"),
    ], "From contact to offer")
    done = max(stats.meetings_done, 1)
    ratio = stats.offers / done
    offers = hbars([
        Bar("Your offers per meeting", ratio, "you",
            note=f"({stats.offers} in {stats.meetings_done})"),
        Bar("Often quoted: 1 in 12", 1 / 12, "benchmark"),
    ], "Offers per meeting against 1 in 12", value_format="{:.2f}")
    outcomes = Counter(m.outcome or "not recorded" for m in meetings
                       if analysis.meeting_status[m.id] == "done")
    closed = [f for f in analysis.follow_ups if f.status in ("done", "overdue")]
    on_time = sum(1 for f in closed if f.status == "done")
    return r._page(
        "stats/", "stats.html", stats=stats, per_month=per_month, funnel=funnel,
        offers=offers, outcomes=sorted(outcomes.items()),
        follow_through=(on_time, len(closed)),
    )


def pipeline_chart(r: SiteRenderer) -> Any:
    counts = Counter(r.analysis.contact_status.values())
    base = ""
    return hbars([Bar(status.replace("-", " ").capitalize(), counts[status],
                      f"status-{status}", f"{base}contacts/#status={status}")
                  for status in CONTACT_STATUS_ORDER], "Contacts by status")


SEARCH_PLACEHOLDER = "\x00infoint-search-index\x00"
"""Stands for the search data while the search page's template renders: the data (17 MB
at 10,000 notes) is put in as bytes, never made into one string."""


def search_page(r: SiteRenderer) -> tuple[str, bytes]:
    """The search page: the search entries as JSON in a non-executable data block.

    Inside the page (not a script file of its own) it is encrypted with the page and
    works from disk; ``<`` is escaped so the data can never close its element. With
    holes recorded, where each record's entry stands is kept for the quick rebuild.
    """
    entries = _search_entries(r)
    file, shell = r._page("search/", "search.html", search_index=Markup(SEARCH_PLACEHOLDER))
    marker = SEARCH_PLACEHOLDER.encode()
    at = shell.find(marker)
    if at < 0 or shell.find(marker, at + 1) >= 0:  # a theme that shows it otherwise
        index = Markup("[" + ",".join(e.decode("utf-8") for e in entries) + "]")
        file, data = r._page("search/", "search.html", search_index=index)
        if r.holes is not None:
            r.holes[file] = [(("search", path), -1, -1) for path in r.search_entries]
        return file, data
    # Written into one buffer as each entry is made: no list of them beside the page
    # (17 MB each at 10,000 files); getvalue() hands over the buffer without a copy.
    page = io.BytesIO()
    page.write(shell[:at] + b"[")
    sizes: list[int] = []
    for entry in entries:
        if sizes:
            page.write(b",")
        page.write(entry)
        sizes.append(len(entry))
    page.write(b"]" + shell[at + len(marker):])
    data = page.getvalue()
    if r.holes is not None:
        holes: list[Hole] = []
        position = at + 1  # after "["
        for path, size in zip(r.search_entries, sizes, strict=True):
            holes.append((("search", path), position, position + size))
            position += size + 1  # and ","
        r.holes[file] = holes
    return file, data


def _search_entries(r: SiteRenderer) -> Iterator[bytes]:
    """Every record's search entry, encoded; with holes recorded, what the quick rebuild
    needs to make one again is kept in `r.search_entries`. Each note's words are made
    as its entry is (not all of them first: 15 MB at 10,000 files)."""
    parts: list[tuple[str, str, dict[str, str], str, str]] = []
    for cid, c in r.journal.contacts.items():
        company = r.views.company_link(c.company)
        name = company.text if company else None
        parts.append((c.path, "contact", {
            "t": c.name, "u": r.urls.contact(cid), "k": "contact",
            "s": contact_summary(c, name)}, contact_words(c, name), c.body))
    for mid, m in r.journal.meetings.items():
        parts.append((m.path, "meeting", {
            "t": f"Meeting with {r.views.with_names(m)}", "u": r.urls.meeting(mid),
            "k": "meeting", "s": short_date(m.date),
        }, " ".join((r.views.with_names(m), " ".join(m.goals), " ".join(m.referrals))),
            m.body))
    for coid, co in r.journal.companies.items():
        parts.append((co.path, "company", {
            "t": co.name, "u": r.urls.company(coid), "k": "company", "s": co.field or "",
        }, " ".join((co.name, co.field or "", " ".join(co.tags))), co.body))
    if r.holes is not None:
        r.search_entries = {path: (kind, fields, prefix) for path, kind, fields, prefix, _ in parts}
    words = search_text
    if r.memo.keep:  # `serve`: each note's words are kept for its next build
        last, kept = r.memo.search_texts, {}
        r.memo.search_texts = kept

        def words(body: str) -> str:
            found = kept[body] = last[body] if body in last else search_text(body)
            return found

    elif r.memo.store is not None:  # `build` with its cache: by the digest of the note
        store = r.memo.store

        def words(body: str) -> str:
            key = digest(body)
            found = store.search_texts.get(key)
            if found is None:
                found = search_text(body)
                store.search_texts.put(key, found)
            return found

    return (search_entry(kind, fields, prefix, words(body)).encode("utf-8")
            for _, kind, fields, prefix, body in parts)


def _tree_events(roots: list[str], forest: Any) -> list[tuple[str, str]]:
    """Nested-list markup as a flat list of events, so deep chains need no recursion."""
    events: list[tuple[str, str]] = []
    stack: list[tuple[str, str]] = [("visit", r) for r in reversed(roots)]
    while stack:
        action, cid = stack.pop()
        if action != "visit":
            events.append((action, cid))
            continue
        events.append(("item", cid))
        children = forest.referred[cid]
        if children:
            events.append(("open", cid))
            stack.append(("close", cid))
            stack.extend(("visit", c) for c in reversed(children))
        else:
            stack.append(("end", cid))
    return events
