"""Where each page lives. Pretty URLs: ``contacts/jane-doe/`` is
``contacts/jane-doe/index.html`` on disk. Links between pages are relative, so the
site works from any folder, any host and from ``serve``.
"""

from __future__ import annotations

import re

MARKER = ".infoint-site"
"""The file in each built site that lists the site's own files (see `writer`)."""
QUICK_SUFFIX = ".quick-tmp"
"""Ends the name of a page being replaced by a quick rebuild (see `quick`): one left by
an interrupted rebuild is the site's own, and the next full build removes it."""

SECTIONS: tuple[tuple[str, str], ...] = (
    ("", "Dashboard"),
    ("follow-ups/", "Follow-ups"),
    ("contacts/", "Contacts"),
    ("meetings/", "Meetings"),
    ("companies/", "Companies"),
    ("referrals/", "Referrals"),
    ("questions/", "Questions"),
    ("stats/", "Statistics"),
    ("search/", "Search"),
)


_PLAIN = re.compile(r"[A-Za-z0-9_.~-]*")
"""What `quote` never changes: an id made of these is its own URL segment."""


def _segment(record_id: str) -> str:
    """`quote(record_id, safe="")`, without its work for the usual slug (20 links a page)."""
    return record_id if _PLAIN.fullmatch(record_id) else quoted(record_id)


_UNRESERVED = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~"


def _quoting(safe: bytes) -> dict[int, str]:
    """What `quote` makes of each byte of the UTF-8 text, `safe` bytes kept."""
    return {byte: chr(byte) if byte in _UNRESERVED or byte in safe else f"%{byte:02X}"
            for byte in range(256)}


_QUOTING = {"": _quoting(b""), "@": _quoting(b"@")}


def quoted(text: str, safe: str = "") -> str:
    """`quote(text, safe=safe)` for `safe` "" or "@", by one `str.translate` of the UTF-8
    bytes (read as Latin-1, a character each) instead of a Python step per byte: twice
    as fast, for the 33,000 email drafts of a 10,000-file build."""
    return text.encode("utf-8").decode("latin-1").translate(_QUOTING[safe])


RECORD_BASE = "../../"
"""The way back to the site root from a record page (``contacts/<id>/``, ``p/<token>/``)."""


def rebase_links(html: str, base: str, from_base: str = RECORD_BASE) -> str:
    """HTML made for a page at `from_base`, for a page at the shallower `base`: each link
    that climbed to the site root climbs from there instead. (Only an attribute can
    hold ``href="``: Markdown writes a quote in text as ``&quot;``.)"""
    if base == from_base:
        return html
    return html.replace(f'href="{from_base}', f'href="{base}')


class Urls:
    """Page addresses relative to the site root (no leading slash)."""

    def contact(self, contact_id: str) -> str:
        return f"contacts/{_segment(contact_id)}/"

    def meeting(self, meeting_id: str) -> str:
        return f"meetings/{_segment(meeting_id)}/"

    def company(self, company_id: str) -> str:
        return f"companies/{_segment(company_id)}/"

    def question(self, slug: str) -> str:
        """The page of every answer to one question; `slug` is ASCII, from the question."""
        return f"questions/{slug}/"

    @staticmethod
    def file_for(url: str) -> str:
        """The file behind a URL: ``contacts/x/`` → ``contacts/x/index.html``."""
        from urllib.parse import unquote

        path = unquote(url)
        return f"{path}index.html" if path.endswith("/") or not path else path

    @staticmethod
    def base_for(url: str) -> str:
        """The relative prefix from the page at `url` back to the site root."""
        return "../" * url.count("/")


class OpaqueUrls(Urls):
    """Record pages at addresses derived from a key: no id appears in any URL."""

    def __init__(self, path_key: bytes) -> None:
        self.path_key = path_key

    def _opaque(self, kind: str, record_id: str) -> str:
        from .encrypt import opaque_token

        return f"p/{opaque_token(self.path_key, kind, record_id)}/"

    def contact(self, contact_id: str) -> str:
        return self._opaque("contact", contact_id)

    def meeting(self, meeting_id: str) -> str:
        return self._opaque("meeting", meeting_id)

    def company(self, company_id: str) -> str:
        return self._opaque("company", company_id)

    def question(self, slug: str) -> str:
        return self._opaque("question", slug)
