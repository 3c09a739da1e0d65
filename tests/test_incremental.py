"""`serve` rebuilds incrementally and still shows exactly what `build` would write.

After each edit a `DevSite` (the site `serve` shows) is rebuilt with the changed paths,
as the watcher reports them, and its snapshot must be byte-identical to a fresh full
`build` of the same journal with the same day. Incremental work is counted through
`Outcome.parsed` and `Outcome.rendered`, and a tab's event stream is read to see that
a page which did not change is not reloaded.
"""

from __future__ import annotations

import http.client
import json
import re
import shutil
import sys
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from infoint_site.build import build_site
from infoint_site.devsite import DevSite, Outcome
from infoint_site.render import BODY_BLIND
from infoint_site.server import DevServer, Hub
from infoint_site.writer import MARKER

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from generate import TODAY as GENERATED_DAY
from generate import generate

REPO = Path(__file__).resolve().parents[1]
DAY = date(2026, 11, 22)
RECORD_PAGE = re.compile(r"(contacts|meetings|companies)/[^/]+/index\.html")


# --------------------------------------------------------------------------- helpers


@pytest.fixture
def journal(example_journal: Path) -> Path:
    return example_journal


class Day:
    """The day the site is built for; a test may move it, as midnight does."""

    def __init__(self, day: date) -> None:
        self.day = day

    def __call__(self) -> date:
        return self.day


def full_build(root: Path, day: date, out: Path) -> dict[str, bytes]:
    """Every file a fresh `build` writes (without the writer's own marker)."""
    if out.exists():
        shutil.rmtree(out)
    build_site(root, day, out=out)
    return {p.relative_to(out).as_posix(): p.read_bytes()
            for p in sorted(out.rglob("*")) if p.is_file() and p.name != MARKER}


def differences(got: dict[str, bytes], want: dict[str, bytes]) -> list[str]:
    """Paths missing, extra or different in `got`: empty when the sites are identical."""
    return sorted([f"missing {p}" for p in want.keys() - got.keys()]
                  + [f"extra {p}" for p in got.keys() - want.keys()]
                  + [f"differs {p}" for p in want.keys() & got.keys() if got[p] != want[p]])


def on_disk(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in folder.rglob("*") if p.is_file()}


class Checker:
    """Rebuild after an edit and compare with a full build."""

    def __init__(self, root: Path, tmp: Path, day: Day) -> None:
        self.root, self.tmp, self.day = root, tmp, day
        self.site = DevSite(root, tmp / "preview", day)
        self.builds = 0
        self.before: dict[str, bytes] = {}

    def rebuild(self, *changed: str) -> Outcome:
        self.before = self.site.snapshot.files
        outcome = self.site.rebuild(set(changed) if changed else None)
        assert outcome.ok, [p.format() for p in outcome.problems]
        self.builds += 1
        want = full_build(self.root, self.day(), self.tmp / f"full-{self.builds}")
        assert differences(self.site.snapshot.files, want) == []
        assert differences(on_disk(self.site.out), want) == []  # the private folder too
        return outcome

    def record_pages(self, outcome: Outcome) -> int:
        """Record pages (a contact, a meeting, a company) the build rendered again.

        Every other page shows the whole journal and is rendered on every build, but
        for those that show no note's body, kept (the very same bytes) when only bodies
        changed.
        """
        files = self.site.snapshot.files
        listing = sum(1 for path in files
                      if path.endswith(".html") and not RECORD_PAGE.fullmatch(path)
                      and not (path in BODY_BLIND and files[path] is self.before.get(path)))
        return outcome.rendered - listing


def edit(root: Path, rel: str, old: str, new: str) -> str:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return rel


def append(root: Path, rel: str, text: str) -> str:
    path = root / rel
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")
    return rel


def write(root: Path, rel: str, text: str) -> str:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return rel


# --------------------------------------------------------------------------- same as build


def test_every_edit_leaves_the_preview_identical_to_a_full_build(
        journal: Path, tmp_path: Path) -> None:
    check = Checker(journal, tmp_path, Day(DAY))
    first = check.rebuild()
    assert first.parsed == 36 and first.ok

    # A contact's note: one file parsed, one record page rendered (Oliver has no
    # scheduled meeting, whose preparation sheet would quote the note).
    outcome = check.rebuild(append(journal, "content/contacts/oliver-grant.md",
                                   "\nAn edit to the note.\n"))
    assert outcome.parsed == 1
    assert check.record_pages(outcome) == 1
    assert "contacts/oliver-grant/index.html" in outcome.changed
    assert "meetings/2026-08-27-oliver-grant/index.html" not in outcome.changed

    # Hannah's note is also her scheduled meeting's preparation research.
    outcome = check.rebuild(append(journal, "content/contacts/hannah-price.md",
                                   "\nShe moved teams.\n"))
    assert (outcome.parsed, check.record_pages(outcome)) == (1, 2)
    assert "meetings/2026-11-26-hannah-price/index.html" in outcome.changed

    # A contact renamed: her name is on her referrer's, her referrals' and her meetings' pages.
    outcome = check.rebuild(edit(journal, "content/contacts/priya-raman.md",
                                 "name: Priya Raman", "name: Priya Raman-Shah"))
    assert outcome.parsed == 1
    assert {"contacts/helen-okafor/index.html", "contacts/tom-whitaker/index.html",
            "meetings/2026-09-10-priya-raman/index.html"} <= set(outcome.changed)

    # A contact's file renamed, with every reference to her id updated.
    changed = {"content/contacts/sophie-lindqvist.md", "content/contacts/sophie-berg.md"}
    (journal / "content/contacts/sophie-lindqvist.md").rename(
        journal / "content/contacts/sophie-berg.md")
    for path in sorted((journal / "content").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        renamed = re.sub(r"(?<!\d-)sophie-lindqvist", "sophie-berg", text)
        if renamed != text:
            path.write_text(renamed, encoding="utf-8")
            changed.add(path.relative_to(journal).as_posix())
    outcome = check.rebuild(*changed)
    assert "contacts/sophie-lindqvist/index.html" in outcome.changed  # removed
    assert "contacts/sophie-berg/index.html" in check.site.snapshot.files

    # A meeting added, then deleted.
    added = write(journal, "content/meetings/2026-11-21-oliver-grant.md", (
        "---\ncontact: oliver-grant\ndate: 2026-11-21\nformat: phone\nreferrals: [Sam Lee]\n"
        "outcome: referral\n---\n## Q: What is your typical day like?\nMostly meetings.\n"))
    outcome = check.rebuild(added)
    assert outcome.parsed == 1
    assert "meetings/2026-11-21-oliver-grant/index.html" in outcome.changed
    (journal / added).unlink()
    outcome = check.rebuild(added)
    assert outcome.parsed == 0
    assert "meetings/2026-11-21-oliver-grant/index.html" not in check.site.snapshot.files

    # Settings: every page shows the title; hidden fields leave every page.
    outcome = check.rebuild(edit(journal, "infoint.yaml", "title: Networking journal",
                                 "title: Career change"))
    assert outcome.parsed == 0
    assert check.record_pages(outcome) == 36  # every record page, from the settings alone
    check.rebuild(edit(journal, "infoint.yaml", "hide_fields: []", "hide_fields: [phone]"))
    check.rebuild(edit(journal, "infoint.yaml", "thank_you_days: 1", "thank_you_days: 4"))


def test_theme_edits_render_every_page_again(journal: Path, tmp_path: Path) -> None:
    default = REPO / "themes" / "default"
    check = Checker(journal, tmp_path, Day(DAY))
    check.rebuild()
    template = "themes/mine/templates/contact.html"
    write(journal, template, (default / "templates/contact.html").read_text(encoding="utf-8"))
    check.rebuild(template, edit(journal, "infoint.yaml", "theme: default", "theme: mine"))

    # Only the template changes: the settings and the theme's folders stay the same.
    outcome = check.rebuild(edit(journal, template, "{% block", "{# mine #}{% block"))
    assert check.record_pages(outcome) >= 16
    assert all(path.startswith("contacts/") for path in outcome.changed
               if RECORD_PAGE.fullmatch(path))
    edited = check.site.snapshot.files["contacts/ayesha-rahman/index.html"]
    outcome = check.rebuild(edit(journal, template, "</h1>", "</h1><p>my theme</p>"))
    assert b"<p>my theme</p>" in check.site.snapshot.files["contacts/ayesha-rahman/index.html"]
    assert edited != check.site.snapshot.files["contacts/ayesha-rahman/index.html"]

    # A static file of the theme is laid over the default's.
    check.rebuild(write(journal, "themes/mine/static/style.css", "body { color: teal }\n"))
    assert check.site.snapshot.files["assets/style.css"] == b"body { color: teal }\n"
    (journal / "themes/mine/static/style.css").unlink()
    check.rebuild("themes/mine/static/style.css")
    assert check.site.snapshot.files["assets/style.css"] == \
        (default / "static/style.css").read_bytes()


def test_links_chains_and_the_day_stay_right(journal: Path, tmp_path: Path) -> None:
    day = Day(DAY)
    check = Checker(journal, tmp_path, day)
    check.rebuild()
    # A note links a contact who has no file yet: a warning, then a live link.
    check.rebuild(append(journal, "content/contacts/oliver-grant.md",
                         "\nSee [Zara](zara-quinn.md).\n"))
    page = check.site.snapshot.files["contacts/oliver-grant/index.html"]
    outcome = check.rebuild(write(journal, "content/contacts/zara-quinn.md",
                                  "---\nname: Zara Quinn\nreferred_by: oliver-grant\n---\n"))
    assert check.site.snapshot.files["contacts/oliver-grant/index.html"] != page
    assert "contacts/oliver-grant/index.html" in outcome.changed

    # A referral chain moves: everyone below the moved contact gets a new chain.
    check.rebuild(edit(journal, "content/contacts/grace-adeyemi.md",
                       "referred_by: tom-whitaker", "referred_by: helen-okafor"))
    # A meeting moves into the future: scheduled, with a preparation sheet.
    check.rebuild(edit(journal, "content/meetings/2026-11-20-ayesha-rahman.md",
                       'date: "2026-11-20 17:15"', 'date: "2026-11-29 17:15"'))
    # Midnight passes: statuses and due dates move although no file changed.
    day.day = date(2026, 11, 25)
    outcome = check.rebuild("content/contacts/oliver-grant.md")
    assert outcome.parsed == 0
    assert "index.html" in outcome.changed


def test_a_failed_build_keeps_the_last_good_snapshot(journal: Path, tmp_path: Path) -> None:
    check = Checker(journal, tmp_path, Day(DAY))
    check.rebuild()
    good = check.site.snapshot
    rel = edit(journal, "content/contacts/oliver-grant.md", "name: Oliver Grant",
               "name: [Oliver, Grant]")
    outcome = check.site.rebuild({rel})
    assert not outcome.ok
    assert check.site.snapshot is good
    assert [p.path for p in check.site.problems if p.is_error] == [rel]
    assert "build failed" in outcome.summary()
    # A meeting names a contact that was deleted: an error, and still the same site.
    (journal / "content/contacts/helen-okafor.md").unlink()
    edit(journal, rel, "name: [Oliver, Grant]", "name: Oliver Grant")
    outcome = check.site.rebuild({rel, "content/contacts/helen-okafor.md"})
    assert not outcome.ok and check.site.snapshot is good
    assert any(p.code == "E301" for p in outcome.problems)
    shutil.copy(REPO / "content/contacts/helen-okafor.md", journal / "content/contacts")
    outcome = check.rebuild("content/contacts/helen-okafor.md")
    assert check.site.problems == [] and outcome.changed == []  # back to the same site
    assert check.site.snapshot.files == good.files


def test_an_unrelated_edit_at_scale_parses_one_file(tmp_path: Path) -> None:
    root = generate(tmp_path / "generated", 300)
    check = Checker(root, tmp_path, Day(GENERATED_DAY))
    first = check.rebuild()
    assert first.parsed == 300
    meeting = sorted((root / "content/meetings").glob("*.md"))[40]
    rel = meeting.relative_to(root).as_posix()
    outcome = check.rebuild(edit(root, rel, "## Notes", "## Notes\n\nOne more line."))
    assert outcome.parsed == 1
    assert check.record_pages(outcome) == 1
    assert f"meetings/{meeting.stem}/index.html" in outcome.changed


# --------------------------------------------------------------------------- reloads


@pytest.fixture
def served(journal: Path, tmp_path: Path) -> Iterator[tuple[DevSite, Hub, int]]:
    """A `DevSite` behind a `DevServer` on 127.0.0.1; the test rebuilds by hand."""
    site = DevSite(journal, tmp_path / "preview", Day(DAY))
    hub = Hub()
    server = DevServer("127.0.0.1", 0, site, hub)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    site.rebuild()
    hub.notify()
    try:
        yield site, hub, server.server_address[1]
    finally:
        hub.close()
        server.shutdown()
        server.server_close()
        thread.join(timeout=2)


def events(port: int, page: str, epoch: int) -> Iterator[tuple[str, str]]:
    """The (event, data) pairs of one tab's event stream, as they come."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("GET", f"/__infoint/events?page={page}&epoch={epoch}",
                       headers={"Host": f"127.0.0.1:{port}"})
    response = connection.getresponse()
    assert response.status == 200
    assert response.getheader("Content-Type") == "text/event-stream"
    name = ""
    try:
        while True:
            line = response.fp.readline().decode()
            if not line:
                return
            if line.startswith("event: "):
                name = line[7:].strip()
            elif line.startswith("data: "):
                yield name, line[6:].strip()
    except TimeoutError:
        return
    finally:
        connection.close()


def test_only_tabs_whose_page_changed_reload(served: tuple[DevSite, Hub, int],
                                             journal: Path) -> None:
    site, hub, port = served
    epoch = site.snapshot.epoch
    edited = events(port, "contacts/oliver-grant/index.html", epoch)
    untouched = events(port, "contacts/ayesha-rahman/index.html", epoch)
    assert next(edited) == ("ok", "[]")  # each stream first says how the build stands
    assert next(untouched) == ("ok", "[]")

    rel = append(journal, "content/contacts/oliver-grant.md", "\nA new line.\n")
    outcome = site.rebuild({rel})
    hub.notify()
    assert "contacts/oliver-grant/index.html" in outcome.changed
    assert "contacts/ayesha-rahman/index.html" not in outcome.changed
    assert site.snapshot.epoch > epoch  # the record pages first, then the listings
    assert next(edited) == ("reload", json.dumps({"epoch": site.snapshot.epoch}))

    # Break a file: every tab hears of the problem; the untouched tab had no reload first.
    edit(journal, rel, "name: Oliver Grant", "name: [Oliver, Grant]")
    assert not site.rebuild({rel}).ok
    hub.notify()
    name, data = next(untouched)
    assert name == "problems", (name, data)
    assert json.loads(data)[0].startswith(f"{rel}:2: ")
    assert next(edited)[0] == "problems"
    # Fixing it hides the overlay; the site is back to what the tabs show: no reload.
    edit(journal, rel, "name: [Oliver, Grant]", "name: Oliver Grant")
    assert site.rebuild({rel}).changed == []
    hub.notify()
    assert next(untouched) == ("ok", "[]")
    assert next(edited) == ("ok", "[]")
    hub.close()
    assert list(untouched) == [] and list(edited) == []  # the streams end with the server


def test_a_stylesheet_change_reloads_every_tab(served: tuple[DevSite, Hub, int],
                                               journal: Path) -> None:
    site, hub, port = served
    epoch = site.snapshot.epoch
    tabs = [events(port, page, epoch) for page in
            ("index.html", "contacts/oliver-grant/index.html", "meetings/index.html")]
    for tab in tabs:
        assert next(tab) == ("ok", "[]")
    css = (REPO / "themes/default/static/style.css").read_text(encoding="utf-8")
    rel = write(journal, "themes/default/static/style.css", css + "\nbody { color: teal }\n")
    outcome = site.rebuild({rel})
    hub.notify()
    assert outcome.changed == ["assets/style.css"]  # no page changed, but each looks different
    for tab in tabs:
        assert next(tab) == ("reload", json.dumps({"epoch": epoch + 1}))
    hub.close()


def test_a_tab_from_an_earlier_run_reloads_when_it_reconnects(
        journal: Path, tmp_path: Path) -> None:
    earlier = DevSite(journal, tmp_path / "earlier", Day(DAY))
    for _ in range(3):
        earlier.rebuild()
    hub = Hub()
    site = DevSite(journal, tmp_path / "later", Day(DAY))
    server = DevServer("127.0.0.1", 0, site, hub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        site.rebuild()
        hub.notify()
        stream = events(server.server_address[1], "index.html", earlier.snapshot.epoch)
        assert next(stream) == ("ok", "[]")
        assert next(stream) == ("reload", json.dumps({"epoch": site.snapshot.epoch}))
    finally:
        hub.close()
        server.shutdown()
        server.server_close()

