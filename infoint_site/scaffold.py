"""New files from templates: `init`, `new contact` and `new meeting`.

Templates are pure functions returning text; `create_file` is the only writer here,
and it refuses to overwrite anything (the file is opened with O_EXCL).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import Path

from .errors import FileExists, InfointError
from .questions import PREPARATION, group_title
from .records import Contact

_PLAIN = re.compile(r"[A-Za-z\u00C0-\u024F][\w .,'&()/+-]*")
_RESERVED = re.compile(r"(?i)(true|false|yes|no|on|off|null|~)")


def yaml_text(value: str) -> str:
    """`value` as a YAML scalar that reads back as exactly this text."""
    if _PLAIN.fullmatch(value) and not _RESERVED.fullmatch(value) and value == value.strip():
        return value
    return json.dumps(value, ensure_ascii=False)


# Latin letters that Unicode does not decompose into a base letter and an accent.
_LETTERS = str.maketrans({"Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "ß": "ss", "Æ": "AE",
                          "æ": "ae", "Œ": "OE", "œ": "oe", "Đ": "D", "đ": "d", "Þ": "Th",
                          "þ": "th", "Ð": "D", "ð": "d", "ı": "i", "Ħ": "H", "ħ": "h"})


def slugify(name: str) -> str:
    """``"Zoë O'Brien"`` → ``zoe-obrien``, ``"Łukasz Żółć"`` → ``lukasz-zolc``: the file
    stem and id for a person."""
    ascii_name = unicodedata.normalize("NFKD", name.translate(_LETTERS)).encode(
        "ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower().replace("'", "")).strip("-")
    if not slug:  # a name in a script with no ASCII letters: keep its own letters
        slug = re.sub(r"[^\w]+", "-", name.casefold()).strip("-")
    return slug or "contact"


def create_file(path: Path, text: str) -> None:
    """Write a new file; never replace an existing one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:
        raise FileExists(f"{path} already exists; nothing was written") from None


def contact_template(name: str, referred_by: str | None = None,
                     company: str | None = None) -> str:
    lines = [
        "---",
        f"name: {yaml_text(name)}",
        f"company: {yaml_text(company)}" if company else "company:",
        "role:",
        "field:",
        "tags: []",
        "email:",
        'phone: ""                # quoted, so it stays exactly as written',
        "linkedin:",
    ]
    if referred_by:
        lines += [
            f"referred_by: {referred_by}",
            "may_use_name:            # true once they agree that you mention their name",
        ]
    else:
        lines += ["referred_by:             # the contact id of who suggested them"]
    lines += [
        "requested:               # the day you asked for a conversation",
        "script:                  # the reason you gave when asking: stay true to it",
        "keep_in_touch: false     # or a cadence like 60d, or true for the default",
        "---",
        "## Research",
        "",
        "Their background, their organisation, what they have written or said in public,",
        "and what you would most like to learn from them.",
        "",
    ]
    return "\n".join(lines)


def meeting_template(contact: Contact, day: date, bank: Mapping[str, tuple[str, ...]],
                     duration_minutes: int = 20) -> str:
    """A meeting file: logistics, goals, the question bank to choose from, preparation."""
    lines = [
        "---",
        f"contact: {contact.id}",
        f"date: {day.isoformat()}          # or \"{day.isoformat()} 14:30\" for a time",
        f"duration_minutes: {duration_minutes}      # the time you asked for: keep to it",
        "format: in-person         # in-person | phone | video",
        "platform:                 # for video: their preferred platform, tested beforehand",
        "location:",
        "goals:",
        "  - ",
        "questions:                # uncomment the ones you will ask, in this order",
    ]
    for group, questions in bank.items():
        lines.append(f"  # {group_title(group)}")
        for question in questions:
            keep = group == "closing"  # always ask for the next name
            lines.append(f"  {'' if keep else '# '}- {yaml_text(question)}")
    lines += [
        "referrals: []             # people they suggest: contact ids, or names",
        "outcome:                  # advice | referral | job-lead | job-offer | none",
        "confirmed:                # the day you confirmed, the day before",
        "thank_you_sent:",
        "resume_requested: false   # send your resume only if they ask",
        "---",
        "## Preparation",
        "",
    ]
    lines += [f"- {item}" for item in PREPARATION]
    if contact.script:
        lines.append(f"- You asked for this meeting with the script **{contact.script}**.")
    if contact.referred_by:
        lines.append(f"- Referred by `{contact.referred_by}`"
                     + (": you may use their name." if contact.may_use_name else "."))
    lines += [
        "",
        "## Notes",
        "",
        "Afterwards: one `## Q: question` heading per answer, in their words, then an",
        "Evaluation heading: what went well, what to change, what you still need to know,",
        "next steps.",
        "",
    ]
    return "\n".join(lines)


def settings_template(owner: str, timezone: str) -> str:
    return f"""# infoint-site settings: every key is optional. See docs/journal-format.md.
title: Networking journal
owner: {yaml_text(owner) if owner else '""'}
timezone: {timezone}         # decides "today" and what meeting times mean
output: public                # the built site
theme: default
follow_up:                    # days; these are the defaults
  confirm_days_before: 1
  thank_you_days: 1
  evaluate_days: 2
  resume_days: 2
  referrer_update_days: 3
  reach_out_days: 7
  request_nudge_days: 7
  soon_days: 7
  keep_in_touch: 90d
questions:                    # your own questions, added to the built-in bank
  specifics: []
privacy:
  encrypt: false              # encrypt every page; password from INFOINT_PASSWORD
  hide_fields: []             # e.g. [phone, email]: never written into the site
"""


def init_journal(folder: Path, today: date, owner: str = "",
                 timezone: str = "Europe/London") -> list[Path]:
    """A new journal with settings and a few example files; refuses a non-empty folder."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise InfointError(f"{folder} is not empty; init only starts a journal in an empty"
                           " or new folder")
    root_contact = "sam-rivera"
    referred = "alex-morgan"
    met = today - timedelta(days=10)
    upcoming = today + timedelta(days=5)
    files = {
        "infoint.yaml": settings_template(owner, timezone),
        ".gitignore": "public/\n.infoint-cache/\n",
        f"content/contacts/{root_contact}.md": (
            "---\nname: Sam Rivera\ncompany: Former colleague\nrole: Product manager\n"
            "keep_in_touch: 60d\n---\nSomeone you already know: the start of a referral"
            " chain.\n"
        ),
        f"content/contacts/{referred}.md": (
            f"---\nname: Alex Morgan\ncompany: example-co\nrole: Data analyst\n"
            f"referred_by: {root_contact}\nmay_use_name: true\n"
            f"requested: {(met - timedelta(days=7)).isoformat()}\nscript: career-change\n"
            "---\n## Research\n\nWhat you learned about Alex before meeting.\n"
        ),
        "content/companies/example-co.md": (
            "---\nname: Example Co\nwebsite: https://example.com\nfield: analytics\n---\n"
            "Research notes on the organisation.\n"
        ),
        f"content/meetings/{met.isoformat()}-{root_contact}.md": (
            f"---\ncontact: {root_contact}\ndate: {met.isoformat()}\nformat: in-person\n"
            f"duration_minutes: 20\nreferrals: [{referred}]\noutcome: referral\n"
            f"thank_you_sent: {(met + timedelta(days=1)).isoformat()}\n---\n"
            "## Q: Who else should I talk to?\nAlex Morgan, who moved into analytics last"
            " year.\n\n## Evaluation\nWent well; ask about tools next time.\n"
        ),
        f"content/meetings/{upcoming.isoformat()}-{referred}.md": (
            f"---\ncontact: {referred}\ndate: \"{upcoming.isoformat()} 12:30\"\n"
            "format: video\nplatform: Zoom\nduration_minutes: 20\n"
            "goals: [learn how analysts spend their week]\n---\n## Preparation\n\n"
            "Two-minute introduction; research on Alex and Example Co.\n"
        ),
    }
    created = []
    for rel, text in files.items():
        path = folder / rel
        create_file(path, text)
        created.append(path)
    return created
