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


ADDED = 3
"""How many ids each kind of added file takes turns with (so files come and go, and
notes link to them before they exist and after they are gone)."""


def added_file(root: Path, rng: random.Random) -> str:
    """Add a contact, a meeting or a company (or write one added before again), or
    remove a file; returns its path relative to `root`."""
    contacts = ids(root, "contacts")
    k = rng.randrange(ADDED)
    kind = rng.choice(["contacts", "meetings", "companies", "remove"])
    if kind == "remove":
        added = [p for p in root.glob("content/*/*.md") if "zz-added" in p.name]
        path = rng.choice(added if added and rng.random() < 0.7 else
                          sorted(root.glob("content/*/*.md")))
        path.unlink()
        return path.relative_to(root).as_posix()
    fields = {
        "contacts": [f"name: {rng.choice(['Quill Nobody', 'Arlo Penhaligon', f'Zed Added {k}'])}",
                     rng.choice(["", f"referred_by: {rng.choice(contacts)}"]),
                     rng.choice(["", f"company: zz-added-{k}", "company: Elsewhere Ltd"]),
                     rng.choice(["", "role: Analyst"])],
        "meetings": [f"contact: {rng.choice(contacts)}",
                     f'date: "{TODAY.fromordinal(TODAY.toordinal() + rng.randint(-9, 9))}"',
                     rng.choice(["", f"referrals: [Arlo Penhaligon, {rng.choice(contacts)}]"])],
        "companies": [f"name: Added Company {k}", rng.choice(["", "field: data"])],
    }[kind]
    stem = f"2026-11-25-zz-added-{k}" if kind == "meetings" else f"zz-added-{k}"
    front = "\n".join(f for f in fields if f)
    rel = f"content/{kind}/{stem}.md"
    (root / rel).write_text(f"---\n{front}\n---\nAdded; see {note_link(root, rng)}.\n",
                            encoding="utf-8")
    return rel


def note_link(root: Path, rng: random.Random) -> str:
    """A Markdown link to a record that may exist, from a record's note."""
    kind = rng.choice(["contacts", "meetings", "companies"])
    stem = f"2026-11-25-zz-added-{rng.randrange(ADDED)}" if kind == "meetings" else \
        f"zz-added-{rng.randrange(ADDED)}"
    if rng.random() < 0.4 and ids(root, kind):
        stem = rng.choice(ids(root, kind))
    return f"[them](../{kind}/{stem}.md)"


def undo(path: Path, files: dict[Path, bytes]) -> None:
    """Put the file at `path` back as `files` had it (or away, if it was not there)."""
    if path in files:
        path.write_bytes(files[path])
    else:
        path.unlink()


def random_edit(root: Path, rng: random.Random) -> str:
    """Change, add or remove one file in one of many ways; returns its path relative to
    `root`."""
    if rng.random() < 0.25:
        return added_file(root, rng)
    contacts = ids(root, "contacts")
    companies = [(root / "content/companies" / f"{c}.md").read_text().split("name: ")[1]
                 .split("\n")[0] for c in ids(root, "companies")]
    companies += [*ids(root, "companies"), f"zz-added-{rng.randrange(ADDED)}"]
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
    changed = rng.choice([*edits, lambda t: t + f"\nEdited {rng.random()}.\n",
                          lambda t: t + f"\nLinked to {note_link(root, rng)}.\n"])(text)
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
            shown = [p for p in published[0].keys() | before.files.keys()
                     if (data := published[0].get(p)) is not before.files.get(p)
                     and data != before.files.get(p)]  # (made, changed or removed)
            assert shown and all(published[0].get(p) == want.get(p) for p in shown), (step, rel)
            records = [p for p in want if is_record_page(p) and want[p] != before.files.get(p)]
            assert [p for p in records if published[0].get(p) != want[p]] == [], (step, rel)
        if not outcome.ok:  # an edit the validator refuses (a referral cycle, say)
            assert site.snapshot is before
            undo(path, files)
            outcome = site.rebuild({rel})
            assert outcome.ok
        else:
            accepted += 1
            partial += site.render_memo.rendered < len(site.snapshot.files) // 2
        want = fresh(root)
        wrong = sorted(p for p in want.keys() | site.snapshot.files.keys()
                       if want.get(p) != site.snapshot.files.get(p))
        assert wrong == [], \
            f"step {step}: {rel} edited:\n{path.read_text()[:400] if path.exists() else 'gone'}"
    assert accepted >= 15
    assert partial >= accepted // 2  # most edits rendered only the pages they reach
    assert early >= 5  # and many were shown in steps


def test_nothing_changed_affects_nothing() -> None:
    root = Path(__file__).resolve().parents[1]
    analysis = process(read_sources(root), TODAY).analysis
    assert affected_pages(page_inputs(analysis), page_inputs(analysis)) == set()
    again = process(read_sources(root), TODAY).analysis  # equal records, new objects
    assert affected_pages(page_inputs(analysis), page_inputs(again)) == set()


def test_another_day_affects_everything_and_a_new_file_its_neighbours(tmp_path: Path) -> None:
    root = generate(tmp_path / "journal", 40)
    before = page_inputs(process(read_sources(root), TODAY).analysis)
    later = page_inputs(process(read_sources(root), TODAY.replace(day=23)).analysis)
    assert affected_pages(before, later) is None
    referrer = ids(root, "contacts")[3]
    (root / "content/contacts/new-person.md").write_text(
        f"---\nname: New Person\nreferred_by: {referrer}\n---\n")
    added = page_inputs(process(read_sources(root), TODAY).analysis)
    reached = affected_pages(before, added)
    assert reached is not None and {("contact", "new-person"), ("contact", referrer)} <= reached
    assert len(reached) < 10
    assert affected_pages(added, before) == reached  # removed again: the same pages


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
            undo(path, files)
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


def test_files_added_and_removed_reach_the_pages_that_link_to_them(tmp_path: Path) -> None:
    """A note links to a contact with no file yet, and a contact names a company with
    no file: adding the files makes those links, removing them unmakes them, each save
    making only a few pages again, and the site is a fresh build's every time."""
    root = generate(tmp_path / "journal", 160)
    site = DevSite(root, tmp_path / "preview", lambda: TODAY)
    meeting = ids(root, "meetings")[4]
    person = ids(root, "contacts")[6]
    meeting_file = root / f"content/meetings/{meeting}.md"
    meeting_file.write_text(meeting_file.read_text() + "\nAsk [Quinn](../contacts/zz-quinn.md).\n")
    person_file = root / f"content/contacts/{person}.md"
    person_file.write_text(set_field(person_file.read_text(), "company", "zz-firm"))
    assert site.rebuild().ok
    page = f"meetings/{meeting}/index.html"
    assert b'class="broken-link"' in site.snapshot.files[page]
    for rel, text in (("content/contacts/zz-quinn.md", "---\nname: Quinn Added\n---\n"),
                      ("content/companies/zz-firm.md", "---\nname: ZZ Firm\n---\n")):
        (root / rel).write_text(text)
        check(site, root, rel)
        assert site.render_memo.rendered < 25, rel  # (some 15 of them the listings)
    assert b'href="../../contacts/zz-quinn/"' in site.snapshot.files[page]
    person_page = site.snapshot.files[f"contacts/{person}/index.html"]
    assert b'href="../../companies/zz-firm/"' in person_page
    for rel in ("content/contacts/zz-quinn.md", "content/companies/zz-firm.md"):
        (root / rel).unlink()
        check(site, root, rel)
        assert site.render_memo.rendered < 25, rel  # (some 15 of them the listings)
    assert b'class="broken-link"' in site.snapshot.files[page]


def test_cached_builds_follow_links_to_files_added_and_removed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As above, with `build` and its cache: the last build kept the links each page's
    notes looked up, and the pages in place that hold one are made again."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    monkeypatch.setattr(parallel, "PARALLEL_MIN_PAGES", 40)  # workers record links too
    root = generate(tmp_path / "journal", 160)
    meeting = ids(root, "meetings")[4]
    meeting_file = root / f"content/meetings/{meeting}.md"
    meeting_file.write_text(meeting_file.read_text() + "\nAsk [Quinn](../contacts/zz-quinn.md).\n")
    out, fresh_out = tmp_path / "site", tmp_path / "fresh"
    build_site(root, TODAY, out, workers=2)
    page = out / f"meetings/{meeting}/index.html"
    assert b'class="broken-link"' in page.read_bytes()
    quinn = root / "content/contacts/zz-quinn.md"
    for step in ("added", "removed"):
        if step == "added":
            quinn.write_text("---\nname: Quinn Added\n---\n")
        else:
            quinn.unlink()
        inodes = {p: p.stat().st_ino for p in out.glob("*/*/index.html")}
        build_site(root, TODAY, out, workers=2)
        build_site(root, TODAY, fresh_out, use_cache=False)
        assert site_files(out) == site_files(fresh_out), step
        kept = sum(p.exists() and p.stat().st_ino == inode for p, inode in inodes.items())
        assert kept > len(inodes) * 0.9, step  # the rest were linked as they were
    assert b'class="broken-link"' in page.read_bytes()
