"""`import linkedin` and `import vcard`: new contact files for new people.

Three pure steps and a tiny writer:

1. read a file's text into `Person` values (`linkedin_people`, `vcard_people`);
2. decide, person by person, to create a file or to skip them with a reason
   (`plan_import`): someone already in the journal is matched by LinkedIn URL, then
   email, then name; two different people with one name get ``slug`` and ``slug-2``;
3. render each new file's text, checked with the validator's own parser before it is
   offered (`contact_file`);
4. `write_plan` creates the files with `scaffold.create_file`, which never replaces
   one. Nothing here modifies a file that exists.

Importing the same file twice creates nothing the second time: everyone it created is
matched the first time round.
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from urllib.parse import unquote, urlsplit

from . import yamlread as y
from .errors import FileExists, InfointError
from .journal import Journal
from .parse import parse_file
from .records import Contact
from .scaffold import create_file, slugify, yaml_text
from .schema import Email, FieldError, Kind, Url

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December")


class ImportFileError(InfointError):
    """The file to import is not what the command expects."""


@dataclass(frozen=True, slots=True)
class Person:
    """Someone read from an import file, before matching."""

    name: str
    where: str
    """Where in the file: ``line 7`` or ``card 3``."""
    company: str | None = None
    role: str | None = None
    email: str | None = None
    phone: str | None = None
    linkedin: str | None = None
    tags: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    """Paragraphs for the body of a new file."""


@dataclass(frozen=True, slots=True)
class Decision:
    """What import does with one person: create `path` with `text`, or skip them."""

    person: Person
    path: str | None
    """The new file, relative to the journal root; None when skipped."""
    text: str | None
    reason: str
    """Why they are skipped (empty when created)."""

    @property
    def creates(self) -> bool:
        return self.path is not None


# -- reading ---------------------------------------------------------------------


def decode_import(data: bytes, name: str) -> str:
    """An import file's text: UTF-8 (with or without a byte-order mark) or UTF-16."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"{name} is not UTF-8 (byte {exc.start}); save it as UTF-8"
                              " and import again") from None


def _clean(value: str | None) -> str | None:
    """Whitespace runs collapsed; None for nothing."""
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def connected_on(text: str) -> date | None:
    """LinkedIn's ``03 Nov 2024`` (English month names, whatever the locale) as a date."""
    match = re.fullmatch(r"(\d{1,2})[ -]([A-Za-z]{3})[A-Za-z]*\.?[ -](\d{4})", text.strip())
    if match is None:
        return None
    month = match.group(2).lower()
    if month not in _MONTHS:
        return None
    try:
        return date(int(match.group(3)), _MONTHS.index(month) + 1, int(match.group(1)))
    except ValueError:
        return None


def _connected_note(text: str) -> str:
    day = connected_on(text)
    when = f"{day.day} {_MONTH_NAMES[day.month - 1]} {day.year}" if day else text.strip()
    return f"Connected on LinkedIn on {when}."


def _cell(cells: list[str], columns: dict[str, int], column: str) -> str | None:
    i = columns.get(column)
    return _clean(cells[i]) if i is not None and i < len(cells) else None


def linkedin_people(text: str) -> list[Person]:
    """The people in LinkedIn's ``Connections.csv``, as exported.

    The notes LinkedIn puts before the header are skipped; the header is found by its
    ``First Name`` and ``Last Name`` columns, so an export with or without ``URL`` or
    ``Email Address`` reads the same way.
    """
    reader = csv.reader(text.splitlines(keepends=True))
    columns: dict[str, int] | None = None
    people: list[Person] = []
    for row in reader:
        cells = [c.strip() for c in row]
        if columns is None:
            folded = [c.casefold() for c in cells]
            if "first name" in folded and "last name" in folded:
                columns = {c: i for i, c in enumerate(folded)}
            continue
        if not any(cells):
            continue
        given, family = _cell(cells, columns, "first name"), _cell(cells, columns, "last name")
        connected = _cell(cells, columns, "connected on")
        people.append(Person(
            name=" ".join(x for x in (given, family) if x),
            where=f"line {reader.line_num}",
            company=_cell(cells, columns, "company"),
            role=_cell(cells, columns, "position"),
            email=_cell(cells, columns, "email address"),
            linkedin=_cell(cells, columns, "url"),
            notes=(_connected_note(connected) if connected
                   else "Imported from your LinkedIn connections.",),
        ))
    if columns is None:
        raise ImportFileError("no header row with First Name and Last Name: is this"
                              " LinkedIn's Connections.csv?")
    return people


def _vcard_value(card: object, key: str) -> list[object]:
    contents = getattr(card, "contents", {})
    return [line.value for line in contents.get(key, [])]


def _preferred(card: object, key: str) -> str | None:
    """The value marked TYPE=pref, else the first."""
    lines = getattr(card, "contents", {}).get(key, [])
    for line in lines:
        types = [t.lower() for t in line.params.get("TYPE", [])]
        if "pref" in types or "PREF" in line.params:
            return _clean(str(line.value))
    return _clean(str(lines[0].value)) if lines else None


def _text(value: object) -> str:
    if isinstance(value, list | tuple):
        return " ".join(str(v) for v in value if v)
    return str(value)


def _vcard_name(card: object) -> str:
    for fn in _vcard_value(card, "fn"):
        name = _clean(_text(fn))
        if name:
            return name
    for n in _vcard_value(card, "n"):
        parts = [getattr(n, attr, "") for attr in ("prefix", "given", "additional",
                                                    "family", "suffix")]
        name = _clean(" ".join(_text(p) for p in parts if p))
        if name:
            return name
    return ""


def _linkedin_of(card: object) -> str | None:
    for key in ("url", "x-socialprofile"):
        for value in _vcard_value(card, key):
            text = _clean(str(value))
            if text and "linkedin.com" in text.lower():
                return text
    return None


def vcard_people(text: str) -> list[Person]:
    """The people in a vCard file (versions 2.1, 3.0 and 4.0), one per card."""
    import vobject
    from vobject.base import ParseError

    people: list[Person] = []
    try:
        for number, card in enumerate(vobject.readComponents(text, ignoreUnreadable=True), 1):
            if getattr(card, "name", "").upper() != "VCARD":
                continue
            # ORG is "name;unit;unit": the organisation is its first part.
            org = next((_clean(str(v[0] if isinstance(v, list) and v else v))
                        for v in _vcard_value(card, "org")), None)
            role = next((_clean(_text(v)) for v in _vcard_value(card, "title")), None)
            tags = tuple(t for v in _vcard_value(card, "categories")
                         for t in (_clean(str(x)) for x in (v if isinstance(v, list) else [v]))
                         if t)
            notes = ["Imported from an address book (vCard)."]
            for note in _vcard_value(card, "note"):
                lines = str(note).strip().splitlines()
                if lines:
                    notes.append("\n".join(["Note from the address book:", ""]
                                           + [f"> {line}".rstrip() for line in lines]))
            phone = _preferred(card, "tel")
            if phone and phone.lower().startswith("tel:"):  # vCard 4: TEL;VALUE=uri
                phone = phone[4:]
            people.append(Person(
                name=_vcard_name(card), where=f"card {number}", company=org, role=role,
                email=_preferred(card, "email"), phone=phone,
                linkedin=_linkedin_of(card), tags=tags, notes=tuple(notes),
            ))
    except ParseError as exc:
        raise ImportFileError(f"not a readable vCard file: {exc}") from None
    if not people:
        raise ImportFileError("no BEGIN:VCARD found: is this a vCard (.vcf) file?")
    return people


# -- matching --------------------------------------------------------------------


def name_key(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def email_key(email: str | None) -> str | None:
    return email.strip().casefold() if email and email.strip() else None


def linkedin_key(url: str | None) -> str | None:
    """A profile address without scheme, subdomain, query or trailing slash, casefolded."""
    if not url or not url.strip():
        return None
    text = url.strip()
    parts = urlsplit(text if "://" in text else f"https://{text}")
    host = parts.netloc.casefold()
    if host == "linkedin.com" or host.endswith(".linkedin.com"):
        host = "linkedin.com"
    return host + unquote(parts.path).rstrip("/").casefold()


@dataclass(frozen=True, slots=True)
class _Known:
    """A contact already in the journal, as import compares people."""

    path: str
    name: str
    email: str | None
    linkedin: str | None

    def conflicts(self, person: Person) -> bool:
        """Different LinkedIn profiles or emails: two people, whatever their names."""
        mine, theirs = self.linkedin, linkedin_key(person.linkedin)
        if mine and theirs and mine != theirs:
            return True
        mine, theirs = self.email, email_key(person.email)
        return bool(mine and theirs and mine != theirs)


def _two_people(a: Person, b: Person) -> bool:
    """Different LinkedIn profiles or emails: two people, whatever their names."""
    return _Known("", "", email_key(a.email), linkedin_key(a.linkedin)).conflicts(b)


def _known(contact: Contact) -> _Known:
    return _Known(contact.path, name_key(contact.name), email_key(contact.email),
                  linkedin_key(contact.linkedin))


def _valid(kind: Kind, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return kind.convert(y.Scalar(value, 1, 1, plain=False))
    except FieldError:
        return None


def _company(journal: Journal, text: str | None) -> str | None:
    """A company's id when a company file has that name; else the text."""
    if text is None:
        return None
    folded = name_key(text)
    for cid, company in journal.companies.items():
        if name_key(company.name) == folded:
            return cid
    return text


def contact_file(person: Person, company: str | None) -> str:
    """A new contact file: the person's known fields, the rest left blank to fill in."""

    def line(key: str, value: str | None, comment: str = "", quoted: bool = False) -> str:
        shown = value if quoted else yaml_text(value) if value else None
        text = f"{key}: {shown}" if shown else f"{key}:"
        return f"{text:<24} # {comment}" if comment else text

    email = _valid(Email(), person.email)
    linkedin = _valid(Url(), person.linkedin)
    notes = list(person.notes)
    if person.email and email is None:
        notes.append(f"The email in the import file was not an address: {person.email}")
    if person.linkedin and linkedin is None:
        notes.append(f"The LinkedIn address in the import file was not a web address:"
                     f" {person.linkedin}")
    tags = ", ".join(json.dumps(t, ensure_ascii=False) for t in person.tags)
    lines = [
        "---",
        line("name", person.name),
        line("company", company),
        line("role", person.role),
        "field:",
        f"tags: [{tags}]",
        line("email", email),
        line("phone", json.dumps(person.phone or "", ensure_ascii=False),
             "quoted, so it stays exactly as written", quoted=True),
        line("linkedin", linkedin),
        line("referred_by", None, "the contact id of who suggested them"),
        line("requested", None, "the day you asked for a conversation"),
        line("script", None, "the reason you gave when asking: stay true to it"),
        f"{'keep_in_touch: false':<24} # or a cadence like 60d, or true for the default",
        "---",
    ]
    body = [*notes, "## Research\n\nTheir background, their organisation, and what you would"
            " most like to learn from them."]
    return "\n".join(lines) + "\n" + "\n\n".join(body) + "\n"


def _free_slug(name: str, taken: set[str]) -> str:
    base = slugify(name)
    slug, n = base, 1
    while slug.casefold() in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug.casefold())
    return slug


def _skip(person: Person, reason: str) -> Decision:
    return Decision(person, None, None, reason)


def plan_import(people: Sequence[Person], journal: Journal) -> list[Decision]:
    """Create or skip, for each person in file order; pure.

    Matching: first by LinkedIn URL, then by email, against the journal and against
    earlier people in the same file; then, for the rest, by name: an earlier person of
    the file with that name is the same person, else a contact with that name is,
    but never when a LinkedIn URL or email says they are two people, and never a
    contact that another person of this file was already matched with. So the second
    import of a file matches everyone the first one created.
    """
    existing = [_known(c) for c in journal.contacts.values()]
    by_linkedin = {k.linkedin: k for k in existing if k.linkedin}
    by_email = {k.email: k for k in existing if k.email}
    decisions: list[Decision | None] = [None] * len(people)
    seen_linkedin: dict[str, Person] = {}
    seen_email: dict[str, Person] = {}
    claimed: set[str] = set()

    for i, person in enumerate(people):
        url, email = linkedin_key(person.linkedin), email_key(person.email)
        if not person.name:
            decisions[i] = _skip(person, "no name in the file")
        elif url and url in by_linkedin:
            claimed.add(by_linkedin[url].path)
            decisions[i] = _skip(person, f"already in the journal as {by_linkedin[url].path}"
                                         " (same LinkedIn URL)")
        elif email and email in by_email:
            claimed.add(by_email[email].path)
            decisions[i] = _skip(person, f"already in the journal as {by_email[email].path}"
                                         " (same email)")
        elif url and url in seen_linkedin:
            decisions[i] = _skip(person, f"the same person as {seen_linkedin[url].where}"
                                         " (same LinkedIn URL)")
        elif email and email in seen_email:
            decisions[i] = _skip(person, f"the same person as {seen_email[email].where}"
                                         " (same email)")
        if url:
            seen_linkedin.setdefault(url, person)
        if email:
            seen_email.setdefault(email, person)

    taken = {cid.casefold() for cid in (*journal.contacts, *journal.unreadable_contacts)}
    for i, person in enumerate(people):
        if decisions[i] is not None:
            continue
        key = name_key(person.name)
        twin = next((p for p in people[:i] if p.name and name_key(p.name) == key
                     and not _two_people(p, person)), None)
        if twin is not None:
            decisions[i] = _skip(person, f"the same person as {twin.where} (same name)")
            continue
        match = next((k for k in existing if k.name == key and k.path not in claimed
                      and not k.conflicts(person)), None)
        if match is not None:
            claimed.add(match.path)
            decisions[i] = _skip(person, f"already in the journal as {match.path} (same name)")
            continue
        path = f"content/contacts/{_free_slug(person.name, taken)}.md"
        decisions[i] = _offer(person, path, _company(journal, person.company))
    return [d for d in decisions if d is not None]


def _offer(person: Person, path: str, company: str | None) -> Decision:
    """Create, unless the file would not pass `check` (which would be a bug here)."""
    text = contact_file(person, company)
    record, problems = parse_file("contacts", path, text.encode("utf-8"))
    errors = [p for p in problems if p.is_error]
    if record is None or errors:
        why = errors[0].message if errors else "it cannot be read back"
        return _skip(person, f"cannot be written as a valid contact file: {why}")
    return Decision(person, path, text, "")


# -- writing ---------------------------------------------------------------------


def write_plan(root: Path, decisions: Iterable[Decision]) -> list[Decision]:
    """Create every planned file; one that appeared meanwhile is skipped, not replaced."""
    done: list[Decision] = []
    for decision in decisions:
        if decision.creates:
            assert decision.path is not None and decision.text is not None
            try:
                create_file(root / decision.path, decision.text)
            except FileExists:
                decision = replace(decision, path=None, text=None,
                                   reason=f"{decision.path} appeared meanwhile; not replaced")
        done.append(decision)
    return done
