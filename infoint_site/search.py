"""One entry of the search index, as it stands in the search page (see `listings`)."""

from __future__ import annotations

import json

_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode
"""`json.dumps` with these options, without making an encoder for each of 10,000 entries."""


def search_entry(kind: str, fields: dict[str, str], prefix: str, text: str) -> str:
    """One record's search entry as it stands in the search page: its `fields`, and the
    words searched, the `prefix` (names, roles, tags…) followed by the note's `text`."""
    words = " ".join(x for x in (prefix, text) if x) if kind == "contact" else f"{prefix} {text}"
    data = _ENCODE({**fields, "x": words})
    return data.replace("<", "\\u003c")
