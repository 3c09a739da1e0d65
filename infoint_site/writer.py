"""Write a built site: the only module that writes into the output folder.

The site is written whole into a folder beside the output, then swapped in with one
atomic rename (Linux's RENAME_EXCHANGE where available), so a failed or killed build
leaves either the whole previous site or the whole new one. That folder is either new
or, for `build`, the site the last build replaced (kept in the cache folder), written
over file by file: its 10,000 page folders need not be made again. Before anything is
written, the output folder is checked: it must not be the journal, hold it, lie in
its content, be / or the home folder, or hold files infoint-site did not write.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import json
import os
import re
import shutil
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from .errors import InfointError
from .urls import MARKER, QUICK_SUFFIX


@dataclass(frozen=True, slots=True)
class Written:
    """A file of the new site as written: its size and modification time, which the
    build cache keeps to know the file again."""

    size: int
    mtime_ns: int


class UnsafeOutput(InfointError):
    """The output folder is somewhere a build must not replace."""


class WriteFailed(InfointError):
    """The disk refused the new site (full, read-only, permissions); the old one stands."""


def marker_bytes(files: Mapping[str, bytes]) -> bytes:
    listing = sorted([*files, MARKER])
    return (json.dumps({"generator": "infoint-site", "files": listing}, indent=0) + "\n").encode()


def _owned_files(out: Path) -> set[str] | None:
    try:
        data = json.loads((out / MARKER).read_text(encoding="utf-8"))
        if data.get("generator") != "infoint-site":
            return None
        return set(data["files"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _inside(child: Path, parent: Path) -> bool:
    return child == parent or parent in child.parents


def _entries(folder: Path | str) -> Iterator[tuple[os.DirEntry[str], str]]:
    """Every entry under `folder` with its relative path (symlinked folders are not
    entered): one `scandir` per folder and no `Path` per entry, as 10,000 page folders
    need it fast."""
    pending = [(str(folder), "")]
    while pending:
        path, prefix = pending.pop()
        with os.scandir(path) as entries:
            for entry in entries:
                rel = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    pending.append((entry.path, rel + "/"))
                yield entry, rel


def _files_in(folder: Path) -> set[str]:
    """Every file and symlink under `folder`, by relative path."""
    return {rel for entry, rel in _entries(folder)
            if entry.is_symlink() or entry.is_file(follow_symlinks=False)}


_QUICK_LEFTOVER = re.compile(rf"\.(.+)\.[0-9]+{re.escape(QUICK_SUFFIX)}")


def _quick_leftover(site: Path, rel: str, owned: set[str]) -> bool:
    """A page an interrupted quick rebuild was writing: a plain file named after a page
    of the site, beside it (the next build drops it with the old site)."""
    folder, _, name = rel.rpartition("/")
    match = _QUICK_LEFTOVER.fullmatch(name)
    if match is None or f"{folder}/{match.group(1)}".lstrip("/") not in owned:
        return False
    return not (site / rel).is_symlink() and (site / rel).is_file()


def check_output(root: Path, out: Path) -> None:
    """Refuse an output folder that a build could damage; raise `UnsafeOutput`."""
    root = root.resolve()
    target = out.resolve()
    home = Path.home().resolve()
    if target == Path(target.anchor):
        raise UnsafeOutput(f"refusing to build into {out}: it is the root of the file system")
    if target == home:
        raise UnsafeOutput(f"refusing to build into {out}: it is your home folder")
    if _inside(root, target):
        raise UnsafeOutput(f"refusing to build into {out}: it holds the journal itself;"
                           " choose a folder such as public/")
    for protected in ("content", "themes", ".git"):
        if _inside(target, root / protected):
            raise UnsafeOutput(f"refusing to build into {out}: it lies inside the journal's"
                               f" {protected}/ folder")
    if not target.exists():
        return
    if not target.is_dir():
        raise UnsafeOutput(f"refusing to build into {out}: it is a file, not a folder")
    present = _files_in(target)
    if not present:
        return
    owned = _owned_files(target)
    if owned is None:
        raise UnsafeOutput(f"refusing to build into {out}: it holds files infoint-site did not"
                           " write (no .infoint-site marker); empty it or choose another folder")
    foreign = sorted(p for p in present - owned if not _quick_leftover(target, p, owned))
    if foreign:
        shown = ", ".join(foreign[:5]) + (" …" if len(foreign) > 5 else "")
        raise UnsafeOutput(f"refusing to build into {out}: it holds files infoint-site did not"
                           f" write: {shown}; move them out first")


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    try:
        libc = ctypes.CDLL(libc_name, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return result == 0


def _leftovers(out: Path, kind: str) -> list[Path]:
    """This output's temporary folders of `kind` (new or old), oldest first."""
    pattern = re.compile(rf"\.{re.escape(out.name)}\.[0-9]+\.{kind}\.infoint-tmp")
    found = [p for p in out.parent.iterdir() if pattern.fullmatch(p.name)]
    return sorted(found, key=lambda p: p.lstat().st_mtime)


def _recover(out: Path) -> None:
    """Undo what a killed build left: the previous site back in place, half-written
    folders removed."""
    old = _leftovers(out, "old")
    if old and not out.exists():  # killed between moving the old site away and the new in
        os.rename(old.pop(), out)
    for stale in [*old, *_leftovers(out, "new")]:
        if stale.is_symlink():
            stale.unlink()
        else:
            shutil.rmtree(stale, ignore_errors=True)


def write_site(out: Path, files: Mapping[str, bytes]) -> int:
    """Replace the site at `out` with `files` in one step; the number of bytes written."""
    with SiteWriter(out) as writer:
        for rel, data in files.items():
            writer.write(rel, data)
        return writer.commit()


class SiteWriter:
    """Writes a new site beside the current one, file by file, then swaps it in whole.

    Used as a context manager: leaving the block without `commit` (an error, a
    Ctrl-C) removes the half-written folder and leaves the current site as it was.
    Pages are written as they are rendered, so a build never holds the whole site in
    memory; a page whose bytes are known to equal the current site's is linked, not
    written (`reuse`).
    """

    def __init__(self, out: Path, spare: Path | None = None) -> None:
        """`spare`, if given, is where the replaced site is kept to be written over by the
        next build (see `_recycle`)."""
        out = out.absolute()
        if out.is_symlink():  # publish into the folder the link points at; keep the link
            out = out.resolve()
        self.out = out
        self.fresh = out.parent / f".{out.name}.{os.getpid()}.new.infoint-tmp"
        self.spare = spare
        self.files: list[str] = []
        self.bytes = 0
        self._made: set[str] = set()
        """Folders of the new site known to exist (as strings: 10,000 of them)."""
        self._stale: set[str] | None = None
        """Files of a recycled site not yet written over: removed at the commit."""
        self._committed = False

    def __enter__(self) -> SiteWriter:
        with self._reported():
            self.out.parent.mkdir(parents=True, exist_ok=True)
            _recover(self.out)
            shutil.rmtree(self.fresh, ignore_errors=True)
            if not self._recycle():
                self.fresh.mkdir()
            self._made.add(str(self.fresh))
        return self

    def prepared(self) -> tuple[set[str], set[str] | None]:
        """Enter, and hand back what was found: for a forked process to do the walk of
        a recycled site while the build goes on (`resume` takes it up)."""
        self.__enter__()
        return self._made, self._stale

    def resume(self, prepared: tuple[set[str], set[str] | None]) -> SiteWriter:
        """This writer, entered by `prepared` in another process."""
        self._made, self._stale = prepared
        return self

    def _recycle(self) -> bool:
        """Start from the site the last build replaced, kept as `spare`, rather than from
        an empty folder: its page folders are there already, and on a slow disk making
        10,000 folders is most of a rebuild. Every file is written or linked anew (never
        written through: the spare shares files with the current site), and what the new
        site lacks is removed at the commit. A spare holding anything but plain folders
        and files is not used."""
        spare = self.spare
        if spare is None or spare.is_symlink() or not spare.is_dir():
            return False
        try:
            os.rename(spare, self.fresh)
        except OSError:  # another file system, say
            shutil.rmtree(spare, ignore_errors=True)
            return False
        files: set[str] = set()
        folders: set[str] = set()
        with contextlib.closing(_entries(self.fresh)) as found:
            for entry, rel in found:
                if entry.is_symlink() or not (entry.is_dir() or entry.is_file()):
                    break
                if entry.is_dir():
                    folders.add(entry.path)
                else:
                    files.add(rel)
            else:
                self._made.update(folders)
                self._stale = files
                return True
        shutil.rmtree(self.fresh, ignore_errors=True)
        return False

    def _same_file(self, path: str, theirs: os.stat_result, rel: str) -> bool:
        """Whether the recycled site's `rel` is already the current site's file (the two
        sites take turns, so a page unchanged for two builds is linked in both): then
        there is nothing to remove and link again."""
        if not self._stale or rel not in self._stale:
            return False
        try:
            mine = os.lstat(path)
        except OSError:
            return False
        if not stat.S_ISREG(mine.st_mode) or (mine.st_dev, mine.st_ino) != (theirs.st_dev,
                                                                          theirs.st_ino):
            return False
        self._stale.discard(rel)
        return True

    def _own_stale_file(self, path: Path, rel: str) -> bool:
        """Whether `rel` is a file of the recycled site that no other site shares: then
        it is written over in place, which on this kind of disk is several times faster
        than removing it and making it anew (a file linked into the current site, two
        names for one file, is never written through)."""
        if not self._stale or rel not in self._stale:
            return False
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_nlink != 1:
            return False
        self._stale.discard(rel)
        return True

    def _clear(self, path: Path, rel: str) -> None:
        """Make room for `rel` in a recycled site."""
        if self._stale is None:
            return
        if rel in self._stale:
            self._stale.discard(rel)
            path.unlink()
        elif path.is_dir():  # a folder of the old site where the new one has a file
            shutil.rmtree(path)
            self._made = {p for p in self._made
                          if p != str(path) and not p.startswith(f"{path}{os.sep}")}
            self._stale = {r for r in self._stale if not r.startswith(rel + "/")}

    def __exit__(self, *exc_info: object) -> None:
        if not self._committed:
            self._give_back()

    def _give_back(self) -> None:
        """A build that stopped (the journal has errors, a page failed) leaves its
        folder as the spare for the next one, as it found it or half written: the next
        build walks a spare anew and writes over or removes every file in it. (The
        folder is entered as the journal is parsed, before its errors are known.)"""
        if self._stale is not None and self.spare is not None \
                and not os.path.lexists(self.spare):  # (a recycled spare: given back)
            with contextlib.suppress(OSError):
                os.rename(self.fresh, self.spare)
                return
        shutil.rmtree(self.fresh, ignore_errors=True)

    @contextlib.contextmanager
    def _reported(self) -> Iterator[None]:
        try:
            yield
        except OSError as exc:
            where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
            raise WriteFailed(f"could not write the site into {self.out}:"
                              f" {exc.strerror or exc}{where}; the previous site was left as"
                              " it was") from exc

    def _parent(self, path: Path) -> None:
        if str(path.parent) not in self._made:
            if self._stale:  # a file of the old site where the new one has a folder
                for folder in reversed(path.parent.relative_to(self.fresh).parents[:-1]):
                    self._clear_file(folder.as_posix())
                self._clear_file(path.parent.relative_to(self.fresh).as_posix())
            path.parent.mkdir(parents=True, exist_ok=True)
            self._made.add(str(path.parent))

    def _clear_file(self, rel: str) -> None:
        if self._stale is not None and rel in self._stale:
            self._stale.discard(rel)
            (self.fresh / rel).unlink()

    def write(self, rel: str, data: bytes) -> Written:
        """Write one file of the new site; its size and time, for the build cache.

        A forked worker may call this on its copy of the writer for files no other
        process writes; this process then records them with `adopt`."""
        path = self.fresh / rel
        with self._reported():
            self._parent(path)
            if self._own_stale_file(path, rel):  # written over where it is
                mode = "r+b"
            else:
                self._clear(path, rel)
                mode = "xb"
            with open(path, mode, buffering=0) as handle:  # unbuffered: fstat sees it all
                view = memoryview(data)
                while view:
                    view = view[handle.write(view):]
                if mode == "r+b":
                    handle.truncate()
                info = os.fstat(handle.fileno())
        self.files.append(rel)
        self.bytes += len(data)
        return Written(info.st_size, info.st_mtime_ns)

    def adopt(self, rel: str, written: Written) -> Written:
        """Record `rel` as written by a forked worker's `write` (into this folder)."""
        if self._stale:
            self._stale.discard(rel)
            for folder in Path(rel).parents[:-1]:  # a stale file where it made a folder
                self._stale.discard(folder.as_posix())
        self._made.add(os.path.dirname(self.fresh / rel))
        self.files.append(rel)
        self.bytes += written.size
        return written

    def reuse(self, rel: str, current_info: os.stat_result | None = None) -> bool:
        """Link the current site's `rel` into the new one, or copy it where the file
        system has no hard links (FAT, many network shares); False if the current site
        no longer has it as a file of its own (a symlink put in its place is never
        followed into the new site). `current_info`: its `lstat`, if just taken. A full
        disk is a `WriteFailed`, as for `write`."""
        current = os.path.join(self.out, rel)
        try:
            info = current_info if current_info is not None else os.lstat(current)
        except OSError:  # gone, or no longer readable: the build says so
            return False
        if not stat.S_ISREG(info.st_mode):
            return False
        if self._same_file(os.path.join(self.fresh, rel), info, rel):  # linked by the last
            self.files.append(rel)
            return True
        path = self.fresh / rel
        with self._reported():
            self._parent(path)
            self._clear(path, rel)
            try:
                os.link(current, path, follow_symlinks=False)
            except FileNotFoundError:
                return False
            except OSError:
                try:
                    shutil.copy2(current, path)  # keeps the time the cache checks
                except FileNotFoundError:
                    return False
        self.files.append(rel)
        return True

    def commit(self) -> int:
        """Swap the new site in (atomically where the system allows); the bytes written."""
        listing = marker_bytes(dict.fromkeys(self.files, b""))
        with self._reported():
            self._remove_stale()
            (self.fresh / MARKER).write_bytes(listing)
            _swap(self.fresh, self.out, len(self.files), self.spare)
        self._committed = True
        return self.bytes + len(listing)

    def _remove_stale(self) -> None:
        """A recycled site's files the new one does not have, and their empty folders."""
        if self._stale is None:
            return
        folders: set[Path] = set()
        for rel in self._stale:
            path = self.fresh / rel
            # gone if a worker replaced its folder with a file (`_clear`)
            with contextlib.suppress(FileNotFoundError, NotADirectoryError):
                path.unlink()
            folders.update(p for p in path.parents if p != self.fresh and
                           _inside(p, self.fresh))
        for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
            with contextlib.suppress(OSError):  # still holds files of the new site
                folder.rmdir()
        self._stale = set()


BACKGROUND_REMOVAL_FILES = 2000
"""A replaced site with more files than this is removed by a background process: on a
slow disk, deleting 10,000 page folders can take longer than the whole build."""


def _remove(folder: Path, files: int) -> None:
    """Remove a replaced site; big ones in a detached process (the next build cleans up
    what an interrupted removal leaves)."""
    if files > BACKGROUND_REMOVAL_FILES and hasattr(os, "fork"):
        import subprocess
        import sys

        with contextlib.suppress(OSError):
            subprocess.Popen(
                [sys.executable, "-c", "import shutil, sys; shutil.rmtree(sys.argv[1], True)",
                 str(folder)], start_new_session=True, stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            return
    shutil.rmtree(folder, ignore_errors=True)


def _swap(fresh: Path, out: Path, files: int = 0, spare: Path | None = None) -> None:
    """Put `fresh` at `out`; the previous site is kept as `spare` for the next build to
    write over, or removed once it is no longer needed."""
    if out.exists() and _exchange(fresh, out):
        # `fresh` holds the previous site now
        if spare is not None and not spare.exists():
            with contextlib.suppress(OSError):
                spare.parent.mkdir(parents=True, exist_ok=True)
                os.rename(fresh, spare)
                return
        _remove(fresh, files)
    elif out.exists():
        old = out.parent / f".{out.name}.{os.getpid()}.old.infoint-tmp"
        os.rename(out, old)
        try:
            os.rename(fresh, out)
        except BaseException:
            os.rename(old, out)  # put the previous site back before giving up
            raise
        _remove(old, files)
    else:
        os.rename(fresh, out)
