"""``infoint.yaml``: the journal's settings, every key optional, every bad key reported."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from . import yamlread as y
from .durations import Duration
from .frontmatter import decode
from .layout import SETTINGS_FILE
from .problems import Problem, error, shorten
from .schema import (
    COMPANY_FIELDS,
    CONTACT_FIELDS,
    MEETING_FIELDS,
    Boolean,
    DurationKind,
    Field,
    Integer,
    Text,
    TextList,
    _Deferred,
    convert_mapping,
)
from .suggest import did_you_mean

HIDEABLE_FIELDS: tuple[str, ...] = tuple(sorted(
    {f.name for f in (*CONTACT_FIELDS, *MEETING_FIELDS, *COMPANY_FIELDS)}
    - {"name", "contact", "date", "follow_ups"}
))
"""Fields that `privacy.hide_fields` may keep out of the built site."""


@dataclass(frozen=True, slots=True)
class FollowUpRules:
    """Days between an event and the follow-up it calls for."""

    confirm_days_before: int = 1
    thank_you_days: int = 1
    evaluate_days: int = 2
    resume_days: int = 2
    referrer_update_days: int = 3
    reach_out_days: int = 7
    request_nudge_days: int = 7
    soon_days: int = 7
    keep_in_touch: Duration = Duration(90, "d")  # noqa: RUF009 - frozen, shared safely
    """The cadence used by ``keep_in_touch: true``."""


@dataclass(frozen=True, slots=True)
class Privacy:
    encrypt: bool = False
    """Encrypt every page with the password in INFOINT_PASSWORD."""
    hide_fields: tuple[str, ...] = ()
    """Fields never written into the built site, e.g. ("phone", "email")."""


@dataclass(frozen=True, slots=True)
class Settings:
    title: str = "Networking journal"
    owner: str = ""
    timezone: str = "UTC"
    """An IANA name: decides "today" and what meeting times mean."""
    output: str = "public"
    theme: str = "default"
    follow_up: FollowUpRules = FollowUpRules()
    questions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Your own questions by group (big-picture, specifics, closing, or your own)."""
    privacy: Privacy = Privacy()


class _Timezone(Text):
    expected = "an IANA time zone like Europe/London"


class _RelativePath(Text):
    expected = "a folder path relative to the journal"


_DAYS = Integer(0, 365)

TOP_FIELDS = (
    Field("title", Text(), "The site's title."),
    Field("owner", Text(), "Whose journal this is."),
    Field("timezone", _Timezone(), "An IANA time zone: decides today and meeting times."),
    Field("output", _RelativePath(), "The build folder, relative to the journal root."),
    Field("theme", Text(), "The theme: a folder in themes/, or default."),
    Field("follow_up", _Deferred(), "Days for each follow-up rule."),
    Field("questions", _Deferred(), "Your own questions, by group."),
    Field("privacy", _Deferred(), "encrypt and hide_fields."),
)
FOLLOW_UP_FIELDS = (
    *(Field(name, _DAYS, f"Days for the {name.replace('_', ' ')} rule.")
      for name in ("confirm_days_before", "thank_you_days", "evaluate_days", "resume_days",
                   "referrer_update_days", "reach_out_days", "request_nudge_days",
                   "soon_days")),
    Field("keep_in_touch", DurationKind(), "Cadence for keep_in_touch: true, e.g. 90d."),
)
PRIVACY_FIELDS = (
    Field("encrypt", Boolean(), "Encrypt every page; password from INFOINT_PASSWORD."),
    Field("hide_fields", TextList(), "Fields never written into the built site."),
)


def _section(
    path: str, values: dict[str, Any], name: str, fields: tuple[Field, ...],
    problems: list[Problem],
) -> tuple[dict[str, Any], dict[str, tuple[int, int]]]:
    node = values.pop(name, None)
    if node is None:
        return {}, {}
    if not isinstance(node, y.Mapping):
        problems.append(error(path, node.line, node.col, "E202",
                              f"{name}: expected a mapping of keys to values"))
        return {}, {}
    return convert_mapping(path, node, fields, problems, where=(node.line, node.col),
                           prefix=f"{name}.")


def _questions(path: str, node: Any, problems: list[Problem]) -> dict[str, tuple[str, ...]]:
    if node is None:
        return {}
    if not isinstance(node, y.Mapping):
        problems.append(error(path, node.line, node.col, "E202",
                              "questions: expected groups like `specifics: [A question?]`"))
        return {}
    groups: dict[str, tuple[str, ...]] = {}
    for key, value in node.entries:
        if isinstance(value, y.Scalar) and value.is_null:
            continue
        if not isinstance(value, y.Sequence | y.Scalar):
            problems.append(error(path, value.line, value.col, "E202",
                                  f"questions.{shorten(key.value)}: expected a list of questions"))
            continue
        questions = [item for item in ([value] if isinstance(value, y.Scalar) else value.items)]
        texts = []
        for item in questions:
            if isinstance(item, y.Scalar) and (item.is_null or not item.value.strip()):
                continue
            if not isinstance(item, y.Scalar):
                problems.append(error(
                    path, item.line, item.col, "E202",
                    f"questions.{shorten(key.value)}: expected a question as text"))
                continue
            texts.append(item.value)
        groups[key.value] = tuple(texts)
    return groups


def _known_timezone(name: str) -> bool:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    # The longest IANA name has 32 characters; a long one only makes the lookup recurse.
    if len(name) > 64 or not re.fullmatch(r"[A-Za-z0-9_+\-]+(/[A-Za-z0-9_+\-]+)*", name):
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError, TypeError, ImportError):
        # A folder of zones (America), a name too long for a file name, or one that
        # tzdata's package lookup trips over (__init__/x): none is a time zone.
        return False
    return True


def parse_settings(data: bytes | None,
                   themes: tuple[str, ...] | None = None) -> tuple[Settings, list[Problem]]:
    """Settings from the bytes of ``infoint.yaml`` (None: the file is absent).

    `themes` names the journal's own theme folders; given, ``theme`` must be one of
    them or ``default``.
    """
    path = SETTINGS_FILE
    if data is None:
        return Settings(), []
    text, problem = decode(path, data)
    if text is None:
        return Settings(), [problem] if problem else []
    try:
        root = y.read_yaml(text)
    except y.YamlError as exc:
        return Settings(), [error(path, exc.line, exc.col, exc.code, exc.message)]
    if root is None:
        return Settings(), []
    if not isinstance(root, y.Mapping):
        return Settings(), [error(path, root.line, root.col, "E106",
                                  "settings must be a mapping of keys to values")]
    problems: list[Problem] = []
    values, positions = convert_mapping(path, root, TOP_FIELDS, problems)

    rules = FollowUpRules(**_section(path, values, "follow_up", FOLLOW_UP_FIELDS, problems)[0])
    privacy_values, privacy_positions = _section(path, values, "privacy", PRIVACY_FIELDS,
                                                 problems)
    hidden = privacy_values.get("hide_fields", ())
    for i, hidden_field in enumerate(hidden):
        if hidden_field not in HIDEABLE_FIELDS:
            line, col = (privacy_positions.get(f"hide_fields.{i}")
                         or privacy_positions["hide_fields"])
            problems.append(error(
                path, line, col, "E204",
                f"privacy.hide_fields: no field '{shorten(hidden_field)}'"
                f"{did_you_mean(hidden_field, HIDEABLE_FIELDS)}",
            ))
    privacy = Privacy(
        encrypt=privacy_values.get("encrypt", False),
        hide_fields=tuple(f for f in hidden if f in HIDEABLE_FIELDS),
    )
    questions = _questions(path, values.pop("questions", None), problems)

    timezone = values.get("timezone")
    if timezone is not None and not _known_timezone(timezone):
        line, col = positions["timezone"]
        problems.append(error(
            path, line, col, "E204",
            f"timezone: expected {_Timezone.expected}, got '{shorten(timezone)}'"))
        values.pop("timezone")
    theme = values.get("theme")
    if theme is not None and themes is not None and theme != "default" and theme not in themes:
        line, col = positions["theme"]
        problems.append(error(
            path, line, col, "E204",
            f"theme: no folder themes/{shorten(theme)}{did_you_mean(theme, themes)};"
            " use default or create it"))
        values.pop("theme")
    output = values.get("output")
    if output is not None and (not output.strip() or output.strip() in (".", "./")):
        line, col = positions["output"]
        problems.append(error(path, line, col, "E202",
                              "output: the build folder cannot be the journal itself"))
        values.pop("output")
    return Settings(**values, follow_up=rules, questions=questions, privacy=privacy), problems


