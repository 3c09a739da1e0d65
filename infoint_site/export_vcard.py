"""Contacts as vCard 3.0 (RFC 2426): `export vcard`, one card per contact.

Written by hand rather than with a library: a card is a dozen lines, and the two rules
that matter are short (escape backslash, comma, semicolon and newline in text; fold
lines longer than 75 octets without splitting a UTF-8 character). Writing it here also
keeps the tests honest: they read the cards back with `vobject`, a parser that shares
no code with this writer.
"""

from __future__ import annotations

from urllib.parse import quote

from .analysis import Analysis
from .contentlines import content_lines, escape_text
from .journal import Journal
from .records import Contact

UID_DOMAIN = "infoint-site"


def split_name(name: str) -> tuple[str, str]:
    """(family, given): the last word is taken as the family name, the rest as given."""
    words = name.split()
    if len(words) < 2:
        return name.strip(), ""
    return words[-1], " ".join(words[:-1])


def company_name(journal: Journal, company: str | None) -> str | None:
    """A company id becomes the company's name; free text stays as written."""
    if company is None:
        return None
    found = journal.companies.get(company)
    return found.name if found else company


def referral_note(analysis: Analysis, contact_id: str) -> str:
    """Who suggested this person, the whole chain, and whom they suggested in turn."""
    journal, forest = analysis.journal, analysis.forest
    contact = journal.contacts[contact_id]
    chain = [journal.contact_name(c) for c in forest.chains[contact_id]]
    if contact.referred_by:
        lines = [f"Referred by {journal.contact_name(contact.referred_by)}.",
                 "Referral chain: " + " → ".join(chain) + "."]
    else:
        lines = ["Someone you already knew: the start of a referral chain."]
    referred = [journal.contact_name(c) for c in forest.referred[contact_id]]
    if referred:
        lines.append("Suggested: " + ", ".join(referred) + ".")
    return "\n".join(lines)


def contact_card(analysis: Analysis, contact: Contact) -> str:
    """One vCard, CRLF line ends, ending with a line break."""
    family, given = split_name(contact.name)
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        f"UID:contact.{quote(contact.id, safe='-_~')}@{UID_DOMAIN}",
        f"FN:{escape_text(contact.name)}",
        f"N:{escape_text(family)};{escape_text(given)};;;",
    ]
    org = company_name(analysis.journal, contact.company)
    if org:
        lines.append(f"ORG:{escape_text(org)}")
    if contact.role:
        lines.append(f"TITLE:{escape_text(contact.role)}")
    if contact.email:
        lines.append(f"EMAIL;TYPE=INTERNET:{escape_text(contact.email)}")
    if contact.phone:
        lines.append(f"TEL:{escape_text(contact.phone)}")
    if contact.linkedin:
        lines.append(f"URL:{escape_text(contact.linkedin)}")
    if contact.tags:
        lines.append("CATEGORIES:" + ",".join(escape_text(t) for t in contact.tags))
    lines.append(f"NOTE:{escape_text(referral_note(analysis, contact.id))}")
    lines.append("END:VCARD")
    return content_lines(lines)


def vcards(analysis: Analysis) -> str:
    """Every contact's card, in id order."""
    return "".join(contact_card(analysis, c) for c in analysis.journal.contacts.values())
