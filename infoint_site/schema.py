"""The front matter's fields, declared once: the validator converts with them and
`infoint-site schema` writes JSON Schema from them, so the two cannot drift.

A field has a name, a kind and a description. A kind turns a YAML node into a typed
value or raises `FieldError` worded "expected X, got Y"; its `json_schema` describes
the same values for editors.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from . import yamlread as y
from .durations import Duration, parse_duration
from .problems import Problem, error, shorten, warning
from .records import (
    CONTACT_STATUSES,
    MEETING_FORMATS,
    MEETING_STATUSES,
    OUTCOMES,
    FollowUpItem,
)
from .suggest import did_you_mean

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATE_TIME = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})(?:[ T]([0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?))?")
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})


class FieldError(Exception):
    """A value of the wrong kind, with the node to point at."""

    def __init__(self, code: str, message: str, node: y.Node) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.node = node


def _shown(node: y.Node) -> str:
    if isinstance(node, y.Scalar):
        return f"'{shorten(node.value)}'"
    return "a list" if isinstance(node, y.Sequence) else "a mapping"


def _scalar(node: y.Node, expected: str, code: str = "E202") -> y.Scalar:
    if not isinstance(node, y.Scalar):
        raise FieldError(code, f"expected {expected}, got {_shown(node)}", node)
    return node


def _flag(scalar: y.Scalar) -> bool | None:
    """A plain ``true`` or ``false`` (any case YAML allows) as a bool; None for anything else."""
    if scalar.plain and scalar.value in _TRUE:
        return True
    if scalar.plain and scalar.value in _FALSE:
        return False
    return None


class Kind:
    """How one field's value is read; subclasses say which values are allowed."""

    expected = "a value"

    def convert(self, node: y.Node) -> Any:
        raise FieldError("E202", f"expected {self.expected}, got {_shown(node)}", node)

    def json_schema(self) -> dict[str, Any]:
        return {}


class Text(Kind):
    expected = "text"

    def convert(self, node: y.Node) -> str:
        return _scalar(node, self.expected).value

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string"}


class Email(Text):
    expected = "an email address like jane@example.com"

    def convert(self, node: y.Node) -> str:
        value = _scalar(node, self.expected).value.strip()
        if "@" not in value or " " in value:
            raise FieldError("E202", f"expected {self.expected}, got {_shown(node)}", node)
        return value

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": "^[^@\\s]+@[^@\\s]+$"}


class Url(Text):
    expected = "a web address starting with https://"

    def convert(self, node: y.Node) -> str:
        value = _scalar(node, self.expected).value.strip()
        if not re.match(r"https?://[^\s]+$", value, re.IGNORECASE):
            raise FieldError("E202", f"expected {self.expected}, got {_shown(node)}", node)
        return value

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "uri", "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://"}


class Boolean(Kind):
    expected = "true or false"

    def convert(self, node: y.Node) -> bool:
        scalar = _scalar(node, self.expected)
        flag = _flag(scalar)
        if flag is not None:
            return flag
        if scalar.value in _TRUE | _FALSE:
            raise FieldError("E202", f"expected {self.expected}, got the quoted text"
                             f" {_shown(node)}; remove the quotes", node)
        raise FieldError("E202", f"expected {self.expected}, got {_shown(node)}", node)

    def json_schema(self) -> dict[str, Any]:
        return {"type": "boolean"}


@dataclass(frozen=True)
class Integer(Kind):
    minimum: int = 0
    maximum: int = 100_000
    expected = "a whole number"

    def convert(self, node: y.Node) -> int:
        scalar = _scalar(node, self.expected)
        if not re.fullmatch(r"[0-9]{1,9}", scalar.value):
            raise FieldError("E202", f"expected {self.expected}, got {_shown(node)}", node)
        if not scalar.plain:
            raise FieldError("E202", f"expected {self.expected}, got the quoted text"
                             f" {_shown(node)}; remove the quotes", node)
        value = int(scalar.value)
        if not self.minimum <= value <= self.maximum:
            raise FieldError(
                "E202",
                f"expected a number from {self.minimum} to {self.maximum}, got {value}",
                node,
            )
        return value

    def json_schema(self) -> dict[str, Any]:
        return {"type": "integer", "minimum": self.minimum, "maximum": self.maximum}


FIRST_YEAR, LAST_YEAR = 1900, 2999
"""Dates outside these years are typos (0026 for 2026); refusing them also keeps every
computed date (a meeting's day plus a 9999-month cadence) within what a date can hold."""
_YEAR_PATTERN = "(19|2[0-9])[0-9]{2}"


def _real_date(text: str, node: y.Node) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError as exc:
        raise FieldError(
            "E203", f"expected a date like 2026-11-03, got '{text}' ({exc})", node
        ) from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise FieldError(
            "E203", f"expected a date from the year {FIRST_YEAR} to {LAST_YEAR}, got '{text}'",
            node,
        )
    return day


class Day(Kind):
    expected = "a date like 2026-11-03"

    def convert(self, node: y.Node) -> date:
        scalar = _scalar(node, self.expected, "E203")
        text = scalar.value.strip()
        if not _DATE.fullmatch(text):
            raise FieldError("E203", f"expected {self.expected}, got {_shown(node)}", node)
        return _real_date(text, node)

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "date",
                "pattern": f"^{_YEAR_PATTERN}-[0-9]{{2}}-[0-9]{{2}}$"}


class DayTime(Kind):
    """A date, or a date and a local time: ``2026-11-03`` or ``"2026-11-03 14:30"``."""

    expected = "a date like 2026-11-03 or \"2026-11-03 14:30\""

    def convert(self, node: y.Node) -> tuple[date, time | None]:
        scalar = _scalar(node, self.expected, "E203")
        match = _DATE_TIME.fullmatch(scalar.value.strip())
        if match is None:
            raise FieldError("E203", f"expected {self.expected}, got {_shown(node)}", node)
        day = _real_date(match.group(1), node)
        if match.group(2) is None:
            return day, None
        try:
            clock = time.fromisoformat(match.group(2).zfill(5 if match.group(2).count(":") == 1
                                                           else 8))
        except ValueError:
            raise FieldError(
                "E203", f"expected a time like 14:30, got '{match.group(2)}'", node
            ) from None
        return day, clock

    def json_schema(self) -> dict[str, Any]:
        return {
            "type": "string",
            "pattern": (f"^{_YEAR_PATTERN}-[0-9]{{2}}-[0-9]{{2}}"
                        "([ T][0-9]{1,2}:[0-9]{2}(:[0-9]{2})?)?$"),
        }


class DoneValue(Kind):
    """``true``, ``false`` or the date it was done."""

    expected = "a date like 2026-11-03, true or false"

    def convert(self, node: y.Node) -> date | bool:
        scalar = _scalar(node, self.expected, "E203")
        flag = _flag(scalar)
        if flag is not None:
            return flag
        text = scalar.value.strip()
        if not _DATE.fullmatch(text):
            raise FieldError("E203", f"expected {self.expected}, got {_shown(node)}", node)
        return _real_date(text, node)

    def json_schema(self) -> dict[str, Any]:
        return {"oneOf": [{"type": "boolean"}, Day().json_schema()]}


class DurationKind(Kind):
    expected = "a duration like 90d, 2w or 3m"

    def convert(self, node: y.Node) -> Duration:
        scalar = _scalar(node, self.expected, "E205")
        duration = parse_duration(scalar.value)
        if duration is None:
            raise FieldError("E205", f"expected {self.expected}, got {_shown(node)}", node)
        return duration

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": "^[0-9]{1,4} ?[dwmDWM]$"}


class Cadence(Kind):
    """``keep_in_touch``: a duration, true (the default cadence) or false."""

    expected = "a duration like 60d, or true or false"

    def convert(self, node: y.Node) -> Duration | bool:
        scalar = _scalar(node, self.expected, "E205")
        flag = _flag(scalar)
        if flag is not None:
            return flag
        duration = parse_duration(scalar.value)
        if duration is None:
            raise FieldError("E205", f"expected {self.expected}, got {_shown(node)}", node)
        return duration

    def json_schema(self) -> dict[str, Any]:
        return {"oneOf": [{"type": "boolean"}, DurationKind().json_schema()]}


@dataclass(frozen=True)
class Choice(Kind):
    values: tuple[str, ...]

    @property
    def expected(self) -> str:  # type: ignore[override]
        return "one of " + " | ".join(self.values)

    def convert(self, node: y.Node) -> str:
        scalar = _scalar(node, self.expected, "E204")
        if scalar.value not in self.values:
            hint = did_you_mean(scalar.value.lower(), self.values)
            raise FieldError(
                "E204", f"expected {self.expected}, got {_shown(node)}{hint}", node
            )
        return scalar.value

    def json_schema(self) -> dict[str, Any]:
        return {"enum": list(self.values)}


class TextList(Kind):
    """A list of text; a single text is taken as a list of one."""

    expected = "a list like [a, b]"

    def convert(self, node: y.Node) -> tuple[str, ...]:
        if isinstance(node, y.Scalar):
            return (node.value,)
        if not isinstance(node, y.Sequence):
            raise FieldError("E202", f"expected {self.expected}, got {_shown(node)}", node)
        values = []
        for item in node.items:
            if isinstance(item, y.Scalar) and item.is_null:
                continue
            values.append(_scalar(item, "text in the list").value)
        return tuple(values)

    def json_schema(self) -> dict[str, Any]:
        return {"oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}]}


@dataclass(frozen=True)
class Field:
    """One front matter key."""

    name: str
    kind: Kind
    doc: str
    required: bool = False
    aliases: tuple[str, ...] = ()


_POSITIONS: dict[tuple[int, int], tuple[int, int]] = {}
_ITEM_KEYS: dict[tuple[str, int], str] = {}
_MAX_SHARED = 100_000


def _position(line: int, col: int) -> tuple[int, int]:
    """One (line, col) tuple for every record that has a value there: 10,000 records
    hold 150,000 positions, nearly all alike."""
    if len(_POSITIONS) > _MAX_SHARED:  # a long `serve` of many odd files
        _POSITIONS.clear()
    return _POSITIONS.setdefault((line, col), (line, col))


def _item_key(name: str, index: int) -> str:
    """``name.index``, one string for every record (kept as their positions' keys)."""
    key = _ITEM_KEYS.get((name, index))
    if key is None:
        if len(_ITEM_KEYS) > _MAX_SHARED:
            _ITEM_KEYS.clear()
        key = _ITEM_KEYS.setdefault((name, index), f"{name}.{index}")
    return key


def convert_mapping(
    path: str,
    node: y.Mapping,
    fields: Sequence[Field],
    problems: list[Problem],
    where: tuple[int, int] = (1, 1),
    prefix: str = "",
) -> tuple[dict[str, Any], dict[str, tuple[int, int]]]:
    """Typed values and their positions for the fields of one mapping.

    `prefix` names the enclosing section in messages (``privacy.``).

    Unknown keys are warnings with a suggestion; wrong values and missing required
    fields are errors. Every problem is appended to `problems`; a bad value is left
    out of the result, so later stages see only good values.
    """
    by_name: dict[str, Field] = {}
    for spec in fields:
        by_name[spec.name] = spec
        for alias in spec.aliases:
            by_name[alias] = spec
    values: dict[str, Any] = {}
    positions: dict[str, tuple[int, int]] = {}
    seen: dict[str, y.Scalar] = {}
    invalid: set[str] = set()
    for key, value in node.entries:
        spec = by_name.get(key.value)
        if spec is None:
            hint = did_you_mean(key.value, [f.name for f in fields], quote="`")
            problems.append(warning(
                path, key.line, key.col, "W401",
                f"unknown key '{prefix}{shorten(key.value)}'{hint}",
            ))
            continue
        if spec.name in seen:
            first = seen[spec.name]
            problems.append(error(
                path, key.line, key.col, "E107",
                f"'{key.value}' and '{first.value}' (line {first.line}) are the same field;"
                " keep one",
            ))
            continue
        seen[spec.name] = key
        if isinstance(value, y.Scalar) and (value.is_null or not value.value.strip()):
            continue  # an empty value is an absent one: templates leave keys blank
        try:
            values[spec.name] = spec.kind.convert(value)
        except FieldError as exc:
            invalid.add(spec.name)
            problems.append(error(
                path, exc.node.line, exc.node.col, exc.code,
                f"{prefix}{spec.name}: {exc.message}",
            ))
            continue
        positions[spec.name] = _position(value.line, value.col)
        if isinstance(value, y.Sequence):
            for i, item in enumerate(value.items):
                positions[_item_key(spec.name, i)] = _position(item.line, item.col)
    for spec in fields:
        if spec.required and spec.name not in values and spec.name not in invalid:
            if spec.name in seen:  # written, but left blank
                key = seen[spec.name]
                where = (key.line, key.col)
            problems.append(error(
                path, where[0], where[1], "E201",
                f"missing required field '{prefix}{spec.name}'",
            ))
    return values, positions


def _written(node: y.Mapping, key: str) -> bool:
    """The key is there with a value that is not blank."""
    entry = node.get(key)
    if entry is None:
        return False
    value = entry[1]
    return not (isinstance(value, y.Scalar) and (value.is_null or not value.value.strip()))


class FollowUpList(Kind):
    """``follow_ups``: a list of {action, due | after, done}."""

    expected = "a list of follow-ups, each with action and due or after"

    def __init__(self, allow_after: bool) -> None:
        self.allow_after = allow_after
        self.fields = [
            Field("action", Text(), "What to do.", required=True),
            Field("due", Day(), "The day it is due."),
            Field("done", DoneValue(), "The day it was done, or true."),
        ]
        if allow_after:
            self.fields.insert(2, Field(
                "after", DurationKind(), "Due this long after the meeting's date, e.g. 2w."
            ))

    def convert_items(
        self, path: str, node: y.Node, problems: list[Problem]
    ) -> tuple[FollowUpItem, ...]:
        if not isinstance(node, y.Sequence):
            problems.append(error(
                path, node.line, node.col, "E202",
                f"follow_ups: expected {self.expected}, got {_shown(node)}",
            ))
            return ()
        items = []
        for item in node.items:
            if not isinstance(item, y.Mapping):
                problems.append(error(
                    path, item.line, item.col, "E202",
                    f"follow_ups: expected an item with action and due, got {_shown(item)}",
                ))
                continue
            before = len(problems)
            values, _ = convert_mapping(path, item, self.fields, problems,
                                        where=(item.line, item.col))
            due, after = values.get("due"), values.get("after")
            has_due = _written(item, "due")
            has_after = self.allow_after and _written(item, "after")
            if not has_due and not has_after:
                what = "due: 2026-12-01 or after: 2w" if self.allow_after else "due: 2026-12-01"
                problems.append(error(
                    path, item.line, item.col, "E206",
                    f"follow-up has neither due nor after: add {what}",
                ))
            elif has_due and has_after:
                problems.append(error(
                    path, item.line, item.col, "E206",
                    "follow-up has both due and after: keep one",
                ))
            if any(p.is_error for p in problems[before:]) or (due is None and after is None):
                continue
            items.append(FollowUpItem(
                action=values["action"], due=due, after=after,
                done=values.get("done", False), line=item.line,
            ))
        return tuple(items)

    def json_schema(self) -> dict[str, Any]:
        return {"type": "array", "items": object_schema(self.fields)}


def object_schema(fields: Sequence[Field]) -> dict[str, Any]:
    """JSON Schema of a mapping with these fields."""
    properties: dict[str, Any] = {}
    for spec in fields:
        properties[spec.name] = {"description": spec.doc, **spec.kind.json_schema()}
        for alias in spec.aliases:
            properties[alias] = {"description": f"Same as `{spec.name}`.",
                                 **spec.kind.json_schema()}
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    required = [f.name for f in fields if f.required and not f.aliases]
    if required:
        schema["required"] = required
    return schema


class ContactRefs(Kind):
    """``contact``: one contact id, or a list of them."""

    expected = "a contact id or a list of contact ids"

    def convert(self, node: y.Node) -> tuple[str, ...]:
        ids = TextList().convert(node)
        if not ids:
            raise FieldError("E201", "needs at least one contact id", node)
        return tuple(i.strip() for i in ids)

    def json_schema(self) -> dict[str, Any]:
        return TextList().json_schema()


CONTACT_FOLLOW_UPS = FollowUpList(allow_after=False)
MEETING_FOLLOW_UPS = FollowUpList(allow_after=True)

CONTACT_FIELDS: tuple[Field, ...] = (
    Field("name", Text(), "The person's full name.", required=True),
    Field("company", Text(), "A company id (a file in content/companies/) or a name."),
    Field("role", Text(), "Their job title."),
    Field("field", Text(), "Their industry or field."),
    Field("tags", TextList(), "Your own labels."),
    Field("email", Email(), "Email address."),
    Field("phone", Text(), "Phone number, kept exactly as written (quote it)."),
    Field("linkedin", Url(), "LinkedIn profile address."),
    Field("referred_by", Text(), "Contact id of who suggested this person."),
    Field("may_use_name", Boolean(), "The referrer agreed that you mention their name."),
    Field("requested", Day(), "The day you asked for a conversation."),
    Field("script", Text(), "The reason you gave when asking (stay true to it)."),
    Field("status", Choice(CONTACT_STATUSES), "Overrides the derived status."),
    Field("keep_in_touch", Cadence(), "A cadence like 60d, true for the default, or false."),
    Field("last_contact", Day(), "A later touch that is not a meeting."),
    Field("follow_ups", CONTACT_FOLLOW_UPS, "Actions that belong to no meeting."),
)

MEETING_FIELDS: tuple[Field, ...] = (
    Field("contact", ContactRefs(), "The contact id, or a list of ids.", required=True,
          aliases=("contacts",)),
    Field("date", DayTime(), "The day, or \"day HH:MM\" local to the journal's timezone.",
          required=True),
    Field("duration_minutes", Integer(1, 24 * 60), "The time you asked for: keep to it."),
    Field("format", Choice(MEETING_FORMATS), "in-person, phone or video."),
    Field("platform", Text(), "For video: the interviewee's preferred platform."),
    Field("location", Text(), "Where you meet."),
    Field("status", Choice(MEETING_STATUSES),
          "scheduled, done or cancelled; absent: from the date."),
    Field("goals", TextList(), "What you want to learn."),
    Field("questions", TextList(), "Questions planned or asked."),
    Field("referrals", TextList(), "People suggested: contact ids, or names with no file yet."),
    Field("outcome", Choice(OUTCOMES), "advice, referral, job-lead, job-offer or none."),
    Field("confirmed", DoneValue(), "The day you confirmed the appointment."),
    Field("thank_you_sent", DoneValue(), "The day you sent your thanks."),
    Field("evaluated", DoneValue(), "true once notes and evaluation are written."),
    Field("resume_requested", Boolean(), "They asked for your resume."),
    Field("resume_sent", DoneValue(), "The day you sent it."),
    Field("referrer_updated", DoneValue(), "The day you told the referrer you met."),
    Field("follow_ups", MEETING_FOLLOW_UPS, "Actions agreed in the meeting."),
)

COMPANY_FIELDS: tuple[Field, ...] = (
    Field("name", Text(), "The organisation's name.", required=True),
    Field("website", Url(), "Its web address."),
    Field("field", Text(), "Its industry."),
    Field("tags", TextList(), "Your own labels."),
)


def convert_record_fields(
    path: str, node: y.Mapping, fields: Sequence[Field], problems: list[Problem]
) -> tuple[dict[str, Any], dict[str, tuple[int, int]]]:
    """`convert_mapping` for a whole file, with follow-up lists read item by item."""
    simple = [f for f in fields if not isinstance(f.kind, FollowUpList)]
    lists = {f.name: f.kind for f in fields if isinstance(f.kind, FollowUpList)}
    # Follow-up lists report per item; convert them outside the generic loop.
    values, positions = convert_mapping(
        path, node, [*simple, *(Field(n, _Deferred(), "") for n in lists)], problems
    )
    for name, kind in lists.items():
        entry = node.get(name)
        if entry is None or (isinstance(entry[1], y.Scalar) and entry[1].is_null):
            values.pop(name, None)
            continue
        assert isinstance(kind, FollowUpList)
        values[name] = kind.convert_items(path, entry[1], problems)
    return values, positions


class _Deferred(Kind):
    """Accepts anything: the value is converted afterwards by its own reader."""

    def convert(self, node: y.Node) -> y.Node:
        return node
