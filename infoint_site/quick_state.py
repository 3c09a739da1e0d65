"""What a full build keeps for the quick rebuild (`quick`), in a signed file of the
cache folder, ``quick.state``: each content file as it was read (inode, size, times,
digest, the digest of its front matter, what its text decides besides its HTML, and a
contact's `shown_facts`), the holes of every page (`holes`), the stamp of every file of
the site, and the program, packages and theme it was made by.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import gc
import hashlib
import hmac
import os
import pickle
import stat
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cache import CACHE_DIR, cache_folder, digest, signing_key
from .holes import SHOWN_FIELDS, Hole
from .urls import MARKER

if TYPE_CHECKING:
    from .privacy import PrivacyReport
    from .problems import Problem
    from .records import Record

Stamp = tuple[int, ...]
"""(inode, size, mtime_ns[, ctime_ns]) of a file: it changed if any of them did."""

RACY_NS = 2_000_000_000
"""Content files modified this close to the time they were read are read again every
time: a save in the same clock tick as the read would keep the stamp it had."""

STATE_FILE = "quick.state"
STATE_KEYS = frozenset({"environment", "out", "folder", "folders", "recorded", "holes",
                        "fields", "tags", "stamps", "problems", "privacy", "search", "pages",
                        "files"})
MAGIC = b"INFOINT-QUICK-3\n"


def note_facts(record: Record) -> bytes:
    """What a note's text decides besides its HTML: the same facts, the same site. (The
    lines of its answers are not among them: they only tell the answers apart.)"""
    questions = tuple(a.question for a in getattr(record, "answers", ()))
    return digest(repr((getattr(record, "evaluated", None), bool(record.body.strip()),
                        record.body_line, questions)))


def answer_lines(record: Record) -> tuple[int, ...]:
    return tuple(a.line for a in getattr(record, "answers", ()))


Shown = tuple[bytes, tuple[Any, ...], bytes]
"""A contact's `shown_facts`."""

_NOT_SHOWN = ("body", "links", "positions", *SHOWN_FIELDS)


def shown_facts(record: Record) -> Shown | None:
    """For a contact: the digest of everything its file says but its note and its
    `SHOWN_FIELDS` (where each other thing stands too, for the lines its messages
    name), the values of those fields, and the digest of its note. The same first digest and
    another value: an edit that only changes what stands where the old value did (see
    `quick`); the same note as well: no HTML to make."""
    from .records import Contact

    if not isinstance(record, Contact):
        return None
    rest = [(name, getattr(record, name)) for name in _contact_fields()
            if name not in _NOT_SHOWN]
    where = [(key, at) for key, at in record.positions.items()  # (a tag's: "tags.2")
             if key.partition(".")[0] not in SHOWN_FIELDS]
    return (digest(repr((rest, where))), tuple(getattr(record, n) for n in SHOWN_FIELDS),
            digest(record.body))


@functools.cache
def _contact_fields() -> tuple[str, ...]:
    from .records import Contact

    return tuple(f.name for f in dataclasses.fields(Contact))


def front_digest(data: bytes, body_line: int) -> bytes:
    """The digest of a file's bytes before its body (front matter and fences)."""
    end = 0
    try:
        for _ in range(body_line - 1):
            end = data.index(b"\n", end) + 1
    except ValueError:
        end = len(data)
    return digest(data[:end])


@dataclass(frozen=True, slots=True)
class Recorded:
    """What a full build hands over to be kept for the quick rebuild."""

    sources: dict[str, tuple[str, Stamp, bytes, bytes, bytes, tuple[int, ...], Shown | None]]
    """Content file → (kind, stamp when read, digest, front matter digest, facts, lines
    of its answers, `shown_facts`)."""
    settings: bytes | None
    """The digest of infoint.yaml's bytes."""
    themes: tuple[tuple[str, str], ...]
    """The journal's theme folders, and where each leads (see `theme_folders`)."""
    timezone: str
    output: str
    today: date
    started_ns: int


def theme_folders(root: Path) -> tuple[tuple[str, str], ...]:
    """The journal's ``themes/`` folders and the real folder each is (one may be a
    symlink to the default theme, and then be pointed elsewhere)."""
    folder = root / "themes"
    if not folder.is_dir():
        return ()
    return tuple(sorted((p.name, os.path.realpath(p)) for p in folder.iterdir() if p.is_dir()))


def record_sources(files: Iterable[tuple[Any, bytes]], records: dict[str, Record],
                   settings: bytes | None, root: Path, timezone: str, output: str, today: date,
                   started_ns: int, previous: Recorded | None = None) -> Recorded | None:
    """The content files as read (`SourceFile`s with the digests of their bytes, and
    their records by path); None when one of them is not a note the quick rebuild can
    take (no record, a subfolder). A file not read (`trusted_sources`) is as the
    `previous` build recorded it."""
    sources = {}
    for source, file_digest in files:
        record = records.get(source.path)
        if record is None or source.path.count("/") != 2 or not source.stamp:
            return None
        if source.data is not None:
            front, shown = front_digest(source.data, record.body_line), shown_facts(record)
        else:  # not read: unchanged since the `previous` build
            _, _, _, front, _, _, shown = previous.sources[source.path]  # type: ignore[union-attr]
        sources[source.path] = (source.kind, source.stamp, file_digest, front,
                                note_facts(record), answer_lines(record), shown)
    return Recorded(sources, digest(settings) if settings is not None else None,
                    theme_folders(root), timezone, output, today, started_ns)


def current_state(root: Path) -> dict[str, Any] | None:
    """The state the last build kept, if this program made it (`load_state`)."""
    state = load_state(root)
    if state is None or state.get("environment") != environment_key() \
            or state.keys() != STATE_KEYS:  # another program's, or another layout
        return None
    return state


def trusted_sources(state: dict[str, Any] | None) -> dict[str, tuple[Stamp, bytes]] | None:
    """The content files the last build read: path → (stamp, digest of the bytes), for
    a full build not to read again those that still have that stamp
    (`loader.read_sources`), as the quick rebuild trusts stamps. Not those changed too
    close to when they were read (`settled`)."""
    if state is None:
        return None
    recorded: Recorded = state["recorded"]
    return {path: (stamp, file_digest) for path, (_, stamp, file_digest, *_) in
            recorded.sources.items() if settled(stamp, recorded.started_ns)}


def settled(stamp: Stamp, read_ns: int) -> bool:
    """Whether a content file with this stamp, read at `read_ns`, was last changed
    long enough before (`RACY_NS`) for its stamp to tell any later change: by its
    ctime as well as its mtime, which a copy (``cp -p``) or an unpacked archive can
    set in the past."""
    return len(stamp) == 4 and max(stamp[2], stamp[3]) < read_ns - RACY_NS


def site_stamps(out: Path, site: Iterable[str]) -> dict[str, Stamp] | None:
    """The stamp of every file of the `site` just swapped in at `out`; None if one is
    gone or is no longer a file."""
    try:
        return {file: site_stamp(out / file) for file in site}
    except OSError:
        return None


def save_state(root: Path, out: Path, recorded: Recorded, holes: dict[str, list[Hole]],
               fields: bool, tags: Counter[str],
               search: dict[str, tuple[str, dict[str, str], str]],
               problems: list[Problem], privacy: PrivacyReport, pages: int,
               stamps: dict[str, Stamp]) -> None:
    """Keep what the build of `out` read, the `stamps` of every file of the site it
    wrote (`site_stamps`), and where its notes stand (after the swap); `fields`: and,
    among the `holes`, every place where contacts' `SHOWN_FIELDS` stand; `tags`: how
    many contacts the site shows with each tag (the contacts list offers every one)."""
    try:
        folder = os.stat(out)
        marker = site_stamp(out / MARKER)
    except OSError:
        return forget(root)
    # One string per note path and one tuple per key, however often they appear (a
    # contact's role stands in four places): a smaller file, read faster.
    same: dict[Any, Any] = {path: path for path in recorded.sources}
    keys: dict[Any, Any] = {}
    holes = {file: [(keys.setdefault(key, (key[0], same.get(key[1], key[1]), *key[2:])),
                     start, end) for key, start, end in found]
             for file, found in holes.items()}
    state = {
        "environment": environment_key(), "out": str(out.absolute()),
        "folder": folder_stamp(folder, marker), "folders": top_folders(out),
        "recorded": recorded,
        "holes": holes, "fields": fields, "tags": tags, "stamps": stamps, "problems": problems,
        "privacy": privacy,
        "search": {same.get(path, path): len(prefix) for path, (_, _, prefix) in search.items()},
        "pages": pages, "files": len(stamps) + 1,
    }
    write_state(root, state)


def carried_holes(previous: dict[str, Any] | None, out: Path, file: str,
                  stamps: dict[str, Stamp]) -> list[Hole] | None:
    """The holes of a page the last build made and this one kept (linked as it was), if
    the last state knew it and it is still that very file (by its stamp now): empty
    when it had none."""
    if previous is None or previous["out"] != str(out.absolute()) \
            or file not in stamps or stamps[file] != previous["stamps"].get(file):
        return None
    return previous["holes"].get(file, [])


def forget(root: Path) -> None:
    """Remove the state: the site no longer is what it describes."""
    with contextlib.suppress(OSError):
        (root / CACHE_DIR / STATE_FILE).unlink()


def folder_stamp(folder: os.stat_result, marker: Stamp) -> Stamp:
    """The output folder as the build swapped it in: every full build writes a new marker."""
    return (folder.st_dev, folder.st_ino, *marker)


def top_folders(target: Path) -> dict[str, int]:
    """The times of the output folder and of the folders in it: a file added there (a
    `.git`, a CV in `contacts/`) changes them, and the full build refuses such a site.
    (Deeper, in a page's own folder, only the full build looks; the quick rebuild never
    removes anything, so nothing is lost either way.)"""
    folders = {"": os.stat(target).st_mtime_ns}
    with os.scandir(target) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                folders[entry.name] = entry.stat(follow_symlinks=False).st_mtime_ns
    return folders


def site_stamp(path: Path) -> Stamp:
    """A page's stamp; not its ctime, which links to it (the spare site) change."""
    info = os.lstat(path)
    if not stat.S_ISREG(info.st_mode):
        raise OSError(f"{path} is not a file")
    return (info.st_ino, info.st_size, info.st_mtime_ns)


def environment_key() -> bytes:
    """This program, its packages and the default theme: a state from any other is void."""
    from .theme import default_theme_dir

    h = hashlib.blake2b(digest_size=16)
    h.update(sys.version.encode())
    here = os.getcwd()
    for entry in sys.path:  # the installed packages, by their names and versions
        if not entry or os.path.abspath(entry) == here:
            continue  # how it was started (`python -m` or a script) is not what runs
        try:
            names = sorted(n for n in os.listdir(entry) if n.endswith((".dist-info",
                                                                       ".egg-info")))
        except OSError:
            continue
        if names:  # a folder of code (a script's own, say) is not an installation
            h.update(repr(names).encode())
    package = Path(__file__).resolve().parent
    for path in sorted(package.glob("*.py")):
        h.update(path.read_bytes())
    theme = default_theme_dir()
    for path in sorted(theme.rglob("*")):
        if path.is_file():
            h.update(path.relative_to(theme).as_posix().encode() + b"\0" + path.read_bytes())
    return h.digest()


def load_state(root: Path) -> dict[str, Any] | None:
    """The state the last build kept, if it is this user's own and unaltered."""
    key = signing_key(create=False)
    if key is None:
        return None
    try:
        blob = (root / CACHE_DIR / STATE_FILE).read_bytes()
    except OSError:
        return None
    head = len(MAGIC) + 32
    if not blob.startswith(MAGIC) or len(blob) < head:
        return None
    payload = memoryview(blob)[head:]
    if not hmac.compare_digest(blob[len(MAGIC):head], hmac.new(key, payload, "sha256").digest()):
        return None
    collecting = gc.isenabled()
    gc.disable()  # tens of thousands of small objects: no collections while they arrive
    try:
        state = pickle.loads(payload)  # signed by this user: see cache.py
    except Exception:
        return None
    finally:
        if collecting:  # (the caller's choice, as it was)
            gc.enable()
    return state if isinstance(state, dict) else None


def write_state(root: Path, state: dict[str, Any]) -> None:
    """Keep `state`, signed, in place of the last one (atomically)."""
    key = signing_key(create=True)
    if key is None:
        return
    payload = pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        folder = cache_folder(root)
        temporary = folder / f".{STATE_FILE}.{os.getpid()}.tmp"
        temporary.unlink(missing_ok=True)  # a leftover, or a planted link: never written through
        with open(temporary, "xb") as handle:
            handle.write(MAGIC)
            handle.write(hmac.new(key, payload, "sha256").digest())
            handle.write(payload)
        os.replace(temporary, folder / STATE_FILE)
    except OSError:
        forget(root)
