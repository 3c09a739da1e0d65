"""The persistent build cache in ``<journal>/.infoint-cache/``.

Parsed files are kept by a digest of their bytes, what rendering a note's Markdown
found (its warnings and answers) by a digest of its text, with the journal links it
looked up (an entry whose links now resolve otherwise is not used), so a file that did
not change is neither parsed nor rendered again; the theme's templates are kept
compiled (by Jinja's key and the digest of their source). The whole cache is one file,
written atomically at the end of a build.

A cache is trusted only if it is this program's own: the file is signed with HMAC-
SHA256 under a key kept outside the journal (``~/.cache/infoint-site/cache.key``), so a
cache copied from elsewhere, committed by mistake or altered is discarded unread,
never unpickled. It also names the versions of infoint-site and its parsers and
renderers; any difference, or any damage, and it is ignored and rebuilt.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import sys
from pathlib import Path
from typing import Any

CACHE_DIR = ".infoint-cache"
CACHE_FILE = "build.cache"
MAGIC = b"INFOINT-CACHE-1\n"
FORMAT = 6
_PROTOCOL = pickle.HIGHEST_PROTOCOL


def digest(data: bytes | str) -> bytes:
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=16).digest()


def cache_folder(root: Path) -> Path:
    """The journal's cache folder, made if missing, with a .gitignore that keeps all of it
    out of the journal's repository."""
    folder = root / CACHE_DIR
    folder.mkdir(exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.is_file():
        ignore.write_text("*\n", encoding="utf-8")
    return folder


def _versions() -> dict[str, str]:
    from importlib import metadata

    found = {"format": str(FORMAT), "python": sys.version}
    for package in ("infoint-site", "markdown-it-py", "markdown-it-pyrs", "pyyaml", "jinja2"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "?"
    source = Path(__file__).resolve().parent
    # A source checkout changes without a new version: the code itself is part of the key.
    found["code"] = digest(b"".join(p.read_bytes() for p in sorted(source.glob("*.py")))).hex()
    return found


def _key_file() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "infoint-site" / "cache.key"


def signing_key(create: bool) -> bytes | None:
    """This user's key for signing caches (made on first save); None if there is none."""
    path = _key_file()
    try:
        key = path.read_bytes()
        if len(key) == 32:
            return key
    except OSError:
        pass
    if not create:
        return None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = os.urandom(32)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(key)
        return key
    except OSError:
        return None


class Kept:
    """Entries of one kind kept across builds: those a build uses are saved (`save`),
    so the cache never grows past one journal. A forked worker hands back what it made
    and used since its last `take`, and this process `merge`s it."""

    def __init__(self, entries: dict[Any, Any] | None = None) -> None:
        self.entries: dict[Any, Any] = entries if entries is not None else {}
        self.used: set[Any] = set()
        self._new: list[tuple[Any, Any]] = []
        self._hits: set[Any] = set()

    def get(self, key: Any) -> Any:
        found = self.entries.get(key)
        if found is not None:
            self.used.add(key)
            self._hits.add(key)
        return found

    def put(self, key: Any, value: Any) -> None:
        self.entries[key] = value
        self.used.add(key)
        self._new.append((key, value))

    def take(self) -> tuple[list[tuple[Any, Any]], set[Any]]:
        """Entries made, and keys of entries reused, since the last call."""
        taken = self._new, self._hits
        self._new, self._hits = [], set()
        return taken

    def merge(self, taken: tuple[list[tuple[Any, Any]], set[Any]]) -> None:
        """What `take` gave in a worker."""
        new, hits = taken
        self.entries.update(new)
        self.used.update(key for key, _ in new)
        self.used |= hits

    def used_entries(self) -> dict[Any, Any]:
        return {k: self.entries[k] for k in self.used if k in self.entries}


class BuildCache:
    """Parse results and rendered Markdown from earlier builds of one journal."""

    def __init__(self, root: Path | None = None, key: bytes | None = None) -> None:
        self.root = root
        self.key = key
        self.parsed: dict[Any, Any] = {}
        """Parse results in use, by (kind, path, digest of the bytes)."""
        self._blobs: dict[Any, bytes] = {}
        """Parse results as the cache file holds them, each pickled on its own: unpickled
        only when asked for, and written back as they are (no pickling again)."""
        self.markdown: Kept = Kept()
        """What rendering a note found (with the links it looked up), by its text's
        digest, first line, folder and page depth."""
        self.pages: dict[str, dict[str, tuple[bytes, int, int]]] = {}
        """Output folder → its record pages: file → (fingerprint, size, mtime_ns)."""
        self.states: dict[str, Any] = {}
        """Output folder → what the build that wrote it was made from (see `build`)."""
        self.search_texts: Kept = Kept()
        """Digest of a note → what search looks through in it (`body.search_text`)."""
        self.templates: Kept = Kept()
        """Jinja's key of a template → its compiled code, as Jinja writes it (see
        `templating.StoredBytecode`)."""
        self._used_parsed: set[Any] = set()
        self.status = "off"
        """What happened on load: off, new, loaded, or why an old cache was discarded."""

    @property
    def path(self) -> Path | None:
        return self.root / CACHE_DIR / CACHE_FILE if self.root is not None else None

    @classmethod
    def load(cls, root: Path) -> BuildCache:
        """The journal's cache, or an empty one if there is none it can trust."""
        cache = cls(root, signing_key(create=False))
        cache.status = cache._read() if cache.key is not None else "new"
        return cache

    def _read(self) -> str:
        assert self.path is not None and self.key is not None
        try:
            blob = self.path.read_bytes()
        except FileNotFoundError:
            return "new"
        except OSError as exc:
            return f"discarded: {exc.strerror}"
        if not blob.startswith(MAGIC) or len(blob) < len(MAGIC) + 32:
            return "discarded: not a cache of this program"
        # A view, not a copy: the cache of a 10,000-file journal is ~90 MB.
        signature, payload = blob[len(MAGIC):len(MAGIC) + 32], memoryview(blob)[len(MAGIC) + 32:]
        if not hmac.compare_digest(signature, hmac.new(self.key, payload, "sha256").digest()):
            return "discarded: not signed by this user (copied, altered or foreign)"
        try:
            data = pickle.loads(payload)  # signed by us: safe to unpickle
            if data["versions"] != _versions():
                return "discarded: made by another version"
            self._blobs, self.pages, self.states = data["parsed"], data["pages"], data["states"]
            self.markdown, self.search_texts, self.templates = (
                Kept(data["markdown"]), Kept(data["search"]), Kept(data["templates"]))
        except Exception:  # a damaged cache is only a slower build
            self.parsed, self._blobs, self.pages, self.states = {}, {}, {}, {}
            self.markdown, self.search_texts, self.templates = Kept(), Kept(), Kept()
            return "discarded: damaged"
        return "loaded"

    def get_parsed(self, key: Any) -> Any:
        found = self.peek_parsed(key)
        if found is not None:
            self._used_parsed.add(key)
        return found

    def has_parsed(self, key: Any) -> bool:
        """Whether a parse result is kept for `key` (without unpickling it)."""
        return key in self.parsed or key in self._blobs

    def peek_parsed(self, key: Any) -> Any:
        """A parse result, without keeping it for the next build."""
        found = self.parsed.get(key)
        if found is None and key in self._blobs:
            found = self.parsed[key] = pickle.loads(self._blobs[key])  # signed: see _read
        return found

    def put_parsed(self, key: Any, value: Any) -> None:
        self.parsed[key] = value
        self._blobs.pop(key, None)
        self._used_parsed.add(key)

    def pages_of(self, out: Path) -> dict[str, tuple[bytes, int, int]]:
        return self.pages.get(str(out.absolute()), {})

    def set_pages_of(self, out: Path, pages: dict[str, tuple[bytes, int, int]],
                     state: Any = None) -> None:
        """The record pages written into `out`, and what they were made from."""
        self.pages = {str(out.absolute()): pages}  # one output per journal is kept
        self.states = {str(out.absolute()): state}

    def state_of(self, out: Path) -> Any:
        return self.states.get(str(out.absolute()))

    def save(self) -> None:
        """Keep what this build used (so the cache never grows past one journal), atomically."""
        if self.path is None:
            return
        self.key = self.key or signing_key(create=True)
        if self.key is None:  # no place to keep a key: no cache, only slower builds
            return
        data = {
            "versions": _versions(),
            "parsed": {k: self._blobs.get(k) or pickle.dumps(self.parsed[k], _PROTOCOL)
                       for k in self._used_parsed if k in self.parsed},
            "markdown": self.markdown.used_entries(),
            "pages": self.pages,
            "states": self.states,
            "templates": self.templates.used_entries(),
            "search": self.search_texts.used_entries(),
        }
        try:
            cache_folder(self.path.parent.parent)
            temporary = self.path.with_name(f".{CACHE_FILE}.{os.getpid()}.tmp")
            with open(temporary, "wb") as handle:
                handle.write(MAGIC)
                handle.write(bytes(32))  # the signature's place, written once it is known
                # Pickled straight into the file, signed as it goes: the payload (60 MB
                # at 10,000 files) is never one string in memory.
                signed = _Signed(handle, hmac.new(self.key, digestmod="sha256"))
                pickle.dump(data, signed, protocol=_PROTOCOL)
                handle.seek(len(MAGIC))
                handle.write(signed.mac.digest())
            os.replace(temporary, self.path)
        except OSError:
            pass  # a cache that cannot be written only makes the next build slower


class _Signed:
    """A file that the pickler writes to, signing what passes."""

    def __init__(self, handle: Any, mac: Any) -> None:
        self.handle, self.mac = handle, mac

    def write(self, data: Any) -> int:
        self.mac.update(data)
        return self.handle.write(data)

