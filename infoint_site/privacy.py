"""The privacy summary that ends every build: what the site publishes, and how safely."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .journal import Journal

PERSONAL_FIELDS = ("email", "phone", "linkedin", "company", "role", "field", "tags",
                   "last_contact")
"""Contact fields about a person that a page may show (names always are)."""


@dataclass(frozen=True, slots=True)
class PrivacyReport:
    encrypted: bool
    pages: int
    published: tuple[str, ...]
    """Personal fields that at least one page shows."""
    hidden: tuple[str, ...]
    emails: int
    phones: int

    def summary(self) -> str:
        how = "encrypted (AES-256-GCM)" if self.encrypted else "NOT encrypted"
        fields = ", ".join(self.published) or "none"
        hidden = f"; hidden: {', '.join(self.hidden)}" if self.hidden else ""
        return (f"privacy: {how}, {self.pages} pages; personal fields shown: {fields},"
                f" notes{hidden}")

    def warning(self) -> str | None:
        """Advice when an unencrypted site publishes ways to reach people."""
        if self.encrypted or not (self.emails or self.phones):
            return None
        what = " and ".join(x for x in (
            f"{self.emails} email address{'es' * (self.emails != 1)}" if self.emails else "",
            f"{self.phones} phone number{'s' * (self.phones != 1)}" if self.phones else "",
        ) if x)
        return (f"this unencrypted site publishes {what} of other people: anyone with the"
                " address can read them. Set privacy.encrypt: true (with INFOINT_PASSWORD), or"
                " privacy.hide_fields: [email, phone] in infoint.yaml")


def privacy_report(journal: Journal, files: Iterable[str], encrypted: bool,
                   ) -> PrivacyReport:
    """What `files`, built from the (already redacted) `journal`, reveal about people."""
    contacts = journal.contacts.values()
    published = tuple(f for f in PERSONAL_FIELDS if any(getattr(c, f) for c in contacts))
    hidden = journal.settings.privacy.hide_fields
    return PrivacyReport(
        encrypted=encrypted,
        pages=sum(1 for path in files if path.endswith(".html")),
        published=published,
        hidden=hidden,
        emails=sum(1 for c in contacts if c.email),
        phones=sum(1 for c in contacts if c.phone),
    )
