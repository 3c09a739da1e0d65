"""An edit re-renders only the record pages it can reach, and the site still equals a
fresh build: random edits of every kind on a generated journal, each checked."""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import pytest

from infoint_site import build, parallel
from infoint_site.affected import affected_pages, page_inputs
from infoint_site.build import build_site
from infoint_site.devsite import DevSite
from infoint_site.errors import JournalInvalid
from infoint_site.loader import read_sources
from infoint_site.pipeline import process
from infoint_site.writer import MARKER

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from generate import TODAY, generate
from serve_saves import fresh, is_record_page


def ids(root: Path, kind: str) -> list[str]:
    return sorted(p.stem for p in (root / "content" / kind).glob("*.md"))


def set_field(text: str, name: str, value: str | None) -> str:
    """The file with front matter field `name` set to `value` (None: removed)."""
    head, sep, body = text.partition("\n---\n")
    lines = [line for line in head.split("\n") if not line.startswith(f"{name}:")]
    if value is not None:
        lines.insert(2, f"{name}: {value}")
    return "\n".join(lines) + sep + body


def random_edit(root: Path, rng: random.Random) -> str:
    """Change one file in one of many ways; returns its path relative to `root`."""
    contacts = ids(root, "contacts")
    companies = [(root / "content/companies" / f"{c}.md").read_text().split("name: ")[1]
                 .split("\n")[0] for c in ids(root, "companies")]
    kind = rng.choice(["contacts", "meetings", "companies"] if companies else
                      ["contacts", "meetings"])
    rel = f"content/{kind}/{rng.choice(ids(root, kind))}.md"
    path = root / rel
    text = path.read_text(encoding="utf-8")
    day = TODAY.toordinal() + rng.randint(-40, 20)
    edits = {
        "contacts": [
            lambda t: set_field(t, "status", rng.choice(["dormant", "declined", None])),
            lambda t: set_field(t, "referred_by", rng.choice([*contacts, None])),
            lambda t: set_field(t, "company", rng.choice([*companies, "Elsewhere Ltd", None])),
            lambda t: set_field(t, "email", rng.choice(["someone@example.com", None])),
            lambda t: set_field(t, "requested", rng.choice(["2026-11-01", None])),
            lambda t: re.sub(r"(?m)^name: (.*)$", r"name: \1 Junior", t, count=1),
            lambda t: set_field(t, "last_contact", rng.choice(["2026-10-02", None])),
            lambda t: set_field(t, "keep_in_touch", rng.choice(["true", "2w", None])),
            lambda t: set_field(t, "role", rng.choice(["Data <Lead>", None])),
        ],
        "meetings": [
            lambda t: set_field(t, "date", f'"{TODAY.fromordinal(day).isoformat()}"'),
            lambda t: set_field(t, "contact", rng.choice(contacts)),
            lambda t: set_field(t, "status", rng.choice(["cancelled", "scheduled", None])),
            lambda t: set_field(t, "thank_you_sent", rng.choice(["2026-11-20", None])),
            lambda t: set_field(t, "referrals", f"[{rng.choice(contacts)}, Arlo Penhaligon]"),
            lambda t: set_field(t, "resume_requested", rng.choice(["true", None])),
            lambda t: set_field(t, "outcome", rng.choice(["job-offer", "advice", None])),
            lambda t: set_field(t, "evaluated", rng.choice(["true", None])),
            lambda t: set_field(t, "location", rng.choice(["Café & Co", None])),
        ],
        "companies": [
            lambda t: re.sub(r"(?m)^name: (.*)$", r"name: \1 Group", t, count=1),
        ],
    }[kind]
    changed = rng.choice([*edits, lambda t: t + f"\nEdited {rng.random()}.\n"])(text)
    path.write_text(changed, encoding="utf-8")
    return rel


@pytest.mark.parametrize("seed", [1, 2])
def test_random_edits_match_a_fresh_build(tmp_path: Path, seed: int) -> None:
    """After each save the site equals a fresh build; and the first of its steps (the
    early one, from the last analysis brought up to date, or the record pages) showed
    every record page the save changed, and any page it showed, as the fresh build
    has it."""
    root = generate(tmp_path / "journal", 120, seed=seed)
    published: list[dict[str, bytes]] = []
    site = DevSite(root, tmp_path / "preview", lambda: TODAY,
                   on_publish=lambda: published.append(site.snapshot.files))
    assert site.rebuild().ok
    rng = random.Random(seed)
    partial = accepted = early = 0
    for step in range(30):
        files = {p: p.read_bytes() for p in root.glob("content/*/*.md")}
        path = root / (rel := random_edit(root, rng))
        before = site.snapshot
        published.clear()
        outcome = site.rebuild({rel})
        if outcome.ok and len(published) > 1:  # shown in steps (early, records, listings)
            early += 1
            want = fresh(root)
            shown = [p for p, data in published[0].items() if data is not before.files.get(p)
                     and data != before.files.get(p)]
            assert shown and all(published[0][p] == want[p] for p in shown), (step, rel)
            records = [p for p in want if is_record_page(p) and want[p] != before.files.get(p)]
            assert [p for p in records if published[0].get(p) != want[p]] == [], (step, rel)
        if not outcome.ok:  # an edit the validator refuses (a referral cycle, say)
            assert site.snapshot is before
            path.write_bytes(files[path])
            outcome = site.rebuild({rel})
            assert outcome.ok
        else:
            accepted += 1
            partial += site.render_memo.rendered < len(site.snapshot.files) // 2
        want = fresh(root)
        wrong = sorted(p for p in want.keys() | site.snapshot.files.keys()
                       if want.get(p) != site.snapshot.files.get(p))
        assert wrong == [], f"step {step}: {rel} edited:\n{path.read_text()[:400]}"
    assert accepted >= 15
    assert partial >= accepted // 2  # most edits rendered only the pages they reach
    assert early >= 5  # and many were shown in steps


def test_nothing_changed_affects_nothing() -> None:
    root = Path(__file__).resolve().parents[1]
    analysis = process(read_sources(root), TODAY).analysis
    assert affected_pages(page_inputs(analysis), page_inputs(analysis)) == set()
    again = process(read_sources(root), TODAY).analysis  # equal records, new objects
    assert affected_pages(page_inputs(analysis), page_inputs(again)) == set()


def test_a_new_file_or_another_day_affects_everything(tmp_path: Path) -> None:
    root = generate(tmp_path / "journal", 40)
    before = page_inputs(process(read_sources(root), TODAY).analysis)
    later = page_inputs(process(read_sources(root), TODAY.replace(day=23)).analysis)
    assert affected_pages(before, later) is None
    (root / "content/contacts/new-person.md").write_text("---\nname: New Person\n---\n")
    added = page_inputs(process(read_sources(root), TODAY).analysis)
    assert affected_pages(before, added) is None


def check(site: DevSite, root: Path, rel: str) -> None:
    outcome = site.rebuild({rel})
    assert outcome.ok, [p.format() for p in outcome.problems]
    want = fresh(root)
    assert sorted(p for p in want if want[p] != site.snapshot.files.get(p)) == []


def test_a_rename_that_changes_what_a_suggested_name_means(tmp_path: Path) -> None:
    """A contact renamed to a name a meeting suggested (which had no file) now is that
    suggestion; renamed to another contact's name, neither name means anyone. Only the
    pages that reach are made again, and the site is a fresh build's."""
    root = generate(tmp_path / "journal", 160)
    site = DevSite(root, tmp_path / "preview", lambda: TODAY)
    analysis = process(read_sources(root), TODAY).analysis
    journal = analysis.journal
    meeting = next(m for m in journal.meetings.values()
                   if analysis.meeting_status[m.id] == "done" and len(m.contacts) == 1)
    named = next(c for c in journal.contacts.values()
                 if c.id not in meeting.contacts and not analysis.meetings_of.get(c.id))
    other, third = [c for c in journal.contacts.values()
                    if c.id not in {*meeting.contacts, named.id}
                    and not analysis.meetings_of.get(c.id)][:2]
    rel = f"content/meetings/{meeting.id}.md"
    path = root / rel
    path.write_text(set_field(path.read_text(), "referrals", f'["Quill Nobody", "{other.name}"]'))
    assert site.rebuild().ok
    page = f"meetings/{meeting.id}/index.html"
    assert f'contacts/{other.id}/"'.encode() in site.snapshot.files[page]
    for renamed, new_name in ((named, "Quill Nobody"), (third, other.name)):
        contact = root / f"content/contacts/{renamed.id}.md"
        contact.write_text(re.sub(r"(?m)^name: .*$", f"name: {new_name}", contact.read_text(),
                                  count=1))
        check(site, root, f"content/contacts/{renamed.id}.md")
        assert site.render_memo.rendered < len(site.snapshot.files) // 2, new_name
    html = site.snapshot.files[page]
    assert f'contacts/{named.id}/"'.encode() in html  # "Quill Nobody" is someone now
    assert f'contacts/{other.id}/"'.encode() not in html  # two people have that name now


def test_edits_that_reach_far(tmp_path: Path) -> None:
    """A contact with a referrer and people below it moves to another referrer; the
    research of a contact with a meeting ahead changes."""
    root = generate(tmp_path / "journal", 160)
    site = DevSite(root, tmp_path / "preview", lambda: TODAY)
    assert site.rebuild().ok
    analysis = process(read_sources(root), TODAY).analysis
    forest = analysis.forest
    middle = next(c for c in analysis.journal.contacts
                  if forest.parent[c] and forest.referred[c]
                  and any(forest.referred[k] for k in forest.referred[c]))
    root_id = next(c for c in forest.roots() if c not in forest.chains[middle])
    path = root / f"content/contacts/{middle}.md"
    path.write_text(set_field(path.read_text(), "referred_by", root_id))
    check(site, root, f"content/contacts/{middle}.md")
    ahead = next(m for m in analysis.journal.meetings.values()
                 if analysis.meeting_status[m.id] == "scheduled")
    rel = f"content/contacts/{ahead.contacts[0]}.md"
    (root / rel).write_text((root / rel).read_text() + "\nResearch added today.\n")
    check(site, root, rel)


def test_cached_builds_after_random_edits_match_fresh_ones(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch,
                                                            ) -> None:
    """`build` with its cache finds the affected pages from the last build's records."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    # Small edits render in this process while a worker renders the listings; big ones
    # in workers: both routes are taken.
    monkeypatch.setattr(parallel, "PARALLEL_MIN_PAGES", 40)
    monkeypatch.setattr(build, "APART_MIN_FILES", 40)  # the output readied apart
    root = generate(tmp_path / "journal", 120, seed=3)
    out, fresh_out = tmp_path / "site", tmp_path / "fresh"
    build_site(root, TODAY, out)
    rng = random.Random(3)
    linked = 0
    for step in range(16):
        files = {p: p.read_bytes() for p in root.glob("content/*/*.md")}
        inodes = {p: p.stat().st_ino for p in out.glob("*/*/index.html")}
        path = root / (rel := random_edit(root, rng))
        try:
            result = build_site(root, TODAY, out, workers=2)
        except JournalInvalid:  # refused (a referral cycle, say): undo it
            path.write_bytes(files[path])
            result = build_site(root, TODAY, out, workers=2)
        build_site(root, TODAY, fresh_out, use_cache=False)
        assert site_files(out) == site_files(fresh_out), f"step {step}: {rel}"
        kept = sum(p.stat().st_ino == inode for p, inode in inodes.items() if p.exists())
        linked += kept > len(inodes) // 2 and result.pages > 0  # the rest were linked as they were
    assert linked >= 10


def site_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != MARKER}


def test_listings_that_show_no_body_are_kept_when_only_bodies_change(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    root = generate(tmp_path / "journal", 60, seed=4)
    out, fresh_out = tmp_path / "site", tmp_path / "fresh"
    build_site(root, TODAY, out)
    inode = (out / "follow-ups/index.html").stat().st_ino
    meeting = sorted((root / "content/meetings").glob("*.md"))[5]
    text = meeting.read_text()
    meeting.write_text(text.replace("\n---\n", "\n---\nZanzibar notes added.\n\n", 1))
    build_site(root, TODAY, out)
    assert (out / "follow-ups/index.html").stat().st_ino == inode  # linked, not rendered
    assert b"Zanzibar notes added." in (out / "search/index.html").read_bytes()
    build_site(root, TODAY, fresh_out, use_cache=False)
    assert site_files(out) == site_files(fresh_out)
    meeting.write_text(set_field(meeting.read_text(), "status", "cancelled"))
    build_site(root, TODAY, out)
    assert (out / "follow-ups/index.html").stat().st_ino != inode  # a field: rendered again
    build_site(root, TODAY, fresh_out, use_cache=False)
    assert site_files(out) == site_files(fresh_out)
