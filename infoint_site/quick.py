"""The quick rebuild: after saves that changed only notes' text, and contacts' roles or
fields, splice the new HTML into the last build's pages instead of building the whole
site again.

Nothing the journal computes reads a note's text (see `body_edit`). So when every
changed file kept its front matter byte for byte, and what its text decides besides
its HTML is the same (an Evaluation heading, whether it has any text, its ``## Q:``
headings, links that all resolve, no warnings), every file of the site stays as it was
but where that note's HTML stands: its own page, the preparation sheets quoting it, its
search entry and its answers on the question pages.

Nor does anything read a contact's `SHOWN_FIELDS` (role, field), which the default
theme shows as they are. So a contact whose file says all it said before but for those
values (`shown_facts`), each still given or still not, changes the site only where the
old values stand: in its page, its company's, the contacts list (marked as the pages
render: `holes.FieldMarks`), its search entry and, for the role, the descriptions of
its meetings in the calendar (`export_ics.description_holes`).

A full build records where those stand (the *holes*: byte ranges in each file, see
`holes`) and what it read (each file's inode, size, times, digest and front matter
digest) in a signed file of the cache folder (see `quick_state`). `quick_build` checks it
against the disk: the same program, packages, theme, settings, day and output folder
(the very folder the build swapped in), the same content files, every page it would
touch still the file the build wrote. Any doubt and it returns None: the full build
runs, as it always may. Nothing is written until every new page is ready; the pages
then replace the old ones one rename each. What a hole holds is checked to be what the
last build put there before anything replaces it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import os
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cache import digest
from .contentlines import escape_text as ics_text
from .holes import SHOWN_FIELDS, Hole, HoleKey
from .layout import FOLDERS
from .quick_state import (
    Recorded,
    Shown,
    Stamp,
    answer_lines,
    folder_stamp,
    forget,
    front_digest,
    note_facts,
    settled,
    shown_facts,
    site_stamp,
    theme_folders,
    top_folders,
    write_state,
)
from .urls import MARKER, QUICK_SUFFIX, rebase_links

if TYPE_CHECKING:
    from .body import Answer
    from .markdown import Markdown
    from .pipeline import Loaded
    from .privacy import PrivacyReport
    from .problems import Problem
    from .records import Record

KINDS = {folder: kind for kind, folder in FOLDERS.items()}
"""Each content folder → the kind of record its files hold."""


@dataclass(frozen=True, slots=True)
class BuildResult:
    """What a build did: `loaded` is None after a quick rebuild (no journal was loaded)."""

    out: Path
    pages: int
    files: int
    bytes: int
    seconds: float
    problems: list[Problem]
    loaded: Loaded | None
    privacy: PrivacyReport
    spliced: int | None = None
    """After a quick rebuild: how many files the new notes and values were spliced into."""


def quick_build(root: Path, today: date | None, out: Path | None, strict: bool,
                state: dict[str, Any]) -> BuildResult | None:
    """Rebuild by splicing the notes (and contacts' shown values) changed since the
    last build into its pages, as the last build's `state` (`current_state`) tells;
    None when that cannot be shown to give the very bytes a full build would (then
    nothing was changed, and the state still tells the last build)."""
    started = time.perf_counter()
    recorded: Recorded = state["recorded"]
    target = (out if out is not None else root / recorded.output).absolute()
    if (str(target) != state["out"] or (strict and state["problems"])
            or not _same_inputs(root, target, state, today)):
        return None
    if not _site_unchanged(target, state["stamps"]):
        return None  # a page replaced or edited since: the full build makes it again
    scanned_ns = time.time_ns()
    scanned = _scan(root)
    if scanned is None or scanned.keys() != recorded.sources.keys():
        return None
    sources = dict(recorded.sources)
    changed: list[tuple[str, str, bytes]] = []
    read = False
    for path, stamp in scanned.items():
        kind, old_stamp, old_digest, *rest = sources[path]
        if stamp == old_stamp and settled(stamp, recorded.started_ns):
            continue
        read = True
        try:
            with open(root / path, "rb") as handle:
                data = handle.read()
        except OSError:
            return None
        sources[path] = (kind, stamp, digest(data), *rest)
        if sources[path][2] != old_digest:
            changed.append((path, kind, data))
    spliced: dict[str, list[bytes | memoryview]] = {}
    holes = state["holes"]
    if changed:
        edits = _edits(root, target, changed, sources, state)
        if edits is None:
            return None
        replaced = _splice(edits.pages, edits.edits, holes, edits.renamed)
        if replaced is None:
            return None
        spliced, holes = replaced
        for path, lines in edits.lines.items():
            kind, stamp, file_digest, front, facts, _, shown = sources[path]
            front, shown = edits.fronts.get(path, (front, shown))
            sources[path] = (kind, stamp, file_digest, front, facts, lines, shown)
    new_state = {**state, "holes": holes,
                 "search": {**state["search"], **edits.prefixes} if changed else state["search"],
                 "recorded": _replace_sources(recorded, sources, scanned_ns)}
    if spliced and not _publish(root, target, spliced, new_state):
        return None
    if read and not spliced:  # new stamps, or files no longer too fresh to trust
        write_state(root, new_state)
    return BuildResult(target, state["pages"], state["files"],
                       sum(len(p) for d in spliced.values() for p in d),
                       time.perf_counter() - started,
                       state["problems"], None, state["privacy"], spliced=len(spliced))


def _same_inputs(root: Path, target: Path, state: dict[str, Any], today: date | None) -> bool:
    """The same program and theme, settings, themes, day and output folder."""
    from .clock import today_in
    from .layout import SETTINGS_FILE

    recorded: Recorded = state["recorded"]
    try:
        if (folder_stamp(os.stat(target), site_stamp(target / MARKER)) != state["folder"]
                or top_folders(target) != state["folders"]):
            return False
        leftover = f".{target.name}."
        if any(n.startswith(leftover) and n.endswith(".infoint-tmp")
               for n in os.listdir(target.parent)):
            return False  # a killed build's: the full build cleans up
    except OSError:
        return False
    try:
        settings: bytes | None = (root / SETTINGS_FILE).read_bytes()
    except FileNotFoundError:
        settings = None
    except OSError:
        return False
    if (digest(settings) if settings is not None else None) != recorded.settings:
        return False
    if theme_folders(root) != recorded.themes:
        return False
    day = today if today is not None else today_in(recorded.timezone)
    return day == recorded.today


def _scan(root: Path) -> dict[str, Stamp] | None:
    """Every content file's stamp, as the loader would find them; None when the journal
    has anything the loader would look into (a folder, a symlink, a special file)."""
    from .layout import skipped

    found: dict[str, Stamp] = {}
    for kind in KINDS:
        try:
            entries = os.scandir(root / "content" / kind)
        except FileNotFoundError:
            continue
        except OSError:
            return None
        with entries:
            for entry in entries:
                if skipped(entry.name):
                    continue
                info = entry.stat(follow_symlinks=False)
                if not stat.S_ISREG(info.st_mode):
                    return None  # a folder, a symlink, something else: the loader decides
                if entry.name.endswith(".md"):
                    found[f"content/{kind}/{entry.name}"] = (
                        info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
    return found


def _edits(root: Path, target: Path, changed: list[tuple[str, str, bytes]],
           sources: dict[str, tuple[Any, ...]],
           state: dict[str, Any]) -> _NoteEdits | None:
    """The new bytes of every hole the `changed` notes stand in, by file; None when a
    change is more than a note's text and a contact's shown values (or anything about
    it is in doubt)."""
    edits = _NoteEdits(root, target, sources, state, {path for path, _, _ in changed})
    if all(edits.note(path, kind, data) for path, kind, data in changed):
        return edits
    return None


class _NoteEdits:
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

        ids: dict[str, set[str]] = {kind: set() for kind in KINDS}
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
                        lambda _base, old: _search_entry(KINDS[kind], old, prefix,
                                                         search_text(record.body)))

    def shown_changes(self, shown: Shown | None, now: Shown | None,
                      ) -> dict[str, tuple[str, str]] | None:
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
            if bool(old) != bool(new):  # a part of the page shown, or no longer
                return None
            changes[name] = (old or "", new or "")
        return changes

    def shown_edits(self, record: Record, changes: dict[str, tuple[str, str]],
                    prefix: int | None, text: str | None) -> bool:
        """Put a contact's new shown values where the old ones stand: in the pages, its
        search entry (followed by the words of its note, `text`; None: those it has)
        and the calendar's descriptions of its meetings."""
        from markupsafe import escape

        from .contact_text import contact_summary, contact_words, described
        from .records import Contact, redact_record

        site = redact_record(record, self.state["privacy"].hidden)
        assert isinstance(site, Contact)
        company = self.company_name(site.company)
        for name, (old, new) in changes.items():
            was, now = str(escape(old)), str(escape(new))
            if not self.put(("field", record.path, name),
                            lambda _base, held, was=was, now=now:
                            now if held == was.encode("utf-8") else None):
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


def _described(held: bytes, was: str, now: str) -> str | None:
    """A calendar event's DESCRIPTION line (`held`, folded) naming a person as `now`
    where it named them as `was` (both escaped); None unless it names them so once."""
    from .contentlines import fold

    line = held.decode("utf-8").replace("\r\n ", "")  # unfolded: its text has no line break
    at = line.find(was)
    if not line.startswith("DESCRIPTION:") or at < 0 or line.find(was, at + 1) >= 0:
        return None
    return fold(line[:at] + now + line[at + len(was):])


def _splice(pages: dict[str, bytes], edits: dict[str, list[tuple[int, int, bytes]]],
            holes: dict[str, list[Hole]], renamed: dict[HoleKey, HoleKey],
            ) -> tuple[dict[str, list[bytes | memoryview]], dict[str, list[Hole]]] | None:
    """Each edited file's new bytes, in pieces of its old ones (in `pages`) and new ones,
    and the holes moved to where they now stand (answers under their headings' new
    lines: `renamed`)."""
    spliced: dict[str, list[bytes | memoryview]] = {}
    moved = dict(holes)
    if renamed:  # also where an answer's HTML stayed the same: its key is the new line
        for file, found in holes.items():
            if file not in edits and any(key in renamed for key, _, _ in found):
                moved[file] = [(renamed.get(key, key), start, end) for key, start, end in found]
    for file, changes in edits.items():
        old = memoryview(pages[file])  # pieces of it, not copies: the search page is big
        changes.sort()
        pieces: list[bytes | memoryview] = []
        at, shift, shifts = 0, 0, []
        for start, end, data in changes:
            if start < at:
                return None  # overlapping holes: never made by a build, so in doubt
            pieces += [old[at:start], data]
            at = end
            shift += len(data) - (end - start)
            shifts.append((end, shift))
        pieces.append(old[at:])
        spliced[file] = pieces
        moved[file] = [(renamed.get(key, key), _moved(start, shifts), _moved(end, shifts))
                       for key, start, end in holes[file]]
    return spliced, moved


def _moved(offset: int, shifts: list[tuple[int, int]]) -> int:
    """Where `offset` of the old file is in the new one (`shifts`: after each replaced
    range's old end, how far everything behind it moved)."""
    if offset < 0:
        return offset
    moved = 0
    for end, shift in shifts:
        if offset >= end:
            moved = shift
    return offset + moved


def _publish(root: Path, target: Path, spliced: dict[str, list[bytes | memoryview]],
             state: dict[str, Any]) -> bool:
    """Write every new page beside the old one, then rename each over it; the state is
    kept only once all are in place. False, with nothing changed, if a write fails."""
    forget(root)  # from here until the new state is kept, the next build is a full one
    written: list[tuple[Path, Path]] = []
    try:
        for file, data in spliced.items():
            path = target / file
            temporary = path.with_name(f".{path.name}.{os.getpid()}{QUICK_SUFFIX}")
            written.append((temporary, path))
            with open(temporary, "xb") as handle:
                handle.writelines(data)
    except BaseException as exc:  # a full disk, Ctrl-C: no half-written page stays behind
        for temporary, _ in written:
            with contextlib.suppress(OSError):
                temporary.unlink()
        if isinstance(exc, OSError):
            return False
        raise
    for done, (temporary, path) in enumerate(written):
        try:
            os.replace(temporary, path)
        except OSError as exc:
            from .writer import WriteFailed

            for left, _ in written[done:]:
                left.unlink(missing_ok=True)
            raise WriteFailed(f"cannot write {path}: {exc.strerror}; build again") from exc
    stamps = dict(state["stamps"])
    for file in spliced:
        stamps[file] = site_stamp(target / file)
    write_state(root, {**state, "stamps": stamps, "folders": top_folders(target)})
    return True


def _replace_sources(recorded: Recorded, sources: dict[str, Any], now_ns: int) -> Recorded:
    return dataclasses.replace(recorded, sources=sources, started_ns=now_ns)


def _site_unchanged(target: Path, stamps: dict[str, Stamp]) -> bool:
    """Every file of the site is still the one the last build (or quick rebuild) wrote."""
    folder = f"{target}/"
    try:
        for file, stamp in stamps.items():
            info = os.lstat(folder + file)
            if (info.st_ino, info.st_size, info.st_mtime_ns) != stamp \
                    or not stat.S_ISREG(info.st_mode):
                return False
    except OSError:
        return False
    return True
