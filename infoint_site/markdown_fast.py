"""The fast Markdown engine: markdown-it-pyrs, where its HTML is provably markdown-it-py's.

markdown-it-py is the reference: the rules in `markdown` are its own
(link validation, images, journal links) and it reports the warnings. It is also
half of a cold build's CPU time, so markdown-it-pyrs, a Rust port by the same author,
renders a text instead (several times faster) when the HTML is provably the same: the
checks below only let through what both engines are known to render alike. It cannot take
our rules, and it differs from markdown-it-py at the edges (Unicode whitespace and
punctuation next to emphasis, some delimiter pairings, tables without pipes, lazy quote
lines, tabs in block prefixes, deep nesting, backticks in link text, code right after
a tight list item's text; it can panic, and overflow its stack on very deep emphasis).
So a text takes it only when it uses none of those constructs and none where our
rules act (raw HTML and autolinks, images, reference definitions, links to refuse,
journal links to missing pages); every link address it writes must be one
markdown-it-py would write, and journal links are then pointed at their pages exactly
as the link rule does. Anything else, and anything in doubt, goes to markdown-it-py,
so the fast path never has a problem to report. tests/test_markdown_fast.py holds
the two engines to the same output, with each difference found and the text that
showed it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, TypeVar

from markdown_it.common.normalize_url import normalizeLink
from markdown_it.common.utils import escapeHtml
from markdown_it_pyrs import MarkdownIt as FastMarkdownIt

from .body import journal_link, safe_link

if TYPE_CHECKING:
    from .markdown import RenderEnv

# -- the fast engine: when a text may take it ---------------------------------------------

_FAST_BLOCK_RULES = ["blockquote", "code", "fence", "heading", "hr", "lheading", "list",
                     "paragraph", "reference", "table"]
_FAST_RULES = [*_FAST_BLOCK_RULES, "autolink", "backticks", "emphasis", "entity", "escape",
               "image", "link", "newline", "strikethrough"]
"""markdown-it-py's "commonmark" preset with tables and strikethrough, less raw HTML."""

_NEVER_FAST = ("<", "\0", "|")
"""Raw HTML and autolinks, NUL, tables."""

_MAX_DELIMITERS = 1000
"""More ``*``, ``_`` and ``~`` than this could nest emphasis deep enough to overflow the
fast engine's stack (it recurses; markdown-it-py does not)."""

_PREFIX = r"[ >*+\-0-9.)]"
"""What may open blocks at the start of a line: indentation, quote and list markers."""

_TAB_IN_PREFIX = re.compile(rf"(?m:^{_PREFIX}*\t)")
"""A tab where it may count as indentation: the engines expand those differently."""

_DEEP = re.compile(rf"{_PREFIX}{{13}}")
_DEEP_AFTER_FIRST = re.compile(rf"\n{_PREFIX}{{13}}")
"""A long block prefix: markdown-it-py stops nesting at 20 levels, the fast engine does not
(each character of a prefix opens at most one level)."""

_SPACES_CODE = re.compile(r"`[ \n>]+`")
"""Perhaps a code span of spaces only, which markdown-it-py leaves unstripped."""

_BLANK_LINE = re.compile(r"\n[ \t]*\n")

_DELIMITER_RUN = re.compile(r"\*+|_+|~+")
_WHITESPACE = " \t\n"
_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")

_BLOCK_PREFIX = re.compile(r"(?:[ \t>]|[-*+][ \t]|[0-9]{1,9}[.)][ \t])*")
_QUOTES = re.compile(r"[ \t>]*")

_TABLE_TAIL = "-: \t"
"""A line ending in these, with a ``-`` and a ``:``, can start a table in markdown-it-pyrs."""

_UP_TO_SPACE = re.compile(r"[^\x00-\x20\x7f]*")
"""A link destination ends at a space or a control character."""

_MAX_DESTINATION = 4096
"""Longer destinations take the slow path (this bounds the work per link)."""

_UNSURE_DESTINATION = re.compile(r"[\\\[\]]|&#?[0-9A-Za-z]+;")
"""Escapes and entities (decoded before validation), brackets (IPv6 hosts)."""

_UNSURE_HTML = ("*", "_", "~", "<blockquote>\n</blockquote>")
"""In the fast engine's HTML: a delimiter left as text, which may be a closer that found no
opener (after one, markdown-it-pyrs can miss pairs that markdown-it-py makes), or an empty
quote, which markdown-it-py writes on one line."""

_BEFORE_PRE = ("</p>\n", "<li>\n", "</li>\n", "<blockquote>\n", "</blockquote>\n", "</ul>\n",
               "</ol>\n", "</h1>\n", "</h2>\n", "</h3>\n", "</h4>\n", "</h5>\n", "</h6>\n",
               "<hr />\n", "</pre>\n")
"""What may come right before code in the fast engine's HTML. After the text of a tight
list item, markdown-it-py writes no newline there; markdown-it-pyrs does."""

_HREF = re.compile(r'<a href="([^"]*)"')


def _fast_eligible(text: str) -> bool:
    """Whether `text` uses only constructs both engines render alike."""
    if any(char in text for char in _NEVER_FAST):
        return False
    if ("!" in text and "![" in text) or "]:" in text:
        return False  # an image, perhaps a reference definition
    if not text.replace("\n", " ").replace("\t", " ").isprintable():
        return False  # other whitespace (str.strip() trims it in markdown-it-py), controls
    if "`" in text and (_SPACES_CODE.search(text) or _backticks_and_brackets(text)):
        return False
    if "```" in text and not text.endswith("\n"):
        return False  # an unclosed fence at the very end
    if "\t" in text and _TAB_IN_PREFIX.search(text):
        return False
    if _DEEP.match(text) or _DEEP_AFTER_FIRST.search(text):
        return False
    return _plain_delimiters(text) and not _table_like(text) and not _lazy_quote(text)


def _backticks_and_brackets(text: str) -> bool:
    """Whether a backtick and a ``[`` may share a paragraph: markdown-it-pyrs caches where
    backticks are per paragraph, and a scan inside link text leaves the cache wrong (it
    can miss a code span, or panic). No paragraph spans a blank line."""
    return "[" in text and any("`" in chunk and "[" in chunk
                               for chunk in _BLANK_LINE.split(text))


def _plain_delimiters(text: str) -> bool:
    """Whether each run of ``*``, ``_`` or ``~`` is shorter than three and can only open or
    only close (or neither), with ASCII on both sides: the engines class Unicode
    punctuation differently, and a run that can do both brings in the rule of three,
    where they pair differently."""
    if not ("*" in text or "_" in text or "~" in text):
        return True
    if sum(map(text.count, "*_~")) > _MAX_DELIMITERS:
        return False
    if "***" in text or "___" in text or "~~~" in text:
        return False  # runs of three: the engines split them differently
    for run in _DELIMITER_RUN.finditer(text):
        start, end = run.span()
        before = text[start - 1] if start else "\n"
        after = text[end] if end < len(text) else "\n"
        if not (before.isascii() and after.isascii()):
            return False
        if (before not in _WHITESPACE and after not in _WHITESPACE
                and (before in _PUNCTUATION) == (after in _PUNCTUATION)):
            return False
    return True


def _table_like(text: str) -> bool:
    """Whether a line could be a table's delimiter row to markdown-it-pyrs (which, unlike
    markdown-it-py, needs no ``|`` in it): its last characters are ``-``, ``:``, spaces
    and tabs, with a ``-`` and a ``:`` among them."""
    if ":" not in text or "-" not in text:
        return False
    for line in text.split("\n"):
        if line.rstrip(" \t").endswith(("-", ":")):
            tail = line[len(line.rstrip(_TABLE_TAIL)):]
            if "-" in tail and ":" in tail:
                return True
    return False


def _leading(pattern: re.Pattern[str], line: str) -> str:
    match = pattern.match(line)
    return match.group() if match else ""


def _lazy_quote(text: str) -> bool:
    """Whether a line follows a quote line without repeating its ``>`` markers: a lazy
    continuation to markdown-it-pyrs, sometimes the end of the quote to markdown-it-py."""
    if ">" not in text:
        return False
    depth: int | None = None  # the quote depth of the line before; -1: quotes and lists
    for line in text.split("\n"):
        if not line.strip(" \t"):
            depth = None
            continue
        quotes = _leading(_QUOTES, line)
        if depth is not None and quotes.count(">") != depth:
            return True
        depth = _quote_depth(_leading(_BLOCK_PREFIX, line), quotes)
    return False


def _quote_depth(prefix: str, quotes: str) -> int | None:
    """How many quotes a line with this block prefix is in: None for none, -1 when the
    prefix mixes quotes and list items (any next line then counts as lazy)."""
    if ">" not in prefix:
        return None
    return prefix.count(">") if prefix == quotes else -1


def _destination(text: str, pos: int) -> str | None:
    """The link destination at `pos` as markdown-it-py reads it, or None when unsure."""
    destination = _balanced(_leading(_UP_TO_SPACE, text[pos:pos + _MAX_DESTINATION]))
    if destination is None or _UNSURE_DESTINATION.search(destination):
        return None
    if not destination.isascii() and (":" in destination or "//" in destination):
        return None  # markdown-it-pyrs does not punycode host names
    return destination


def _balanced(run: str) -> str | None:
    """`run` up to its first unbalanced ``)``; None if it is cut (it may go on) or its
    brackets nest too deep (markdown-it-py then gives up on the link)."""
    if len(run) >= _MAX_DESTINATION:
        return None
    if "(" not in run:
        return run.partition(")")[0]
    level = 0
    for pos, char in enumerate(run):
        if char == "(":
            level += 1
            if level > 32:
                return None
        elif char == ")":
            if level == 0:
                return run[:pos]
            level -= 1
    return run


def _link_hrefs(text: str) -> dict[str, str] | None:
    """Each link's href attribute as markdown-it-py writes it (HTML-escaped), mapped to
    the href its rules see; None if a link would be refused or we are unsure.

    markdown-it-py tries a link destination only right after ``](`` (and spaces), and
    validates it there; every such place in the text is checked. Within one line the
    text the parser sees is the text of the file (block markers go only at the start of a
    line; table cells, which cut lines, do not take this path)."""
    hrefs = {"": ""}
    pos = text.find("](")
    while pos >= 0:
        start = pos + 2
        while start < len(text) and text[start] in " \t":
            start += 1
        if text.startswith("\n", start):
            return None  # the destination is on the next line, after its block prefix
        destination = _destination(text, start)
        if destination is None:
            return None
        if destination:
            href = _valid_href(destination)
            if href is None:
                return None
            hrefs[escapeHtml(href)] = href
        pos = text.find("](", start)
    return hrefs


def _unsure_html(html: str) -> bool:
    if any(part in html for part in _UNSURE_HTML):
        return True
    pre = html.find("<pre>", 1)
    while pre >= 0:
        if not html.endswith(_BEFORE_PRE, 0, pre):
            return True
        pre = html.find("<pre>", pre + 1)
    return False


@lru_cache(maxsize=4096)
def _valid_href(destination: str) -> str | None:
    """The href markdown-it-py makes of a destination (no escapes or entities in it), or
    None if `safe_link` refuses it."""
    href = normalizeLink(destination)
    return href if safe_link(href) else None


def _rewrite_links(html: str, hrefs: dict[str, str], env: RenderEnv) -> str | None:
    """Point journal links at their pages as `Markdown._link_open` does; None if a link
    is unexpected (not written as markdown-it-py writes it) or names a missing page."""
    out: list[str] = []
    last = 0
    for match in _HREF.finditer(html):
        href = hrefs.get(match.group(1))
        if href is None:
            return None
        found = journal_link(href, env.kind)
        if found is None:
            continue
        kind, target_id, fragment = found
        target = env.link_for(kind, target_id)
        if target is None:
            return None  # the slow path writes a broken link and a warning
        out += [html[last:match.start(1)], escapeHtml(target + fragment)]
        last = match.end(1)
    out.append(html[last:])
    return "".join(out)


_Result = TypeVar("_Result")


def _without_panic(call: Callable[[str], _Result], text: str) -> _Result | None:
    """`call(text)`, or None if the Rust code panicked (pyo3 raises a BaseException)."""
    try:
        return call(text)
    except BaseException as exc:
        if type(exc).__name__ != "PanicException":
            raise
        return None


class FastEngine:
    """markdown-it-pyrs, configured as markdown-it-py is, less raw HTML."""

    def __init__(self) -> None:
        self.parser = FastMarkdownIt("zero").enable_many(_FAST_RULES)  # type: ignore[arg-type]
        self.blocks = FastMarkdownIt("zero").enable_many(
            _FAST_BLOCK_RULES)  # type: ignore[arg-type]

    def render(self, text: str, env: RenderEnv) -> str | None:
        """`text` as HTML by the fast engine, or None unless that is exactly what
        markdown-it-py gives (which then reports no problem)."""
        if not text.strip():
            return ""
        if not _fast_eligible(text):
            return None
        hrefs = _link_hrefs(text)
        if hrefs is None:
            return None
        html = _without_panic(self.parser.render, text)
        if html is None or _unsure_html(html):
            return None
        return _rewrite_links(html, hrefs, env)

    def sections(self, text: str, env: RenderEnv,
                 headings: set[int]) -> tuple[str, dict[int, str]] | None:
        """`Markdown.render_sections` by the fast engine, or None when it cannot be sure.

        A section is what markdown-it-py renders from the tokens after its heading up to
        the next top-level heading of its level or higher: the stretch of the whole
        text's HTML between those two headings, which is cut out of it rather than
        rendered again. The top-level headings are found in the HTML by their tags (no
        text can write a tag on this path: it has no ``<``) outside lists and quotes,
        and must be the very ones the block parser finds in the text, level by level."""
        html = self.render(text, env)
        if html is None:
            return None
        tops = _without_panic(self._top_headings, text)
        if tops is None:
            return None
        places = _top_heading_tags(html)
        if [level for _, _, level in places] != [level for _, _, level in tops]:
            return None
        data = text.encode()  # the fast engine maps nodes to UTF-8 byte offsets
        sections: dict[int, str] = {}
        for i, (start, _, level) in enumerate(tops):
            line = data.count(b"\n", 0, start)
            if line not in headings:
                continue
            stop = next((places[j][0] for j in range(i + 1, len(places))
                         if places[j][2] <= level), len(html))
            sections[line] = html[places[i][1]:stop]
        return html, sections

    def _top_headings(self, text: str) -> list[tuple[int, int, int]] | None:
        """(start, end, level) of each heading outside lists and quotes, the start and
        end as UTF-8 byte offsets in `text`; None if one has no position."""
        tops: list[tuple[int, int, int]] = []
        for node in self.blocks.tree(text).children:
            if node.name in ("heading", "lheading"):
                if node.srcmap is None:
                    return None
                tops.append((*node.srcmap, node.meta["level"]))
        return tops


_BLOCK_TAG = re.compile(r"<(/?)(?:ul|ol|blockquote)[ >]|<h([1-6])>|</h[1-6]>\n")


def _top_heading_tags(html: str) -> list[tuple[int, int, int]]:
    """(where its opening tag starts, where the line after its closing tag starts,
    level) of each heading in `html` outside lists and quotes."""
    found: list[tuple[int, int, int]] = []
    depth = 0
    opened: tuple[int, int] | None = None
    for match in _BLOCK_TAG.finditer(html):
        if match.group(2) is not None:
            if depth == 0:
                opened = (match.start(), int(match.group(2)))
        elif match.group(1) is None:  # a heading's closing tag
            if depth == 0 and opened is not None:
                found.append((opened[0], match.end(), opened[1]))
                opened = None
        else:
            depth += -1 if match.group(1) else 1
    return found
