"""Render the site: the computed journal in, ``{output path: bytes}`` out.

Pure apart from reading the theme's templates and static files: the same journal,
day and theme give the same bytes. Nothing here writes; `writer` does.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup

from . import default_macros, listings, parallel
from .affected import Page, PageInputs, affected_pages, page_inputs
from .analysis import Analysis
from .cache import digest
from .encrypt import Sealer, SiteKey
from .headers import headers_file
from .holes import FieldMarks, Hole, HoleKey, locate_holes, shown_value, unmark
from .layout import FOLDERS
from .listings import DASHBOARD_OVERDUE, FOLLOW_UPS_DONE
from .markdown import Markdown, render_note
from .parallel import PageWrite
from .problems import Problem
from .questions import group_title, question_bank
from .records import Meeting
from .render_memo import KeptNote, Lookup, RenderMemo, freeze
from .templating import Environment, StoredBytecode
from .theme import Theme, default_theme_dir
from .urls import SECTIONS, Urls
from .views import (
    CONTACT_STATUS_ORDER,
    FollowUpView,
    MeetingRow,
    Views,
    long_date,
    redact,
    short_date,
)

if TYPE_CHECKING:
    from .writer import Written

ROBOTS = "User-agent: *\nDisallow: /\n"
BODY_BLIND = frozenset({"follow-ups/index.html", "contacts/index.html", "meetings/index.html",
                        "companies/index.html", "referrals/index.html", "stats/index.html",
                        "404.html", "calendar.ics"})
"""Files that show nothing of a note's body (the dashboard does: whether a person has
research notes; so do the search index and the question pages)."""


@dataclass
class Rendered:
    """A whole site in memory, and the warnings rendering raised."""

    files: dict[str, bytes] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


class SiteRenderer:
    """Renders every page of one analysis with one theme."""

    def __init__(self, analysis: Analysis, theme: Theme, urls: Urls | None = None,
                 memo: RenderMemo | None = None, encrypted: bool = False,
                 plan: tuple[PageInputs, set[Page]] | None = None) -> None:
        """`plan`, if given, is what the pages are indexed by and which record pages to
        render, decided by the caller (`serve`'s early step: see `devsite._early_plan`);
        the memo's are left alone."""
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
            store = self.memo.store
            self.memo.env = theme.environment(
                StoredBytecode(store.templates) if store is not None else None)
            if store is not None:  # loaded now, before the workers fork (see `_compiled`)
                _compiled(self.memo.env)
            self.memo.global_key = global_key
            self.memo.reset()
        ids_key = (tuple(journal.contacts), tuple(journal.meetings), tuple(journal.companies))
        if self.memo.ids_key != ids_key:
            if self.memo.ids_key is not None:
                self._forget_stale_links(_stale_lookups(self.memo.ids_key, ids_key))
            self.memo.ids_key = ids_key
        self.memo.rendered = 0
        self.env = self.memo.env
        self.problems: list[Problem] = []
        self.sections: dict[tuple[str, int], str] = {}
        """(meeting file, line of a `## Q:` heading) → the answer's HTML."""
        self._page_sections: dict[tuple[str, int], str] = {}
        self._page_links: set[Lookup] = set()
        """The journal links the notes shown on the record page being made looked up."""
        self._shared_follow_ups = Path(self.env.get_template("macros.html").filename or "") \
            .is_relative_to(default_theme_dir())
        """Whether macros.html is the default theme's (see `follow_up_html`)."""
        if isinstance(self.env, Environment):  # its module kept for pages alike
            self.env.keep_modules_of(
                frozenset({"macros.html"} if self._shared_follow_ups else ()),
                {"macros.html": default_macros.macros} if self._shared_follow_ups else None)
        self.holes: dict[str, list[Hole]] | None = None
        """When a dict (set by `build`): site file → where each note's HTML stands in it,
        for every page rendered, for the quick rebuild (see `quick`); and where contacts'
        `SHOWN_FIELDS` stand, which the default theme's templates (the only ones a build
        records holes with) show through `shown` on the pages that say so (`_page`)."""
        self.search_entries: dict[str, tuple[str, dict[str, str], str]] = {}
        """With `holes` recorded: record path → its search entry's kind, fields but the
        text, and the text's prefix (see `listings.search_entry`)."""
        self.kept_listings: frozenset[str] = frozenset()
        """Listings (and the calendar) the last build made that this one keeps as they
        are (None in `stream`): set when only notes' bodies changed since, as none of
        these shows a body (see `BODY_BLIND`)."""
        self.affected: set[Page] | None
        """The record pages this build must render; None: every one (see `affected`).
        The others are the memo's, as the previous build in this process made them."""
        if plan is not None:
            self.inputs, self.affected = plan
        else:
            self.inputs = page_inputs(analysis)
            previous = self.memo.inputs if self.memo.keep else None
            if previous is not None:
                self.compare_with(previous)
            else:
                self.affected = None
            if self.memo.keep:
                self.memo.inputs = self.inputs

    # -- helpers -----------------------------------------------------------------

    def body_html(self, record: Any, kind: str, base: str) -> str:
        """A record's Markdown body as HTML, its links relative to the page at `base`."""
        return self.markdown_html(record.path, record.body, record.body_line, kind, base)

    def markdown_html(self, path: str, text: str, first_line: int, kind: str, base: str,
                      report: bool = True, sections: frozenset[int] = frozenset(),
                      need_html: bool = True) -> str:
        """Markdown from the file at `path` as HTML for a page at `base`.

        `report` False drops the warnings: for text shown a second time, such as an
        answer already rendered with its meeting. The HTML under the headings on the
        lines in `sections` (0-based, of `text`) is kept in `self.sections` by
        (path, file line of the heading), from the same parse. `need_html` False: only
        the warnings and sections are wanted (a page kept from the last build); the
        persistent cache keeps only those, as the HTML is quick to make again.
        """
        key = (path, text, first_line, kind, base)
        cached = self.memo.markdown.get(key)
        if _stale(cached, sections, need_html):
            link_for = self._link_for(base)
            store = self.memo.store
            # (with its text, all a note's HTML depends on is whether its links find
            # their records: checked, not keyed by)
            stored_key = (path, digest(text), first_line, kind, base) \
                if store is not None else None
            cached = store.markdown.get(stored_key) if store is not None else None
            if cached is not None and cached[3] and not self._links_hold(cached[3]):
                cached = None
            if _stale(cached, sections, need_html):
                lookups: set[Lookup] = set()

                def looking_up(kind: str, record_id: str) -> str | None:
                    url = link_for(kind, record_id)
                    lookups.add((kind, record_id, url is not None))
                    return url

                html, problems, parts = render_note(self.markdown, path, text, first_line, kind,
                                                   looking_up, sections)
                cached = (html, problems, parts, frozenset(lookups))
                if store is not None:
                    store.markdown.put(stored_key, (None, *cached[1:]))
            self.memo.keep_note(key, cached)
        assert cached is not None
        self._page_links.update(cached[3])
        if report:
            self.problems.extend(cached[1])
        for line, part in cached[2].items():
            self.sections[(path, first_line + line)] = part
            self._page_sections[(path, first_line + line)] = part
        return cached[0] or ""

    def _links_hold(self, lookups: frozenset[Lookup]) -> bool:
        """Whether each of these journal links still finds (or misses) its record."""
        tables = self._tables
        return all((record_id in tables.get(kind, ())) == found
                   for kind, record_id, found in lookups)

    @functools.cached_property
    def _tables(self) -> dict[str, Any]:
        """Folder → the records a journal link into it may find."""
        journal = self.journal
        return {"contacts": journal.contacts, "meetings": journal.meetings,
                "companies": journal.companies}

    @functools.cached_property
    def _record_tables(self) -> dict[str, Any]:
        """Kind of record page → the records of that kind."""
        journal = self.journal
        return {"contact": journal.contacts, "meeting": journal.meetings,
                "company": journal.companies}

    def _forget_stale_links(self, stale: frozenset[Lookup]) -> None:
        """After a file was added or removed (`stale`: the links that now resolve
        otherwise, see `_stale_lookups`): drop the kept renderings of notes with such a
        link, and what was kept of the records no longer in the journal."""
        if not stale:
            return
        journal, memo = self.journal, self.memo
        if not any(found for _, _, found in stale):  # (only added: the quick way)
            memo.keep_notes_if(lambda key, kept: kept[3].isdisjoint(stale))
            return
        paths = {r.path for table in (journal.contacts, journal.meetings, journal.companies)
                 for r in table.values()}
        memo.keep_notes_if(lambda key, kept: kept[3].isdisjoint(stale) and key[0] in paths)
        tables = self._record_tables
        memo.records = {job: kept for job, kept in memo.records.items()
                        if job[1] in tables[job[0]]}
        if memo.page_links is not None:
            memo.page_links = {job: links for job, links in memo.page_links.items()
                               if job[1] in tables[job[0]]}

    def _link_for(self, base: str) -> Any:
        """(kind, id) → the URL of that record's page from a page at `base`, or None."""
        tables = {"contacts": (self.journal.contacts, self.urls.contact),
                  "meetings": (self.journal.meetings, self.urls.meeting),
                  "companies": (self.journal.companies, self.urls.company)}

        def link_for(kind: str, record_id: str) -> str | None:
            table, url = tables.get(kind, ({}, None))
            return base + url(record_id) if url is not None and record_id in table else None

        return link_for

    def _record_page(self, url: str, template: str, holes: Sequence[tuple[HoleKey, str]] = (),
                     fields: bool = False, **context: Any) -> tuple[str, bytes | None]:
        """A page shown from its own context only (a record's, or the follow-ups page):
        rendered only if that context changed since the last build in this process, or
        since the build of the site being replaced (then the data is None: the old file
        stands)."""
        previous = self.memo.previous_pages
        if previous is None and not self.memo.keep:  # a cold build: nothing to compare
            return self._page(url, template, holes=holes, fields=fields, **context)
        frozen = (template, freeze(context))
        kept = self.memo.pages.get(url)
        if kept is not None and kept[0] == frozen:
            return Urls.file_for(url), kept[1]
        file = Urls.file_for(url)
        if previous is not None:
            # repr, not pickle: pickle's bytes depend on which equal objects are shared.
            fingerprint = digest(repr((self.global_digest, frozen)))
            self.memo.fingerprints[file] = fingerprint
            old = previous.get(file)
            if (old is not None and old[0] == fingerprint and self.memo.reusable is not None
                    and self.memo.reusable(file, old[1], old[2])):
                return file, None
        path, data = self._page(url, template, holes=holes, fields=fields, **context)
        if self.memo.keep:
            self.memo.pages[url] = (frozen, data)
        return path, data

    def _page(self, url: str, template: str, base: str | None = None,
              holes: Sequence[tuple[HoleKey, str]] = (), marked: bool = False,
              fields: bool = False, **context: Any) -> tuple[str, bytes]:
        """Render one page; with holes recorded (see `holes`), where in its bytes each
        of the given notes' HTML stands: found in the page, or, if `marked`, given to
        the template between markers (`holes.marked`), which are taken out again. A
        page that shows contacts' `SHOWN_FIELDS` (`fields`) has them marked the same
        way."""
        self.memo.rendered += 1
        base = Urls.base_for(url) if base is None else base
        section = next((s for s, _ in reversed(SECTIONS) if s and url.startswith(s)), "")
        page = self.env.get_template(template)
        file = Urls.file_for(url)
        assert not (fields and marked), "one page, one way of marking"
        if fields and self.holes is not None:
            marks = FieldMarks()
            html = page.render(base=base, section=section,
                               **{**self._globals(), "shown": marks.shown}, **context)
            data, shown = unmark(html, marks.parts)
            self.holes[file] = [*locate_holes(data, holes), *shown]
        elif marked:
            html = page.render(base=base, section=section, **self._globals(), **context)
            data, self.holes[file] = unmark(html, holes)  # type: ignore[index]
        else:
            data = _encoded(page.generate(base=base, section=section, **self._globals(),
                                          **context))
            if self.holes is not None:
                self.holes[file] = locate_holes(data, holes)
        return file, data

    def follow_up_html(self, view: FollowUpView, base: str) -> Markup:
        """The default theme's `follow_up` macro for `view` on a page at `base`, in
        Python (`default_macros`): 60,000 calls at 10,000 files, a tenth of a build's
        time through Jinja. A theme with its own macros.html gets None for
        `follow_up_html`, and the pages call its macro."""
        return default_macros.follow_up(view, base)

    def _globals(self) -> dict[str, Any]:
        return {
            "follow_up_html": self.follow_up_html if self._shared_follow_ups else None,
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
            "shown": shown_value,
        }

    # -- pages -------------------------------------------------------------------

    def pages(self, workers: int = 1) -> Iterator[tuple[str, bytes | None]]:
        """Every page; record pages in `workers` processes when there are many."""
        yield from self.record_pages(workers)
        yield from self.listing_pages()

    def listing_pages(self) -> Iterator[tuple[str, bytes | None]]:
        """Every page but the record pages, rendered after them (the question pages
        reuse the answers rendered with the meetings)."""
        yield from self.summary_pages()
        yield from self.question_pages()

    def summary_pages(self, half: int | None = None) -> Iterator[tuple[str, bytes | None]]:
        """The listings that need nothing from the record pages; `half` 0 or 1: about
        half the work each, for two processes."""
        first = [("index.html", self.dashboard), ("follow-ups/index.html", self.follow_ups_page),
                 ("search/index.html", self.search_page), ("404.html", self.not_found_page),
                 ("meetings/index.html", self.meetings_index),
                 ("referrals/index.html", self.referrals_page)]
        second = [("contacts/index.html", self.contacts_index),
                  ("companies/index.html", self.companies_index),
                  ("stats/index.html", self.stats_page)]
        for path, make in [*(first if half != 1 else []), *(second if half != 0 else [])]:
            yield (path, None) if path in self.kept_listings else make()

    def search_page(self) -> tuple[str, bytes]:
        return listings.search_page(self)

    def not_found_page(self) -> tuple[str, bytes]:
        # Served for any missing path, so its links start at the site root.
        return self._page("404.html", "404.html", base="/")

    def record_jobs(self) -> list[tuple[str, str]]:
        """Every record page: the meetings' first (the question pages show the answers
        in their notes, and can be made once those pages are), then the contacts', then
        the companies'."""
        return [*(("meeting", mid) for mid in self.journal.meetings),
                *(("contact", cid) for cid in self.journal.contacts),
                *(("company", coid) for coid in self.journal.companies)]

    def compare_with(self, previous: PageInputs | None) -> None:
        """Render only the record pages that differ from what `previous` gave (the last
        build's, when its pages are still in place); None: render every one. After a
        file was added or removed, also those whose notes hold a journal link that now
        resolves otherwise (every one, when the memo does not know the links of the
        pages in place: `RenderMemo.page_links`)."""
        self.affected = affected_pages(previous, self.inputs) if previous is not None else None
        if self.affected is None or previous is None:
            return
        before, after = previous.analysis.journal, self.journal
        stale = _stale_lookups((before.contacts, before.meetings, before.companies),
                               (after.contacts, after.meetings, after.companies))
        known = self.memo.page_links
        if not stale:
            return
        if known is None:
            self.affected = None
            return
        tables = self._record_tables  # (the pages of records no longer in it go)
        self.memo.page_links = known = {job: links for job, links in known.items()
                                        if job[1] in tables[job[0]]}
        self.affected |= {job for job, links in known.items() if not links.isdisjoint(stale)}

    def record_page(self, job: tuple[str, str]) -> tuple[str, bytes | None]:
        if job == CALENDAR_JOB:  # (handed to a worker with the record pages: see `stream`)
            return self.calendar_file()
        if self.affected is not None and job not in self.affected:
            kept = self.memo.records.get(job)
            if kept is not None:  # nothing it shows changed: as the last build made it
                path, data, problems, sections = kept
                self.problems.extend(problems)
                self.sections.update(sections)
                return path, data
            kept_file = self._kept_file(job)
            if kept_file is not None:
                return kept_file, None
        start, self._page_sections, self._page_links = len(self.problems), {}, set()
        kind, record_id = job
        if kind == "contact":
            path, data = self.contact_page(record_id)
        elif kind == "meeting":
            path, data = self.meeting_page(record_id)
        else:
            path, data = self.company_page(record_id)
        if self.memo.keep:
            self.memo.records[job] = (path, data, self.problems[start:], self._page_sections)
        known = self.memo.page_links
        if known is not None:
            if self._page_links:
                known[job] = frozenset(self._page_links)
            else:
                known.pop(job, None)
        return path, data

    def _kept_file(self, job: tuple[str, str]) -> str | None:
        """The file of the site being replaced, if it is still the page for `job`: its
        note's warnings and answers are gathered (from the Markdown memo) as a render
        would, and its fingerprint carried over."""
        previous, reusable = self.memo.previous_pages, self.memo.reusable
        kind, record_id = job
        table, url_of = {"contact": (self.journal.contacts, self.urls.contact),
                         "meeting": (self.journal.meetings, self.urls.meeting),
                         "company": (self.journal.companies, self.urls.company)}[kind]
        url = url_of(record_id)
        file = Urls.file_for(url)
        old = previous.get(file) if previous is not None else None
        if old is None or reusable is None or not reusable(file, old[1], old[2]):
            return None
        record = table[record_id]
        answers = frozenset(a.line - record.body_line for a in getattr(record, "answers", ()))
        self.markdown_html(record.path, record.body, record.body_line, FOLDERS[kind],
                           Urls.base_for(url), sections=answers, need_html=False)
        self.memo.fingerprints[file] = old[0]
        return file

    def record_pages(self, workers: int = 1) -> Iterator[tuple[str, bytes | None]]:
        """The page of every contact, meeting and company, in order."""
        jobs = self.record_jobs()
        if not self._parallel(jobs, workers):
            for job in jobs:
                yield self.record_page(job)
            return
        with contextlib.closing(parallel.render_in_workers(self, jobs, workers)) as pages:
            yield from pages

    def _parallel(self, jobs: list[tuple[str, str]], workers: int) -> bool:
        """Whether forking workers pays: many pages to render, and a system that forks."""
        to_render = len(jobs) if self.affected is None else len(self.affected)
        return workers > 1 and to_render >= parallel.PARALLEL_MIN_PAGES and hasattr(os, "fork")

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

    def follow_ups_page(self) -> tuple[str, bytes | None]:
        """Every open follow-up, and the most recent done ones."""
        done = [f for f in self.analysis.follow_ups if not f.is_open]
        kept = done[-FOLLOW_UPS_DONE:]
        items = self.analysis.open_follow_ups + kept
        # Its template shows nothing but this context (and what every page shows), so,
        # like a record page, it is kept when that is unchanged (a field edit that
        # moved no follow-up): it is the biggest listing, 9 MB at 10,000 files.
        return self._record_page("follow-ups/", "follow_ups.html",
                                 follow_ups=self.views.follow_ups(items), done_total=len(done))

    @functools.cached_property
    def _people(self) -> dict[str, list[tuple[Any, str]]]:
        """Company id → (contact, status) of the people there."""
        found = {coid: self._people_at(coid) for coid in self.inputs.people_at
                 if coid in self.journal.companies}
        return {coid: people for coid, people in found.items() if people}

    def _people_at(self, coid: str) -> list[tuple[Any, str]]:
        """(contact, status) of the people at the company `coid`, as the site shows them
        (a hidden `company` shows no one). From the page inputs' index, made before
        hidden fields are blanked: a company's page made alone does not go through every
        contact."""
        contacts, statuses = self.journal.contacts, self.analysis.contact_status
        return [(contacts[cid], statuses[cid]) for cid in self.inputs.people_at.get(coid, ())
                if contacts[cid].company == coid]

    @functools.cached_property
    def _bank(self) -> dict[str, tuple[str, ...]]:
        return question_bank(self.settings.questions)

    def contacts_index(self) -> tuple[str, bytes]:
        # Sorted without regard to case, then by case: "SQL" and "sql" in the same order
        # whatever order the set gives them in (it changes with the hash seed).
        tags = sorted({t for c in self.journal.contacts.values() for t in c.tags},
                      key=_caseless)
        companies = sorted({self.views.company_link(c.company).text  # type: ignore[union-attr]
                            for c in self.journal.contacts.values() if c.company},
                           key=_caseless)
        return self._page("contacts/", "contacts.html", fields=True, tags=tags,
                          companies=companies, statuses=CONTACT_STATUS_ORDER)

    def contact_page(self, cid: str) -> tuple[str, bytes | None]:
        analysis, contact = self.analysis, self.journal.contacts[cid]
        url = self.urls.contact(cid)
        notes = self.body_html(contact, "contacts", Urls.base_for(url))
        return self._record_page(
            url, "contact.html", holes=[(("body", contact.path), notes)], fields=True,
            contact=contact,
            status=analysis.contact_status[cid],
            chain=[self.views.contact_link(c) for c in analysis.forest.chains[cid]],
            referred=[self.views.contact_link(c) for c in analysis.forest.referred[cid]],
            descendants=analysis.forest.descendants[cid],
            suggested=[self.views.person_link(p) for p in dict.fromkeys(  # as written
                p for m in analysis.meetings_of.get(cid, ()) for p in m.referrals)],
            meetings=[self.meeting_row(m) for m in analysis.meetings_of.get(cid, ())],
            follow_ups=self.views.follow_ups(self.inputs.follow_ups.get(("contact", cid), [])),
            company=self.views.company_link(contact.company), notes=notes,
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
        notes = self.markdown_html(
            meeting.path, meeting.body, meeting.body_line, "meetings", base,
            sections=frozenset(a.line - meeting.body_line for a in meeting.answers))
        prep = self.prep_sheet(meeting, base, self._bank) if status == "scheduled" else None
        holes = [(("body", meeting.path), notes)]
        if prep is not None:
            holes += [(("body", r.path), html) for r, html in (*prep["research"],
                                                                *prep["companies"])]
        return self._record_page(
            url, "meeting.html", holes=holes, meeting=meeting, status=status,
            with_names=self.views.with_names(meeting),
            contacts=[self.views.contact_link(c) for c in meeting.contacts],
            referrals=[self.views.person_link(p) for p in meeting.referrals],
            follow_ups=self.views.follow_ups(self.inputs.follow_ups.get(("meeting", mid), [])),
            notes=notes, prep=prep,
        )

    def companies_index(self) -> tuple[str, bytes]:
        return self._page("companies/", "companies.html", people=self._people)

    def company_page(self, coid: str) -> tuple[str, bytes | None]:
        url = self.urls.company(coid)
        company = self.journal.companies[coid]
        notes = self.body_html(company, "companies", Urls.base_for(url))
        return self._record_page(url, "company.html", holes=[(("body", company.path), notes)],
                                 fields=True, company=company,
                                 people=self._people_at(coid), notes=notes)

    # -- parts -------------------------------------------------------------------

    def meeting_row(self, meeting: Meeting) -> MeetingRow:
        return MeetingRow(meeting.id, self.urls.meeting(meeting.id), meeting.date, meeting.time,
                          self.views.with_names(meeting), meeting.format,
                          self.analysis.meeting_status[meeting.id], meeting.outcome)

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

    def referrals_page(self) -> tuple[str, bytes]:
        return listings.referrals_page(self)

    def question_pages(self) -> Iterator[tuple[str, bytes]]:
        return listings.question_pages(self)

    def stats_page(self) -> tuple[str, bytes]:
        return listings.stats_page(self)

    def pipeline_chart(self) -> Any:
        return listings.pipeline_chart(self)

    def stream(self, workers: int = 1, write: PageWrite | None = None,
               ) -> Iterator[tuple[str, bytes | Written | None]]:
        """Every file of the site, as it is rendered (None: keep the current site's file).

        With `workers` > 1, record pages are rendered by that many forked processes;
        the files are the same, byte for byte. Given `write`, a worker writes each page
        it renders itself and only what `write` returned comes back."""
        jobs = self.record_jobs()
        if not self._parallel(jobs, workers):
            if workers > 1 and len(jobs) >= parallel.PARALLEL_MIN_PAGES and hasattr(os, "fork"):
                # Few pages to render, many to link: the listings in a worker meanwhile
                # (the biggest, and the calendar: as long as the question pages, which
                # need the answers gathered here), which writes them itself.
                with contextlib.closing(parallel.summary_in_worker(
                        self, 0, calendar=self._has_calendar, write=write)) as summaries:
                    yield from self.record_pages()
                    yield from self.summary_pages(1)
                    yield from self.question_pages()
                    listings = summaries.get()
                yield from listings
                yield from self.extra_files(calendar=False)
                return
            yield from self.record_pages()
            yield from self.other_files()
            return
        # The calendar first, by a worker: 7 MB of lines at 10,000 files, which would stay
        # in this process's memory (the peak of the build) once made and let go.
        calendar = [CALENDAR_JOB] if self._has_calendar else []
        records = parallel.render_in_workers(self, [*calendar, *jobs], workers,
                                             write)  # they start now
        with contextlib.closing(records):
            yield from self.summary_pages()  # …while this process renders the listings
            yield from self.extra_files(calendar=False)
            pages = iter(records)
            # Once the meetings' pages are in, the question pages are made while the
            # workers go on with the contacts and companies.
            yield from itertools.islice(pages, len(calendar) + len(self.journal.meetings))
            yield from self.question_pages()
            yield from pages

    def other_files(self) -> Iterator[tuple[str, bytes | None]]:
        """Every file but the record pages: listings, theme files, robots.txt, the
        calendar, _headers."""
        yield from self.listing_pages()
        yield from self.extra_files()

    def extra_files(self, calendar: bool = True) -> Iterator[tuple[str, bytes | None]]:
        """The theme's files, robots.txt, the calendar (unless not `calendar`) and
        _headers."""
        for path, source in self.theme.static_files().items():
            yield path, source.read_bytes()
        yield "robots.txt", ROBOTS.encode()
        if calendar and self._has_calendar:
            yield self.calendar_file()
        yield "_headers", headers_file()

    @property
    def _has_calendar(self) -> bool:
        return not self.settings.privacy.encrypt  # a calendar app cannot decrypt a feed

    def calendar_file(self) -> tuple[str, bytes | None]:
        """calendar.ics (None: the last build's stands)."""
        from .export_ics import calendar_ics, description_holes

        if "calendar.ics" in self.kept_listings:
            return "calendar.ics", None
        data = calendar_ics(self.analysis)
        if self.holes is not None:
            self.holes["calendar.ics"] = description_holes(self.analysis, data)
        return "calendar.ics", data

    def render(self) -> Rendered:
        """Every file of the site, in memory."""
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


TEMPLATES = ("base.html", "macros.html", "dashboard.html", "follow_ups.html", "search.html",
             "404.html", "contacts.html", "contact.html", "meetings.html", "meeting.html",
             "companies.html", "company.html", "referrals.html", "stats.html",
             "questions.html", "question.html")
"""The templates the site's pages are rendered with."""


def _compiled(env: Any) -> None:
    """Every template of `TEMPLATES` loaded into `env`, from the build cache where it
    keeps them compiled: once here, not in each forked worker. One that does not
    compile is left for its page to report, as without this."""
    for name in TEMPLATES:
        with contextlib.suppress(jinja2.TemplateError, UnicodeError, OSError):
            env.get_template(name)


def _caseless(text: str) -> tuple[str, str]:
    return text.lower(), text


CALENDAR_JOB = ("calendar", "")
"""Among the record pages' jobs: calendar.ics."""
_PIECES = 8192
"""Pieces of a page joined and encoded at a time (see `_encoded`)."""


def _encoded(pieces: Iterator[str]) -> bytes:
    """A template's output as UTF-8, encoded a few thousand pieces at a time: joining a
    whole listing first (the follow-ups page is 9 MB at 10,000 files, in half a million
    pieces) holds every piece, the string and the bytes at once."""
    chunks: list[bytes] = []
    while batch := list(itertools.islice(pieces, _PIECES)):
        chunks.append("".join(batch).encode("utf-8"))
    return b"".join(chunks)  # (one chunk: itself, not a copy)


def _stale_lookups(before: tuple[Iterable[str], ...],
                   after: tuple[Iterable[str], ...]) -> frozenset[Lookup]:
    """The journal links that resolve otherwise once the ids of the contacts, meetings
    and companies `before` are those `after`: (folder, id, False) for each id added,
    (folder, id, True) for each removed."""
    stale: set[Lookup] = set()
    for folder, old, new in zip(("contacts", "meetings", "companies"), before, after,
                                strict=True):
        old_ids, new_ids = set(old), set(new)
        stale.update((folder, i, False) for i in new_ids - old_ids)
        stale.update((folder, i, True) for i in old_ids - new_ids)
    return frozenset(stale)


def _stale(cached: KeptNote | None,
           sections: frozenset[int], need_html: bool) -> bool:
    """Whether a kept rendering of a note lacks what is asked for."""
    return (cached is None or not sections <= cached[2].keys()
            or (need_html and cached[0] is None))


def _with_journal(analysis: Analysis, journal: Any) -> Analysis:
    """`analysis` showing `journal` (its records with hidden fields blanked): each
    contact's meetings too, which the analysis holds as records, not ids."""
    import dataclasses

    meetings = journal.meetings
    return dataclasses.replace(analysis, journal=journal, meetings_of={
        cid: tuple(meetings[m.id] for m in held) for cid, held in analysis.meetings_of.items()})
