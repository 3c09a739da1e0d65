"""How a contact is told of in plain text: in their search entry and in the calendar's
events of their meetings. Shared by the full build and the quick rebuild (`quick`),
which puts a new role, field or tags where the old ones stood; so kept light to import."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .records import Contact


def contact_summary(contact: Contact, company: str | None) -> str:
    """What a contact's search entry says under their name: role · company. `company`
    is their company's name as the site shows it, or None."""
    return " · ".join(x for x in (contact.role, company) if x)


def contact_words(contact: Contact, company: str | None) -> str:
    """The words a contact is found by, before their note's."""
    return " ".join(x for x in (contact.name, company or "", contact.role or "",
                                contact.field or "", " ".join(contact.tags)) if x)


def described(contact: Contact, company: str | None) -> str:
    """'Jane Doe (Head of Data, Acme)': a contact as an event's description names them."""
    about = ", ".join(x for x in (contact.role, company) if x)
    return f"{contact.name} ({about})" if about else contact.name
