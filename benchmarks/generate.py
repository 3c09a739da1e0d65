"""Generate a large, valid journal for benchmarks: ``python benchmarks/generate.py OUT --files N``.

The same `files` and `seed` always write the same bytes. About 40% of the files are
contacts, 2% companies and the rest meetings; each file is about 3 KB. Contacts form
referral forests (some chains run dozens of people deep); meetings carry goals,
questions, referrals of the people their contact suggested, follow-ups and ``## Q:``
answers, and fall on both sides of `TODAY`, so every follow-up rule has work to do.
`check --today 2026-11-22` reports no problem at all.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import date, timedelta
from pathlib import Path

TODAY = date(2026, 11, 22)
"""The day the generated journal is meant to be built for (``--today``)."""

FIRST = ("Amira", "Ben", "Chloe", "Dev", "Elena", "Femi", "Grace", "Hiro", "Ines", "Jonas",
         "Kezia", "Liam", "Maya", "Nikhil", "Olu", "Petra", "Quinn", "Rosa", "Sami", "Tara",
         "Uma", "Viktor", "Wen", "Ximena", "Yusuf", "Zoe")
LAST = ("Adeyemi", "Brennan", "Castillo", "Dubois", "Eriksen", "Fischer", "Gupta", "Haddad",
        "Ivanova", "Jensen", "Kowalski", "Lindqvist", "Moreau", "Nakamura", "Okafor", "Petrov",
        "Quayle", "Rossi", "Santos", "Takahashi", "Ueda", "Varga", "Whitaker", "Yilmaz")
# Referrals to people with no file use other names, so none is taken for a contact.
OUTSIDERS = ("Arlo Penhaligon", "Bea Thistlewood", "Cyrus Marchetti", "Delphine Oyelaran",
             "Ezra Quillfeather", "Farah Montague")
FIELDS = ("data analytics", "product management", "user research", "healthcare analytics",
          "education technology", "energy forecasting", "public policy", "data engineering")
ROLES = ("Data Analyst", "Senior Analyst", "Head of Data", "Product Manager", "Researcher",
         "Analytics Engineer", "Team Lead", "Consultant")
TAGS = ("sql", "python", "dashboards", "career-changer", "fintech", "nhs", "edtech", "startups",
        "statistics", "mentoring", "hiring", "remote")
PLATFORMS = ("Zoom", "Microsoft Teams", "Google Meet")
FORMATS = ("in-person", "phone", "video")
OUTCOMES = ("advice", "referral", "job-lead", "none")
QUESTIONS = (
    "How do people usually get into this field, and how did you?",
    "What is your typical day like?",
    "What do you like most about your work, and what least?",
    "Which skills and personal traits matter most to succeed here?",
    "How would you assess someone with my background for this field?",
    "What advice would you give someone like me?",
    "Who else should I talk to, and may I use your name when I contact them?",
)
WORDS = ("the team", "a dashboard", "stakeholders", "the quarterly review", "a data model",
         "our hiring panel", "the backlog", "an experiment", "the pipeline", "customers",
         "a spreadsheet", "the roadmap", "weekly metrics", "a portfolio", "the first year",
         "clean data", "a mentor", "the interview", "career changers", "good questions")
VERBS = ("shapes", "depends on", "explains", "changes", "outgrows", "starts with", "reveals",
         "helps", "slows down", "rewards")

CONTACT_SHARE = 0.40
COMPANY_SHARE = 0.02
TARGET_BYTES = 3000


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS), rng.choice(VERBS), rng.choice(WORDS)]
    if rng.random() < 0.5:
        words += ["because", rng.choice(WORDS), rng.choice(VERBS), rng.choice(WORDS)]
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def _paragraphs(rng: random.Random, size: int) -> str:
    """Plain prose of about `size` bytes, wrapped at 80 columns, in short paragraphs."""
    out: list[str] = []
    total = 0
    while total < size:
        lines: list[str] = []
        line = ""
        for _ in range(rng.randint(3, 6)):
            sentence = _sentence(rng)
            if len(line) + len(sentence) + 1 > 80:
                lines.append(line)
                line = sentence
            else:
                line = f"{line} {sentence}" if line else sentence
        lines.append(line)
        paragraph = "\n".join(lines)
        out.append(paragraph)
        total += len(paragraph) + 2
    return "\n\n".join(out)


def _pad(text: str, rng: random.Random, heading: str) -> str:
    """`text` with a section of prose appended, so the file is about `TARGET_BYTES`."""
    missing = TARGET_BYTES - len(text.encode()) - len(heading) - 4
    if missing > 80:
        text += f"\n{heading}\n\n{_paragraphs(rng, missing)}\n"
    return text


def _counts(files: int) -> tuple[int, int, int]:
    """(contacts, meetings, companies) adding up to `files`; at least one contact."""
    companies = int(files * COMPANY_SHARE)
    contacts = max(1, int(files * CONTACT_SHARE)) if files else 0
    meetings = max(0, files - contacts - companies)
    return contacts, meetings, companies


def _referrer(rng: random.Random, index: int) -> int | None:
    """Who referred contact `index`: an earlier contact, or None for someone already known.

    One contact in ten starts a new tree; most of the rest extend a recent contact,
    which makes long chains, and some hang off any earlier one, which makes wide trees.
    """
    if index == 0 or rng.random() < 0.1:
        return None
    if rng.random() < 0.6:
        return index - 1 - int(rng.random() * min(index, 3))
    return rng.randrange(index)


def generate(root: Path, files: int, seed: int = 1) -> Path:
    """Write a journal of `files` content files under `root` (created if missing).

    Returns `root`. The same `files` and `seed` give byte-identical journals. The
    folder should be empty: files already there are overwritten, not removed.
    """
    rng = random.Random(seed)
    n_contacts, n_meetings, n_companies = _counts(files)
    root = Path(root)
    for kind in ("contacts", "meetings", "companies"):
        (root / "content" / kind).mkdir(parents=True, exist_ok=True)
    (root / "infoint.yaml").write_text(
        "title: Generated journal\nowner: Bench Mark\ntimezone: Europe/London\n"
        "questions:\n  specifics: [How do product teams here work with data?]\n",
        encoding="utf-8")

    company_ids = [f"company-{i:04d}" for i in range(n_companies)]
    for i, cid in enumerate(company_ids):
        text = (f"---\nname: Company {i:04d} Ltd\nwebsite: https://{cid}.example.com\n"
                f"field: {rng.choice(FIELDS)}\ntags: [{rng.choice(TAGS)}]\n---\n"
                f"## What they do\n\n{_paragraphs(rng, 600)}\n")
        _write(root / "content" / "companies" / f"{cid}.md", _pad(text, rng, "## Notes"))

    contacts: list[tuple[str, str, int | None]] = []  # (id, name, referrer index)
    children: dict[int, list[int]] = {}
    for i in range(n_contacts):
        name = f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]}"
        cid = f"{name.lower().replace(' ', '-')}-{i:05d}"
        referrer = _referrer(rng, i)
        contacts.append((cid, name, referrer))
        if referrer is not None:
            children.setdefault(referrer, []).append(i)

    # Meetings: each with one contact, dated over two years up to a month after TODAY.
    meetings_of: dict[int, list[tuple[str, date]]] = {}
    meeting_plans = []
    for m in range(n_meetings):
        who = rng.randrange(n_contacts) if n_contacts else 0
        day = TODAY - timedelta(days=rng.randrange(-30, 730))
        mid = f"{day.isoformat()}-{contacts[who][0]}-{m:05d}"
        meeting_plans.append((mid, who, day))
        meetings_of.setdefault(who, []).append((mid, day))

    for i, (cid, name, referrer) in enumerate(contacts):
        _write(root / "content" / "contacts" / f"{cid}.md",
               _contact(rng, i, cid, name, referrer, contacts, company_ids, meetings_of))
    for mid, who, day in meeting_plans:
        _write(root / "content" / "meetings" / f"{mid}.md",
               _meeting(rng, who, day, contacts, children))
    return root


def _contact(rng: random.Random, i: int, cid: str, name: str, referrer: int | None,
             contacts: list[tuple[str, str, int | None]], company_ids: list[str],
             meetings_of: dict[int, list[tuple[str, date]]]) -> str:
    lines = ["---", f"name: {name}"]
    if company_ids and rng.random() < 0.7:
        lines.append(f"company: {rng.choice(company_ids)}")
    else:
        lines.append(f"company: {rng.choice(LAST)} & Partners")
    lines += [f"role: {rng.choice(ROLES)}", f"field: {rng.choice(FIELDS)}",
              f"tags: [{', '.join(sorted(rng.sample(TAGS, 2)))}]",
              f"email: {cid}@example.com"]
    if referrer is not None:
        lines += [f"referred_by: {contacts[referrer][0]}",
                  f"may_use_name: {'true' if rng.random() < 0.8 else 'false'}"]
    held = meetings_of.get(i, [])
    if held or rng.random() < 0.5:
        first = min((day for _, day in held), default=TODAY - timedelta(days=rng.randrange(60)))
        lines += [f"requested: {(first - timedelta(days=rng.randrange(3, 20))).isoformat()}",
                  "script: career-change"]
    if held and rng.random() < 0.3:
        lines.append(f"keep_in_touch: {rng.choice(('30d', '8w', '3m', 'true'))}")
    if rng.random() < 0.1:
        lines += ["follow_ups:", f"  - action: Send {name.split()[0]} the article we discussed",
                  f"    due: {(TODAY + timedelta(days=rng.randrange(-20, 20))).isoformat()}",
                  f"    done: {'true' if rng.random() < 0.5 else 'false'}"]
    lines.append("---")
    body = "\n".join(lines) + "\n## Research\n\n"
    if referrer is not None:
        ref_id, ref_name, _ = contacts[referrer]
        body += f"Suggested by [{ref_name}]({ref_id}.md), who knows her work well.\n\n"
    body += _paragraphs(rng, 900) + "\n"
    if held:
        mid = held[0][0]
        body += f"\nWe first spoke on [{held[0][1].isoformat()}](../meetings/{mid}.md).\n"
    return _pad(body, rng, "## After meeting")


def _meeting(rng: random.Random, who: int, day: date,
             contacts: list[tuple[str, str, int | None]], children: dict[int, list[int]]) -> str:
    cid, name, _ = contacts[who]
    held = day < TODAY
    cancelled = held and rng.random() < 0.05
    time = f" {rng.randrange(8, 18):02d}:{rng.choice(('00', '15', '30', '45'))}" \
        if rng.random() < 0.5 else ""
    form = rng.choice(FORMATS)
    asked = rng.sample(QUESTIONS, 3)
    lines = ["---", f"contact: {cid}", f'date: "{day.isoformat()}{time}"',
             f"duration_minutes: {rng.choice((20, 30, 45))}", f"format: {form}"]
    if form == "video":
        lines.append(f"platform: {rng.choice(PLATFORMS)}")
    if cancelled:
        lines.append("status: cancelled")
    lines += ["goals:", f"  - learn how {rng.choice(FIELDS)} teams hire",
              "  - hear about the field's next five years", "questions:"]
    lines += [f"  - {q}" for q in asked]
    if held and not cancelled:
        suggested = [contacts[c][0] for c in children.get(who, [])[:2]]
        if rng.random() < 0.2:
            suggested.append(rng.choice(OUTSIDERS))
        if suggested:
            lines.append(f"referrals: [{', '.join(suggested)}]")
        lines.append(f"outcome: {rng.choice(OUTCOMES)}")
        for key, chance in (("confirmed", 0.8), ("thank_you_sent", 0.7)):
            if rng.random() < chance:
                lines.append(f"{key}: {(day + timedelta(days=rng.randrange(-1, 2))).isoformat()}")
        if rng.random() < 0.3:
            lines.append("resume_requested: true")
            if rng.random() < 0.5:
                lines.append(f"resume_sent: {(day + timedelta(days=2)).isoformat()}")
        if rng.random() < 0.4:
            lines.append(f"referrer_updated: {(day + timedelta(days=3)).isoformat()}")
        lines += ["follow_ups:",
                  f"  - action: Send {name.split()[0]} a note on {rng.choice(WORDS)}",
                  f"    after: {rng.choice(('3d', '1w', '2w', '1m'))}",
                  f"    done: {'true' if rng.random() < 0.5 else 'false'}"]
    lines.append("---")
    text = "\n".join(lines) + f"\n## Notes\n\nMet [{name}](../contacts/{cid}.md).\n\n"
    text += _paragraphs(rng, 500) + "\n"
    if held and not cancelled:
        for question in asked:
            text += f"\n## Q: {question}\n\n\"{_paragraphs(rng, 250)}\"\n"
        if rng.random() < 0.6:
            text += f"\n## Evaluation\n\n{_paragraphs(rng, 200)}\n"
    return _pad(text, rng, "## More notes")


def _write(path: Path, text: str) -> None:
    path.write_bytes(text.encode("utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="the journal folder to write (created)")
    parser.add_argument("--files", type=int, default=10_000, help="content files (10000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (1)")
    args = parser.parse_args(argv)
    if args.files < 0:
        parser.error("--files must be 0 or more")
    if args.out.exists() and any(args.out.iterdir()):
        parser.error(f"{args.out} is not empty")
    generate(args.out, args.files, args.seed)
    print(f"wrote a journal of {args.files} files to {args.out}"
          f" (build it with --today {TODAY.isoformat()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
