"""The quick rebuild: after saves that changed only notes' text, and contacts' roles,
fields or tags, splice the new HTML into the last build's pages instead of building
the whole site again.

Nothing the journal computes reads a note's text (see `body_edit`). So when every
changed file kept its front matter byte for byte, and what its text decides besides
its HTML is the same (an Evaluation heading, whether it has any text, its ``## Q:``
headings, links that all resolve, no warnings), every file of the site stays as it was
but where that note's HTML stands: its own page, the preparation sheets quoting it, its
search entry and its answers on the question pages.

Nor does anything read a contact's `SHOWN_FIELDS` (role, field, tags) but the pages
that show them, as they are (and the contacts list's filter, which offers every tag).
So a contact whose file says all it said before but for those values (`shown_facts`),
each still given or still not, and whose tags leave the set of all tags as it was,
changes the site only where the old values stand: in its page, its company's, the
contacts list (marked as the pages render: `holes.FieldMarks`), its search entry and,
for the role, the descriptions of its meetings in the calendar
(`export_ics.description_holes`).

A full build records where those stand (the *holes*: byte ranges in each file, see
`holes`) and what it read (each file's inode, size, times, digest and front matter
digest) in a signed file of the cache folder (see `quick_state`). `quick_build` checks it
against the disk: the same program, packages, theme, settings, day and output folder
(the very folder the build swapped in), the same content files, every page it would
touch still the file the build wrote. Any doubt and it returns None: the full build
runs, as it always may. What goes in each hole is `quick_edits`'s to say. Nothing is
written until every new page is ready; the pages then replace the old ones one rename
each.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import stat
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cache import digest
from .holes import Hole, HoleKey
from .layout import KIND_OF_FOLDER
from .quick_edits import hole_edits
from .quick_state import (
    Recorded,
    Stamp,
    folder_stamp,
    forget,
    settled,
    site_stamp,
    theme_folders,
    top_folders,
    write_state,
)
from .urls import MARKER, QUICK_SUFFIX

if TYPE_CHECKING:
    from .pipeline import Loaded
    from .privacy import PrivacyReport
    from .problems import Problem

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
        edits = hole_edits(root, target, changed, sources, state)
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
                 "tags": +edits.tags if changed else state["tags"],
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
    for kind in KIND_OF_FOLDER:
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
