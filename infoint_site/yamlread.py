"""A small, safe YAML reader that keeps source positions and reads scalars as written.

The YAML text is walked as libyaml *events* (the C parser keeps its own stacks, so
even 30,000 nested brackets cannot overflow anything) and assembled here into a tree
of `Scalar`, `Sequence` and `Mapping` nodes, without recursion. Scalars stay strings:
``phone: 0201234567`` stays ``"0201234567"`` and ``NO`` stays ``"NO"``; the schema
decides what a value means. The reader rejects what front matter never needs and an
attacker loves: tags other than ``!!str`` (``!!python/object`` and friends), nesting
deeper than `MAX_DEPTH`, alias expansion past `MAX_NODES`, duplicate keys and
non-scalar keys. Every refusal is a `YamlError` with a position.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

from .problems import shorten

try:  # the C parser ships in PyYAML's wheels; the pure one is a slow fallback
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Parser  # type: ignore[assignment]

MAX_DEPTH = 64
"""Deeper nesting than this is refused: front matter is never that deep."""
MAX_NODES = 20_000
"""Alias expansion past this many values is refused (a "billion laughs" bomb)."""

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_OTHER_BREAKS = ("\x85", "\u2028", "\u2029")
"""Characters that end a line for libyaml, but not in an editor."""


@dataclass(frozen=True, slots=True)
class Scalar:
    """A scalar exactly as written. `line` and `col` are 1-based, in the YAML text."""

    value: str
    line: int
    col: int
    plain: bool = True
    """False when quoted or a block scalar: then ``"true"`` is text, never a boolean."""

    @property
    def is_null(self) -> bool:
        return self.plain and self.value in _NULLS


@dataclass(frozen=True, slots=True)
class Sequence:
    items: tuple[Node, ...]
    line: int
    col: int


@dataclass(frozen=True, slots=True)
class Mapping:
    """A mapping with scalar keys, in source order; keys are unique."""

    entries: tuple[tuple[Scalar, Node], ...]
    line: int
    col: int
    _index: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for i, (key, _) in enumerate(self.entries):
            self._index[key.value] = i

    def get(self, key: str) -> tuple[Scalar, Node] | None:
        i = self._index.get(key)
        return None if i is None else self.entries[i]


Node = Scalar | Sequence | Mapping


class YamlError(Exception):
    """YAML that cannot be read, at a 1-based position in the YAML text."""

    def __init__(self, message: str, line: int, col: int, code: str = "E105") -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col
        self.code = code


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


class _Positions:
    """File positions (line, col; 1-based) of libyaml's marks.

    libyaml also ends a line at U+0085, U+2028 and U+2029, which editors do not, counts
    a line break after a text that lacks a final one, and skips a byte-order mark at the
    start (a second one: the first went with decoding) without counting it. Its own
    line and column serve where none of these can happen; elsewhere they come from the
    mark's offset.
    """

    def __init__(self, text: str, offset: int) -> None:
        self.text = text
        self.offset = offset
        self.skipped = 1 if text.startswith("\ufeff") else 0
        self.exact = not self.skipped and not any(c in text for c in _OTHER_BREAKS)
        self._starts: list[int] | None = None

    def index(self, mark: yaml.Mark) -> int:
        """The mark's offset in the text."""
        return min(mark.index + self.skipped, len(self.text))

    def __call__(self, mark: yaml.Mark) -> tuple[int, int]:
        if self.exact and mark.index < len(self.text):
            return mark.line + 1 + self.offset, mark.column + 1
        if self._starts is None:
            self._starts = [0, *(m.end() for m in re.finditer("\n", self.text))]
        index = self.index(mark)
        line = bisect_right(self._starts, index)
        return line + self.offset, index - self._starts[line - 1] + 1


def _describe_parser_error(exc: yaml.MarkedYAMLError, text: str,
                           where: _Positions) -> YamlError:
    """The parser's complaint at its file position."""
    mark = exc.problem_mark or exc.context_mark
    line, col = where(mark) if mark else (1 + where.offset, 1)
    problem = exc.problem or "cannot be read"
    if mark and where.index(mark) < len(text) and text[where.index(mark)] == "\t":
        return YamlError("a tab character: YAML indents with spaces only", line, col,
                         code="E110")
    context = exc.context_mark
    if exc.context and context is not None and where(context) != (line, col):
        context_line, context_col = where(context)
        problem = (f"{problem} ({exc.context} that starts at line {context_line},"
                   f" column {context_col})")
    elif exc.context:
        problem = f"{problem} ({exc.context})"
    for near in (mark, context):
        odd = _other_break_near(text, where.index(near)) if near is not None else None
        if odd is not None:
            problem += (f"; line {where(near)[0]} holds the invisible character U+{ord(odd):04X},"
                        " which YAML reads as a line break: remove it")
            break
    return YamlError(f"YAML syntax error: {problem}", line, col)


def _character_offset(text: str, position: int) -> int:
    """libyaml reports where its reader stopped in bytes of the UTF-8 text; Python's
    reader (the fallback) in characters."""
    if _Parser is yaml.SafeLoader:
        return position
    return len(text.encode("utf-8")[:position].decode("utf-8", "ignore"))


def _other_break_near(text: str, index: int) -> str | None:
    """The first of `_OTHER_BREAKS` on the (editor's) line holding `index`, if any."""
    start = text.rfind("\n", 0, index) + 1
    end = text.find("\n", index)
    line = text[start:] if end < 0 else text[start:end]
    return next((c for c in line if c in _OTHER_BREAKS), None)


class _Builder:
    """Assembles nodes from events with an explicit stack (no recursion)."""

    def __init__(self) -> None:
        # Each open collection: [kind, line, col, children, pending_key_or_None]
        self.stack: list[list] = []
        self.anchors: dict[str, tuple[Node, int]] = {}
        self.nodes = 0
        self.root: Node | None = None
        self.seen_keys: list[dict[str, Scalar]] = []

    def add(self, node: Node, size: int, anchor: str | None) -> None:
        self.nodes += size
        if self.nodes > MAX_NODES:
            raise YamlError(
                f"too many values (over {MAX_NODES:,} after expanding aliases)",
                node.line, node.col, code="E108",
            )
        if anchor:
            self.anchors[anchor] = (node, size)
        if not self.stack:
            self.root = node
            return
        top = self.stack[-1]
        if top[0] == "seq":
            top[3].append(node)
            top[5] += size
            return
        if top[4] is None:  # this node is a key
            if not isinstance(node, Scalar):
                raise YamlError("a mapping key must be plain text", node.line, node.col)
            seen = self.seen_keys[-1]
            first = seen.get(node.value)
            if first is not None:
                raise YamlError(
                    f"duplicate key '{shorten(node.value)}' (first on line {first.line})",
                    node.line, node.col, code="E107",
                )
            seen[node.value] = node
            top[4] = node
        else:
            top[3].append((top[4], node))
            top[4] = None
            top[5] += size

    def open(self, kind: str, line: int, col: int, anchor: str | None) -> None:
        if len(self.stack) >= MAX_DEPTH:
            raise YamlError(f"nesting deeper than {MAX_DEPTH} levels", line, col, code="E108")
        self.stack.append([kind, line, col, [], None, 1, anchor])
        if kind == "map":
            self.seen_keys.append({})

    def close(self) -> None:
        kind, line, col, children, _, size, anchor = self.stack.pop()
        if kind == "map":
            self.seen_keys.pop()
            node: Node = Mapping(tuple(children), line, col)
        else:
            node = Sequence(tuple(children), line, col)
        self.nodes -= size - 1  # children were counted as they arrived
        self.add(node, size, anchor)


_PLAIN_TAGS = frozenset({"!", "tag:yaml.org,2002:str", "tag:yaml.org,2002:map",
                         "tag:yaml.org,2002:seq"})


def _check_tag(tag: str | None, line: int, col: int) -> None:
    if tag is not None and tag not in _PLAIN_TAGS:
        shown = tag.replace("tag:yaml.org,2002:", "!!")
        raise YamlError(
            f"unsupported tag '{shown}': front matter holds plain values only", line, col,
            code="E109",
        )


def read_yaml(text: str, first_line: int = 1) -> Node | None:
    """Read one YAML document into nodes; None for an empty document.

    `first_line` is the line number the text starts at in its file, so that every
    position, in nodes and in errors, is a position in the file.
    Raises `YamlError` for anything that cannot be read safely.
    """
    return _read(text, first_line - 1)


def _read(text: str, offset: int) -> Node | None:
    builder = _Builder()
    where = _Positions(text, offset)
    exact, size = where.exact, len(text)
    documents = 0
    try:
        parser = _Parser(text)
        # The parser's events one by one (not through `yaml.parse`, a generator), told
        # apart by their exact class, most frequent first: 40 events a file.
        while (event := parser.get_event()) is not None:
            kind, mark = type(event), event.start_mark
            if exact and mark.index < size:
                line, col = mark.line + 1 + offset, mark.column + 1
            else:
                line, col = where(mark)
            if kind is ScalarEvent:
                if event.tag is not None:
                    _check_tag(event.tag, line, col)
                plain = bool(event.implicit[0]) and not event.style
                builder.add(Scalar(event.value, line, col, plain), 1, event.anchor)
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                builder.close()
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                if event.tag is not None:
                    _check_tag(event.tag, line, col)
                builder.open("map" if kind is MappingStartEvent else "seq", line, col,
                             event.anchor)
            elif kind is AliasEvent:
                target = builder.anchors.get(event.anchor)
                if target is None:
                    raise YamlError(f"unknown alias '*{event.anchor}'", line, col)
                builder.add(target[0], target[1], None)
            elif kind is DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise YamlError("more than one YAML document", line, col)
    except yaml.MarkedYAMLError as exc:
        raise _describe_parser_error(exc, text, where) from None
    except yaml.reader.ReaderError as exc:  # a control character: no mark, an offset
        line, col = _line_col(text, _character_offset(text, exc.position))
        line += offset
        raise YamlError(
            f"character U+{exc.character:04X} is not allowed here ({exc.reason})",
            line, col, code="E110",
        ) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"YAML cannot be read: {exc}", 1 + offset, 1) from None
    if isinstance(builder.root, Scalar) and builder.root.is_null:
        return None  # `---` alone, or only comments: a document with nothing in it
    return builder.root
