"""What the core reads from a Markdown body: question answers and the evaluation.

A light line scanner, not a Markdown renderer: it sees ATX headings (``## Q: …``)
outside fenced code blocks, which is all the follow-up rules and the question bank
need. The site renders the body properly later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_HEADING = re.compile(r" {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r" {0,3}(=+|-+)[ \t]*$")
_NOT_PARAGRAPH = re.compile(r" {0,3}([-*+>]|[0-9]{1,9}[.)])(\s|$)| {4}|\t")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_QUESTION = re.compile(r"q\s*:\s*(.+)", re.IGNORECASE)
_CODE_SPAN = re.compile(r"(`+).+?\1")
_LINK = re.compile(r"(!?)\[(?:[^\[\]\\]|\\.)*\]\(\s*<?([^\s)>]+)>?")
_JOURNAL_LINK = re.compile(
    r"(?:\.\./|\./)*(?:(contacts|meetings|companies)/)?([^/]+)\.md(#.*)?")
_REMOTE = re.compile(r"(?i)(https?:)?//")
_SINGULAR = {"contacts": "contact", "meetings": "meeting", "companies": "company"}


SEARCH_TEXT_CHARS = 1500
"""Characters of each note that search looks through (the start of the note)."""


_FENCED = re.compile(r"```.*?```", re.S)
_LINK_TEXT = re.compile(r"(?:!\[|\[)([^\]]*)\]\([^)]*\)")
r"""A link or an image (``!?\[`` spelt as two branches: a pattern that starts with a
optional character is tried at every position, twice as slow on 27 MB of notes)."""
_MARKS = str.maketrans(dict.fromkeys("#>*_`|~-", " "))


def plain_text(markdown_text: str, chars: int | None = None) -> str:
    """Markdown reduced to words, for the search index: fenced code left out, links
    and images by their text, markup characters as spaces; given `chars`, only that
    many characters of it."""
    text = _FENCED.sub(" ", markdown_text) if "```" in markdown_text else markdown_text
    if "](" in text:
        text = _LINK_TEXT.sub(r"\1", text)
    if chars is None:
        return " ".join(text.translate(_MARKS).split())
    # The words of the start of a text are the start of its words (the last perhaps
    # cut short), so only as much of it is split as gives `chars` characters.
    end = chars + chars // 4
    while True:
        words = " ".join(text[:end].translate(_MARKS).split())
        if len(words) >= chars or end >= len(text):
            return words[:chars]
        end *= 2


def search_text(body: str) -> str:
    """What search looks through in a note: the start of its plain words (made when the
    search page is, not kept with the record: 15 MB at 10,000 files)."""
    return plain_text(body, SEARCH_TEXT_CHARS)


def journal_link(href: str, kind: str) -> tuple[str, str, str] | None:
    """(kind, id, fragment) when `href`, written in a file of `kind`, names a journal file."""
    match = _JOURNAL_LINK.fullmatch(href)
    if match is None or re.match(r"(?i)[a-z][a-z0-9+.-]*:", href):
        return None
    return match.group(1) or kind, match.group(2), match.group(3) or ""


def is_remote(src: str) -> bool:
    return bool(_REMOTE.match(src))


def remote_image_message(src: str) -> str:
    return (f"remote image {src} is shown as a link: loading it would tell its host who reads"
            " your journal")


def missing_link_message(href: str, kind: str) -> str:
    return f"link to {href}: there is no such {_SINGULAR.get(kind, kind)} in the journal"


@dataclass(frozen=True, slots=True)
class NoteLink:
    """A Markdown link or image in a body, as written."""

    target: str
    line: int
    """The line in the file."""
    image: bool


@dataclass(frozen=True, slots=True)
class Answer:
    """The answer recorded under a ``## Q: question`` heading: the Markdown between this
    heading and the next heading of the same or higher level, kept as where it stands in
    the body rather than as a copy (9 MB at 10,000 files)."""

    question: str
    line: int
    """The heading's line in the file."""
    start: int
    """The body's line (0-based) after the heading."""
    end: int
    """The body's line where the next such heading stands, or its number of lines."""

    def text(self, body: str) -> str:
        """The answer's Markdown, from the `body` it was found in."""
        return "\n".join(body.split("\n")[self.start:self.end]).strip()


@dataclass(frozen=True, slots=True)
class BodyFacts:
    answers: tuple[Answer, ...]
    has_evaluation: bool
    headings: tuple[str, ...]
    links: tuple[NoteLink, ...] = ()


def question_key(question: str) -> str:
    """How answers to one question are matched: case and punctuation do not count."""
    return " ".join(re.sub(r"[^\w\s]", " ", question.casefold()).split())


def scan_body(body: str, first_line: int) -> BodyFacts:
    """The answers, headings and evaluation of a body that starts at file line `first_line`."""
    lines = body.split("\n")
    headings: list[tuple[int, int, str, int]] = []  # (index, level, text, last line index)
    links: list[NoteLink] = []
    fence: str | None = None
    count = len(lines)
    for i, line in enumerate(lines):
        # Most lines are prose: look closer only at what could be a fence, heading or link.
        first = line.lstrip(" ")[:1]
        if first in ("`", "~"):
            fence_match = _FENCE.match(line)
            if fence_match:
                marker = fence_match.group(1)
                if fence is None:
                    fence = marker
                elif marker[0] == fence[0] and len(marker) >= len(fence):
                    fence = None
                continue
        if fence is not None or not first:
            continue
        if "](" in line:
            for link in _LINK.finditer(_CODE_SPAN.sub("", line)):
                links.append(NoteLink(link.group(2), first_line + i, link.group(1) == "!"))
        if first == "#":
            match = _HEADING.match(line)
            if match:
                headings.append((i, len(match.group(1)), (match.group(2) or "").strip(), i))
                continue
        # A Setext heading: a line of text underlined with === (level 1) or --- (level 2).
        if i + 1 < count and lines[i + 1].lstrip(" ")[:1] in ("=", "-"):
            starts_paragraph = i == 0 or not lines[i - 1].strip() or (
                bool(headings) and headings[-1][0] == i - 1)
            if (starts_paragraph and _SETEXT.match(lines[i + 1])
                    and not _NOT_PARAGRAPH.match(line)):
                level = 1 if lines[i + 1].strip()[0] == "=" else 2
                headings.append((i, level, line.strip(), i + 1))

    answers: list[Answer] = []
    has_evaluation = False
    for n, (index, level, text, last) in enumerate(headings):
        if question_key(text) == "evaluation":
            has_evaluation = True
        question = _QUESTION.fullmatch(text)
        if question is None:
            continue
        end = len(lines)
        for later_index, later_level, _, _ in headings[n + 1 :]:
            if later_level <= level:
                end = later_index
                break
        answers.append(Answer(question.group(1).strip(), first_line + index, last + 1, end))
    return BodyFacts(tuple(answers), has_evaluation, tuple(h[2] for h in headings),
                     tuple(links))


SAFE_LINK = re.compile(r"(?i)(https?:|mailto:|tel:|#|\.{0,2}/|[^:/?#]+(?:[/?#]|$))")
"""Links rendered as links: http(s), mailto, tel, fragments and relative paths."""


def safe_link(url: str) -> bool:
    """Whether a link's address may be rendered (``javascript:``, ``data:``… may not)."""
    return bool(SAFE_LINK.match(url.strip()))
