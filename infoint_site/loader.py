"""Read a journal from disk: the only module that reads content files.

It returns bytes and file-system problems (a symlink out of the journal, an
unreadable file, a folder named like a note, a file too large to read); everything
after it is a pure function of what it returns.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .cache import digest
from .errors import NotAJournal
from .frontmatter import MAX_FILE_BYTES, too_large
from .layout import SETTINGS_FILE, skipped
from .parse import KINDS
from .problems import Problem, error, warning


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A content file's bytes."""

    kind: str
    """``contacts``, ``meetings`` or ``companies``."""
    path: str
    """Relative to the journal root, with forward slashes."""
    data: bytes | None
    """None: not read, as unchanged since the last build read it (see `known`)."""
    stamp: tuple[int, ...] = field(default=(), compare=False)
    """(inode, size, mtime_ns, ctime_ns) just before it was read; () if unknown."""
    known: bytes | None = field(default=None, compare=False)
    """For a file not read: the digest (`cache.digest`) of its bytes, as last read."""

    def digest(self) -> bytes:
        """The digest of its bytes (the build cache's key of its record)."""
        if self.data is not None:
            return digest(self.data)
        if self.known is None:
            raise ValueError(f"{self.path}: neither read nor known")
        return self.known


@dataclass(frozen=True, slots=True)
class Sources:
    """Everything read from a journal folder."""

    root: Path
    settings: bytes | None
    """The bytes of infoint.yaml, None when there is none."""
    files: tuple[SourceFile, ...]
    """Sorted by path."""
    problems: tuple[Problem, ...]
    themes: tuple[str, ...] = ()
    """The journal's own theme folders (``themes/<name>/``)."""


def _reason(exc: OSError) -> str:
    text = exc.strerror or str(exc)
    return text[:1].lower() + text[1:]


_MAPPED_READ = 132 * 1024
"""Above the C library's threshold for memory of its own (128 KiB by default)."""


Trusted = Mapping[str, tuple[tuple[int, ...], bytes]]
"""Content file → (stamp, digest of its bytes) as a build read it: a plain file whose
stamp is still that is not read again (see `read_sources`)."""


def _read_file(root: Path, real_root: str, full: str | Path, rel: str,
               problems: list[Problem], trusted: Trusted | None = None,
               ) -> tuple[bytes | None, tuple[int, ...], bytes | None] | None:
    """The file's bytes, its stamp (see `SourceFile`) and None; or None, its stamp and
    its digest when `trusted` has that stamp for it; or None with the problem."""
    try:
        info = os.lstat(full)  # a plain file's stamp, or a symlink: one call either way
        if trusted is not None and rel in trusted and stat.S_ISREG(info.st_mode):
            stamp = (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
            known_stamp, known = trusted[rel]
            if stamp == known_stamp:
                return None, stamp, known
        if stat.S_ISLNK(info.st_mode):
            target = os.path.realpath(full)
            if os.path.commonpath([real_root, target]) != real_root:
                problems.append(error(rel, 1, 1, "E112",
                                      "a symlink to a file outside the journal: not read"))
                return None
            if not os.path.lexists(target):
                problems.append(error(rel, 1, 1, "E111",
                                      "cannot be read: a symlink to a file that does not exist"))
                return None
            info = os.stat(full)
        if not stat.S_ISREG(info.st_mode):
            problems.append(warning(rel, 1, 1, "W112", "not a regular file: skipped"))
            return None
        if info.st_size > MAX_FILE_BYTES:
            problems.append(error(rel, 1, 1, "E102", too_large(info.st_size)))
            return None
        with open(full, "rb") as handle:
            # What the file holds and a byte more, which tells it grew since the stat:
            # then on up to the limit. Asked for at least `_MAPPED_READ` bytes, each
            # file's bytes get pages of their own (while the C library's threshold
            # stays put: `heap`), given back to the system when the parsed files are let
            # go (asked for the bytes it holds, 3 KB, they would
            # stay beside the records, and the peak 25 MB higher at 10,000 files); asked
            # for the limit itself, a megabyte each time, the reads took 0.3 s, not 0.2.
            data = handle.read(max(info.st_size + 1, _MAPPED_READ))
            if len(data) > info.st_size:
                data += handle.read(MAX_FILE_BYTES + 1 - len(data))
            return data, (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns), None
    except PermissionError:
        problems.append(error(rel, 1, 1, "E111", "cannot be read: permission denied"))
    except FileNotFoundError:
        pass  # deleted while we looked: it is simply not part of this build
    except OSError as exc:
        problems.append(error(rel, 1, 1, "E111", f"cannot be read: {_reason(exc)}"))
    return None


def _walk(root: Path, real_root: str, kind: str, problems: list[Problem],
          trusted: Trusted | None) -> list[SourceFile]:
    files: list[SourceFile] = []
    folder = root / "content" / kind
    pending = [folder]
    seen_dirs: set[str] = set()
    while pending:
        current = pending.pop()
        real = os.path.realpath(current)
        if real in seen_dirs:
            continue
        seen_dirs.add(real)
        folder_rel = current.relative_to(root).as_posix()
        try:
            entries = sorted(os.scandir(current), key=lambda e: e.name)
        except FileNotFoundError:
            continue
        except OSError as exc:
            problems.append(error(folder_rel, 1, 1, "E111",
                                  f"folder cannot be read: {_reason(exc)}"))
            continue
        for entry in entries:
            if skipped(entry.name):
                continue
            # Strings, not a Path for each of 10,000 files (a third of the reads' time).
            full, rel = entry.path, f"{folder_rel}/{entry.name}"
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                if os.path.commonpath([real_root, os.path.realpath(full)]) != real_root:
                    problems.append(error(rel, 1, 1, "E112",
                                          "a symlink to a folder outside the journal: not read"))
                    continue
                if entry.name.endswith(".md"):
                    problems.append(warning(
                        rel, 1, 1, "W112",
                        "a folder named like a note: its notes are read, the folder is not one",
                    ))
                pending.append(Path(full))
                continue
            if not entry.name.endswith(".md"):
                continue
            read = _read_file(root, real_root, full, rel, problems, trusted)
            if read is not None:
                files.append(SourceFile(kind, rel, *read))
    return files


def read_sources(root: Path, trusted: Trusted | None = None) -> Sources:
    """Read infoint.yaml and every ``content/<kind>/**/*.md`` under `root`.

    A plain file whose stamp `trusted` gives is not read: its `SourceFile` has no data,
    and the digest `trusted` gives (for a build whose cache holds its record). Raises
    `NotAJournal` when `root` has neither ``content/`` nor ``infoint.yaml``.
    """
    root = Path(root)
    settings_path = root / SETTINGS_FILE
    if not (root / "content").is_dir() and not settings_path.is_file():
        raise NotAJournal(
            f"{root} is not a journal: it has no content/ folder and no {SETTINGS_FILE}"
            " (start one with `infoint-site init`)"
        )
    problems: list[Problem] = []
    settings: bytes | None = None
    if settings_path.is_file():
        read = _read_file(root, os.path.realpath(root), settings_path, SETTINGS_FILE, problems)
        settings = read[0] if read is not None else None
    real_root = os.path.realpath(root)
    files: list[SourceFile] = []
    for kind in KINDS:
        files.extend(_walk(root, real_root, kind, problems, trusted))
    files.sort(key=lambda f: f.path)
    themes_dir = root / "themes"
    themes = tuple(sorted(p.name for p in themes_dir.iterdir() if p.is_dir())) \
        if themes_dir.is_dir() else ()
    return Sources(root, settings, tuple(files), tuple(problems), themes)


def update_sources(sources: Sources, changed: Iterable[str]) -> Sources | None:
    """`sources` with the content files at the `changed` paths read again, or None when
    only a whole `read_sources` can say what changed (the settings, a theme, a folder,
    a file deeper than ``content/<kind>/``, a file that has or gets a problem).

    For `serve`, which is told which paths changed: one saved note is read, not all.
    """
    if sources.problems:
        return None
    files = {f.path: f for f in sources.files}
    real_root = os.path.realpath(sources.root)
    for rel in changed:
        parts = rel.split("/")
        if len(parts) != 3 or parts[0] != "content" or parts[1] not in KINDS:
            return None
        if skipped(parts[2]):
            continue  # an editor's dropping: read_sources skips it too
        full = sources.root / rel
        if full.is_dir() or any(p.startswith(rel + "/") for p in files):
            return None  # a folder made, moved or removed: its notes are unknown here
        if not parts[2].endswith(".md"):
            continue
        if not os.path.lexists(full):
            files.pop(rel, None)
            continue
        problems: list[Problem] = []
        read = _read_file(sources.root, real_root, full, rel, problems)
        if problems:
            return None
        if read is None:
            files.pop(rel, None)
        else:
            files[rel] = SourceFile(parts[1], rel, *read)
    ordered = tuple(files[p] for p in sorted(files))
    return Sources(sources.root, sources.settings, ordered, (), sources.themes)
