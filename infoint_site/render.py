"""Render the site: the computed journal in, ``{output path: bytes}`` out.

Pure apart from reading the theme's templates and static files: the same journal,
day and theme give the same bytes. Nothing here writes; `writer` does.
"""

from __future__ import annotations

import functools
import json
import os
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import jinja2
from markupsafe import Markup

from .analysis import Analysis
from .body import question_key
from .cache import BuildCache, digest
from .encrypt import Sealer, SiteKey
from .headers import headers_file
from .markdown import Markdown, RenderEnv, plain_text
from .problems import Problem
from .questions import group_title, question_bank
from .records import Meeting
from .svg import Bar, GraphNode, columns, hbars, referral_graph
from .theme import Theme
from .urls import SECTIONS, Urls
from .views import CONTACT_STATUS_ORDER, MONTHS, Link, Views, long_date, redact, short_date

ROBOTS = "User-agent: *\nDisallow: /\n"
MARKER = ".infoint-site"
"""The file that marks a folder as a site infoint-site built (see writer)."""


@dataclass(frozen=True, slots=True)
class MeetingRow:
    """A meeting as one line of a table."""

    id: str
    url: str
    date: Any
    time: Any
    with_names: str
    format: str | None
    status: str
    outcome: str | None


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
    Markdown is kept per body and page depth, and dropped whenever a file is added or
    removed (links to it may change). Everything is dropped when the settings, the
    day or the theme change.
    """

    env: jinja2.Environment | None = None
    global_key: Any = None
    ids_key: Any = None
    pages: dict[str, tuple[Any, bytes]] = field(default_factory=dict)
    markdown: dict[tuple[str, str, str, str],
                   tuple[str, list[Problem], dict[int, str]]] = field(default_factory=dict)
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

    def reset(self) -> None:
        self.pages.clear()
        self.markdown.clear()


@dataclass
class Rendered:
    """A whole site in memory, and the warnings rendering raised."""

    files: dict[str, bytes] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


class SiteRenderer:
    """Renders every page of one analysis with one theme."""

    def __init__(self, analysis: Analysis, theme: Theme, urls: Urls | None = None,
                 memo: RenderMemo | None = None, encrypted: bool = False) -> None:
        settings = analysis.journal.settings
        journal = redact(analysis.journal, settings.privacy.hide_fields)
        self.analysis = analysis if journal is analysis.journal else \
            _with_journal(analysis, journal)
        self.journal = journal
        self.settings = settings
        self.theme = theme
        self.urls = urls or Urls()
        self.encrypted = encrypted
        self.views = Views(self.analysis, self.urls, settings.owner)
        self.markdown = Markdown()
        self.memo = memo if memo is not None else RenderMemo()
        global_key = (repr(settings), analysis.today, theme.folders, encrypted, type(self.urls))
        self.global_digest = digest(repr((global_key[:2], global_key[3:], theme.fingerprint())))
        """Everything every page depends on, the theme's files included."""
        if self.memo.env is None or self.memo.global_key != global_key:
            self.memo.env = theme.environment()
            self.memo.global_key = global_key
            self.memo.reset()
        ids_key = (tuple(journal.contacts), tuple(journal.meetings), tuple(journal.companies))
        if self.memo.ids_key != ids_key:
            self.memo.ids_key = ids_key
            self.memo.markdown.clear()
        self.memo.rendered = 0
        self.env = self.memo.env
        self.problems: list[Problem] = []
        self.sections: dict[tuple[str, int], str] = {}
        """(meeting file, line of a `## Q:` heading) → the answer's HTML."""

    # -- helpers -----------------------------------------------------------------

    def body_html(self, record: Any, kind: str, base: str) -> str:
        """A record's Markdown body as HTML, its links relative to the page at `base`."""
        return self.markdown_html(record.path, record.body, record.body_line, kind, base)

    def markdown_html(self, path: str, text: str, first_line: int, kind: str, base: str,
                      report: bool = True, sections: frozenset[int] = frozenset()) -> str:
        """Markdown from the file at `path` as HTML for a page at `base`.

        `report` False drops the warnings: for text shown a second time, such as an
        answer already rendered with its meeting. The HTML under the headings on the
        lines in `sections` (0-based, of `text`) is kept in `self.sections` by
        (path, file line of the heading), from the same parse.
        """
        key = (path, text, kind, base)
        cached = self.memo.markdown.get(key)
        if cached is None or not sections <= cached[2].keys():
            link_for = self._link_for(base)
            store = self.memo.store
            stored_key = (path, digest(text), first_line, kind, base,
                          _link_state(text, kind, link_for)) if store is not None else None
            cached = store.get_markdown(stored_key) if store is not None else None
            if cached is None or not sections <= cached[2].keys():
                page = RenderEnv(path, first_line, kind, link_for)
                if sections:
                    html, parts = self.markdown.render_sections(text, page, set(sections))
                else:
                    html, parts = self.markdown.render(text, page), {}
                cached = (html, page.problems, parts)
                if store is not None:
                    store.put_markdown(stored_key, cached)
            self.memo.markdown[key] = cached
        if report:
            self.problems.extend(cached[1])
        for line, part in cached[2].items():
            self.sections[(path, first_line + line)] = part
        return cached[0]

    def _link_for(self, base: str) -> Any:
        """(kind, id) → the URL of that record's page from a page at `base`, or None."""
        tables = {"contacts": (self.journal.contacts, self.urls.contact),
                  "meetings": (self.journal.meetings, self.urls.meeting),
                  "companies": (self.journal.companies, self.urls.company)}

        def link_for(kind: str, record_id: str) -> str | None:
            table, url = tables.get(kind, ({}, None))
            return base + url(record_id) if url is not None and record_id in table else None

        return link_for

    def _record_page(self, url: str, template: str,
                     **context: Any) -> tuple[str, bytes | None]:
        """A page of one record: rendered only if its own context changed since the last
        build in this process, or since the build of the site being replaced (then the
        data is None: the old file stands)."""
        frozen = (template, freeze(context))
        kept = self.memo.pages.get(url)
        if kept is not None and kept[0] == frozen:
            return Urls.file_for(url), kept[1]
        file = Urls.file_for(url)
        previous = self.memo.previous_pages
        if previous is not None:
            # repr, not pickle: pickle's bytes depend on which equal objects are shared.
            fingerprint = digest(repr((self.global_digest, frozen)))
            self.memo.fingerprints[file] = fingerprint
            old = previous.get(file)
            if (old is not None and old[0] == fingerprint and self.memo.reusable is not None
                    and self.memo.reusable(file, old[1], old[2])):
                return file, None
        path, data = self._page(url, template, **context)
        self.memo.pages[url] = (frozen, data)
        return path, data

    def _page(self, url: str, template: str, base: str | None = None,
              **context: Any) -> tuple[str, bytes]:
        self.memo.rendered += 1
        base = Urls.base_for(url) if base is None else base
        section = next((s for s, _ in reversed(SECTIONS) if s and url.startswith(s)), "")
        html = self.env.get_template(template).render(
            base=base, section=section, **self._globals(), **context
        )
        return Urls.file_for(url), html.encode("utf-8")

    def _globals(self) -> dict[str, Any]:
        return {
            "site": self.settings,
            "today": self.analysis.today.isoformat(),
            "today_long": long_date(self.analysis.today),
            "soon_days": self.settings.follow_up.soon_days,
            "sections": SECTIONS,
            "urls": self.urls,
            "views": self.views,
            "long_date": long_date,
            "short_date": short_date,
            "analysis": self.analysis,
            "journal": self.journal,
            "encrypted": self.encrypted,
        }

    # -- pages -------------------------------------------------------------------

    def pages(self, workers: int = 1) -> Iterator[tuple[str, bytes | None]]:
        """Every page; record pages in `workers` processes when there are many."""
        yield self.dashboard()
        yield self.follow_ups_page()
        yield self.contacts_index()
        yield self.meetings_index()
        yield self.companies_index()
        yield from self.record_pages(workers)
        yield self.referrals_page()
        yield from self.question_pages()  # after the meetings: it reuses their answers
        yield self.stats_page()
        yield self._page("search/", "search.html", search_index=self.search_index())
        # Served for any missing path, so its links start at the site root.
        yield self._page("404.html", "404.html", base="/")

    def record_jobs(self) -> list[tuple[str, str]]:
        return ([("contact", cid) for cid in self.journal.contacts]
                + [("meeting", mid) for mid in self.journal.meetings]
                + [("company", coid) for coid in self.journal.companies])

    def record_page(self, job: tuple[str, str]) -> tuple[str, bytes | None]:
        kind, record_id = job
        if kind == "contact":
            return self.contact_page(record_id)
        if kind == "meeting":
            return self.meeting_page(record_id)
        return self.company_page(record_id)

    def record_pages(self, workers: int = 1) -> Iterator[tuple[str, bytes | None]]:
        """The page of every contact, meeting and company, in order."""
        jobs = self.record_jobs()
        if workers < 2 or len(jobs) < PARALLEL_MIN_PAGES or not hasattr(os, "fork"):
            for job in jobs:
                yield self.record_page(job)
            return
        yield from _render_in_workers(self, jobs, workers)

    def dashboard(self) -> tuple[str, bytes]:
        analysis = self.analysis
        open_items = analysis.open_follow_ups
        overdue = [f for f in open_items if f.status == "overdue"]
        hidden = max(0, len(overdue) - DASHBOARD_OVERDUE)
        if hidden:  # the oldest are on the follow-ups page; keep the dashboard light
            dropped = set(map(id, overdue[:hidden]))
            open_items = [f for f in open_items if id(f) not in dropped]
        upcoming = [m for m in self.journal.meetings.values()
                    if analysis.meeting_status[m.id] == "scheduled"]
        week_ago = analysis.today - timedelta(days=7)
        recent = [m for m in self.journal.meetings.values()
                  if analysis.meeting_status[m.id] == "done" and m.date >= week_ago]
        return self._page(
            "", "dashboard.html", follow_ups=self.views.follow_ups(open_items),
            hidden_overdue=hidden, upcoming=upcoming[:8],
            upcoming_total=len(upcoming), recent=list(reversed(recent)),
            prep=self.prep_state, pipeline=self.pipeline_chart(), stats=analysis.stats,
        )

    def follow_ups_page(self) -> tuple[str, bytes]:
        """Every open follow-up, and the most recent done ones."""
        done = [f for f in self.analysis.follow_ups if not f.is_open]
        kept = done[-FOLLOW_UPS_DONE:]
        items = self.analysis.open_follow_ups + kept
        return self._page("follow-ups/", "follow_ups.html", follow_ups=self.views.follow_ups(items),
                          done_total=len(done))

    @functools.cached_property
    def _by_contact(self) -> dict[str, list[Any]]:
        """Contact id → the follow-ups owed to them or about them."""
        found: dict[str, list[Any]] = {}
        for item in self.analysis.follow_ups:
            found.setdefault(item.contact, []).append(item)
            if item.about:
                found.setdefault(item.about, []).append(item)
        return found

    @functools.cached_property
    def _by_meeting(self) -> dict[str, list[Any]]:
        found: dict[str, list[Any]] = {}
        for item in self.analysis.follow_ups:
            if item.meeting:
                found.setdefault(item.meeting, []).append(item)
        return found

    @functools.cached_property
    def _suggested(self) -> dict[str, list[str]]:
        """Contact id → the people they suggested, as written."""
        found: dict[str, list[str]] = {}
        for meeting in self.journal.meetings.values():
            for person in meeting.referrals:
                for cid in meeting.contacts:
                    found.setdefault(cid, []).append(person)
        return found

    @functools.cached_property
    def _people(self) -> dict[str, list[tuple[Any, str]]]:
        """Company id → (contact, status) of the people there."""
        found: dict[str, list[tuple[Any, str]]] = {}
        for contact in self.journal.contacts.values():
            if contact.company in self.journal.companies:
                found.setdefault(contact.company, []).append(
                    (contact, self.analysis.contact_status[contact.id]))
        return found

    @functools.cached_property
    def _bank(self) -> dict[str, tuple[str, ...]]:
        return question_bank(self.settings.questions)

    def contacts_index(self) -> tuple[str, bytes]:
        tags = sorted({t for c in self.journal.contacts.values() for t in c.tags}, key=str.lower)
        companies = sorted({self.views.company_link(c.company).text  # type: ignore[union-attr]
                            for c in self.journal.contacts.values() if c.company},
                           key=str.lower)
        return self._page("contacts/", "contacts.html", tags=tags, companies=companies,
                          statuses=CONTACT_STATUS_ORDER)

    def contact_page(self, cid: str) -> tuple[str, bytes | None]:
        analysis, contact = self.analysis, self.journal.contacts[cid]
        url = self.urls.contact(cid)
        return self._record_page(
            url, "contact.html", contact=contact,
            status=analysis.contact_status[cid],
            chain=[self.views.contact_link(c) for c in analysis.forest.chains[cid]],
            referred=[self.views.contact_link(c) for c in analysis.forest.referred[cid]],
            descendants=analysis.forest.descendants[cid],
            suggested=[self.views.person_link(p)
                       for p in dict.fromkeys(self._suggested.get(cid, ()))],
            meetings=[self.meeting_row(m) for m in analysis.meetings_of.get(cid, ())],
            follow_ups=self.views.follow_ups(self._by_contact.get(cid, [])),
            company=self.views.company_link(contact.company),
            notes=self.body_html(contact, "contacts", Urls.base_for(url)),
        )

    def meetings_index(self) -> tuple[str, bytes]:
        grouped: dict[str, list[MeetingRow]] = {"scheduled": [], "done": [], "cancelled": []}
        for meeting in self.journal.meetings.values():
            row = self.meeting_row(meeting)
            grouped[row.status].append(row)
        return self._page("meetings/", "meetings.html", groups=[
            ("scheduled", "Scheduled", grouped["scheduled"]),
            ("done", "Held", grouped["done"][::-1]),
            ("cancelled", "Cancelled", grouped["cancelled"][::-1]),
        ])

    def meeting_page(self, mid: str) -> tuple[str, bytes | None]:
        meeting = self.journal.meetings[mid]
        url = self.urls.meeting(mid)
        base = Urls.base_for(url)
        status = self.analysis.meeting_status[mid]
        return self._record_page(
            url, "meeting.html", meeting=meeting, status=status,
            with_names=self.views.with_names(meeting),
            contacts=[self.views.contact_link(c) for c in meeting.contacts],
            referrals=[self.views.person_link(p) for p in meeting.referrals],
            follow_ups=self.views.follow_ups(self._by_meeting.get(mid, [])),
            notes=self.markdown_html(
                meeting.path, meeting.body, meeting.body_line, "meetings", base,
                sections=frozenset(a.line - meeting.body_line for a in meeting.answers)),
            prep=self.prep_sheet(meeting, base, self._bank) if status == "scheduled" else None,
        )

    def companies_index(self) -> tuple[str, bytes]:
        return self._page("companies/", "companies.html", people=self._people)

    def company_page(self, coid: str) -> tuple[str, bytes | None]:
        url = self.urls.company(coid)
        company = self.journal.companies[coid]
        return self._record_page(url, "company.html", company=company,
                                 people=self._people.get(coid, []),
                                 notes=self.body_html(company, "companies", Urls.base_for(url)))

    def referrals_page(self) -> tuple[str, bytes]:
        forest = self.analysis.forest
        base = Urls.base_for("referrals/")
        nodes = {
            cid: GraphNode(cid, c.name, f"status-{self.analysis.contact_status[cid]}",
                           base + self.urls.contact(cid), forest.referred[cid])
            for cid, c in self.journal.contacts.items()
        }
        roots = forest.roots()
        trees = [r for r in roots if forest.referred[r]]
        singles = [r for r in roots if not forest.referred[r]]
        graph = referral_graph(nodes, trees)
        return self._page("referrals/", "referrals.html", trees=trees, singles=singles,
                          graph=graph, forest=forest, tree_events=_tree_events(trees, forest))

    def question_pages(self) -> Iterator[tuple[str, bytes]]:
        """The question bank with the latest answers, and a page per answered question."""
        bank = question_bank(self.settings.questions)
        # Each answer: (meeting, HTML for the bank's page, HTML for the question's page).
        answers: dict[str, list[tuple[Link, str, str]]] = {}
        asked: dict[str, str] = {}
        for meeting in reversed(self.journal.meetings.values()):  # newest first
            if self.analysis.meeting_status[meeting.id] == "cancelled":
                continue
            for answer in meeting.answers:
                key = question_key(answer.question)
                asked.setdefault(key, answer.question)
                html = self.sections.get((meeting.path, answer.line))
                if html is None or "](" in answer.text:  # links are relative to each page
                    index_html, page_html = (
                        self.markdown_html(meeting.path, answer.text, answer.line + 1,
                                           "meetings", Urls.base_for(url), report=False)
                        for url in ("questions/", "questions/x/"))
                else:
                    index_html = page_html = html
                answers.setdefault(key, []).append(
                    (self.views.meeting_link(meeting.id), index_html, page_html))
        slugs = _question_slugs(answers)
        rows_by_key = {k: (asked[k], answers[k], self.urls.question(slugs[k])) for k in answers}
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
        yield self._page("questions/", "questions.html", groups=groups, answered=len(answers),
                         preview=QUESTION_PREVIEW)
        for key in sorted(answers):
            question, found, url = rows_by_key[key]
            yield self._page(url, "question.html", question=question, answers=found)

    def stats_page(self) -> tuple[str, bytes]:
        analysis = self.analysis
        stats = analysis.stats
        months: dict[str, Counter[str]] = {}
        meetings = list(self.journal.meetings.values())
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
        asked = sum(1 for cid, c in self.journal.contacts.items()
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
        return self._page(
            "stats/", "stats.html", stats=stats, per_month=per_month, funnel=funnel,
            offers=offers, outcomes=sorted(outcomes.items()),
            follow_through=(on_time, len(closed)),
        )

    # -- parts -------------------------------------------------------------------

    def meeting_row(self, meeting: Meeting) -> MeetingRow:
        return MeetingRow(meeting.id, self.urls.meeting(meeting.id), meeting.date, meeting.time,
                          self.views.with_names(meeting), meeting.format,
                          self.analysis.meeting_status[meeting.id], meeting.outcome)

    def pipeline_chart(self) -> Any:
        counts = Counter(self.analysis.contact_status.values())
        base = ""
        return hbars([Bar(status.replace("-", " ").capitalize(), counts[status],
                          f"status-{status}", f"{base}contacts/#status={status}")
                      for status in CONTACT_STATUS_ORDER], "Contacts by status")

    def prep_state(self, meeting: Meeting) -> list[tuple[str, bool]]:
        """What is ready for a scheduled meeting: a checklist for the dashboard."""
        people = [self.journal.contacts.get(c) for c in meeting.contacts]
        return [
            ("confirmed", bool(meeting.confirmed)),
            ("goals", bool(meeting.goals)),
            ("questions", bool(meeting.questions)),
            ("research", all(p is not None and p.body.strip() for p in people)),
        ]

    def prep_sheet(self, meeting: Meeting, base: str, bank: dict) -> dict[str, Any]:
        people = [self.journal.contacts[c] for c in meeting.contacts
                  if c in self.journal.contacts]
        companies = []
        for person in people:
            company = self.journal.companies.get(person.company or "")
            if company is not None and company not in companies:
                companies.append(company)
        return {
            "scripts": sorted({p.script for p in people if p.script}),
            "research": [(p, self.body_html(p, "contacts", base)) for p in people],
            "companies": [(c, self.body_html(c, "companies", base)) for c in companies],
            "questions": list(meeting.questions),
            "bank": [(group_title(g), qs) for g, qs in bank.items()],
            "referrers": [(p, self.views.contact_link(p.referred_by)) for p in people
                          if p.referred_by],
        }

    def search_index(self) -> Markup:
        """The search entries as JSON for a non-executable data block in the search page.

        Inside the page (not a script file of its own) it is encrypted with the page and
        works from disk; ``<`` is escaped so the data can never close its element.
        """
        entries = []
        for cid, c in self.journal.contacts.items():
            company = self.views.company_link(c.company)
            entries.append({
                "t": c.name, "u": self.urls.contact(cid), "k": "contact",
                "s": " · ".join(x for x in (c.role, company.text if company else None) if x),
                "x": " ".join(x for x in (c.name, company.text if company else "", c.role or "",
                                          c.field or "", " ".join(c.tags),
                                          plain_text(c.body)[:SEARCH_NOTE_CHARS]) if x),
            })
        for mid, m in self.journal.meetings.items():
            entries.append({
                "t": f"Meeting with {self.views.with_names(m)}", "u": self.urls.meeting(mid),
                "k": "meeting", "s": short_date(m.date),
                "x": " ".join((self.views.with_names(m), " ".join(m.goals),
                               " ".join(m.referrals), plain_text(m.body)[:SEARCH_NOTE_CHARS])),
            })
        for coid, co in self.journal.companies.items():
            entries.append({
                "t": co.name, "u": self.urls.company(coid), "k": "company",
                "s": co.field or "",
                "x": " ".join((co.name, co.field or "", " ".join(co.tags),
                               plain_text(co.body)[:SEARCH_NOTE_CHARS])),
            })
        data = json.dumps(entries, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        return Markup(data.replace("<", "\\u003c"))

    def stream(self, workers: int = 1) -> Iterator[tuple[str, bytes | None]]:
        """Every file of the site, as it is rendered (None: keep the current site's file).

        With `workers` > 1, record pages are rendered by that many forked processes;
        the files are the same, byte for byte."""
        yield from self.pages(workers)
        for path, source in self.theme.static_files().items():
            yield path, source.read_bytes()
        yield "robots.txt", ROBOTS.encode()
        if not self.settings.privacy.encrypt:  # a calendar app cannot decrypt a feed
            from .export_ics import calendar_ics

            yield "calendar.ics", calendar_ics(self.analysis)
        yield "_headers", headers_file()

    def render(self) -> Rendered:
        """Every file of the site, in memory (for `serve`)."""
        files = {path: data for path, data in self.stream() if data is not None}
        return Rendered(dict(sorted(files.items())), self.problems)

    def sealer(self, key: SiteKey) -> Sealer:
        """Encrypts pages with this theme's locked shell (see `encrypt`)."""
        template = self.env.get_template("locked.html")
        return Sealer(key, lambda context: template.render(**context))

    def seal(self, rendered: Rendered, key: SiteKey) -> Rendered:
        """The same site with every page encrypted."""
        sealer = self.sealer(key)
        return Rendered({p: sealer(p, d) for p, d in rendered.files.items()},
                        rendered.problems)


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


def _render_in_workers(renderer: SiteRenderer, jobs: list[tuple[str, str]],
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


def _link_state(text: str, kind: str, link_for: Any) -> tuple[tuple[str, bool], ...]:
    """Which journal links in `text` resolve: the part of the site a body's HTML depends on."""
    if "](" not in text:
        return ()
    from .body import _LINK, journal_link

    state = []
    for match in _LINK.finditer(text):
        found = journal_link(match.group(2), kind)
        if found is not None:
            state.append((match.group(2), link_for(found[0], found[1]) is not None))
    return tuple(state)


DASHBOARD_OVERDUE = 100
"""Overdue follow-ups listed on the dashboard; older ones are on the follow-ups page."""
FOLLOW_UPS_DONE = 100
"""Done follow-ups listed on the follow-ups page (the most recent)."""
SEARCH_NOTE_CHARS = 1500
"""Characters of each note that search looks through (the start of the note)."""
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


def _with_journal(analysis: Analysis, journal: Any) -> Analysis:
    import dataclasses

    return dataclasses.replace(analysis, journal=journal)
