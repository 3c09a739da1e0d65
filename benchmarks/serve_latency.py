"""Edit-to-reload latency of `infoint-site serve`: a file saved → the browser shows it.

    python benchmarks/serve_latency.py [--runs 7] [--files 10000] [--only example|generated]
                                       [--save note|role|date|meeting]

For the example journal (a copy of this repository's content/) and for a generated
journal of `--files` files (benchmarks/generate.py), both in a temporary folder: start
a `Preview` on 127.0.0.1, open a contact's page in Chromium (Debian's, through
Playwright; every request off 127.0.0.1 is aborted), then, `--runs` times, save the
contact's file with a unique marker and time how long until the page shows it. The
marker is a line appended to the note (`--save note`, the default), the contact's new
`role` (`--save role`), their `last_contact` date (`--save date`: "1 Jan 2001" for
the first run, 2002 for the second…), or a new meeting file with them, which their page
lists (`--save meeting`: on 2 Jan 2031, 2032…). `serve` shows the first two from the
last analysis with the one record swapped in (nothing the journal computes reads them),
and a date or a new meeting from the last analysis brought up to date for that record
(the follow-ups are computed from it: see infoint_site/reanalysis.py), each before the
whole journal is analysed again.

"save → visible" is measured on one clock: Python's wall time just before the write,
and the browser's wall time (Date.now()) at the first animation frame whose text holds
the marker. The rebuild time is the one the server reported for that save.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from playwright.sync_api import Browser, Page, Route, sync_playwright

from infoint_site import long_lived
from infoint_site.devsite import Outcome
from infoint_site.serve import Preview
from infoint_site.watcher import MAX_BURST_MS, QUIET_MS

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import TODAY, generate

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
EXAMPLE_DAY = date(2026, 11, 22)
EXAMPLE_CONTACT = "oliver-grant"

WAIT_FOR_MARKER = """marker => new Promise(resolve => {
    const look = () => document.body && document.body.innerText.includes(marker)
        ? resolve(Date.now()) : requestAnimationFrame(look);
    look();
})"""


@dataclass
class Reports:
    """What the server reported, with the wall time of each report."""

    outcomes: list[tuple[float, Outcome]] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)

    def __call__(self, outcome: Outcome) -> None:
        with self.changed:
            self.outcomes.append((time.time(), outcome))
            self.changed.notify_all()

    def wait_beyond(self, count: int, timeout: float) -> None:
        with self.changed:
            if not self.changed.wait_for(lambda: len(self.outcomes) > count, timeout):
                raise TimeoutError(f"no build reported within {timeout:.0f} s")


@dataclass
class Run:
    visible: float
    """Seconds from the save to the marker on screen."""
    rebuilt: float
    """Seconds from the save to the end of the rebuild (as reported)."""
    rebuild: float
    """The rebuild's own time, as the server reported it."""
    parsed: int
    rendered: int


Save = Literal["note", "role", "date", "meeting"]
SAVES: tuple[Save, ...] = ("note", "role", "date", "meeting")


def save_marker(path: Path, n: int, save: Save) -> str:
    """Save `path` with the `n`th run's marker as a new line of its note, as its `role`,
    or as its `last_contact` (a date in the year 2001 + `n`); or save a new meeting file
    with the contact of `path` (on 2 January of the year 2031 + `n`). What the page of
    `path` then shows."""
    if save == "meeting":
        day = date(2031 + n, 1, 2)
        meeting = path.parent.parent / "meetings" / f"{day.isoformat()}-{path.stem}-latency.md"
        meeting.write_text(f'---\ncontact: {path.stem}\ndate: "{day.isoformat()}"\n---\n'
                           "A meeting to come.\n", encoding="utf-8")
        return f"{day.day} Jan {day.year}"
    if save == "note":
        marker = f"latency-marker-{n}-{time.time_ns()}"
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(f"\n{marker}\n")
        return marker
    field, value, marker = ("role", f"latency-marker-{n}-{time.time_ns()}", "") \
        if save == "role" else ("last_contact", f"{2001 + n}-01-01", f"1 Jan {2001 + n}")
    text = path.read_text(encoding="utf-8")
    head, rule, rest = text.partition("\n---\n")
    lines = head.split("\n")  # the field's line replaced where it stands, or added last:
    at = next((i for i, line in enumerate(lines) if line.startswith(f"{field}:")), None)
    if at is None:  # no other line moves (their places are part of the record)
        lines.append(f"{field}: {value}")
    else:
        lines[at] = f"{field}: {value}"
    path.write_text("\n".join(lines) + rule + rest, encoding="utf-8")
    return marker or value


def measure(browser: Browser, root: Path, contact: str, day: date, runs: int,
            label: str, quiet: bool = False, save: Save = "note") -> tuple[float, list[Run]]:
    """(the first build's seconds, one `Run` per save)."""
    reports = Reports()
    preview = Preview(root, "127.0.0.1", 0, lambda: day, reports)
    started = time.perf_counter()
    preview.start()
    first = time.perf_counter() - started
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        context.route("**/*", _local_only)
        page = context.new_page()
        page.set_default_timeout(120_000)
        page.goto(f"{preview.url}contacts/{contact}/", wait_until="load")
        _wait_for_watcher(preview, root, reports)
        path = root / "content" / "contacts" / f"{contact}.md"
        results = []
        for n in range(runs):
            count = len(reports.outcomes)
            saved = time.time()
            marker = save_marker(path, n, save)
            shown = _shown_at(page, marker) / 1000
            reports.wait_beyond(count, 60)
            done, outcome = reports.outcomes[count]
            assert outcome.ok, [p.format() for p in outcome.problems]
            results.append(Run(shown - saved, done - saved, outcome.seconds, outcome.parsed,
                               outcome.rendered))
            if not quiet:
                print(f"  {label} run {n + 1}: visible after {shown - saved:.3f} s"
                      f" (rebuild {outcome.seconds:.3f} s, {outcome.parsed} parsed,"
                      f" {outcome.rendered} rendered)", flush=True)
            time.sleep(0.5)  # quiet between saves: each is its own burst
        return first, results
    finally:
        context.close()
        preview.stop()
        long_lived.reset()  # the next measurement starts without this one's builds


def _shown_at(page: Page, marker: str) -> float:
    """The browser's Date.now() at the first frame showing `marker`, across reloads."""
    deadline = time.monotonic() + 120
    while True:
        try:
            return float(page.evaluate(WAIT_FOR_MARKER, marker))
        except Exception as exc:  # the reload destroyed the page the promise ran in
            if "context was destroyed" not in str(exc) and "navigat" not in str(exc):
                raise
            if time.monotonic() > deadline:
                raise TimeoutError(f"{marker} never showed") from exc
            page.wait_for_load_state("domcontentloaded")


def _local_only(route: Route) -> None:
    if urlsplit(route.request.url).hostname == "127.0.0.1":
        route.continue_()
    else:
        route.abort("blockedbyclient")


def _wait_for_watcher(preview: Preview, root: Path, reports: Reports) -> None:
    """Save infoint.yaml unchanged until the watcher reports it, then wait until the
    server has been idle for a while, so that no build from these saves is pending."""
    settings = root / "infoint.yaml"
    count = len(reports.outcomes)
    for _ in range(10):
        settings.write_bytes(settings.read_bytes())
        try:
            reports.wait_beyond(count, 1 + reports.outcomes[-1][1].seconds * 2)
            break
        except TimeoutError:
            continue
    else:
        raise TimeoutError("the watcher never reported a change")
    while True:
        seen = len(reports.outcomes)
        time.sleep(1 + reports.outcomes[-1][1].seconds)
        if len(reports.outcomes) == seen and not preview.site.building:
            return


def _files(root: Path) -> int:
    return sum(1 for _ in (root / "content").rglob("*.md"))


def _median(values: list[float]) -> str:
    return f"{statistics.median(values):.3f}"


def _range(values: list[float]) -> str:
    return f"{min(values):.3f}–{max(values):.3f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="saves per journal (7, at least 5)")
    parser.add_argument("--files", type=int, default=10_000, help="generated journal size")
    parser.add_argument("--only", choices=("example", "generated"), help="one journal only")
    parser.add_argument("--save", choices=SAVES, default="note",
                        help="what each save changes: a line of the note, the role, the"
                        " last_contact date, or a new meeting file with the contact")
    args = parser.parse_args(argv)
    if args.runs < 5:
        parser.error("--runs must be at least 5: the table shows medians")
    rows = []
    with tempfile.TemporaryDirectory(prefix="infoint-latency-") as tmp, \
            sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            if args.only in (None, "example"):
                root = Path(tmp) / "example"
                shutil.copytree(REPO / "content", root / "content")
                shutil.copy(REPO / "infoint.yaml", root / "infoint.yaml")
                first, runs = measure(browser, root, EXAMPLE_CONTACT, EXAMPLE_DAY, args.runs,
                                      "example", save=args.save)
                rows.append(("example journal", _files(root), first, runs))
            if args.only in (None, "generated"):
                root = Path(tmp) / "generated"
                print(f"generating {args.files} files…", flush=True)
                generate(root, args.files)
                contact = sorted((root / "content" / "contacts").glob("*.md"))[0].stem
                first, runs = measure(browser, root, contact, TODAY, args.runs, "generated",
                                      save=args.save)
                rows.append((f"generated, {args.files} files", _files(root), first, runs))
        finally:
            browser.close()
    print()
    print("| journal | files | first build s | save → visible s, median (range)"
          " | save → rebuilt s, median | rebuild s (server), median | parsed | pages rendered |")
    print("|---|---:|---:|---|---:|---:|---:|---:|")
    for label, files, first, runs in rows:
        visible = [r.visible for r in runs]
        print(f"| {label} | {files} | {first:.2f} | {_median(visible)} ({_range(visible)})"
              f" | {_median([r.rebuilt for r in runs])}"
              f" | {_median([r.rebuild for r in runs])}"
              f" | {statistics.median(r.parsed for r in runs):.0f}"
              f" | {statistics.median(r.rendered for r in runs):.0f} |")
    print(f"\n{len(rows[0][3]) if rows else 0} saves ({args.save}) per journal; Python"
          f" {sys.version.split()[0]}; the watcher coalesces bursts for"
          f" {QUIET_MS}–{MAX_BURST_MS} ms.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
