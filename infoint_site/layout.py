"""Names in a journal folder that the loader, the settings and the quick rebuild share
(kept apart so that the quick rebuild can know them without loading the rest)."""

from __future__ import annotations

SETTINGS_FILE = "infoint.yaml"

FOLDERS = {"contact": "contacts", "meeting": "meetings", "company": "companies"}
"""Each kind of record → the content folder holding its files."""
KIND_OF_FOLDER = {folder: kind for kind, folder in FOLDERS.items()}
"""Each content folder → the kind of record its files hold."""


def skipped(name: str) -> bool:
    """Editor droppings and hidden files are not notes."""
    return name.startswith((".", "~", "#")) or name.endswith(("~", ".swp", ".tmp"))
