"""What a quick rebuild puts in the last build's holes (see `quick`): for each changed
note, its new HTML in its page, the preparation sheets quoting it, its answers on the
question pages and its search entry; for a contact whose role, field or tags changed,
the new value wherever the old one stands (`SHOWN_FIELDS`). Every function here answers
None or False when the change is more than that, or anything about it is in doubt: the
full build then runs.
"""

from __future__ import annotations

import dataclasses
import functools
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .contentlines import escape_text as ics_text
from .holes import SHOWN_FIELDS, HoleKey, ShownValue, shown_forms
from .layout import KIND_OF_FOLDER
from .quick_state import Shown, answer_lines, front_digest, note_facts, shown_facts
from .urls import rebase_links

if TYPE_CHECKING:
    from .body import Answer
    from .markdown import Markdown
    from .problems import Problem
    from .records import Record


def hole_edits(root: Path, target: Path, changed: list[tuple[str, str, bytes]],
               sources: dict[str, tuple[Any, ...]],
               state: dict[str, Any]) -> HoleEdits | None:
    """The new bytes of every hole the `changed` notes stand in, by file; None when a
    change is more than a note's text and a contact's shown values (or anything about
    it is in doubt)."""
    edits = HoleEdits(root, target, sources, state, {path for path, _, _ in changed})
    if all(edits.note(path, kind, data) for path, kind, data in changed) \
            and _tag_set(edits.tags) == _tag_set(state["tags"]):  # (the contacts' filter)
        return edits
    return None


class HoleEdits:
    """The holes of the last build's site, and the new bytes for those of changed notes
    and contacts' changed shown values."""

    def __init__(self, root: Path, target: Path, sources: dict[str, tuple[Any, ...]],
                 state: dict[str, Any], changed: set[str]) -> None:
        from .urls import Urls

        self.root, self.target, self.sources, self.state = root, target, sources, state
        urls = Urls()
        self.url_of = {"contacts": urls.contact, "meetings": urls.meeting,
                       "companies": urls.company}
        self.where: dict[HoleKey, list[tuple[str, int, int]]] = {}
        for file, holes in state["holes"].items():
            for key, start, end in holes:
                if key[1] in changed:
                    self.where.setdefault(key, []).append((file, start, end))
        self.with_problems = {p.path for p in state["problems"]}
        self.edits: dict[str, list[tuple[int, int, bytes]]] = {}
        self.renamed: dict[HoleKey, HoleKey] = {}
        """Answers whose heading moved to another line: old key → new key."""
        self.lines: dict[str, tuple[int, ...]] = {}
        """Changed notes → the lines of their answers' headings now (every changed note
        is among them)."""
        self.fronts: dict[str, tuple[bytes, Shown | None]] = {}
        """Changed files → the digest of their front matter and their `shown_facts` now
        (which hold a contact's note's digest: kept up to date after a note's edit too)."""
        self.tags: Counter[str] = Counter(state["tags"])
        """How many contacts the site shows with each tag, after the edits so far."""
        self.prefixes: dict[str, int] = {}
        """Those contacts → the length of the words before their note's in their search
        entry now."""
        self.pages: dict[str, bytes] = {}
        """The files of the site read so far, each checked to be the one the build wrote."""

    @functools.cached_property
    def markdown(self) -> Markdown:
        from .markdown import Markdown

        return Markdown()

    @functools.cached_property
    def ids(self) -> dict[str, set[str]]:
        from .parse import record_id

        ids: dict[str, set[str]] = {kind: set() for kind in KIND_OF_FOLDER}
        for path, entry in self.sources.items():
            ids[entry[0]].add(record_id(path))
        return ids

    def page(self, file: str) -> bytes | None:
        """The site's `file` (every file was checked to be the last build's first)."""
        if file not in self.pages:
            try:
                self.pages[file] = (self.target / file).read_bytes()
            except OSError:
                return None
        return self.pages[file]

    def link_for(self, base: str) -> Callable[[str, str], str | None]:
        def find(kind: str, record_id: str) -> str | None:
            return base + self.url_of[kind](record_id) if record_id in self.ids.get(kind, ()) \
                else None
        return find

    def put(self, key: HoleKey, html_for: Callable[[str, bytes], str | None]) -> bool:
        """New bytes for every hole `key` stands in: `html_for` the page's base and what
        the hole holds now."""
        for file, start, end in self.where.get(key, ()):
            page = self.page(file) if start >= 0 else None
            html = html_for("../" * file.removesuffix("index.html").count("/"),
                            page[start:end]) if page is not None else None
            if not html:
                return False
            data = html.encode("utf-8")
            if data != page[start:end]:  # the same bytes (an edit past the search text): kept
                self.edits.setdefault(file, []).append((start, end, data))
        return True

    def note(self, path: str, kind: str, data: bytes) -> bool:
        """Add the edits for one changed note; False if it changed more than its text
        and the values of a contact's shown fields (`shown_changes`)."""
        from .body import journal_link, search_text
        from .parse import parse_file

        _, _, _, front, facts, old_lines, shown = self.state["recorded"].sources[path]
        record, problems = parse_file(kind, path, data)
        if (record is None or problems or path in self.with_problems
                or note_facts(record) != facts):
            return False
        changes: dict[str, tuple[str, str]] = {}
        new_front = front_digest(data, record.body_line)
        now = shown_facts(record)
        self.fronts[path] = (new_front, now)  # (a contact's note's digest is in `now`)
        if new_front != front:
            found = self.shown_changes(shown, now)
            if found is None:
                return False
            changes = found
            if now is not None and shown is not None and now[2] == shown[2]:
                # The same note: its HTML stands as it is, its words in the search entry
                self.lines[path] = old_lines
                return self.shown_edits(record, changes, self.state["search"].get(path), None)
        for link in record.links:
            found_link = journal_link(link.target, kind) if not link.image else None
            if found_link is not None and found_link[1] not in self.ids.get(found_link[0], ()):
                return False  # a warning to report: the full build says it
        answers = getattr(record, "answers", ())
        lines = frozenset(a.line - record.body_line for a in answers)
        sections: dict[int, str] = {}

        def body(base: str, _old: bytes = b"") -> str | None:
            html, problems, parts = self.render(record, record.body, record.body_line,
                                                kind, base, lines)
            sections.update(parts)
            return None if problems else html

        if not self.put(("body", path), body):
            return False
        if answers and not sections:
            body("../../")  # as on the meeting's own page
        self.lines[path] = answer_lines(record)
        for answer, old_line in zip(answers, old_lines, strict=True):  # the same questions
            if old_line != answer.line:
                self.renamed[("answer", path, old_line)] = ("answer", path, answer.line)
            section = sections.get(answer.line - record.body_line)

            def answer_html(base: str, _old: bytes, answer: Answer = answer,
                            section: str | None = section) -> str | None:
                if section is not None:  # (cut from the note on the meeting's page)
                    return rebase_links(section, base)
                return self.render(record, answer.text(record.body), answer.line + 1, kind,
                                   base)[0]

            if not self.put(("answer", path, old_line), answer_html):
                return False
        prefix = self.state["search"].get(path)
        if prefix is None:
            return False
        if changes:  # with its search entry
            return self.shown_edits(record, changes, prefix, search_text(record.body))
        return self.put(("search", path),
                        lambda _base, old: _search_entry(KIND_OF_FOLDER[kind], old, prefix,
                                                         search_text(record.body)))

    def shown_changes(self, shown: Shown | None, now: Shown | None,
                      ) -> dict[str, tuple[ShownValue, ShownValue]] | None:
        """A contact's `SHOWN_FIELDS` whose values the site now shows otherwise (its
        `shown_facts` at the last build and now): name → (old value, new value); None
        when its file changed more than those values, or one is shown where it was not
        (or the other way), or the last build could not tell every place where they
        stand (a listing kept from a build before it)."""
        if not self.state["fields"] or shown is None or now is None or shown[0] != now[0]:
            return None
        hidden = self.state["privacy"].hidden
        changes = {}
        for name, old, new in zip(SHOWN_FIELDS, shown[1], now[1], strict=True):
            if name in hidden or (old or "") == (new or ""):  # ("role:" is "role: ''")
                continue
            if not old or not new:  # a part of the page shown, or no longer
                return None
            if not all(shown_forms(old)) or not all(shown_forms(new)):
                return None  # (tags: ['']: shown, but as nothing in an attribute: no hole)
            changes[name] = (old, new)
        return changes

    def shown_edits(self, record: Record, changes: dict[str, tuple[ShownValue, ShownValue]],
                    prefix: int | None, text: str | None) -> bool:
        """Put a contact's new shown values where the old ones stand: in the pages, its
        search entry (followed by the words of its note, `text`; None: those it has)
        and the calendar's descriptions of its meetings. New tags must leave the set of
        all tags as it was (the contacts list's filter offers each)."""
        from .contact_text import contact_summary, contact_words, described
        from .records import Contact, redact_record

        site = redact_record(record, self.state["privacy"].hidden)
        assert isinstance(site, Contact)
        company = self.company_name(site.company)
        if "tags" in changes:  # (the set of all tags: checked once all are counted)
            old_tags, new_tags = changes["tags"]
            self.tags.subtract(old_tags)
            self.tags.update(new_tags)
        for name, (old, new) in changes.items():
            if not self.put(("field", record.path, name),
                            lambda _base, held, old=old, new=new: _reshown(held, old, new)):
                return False
        before = dataclasses.replace(site, **{name: old for name, (old, _) in changes.items()})
        words = contact_words(site, company)

        def entry(_base: str, old: bytes) -> str | None:
            from .search import search_entry

            fields = _entry_fields(old)
            if (fields is None or prefix is None
                    or fields.get("s") != contact_summary(before, company)
                    or fields["x"][:prefix] != contact_words(before, company)):
                return None  # not as the last build made it: in doubt
            old_text = fields.pop("x")[prefix + 1:]  # (after the space, if any)
            fields["s"] = contact_summary(site, company)
            return search_entry("contact", fields, words, old_text if text is None else text)

        self.prefixes[record.path] = len(words)
        if not self.put(("search", record.path), entry):
            return False
        if "role" not in changes:
            return True
        was = ics_text(described(before, company))
        now = ics_text(described(site, company))
        return self.put(("event", record.path),
                        lambda _base, held: _described(held, was, now))

    def company_name(self, company: str | None) -> str | None:
        """A contact's company as the site names it: the name in its company's file,
        or what the contact wrote (see `Views.company_link`); a file that may have
        changed is read as it is now, and what is made from it checked against the
        site (the search entry: `shown_edits`)."""
        from .parse import parse_file

        if not company or company not in self.ids["companies"]:
            return company
        path = f"content/companies/{company}.md"
        if path not in self.sources:
            return None
        try:
            data = (self.root / path).read_bytes()
        except OSError:
            return None
        found, _ = parse_file("companies", path, data)  # (its warnings: the site's as well)
        return found.name if found is not None else None

    def render(self, record: Record, text: str, first_line: int, kind: str, base: str,
               sections: frozenset[int] = frozenset(),
               ) -> tuple[str, list[Problem], dict[int, str]]:
        from .markdown import render_note

        return render_note(self.markdown, record.path, text, first_line, kind,
                           self.link_for(base), sections)


def _search_entry(kind: str, old: bytes, prefix: int, text: str) -> str | None:
    """A record's search entry with a new `text`, from the entry it replaces (its other
    fields, and the first `prefix` characters of its words)."""
    from .search import search_entry

    fields = _entry_fields(old)
    if fields is None:
        return None
    return search_entry(kind, fields, fields.pop("x")[:prefix], text)


def _entry_fields(entry: bytes) -> dict[str, Any] | None:
    """A search entry's fields, its words ("x") among them; None if it is not one."""
    import json

    try:
        fields = json.loads(entry)
    except ValueError:
        return None
    if not isinstance(fields, dict) or not isinstance(fields.get("x"), str):
        return None
    return fields


def _tag_set(counts: Counter[str]) -> set[str]:
    return {tag for tag, n in counts.items() if n > 0}


def _reshown(held: bytes, old: ShownValue, new: ShownValue) -> str | None:
    """What a hole holding a shown value (`held`) holds with `new` for `old`: in the
    form it holds `old` in (`shown_forms`); None if it holds it in none of them."""
    for was, now in zip(shown_forms(old), shown_forms(new), strict=True):
        if held == was.encode("utf-8"):
            return now
    return None


def _described(held: bytes, was: str, now: str) -> str | None:
    """A calendar event's DESCRIPTION line (`held`, folded) naming a person as `now`
    where it named them as `was` (both escaped); None unless it names them so once."""
    from .contentlines import fold

    line = held.decode("utf-8").replace("\r\n ", "")  # unfolded: its text has no line break
    at = line.find(was)
    if not line.startswith("DESCRIPTION:") or at < 0 or line.find(was, at + 1) >= 0:
        return None
    return fold(line[:at] + now + line[at + len(was):])
