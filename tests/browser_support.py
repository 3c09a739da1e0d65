"""Fixtures and helpers for the browser tests (tests/test_browser.py).

One site, one server, one browser per session:

* ``built_site`` builds the example journal (the repository itself) once, with
  ``--today 2026-11-22``, into a temporary folder;
* ``site_url`` serves it from a ``ThreadingHTTPServer`` on 127.0.0.1, port 0, in a thread;
* ``browser`` is the Debian Chromium at /usr/bin/chromium, driven by Playwright's sync API
  (no browser is ever downloaded);
* ``open_tab(...)`` opens a fresh context and page that records console errors, page
  errors, failed or 4xx/5xx responses, and aborts (and records) every request whose host
  is not 127.0.0.1, so the tests never reach the network.

test_browser.py imports the fixtures from here by name.
"""

from __future__ import annotations

import functools
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Request,
    Response,
    Route,
    WebSocket,
    sync_playwright,
)

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "tests" / "artifacts"
BUILD_DAY = "2026-11-22"
TIMEZONE = "Europe/London"  # the example journal's `timezone`
LOCAL_HOST = "127.0.0.1"
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 390, "height": 844}


# --------------------------------------------------------------------------- the site


def build_example_site(out: Path, today: str = BUILD_DAY) -> Path:
    """Build the example journal into `out` with the command line, as a user would.

    ``--no-cache`` keeps the build from writing a cache into the repository.
    """
    script = Path(sys.executable).with_name("infoint-site")
    command = (
        [str(script)]
        if script.exists()
        else [sys.executable, "-c", "from infoint_site.cli import main; main()"]
    )
    command += ["--root", str(REPO), "build", "--today", today, "--out", str(out), "--no-cache"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, f"build failed ({done.returncode}):\n{done.stdout}{done.stderr}"
    assert (out / "index.html").is_file(), f"no index.html in {out}: {done.stdout}"
    return out


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves the built site; keeps the test output free of access logs."""

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_example_site(tmp_path_factory.mktemp("browser") / "site")


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    """``http://127.0.0.1:<port>/`` serving the built site."""
    handler = functools.partial(QuietHandler, directory=str(built_site))
    server = ThreadingHTTPServer((LOCAL_HOST, 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://{LOCAL_HOST}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --------------------------------------------------------------------------- the browser


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def noon(day: str | date) -> datetime:
    """Midday of `day` in the journal's timezone: a clock time that is that day anywhere near."""
    d = date.fromisoformat(day) if isinstance(day, str) else day
    return datetime(d.year, d.month, d.day, 12, 0, tzinfo=ZoneInfo(TIMEZONE))


@dataclass
class Tab:
    """A page in its own browser context, and everything it did that a test may object to."""

    page: Page
    context: BrowserContext
    base: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    offsite: list[str] = field(default_factory=list)  # requests aborted: host not 127.0.0.1
    bad_responses: list[str] = field(default_factory=list)  # local 4xx/5xx, failed loads

    def url(self, path: str = "/") -> str:
        return self.base + path.lstrip("/")

    def goto(self, path: str = "/") -> Response | None:
        response = self.page.goto(self.url(path), wait_until="load")
        assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
        return response

    def problems(self) -> list[str]:
        return (
            [f"console error: {m}" for m in self.console_errors]
            + [f"page error: {m}" for m in self.page_errors]
            + [f"request beyond {LOCAL_HOST}: {u}" for u in self.offsite]
            + [f"bad response: {u}" for u in self.bad_responses]
        )

    def assert_clean(self) -> None:
        problems = self.problems()
        assert not problems, "\n".join(problems)


def _watch(tab: Tab) -> None:
    """Record what the page does; abort every request that would leave 127.0.0.1."""

    def guard(route: Route) -> None:
        request = route.request
        if urlsplit(request.url).hostname == LOCAL_HOST:
            route.continue_()
        else:
            tab.offsite.append(f"{request.method} {request.url}")
            route.abort("blockedbyclient")

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            tab.console_errors.append(f"{message.text} ({message.location.get('url', '')})")

    def on_response(response: Response) -> None:
        if response.status >= 400:
            tab.bad_responses.append(f"{response.status} {response.url}")

    def on_failed(request: Request) -> None:
        # ERR_ABORTED is the browser cancelling a load because the page navigated away
        # (a favicon still in flight when a link is followed): not a failure of the site.
        if urlsplit(request.url).hostname == LOCAL_HOST and "ERR_ABORTED" not in str(
                request.failure):
            tab.bad_responses.append(f"failed: {request.url} ({request.failure})")

    def on_websocket(socket: WebSocket) -> None:
        if urlsplit(socket.url).hostname != LOCAL_HOST:
            tab.offsite.append(f"websocket {socket.url}")

    tab.context.route("**/*", guard)
    tab.page.on("console", on_console)
    tab.page.on("pageerror", lambda error: tab.page_errors.append(str(error)))
    tab.page.on("response", on_response)
    tab.page.on("requestfailed", on_failed)
    tab.page.on("websocket", on_websocket)


OpenTab = Callable[..., Tab]


@pytest.fixture
def open_tab(browser: Browser, site_url: str) -> Iterator[OpenTab]:
    """``open_tab(today=..., color_scheme=..., viewport=..., mobile=..., javascript=...)``.

    `today` mocks the browser clock (``page.clock.set_fixed_time``, before any navigation)
    at midday of that day in the journal's timezone; pass ``today=None`` for the real clock.
    The default is the build day, so that pages look exactly as built.
    """
    contexts: list[BrowserContext] = []

    def open_(
        *,
        today: str | date | None = BUILD_DAY,
        color_scheme: str = "light",
        viewport: dict[str, int] | None = None,
        mobile: bool = False,
        javascript: bool = True,
    ) -> Tab:
        options: dict[str, object] = {
            "viewport": viewport or (MOBILE if mobile else DESKTOP),
            "color_scheme": color_scheme,
            "locale": "en-GB",
            "timezone_id": TIMEZONE,
            "java_script_enabled": javascript,
            "service_workers": "block",
        }
        if mobile:
            options.update(is_mobile=True, has_touch=True, device_scale_factor=2)
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(5_000)
        tab = Tab(page=page, context=context, base=site_url)
        _watch(tab)
        if today is not None:
            page.clock.set_fixed_time(noon(today))
        return tab

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture
def tab(open_tab: OpenTab) -> Tab:
    """A desktop tab, light colour scheme, clock at the build day."""
    return open_tab()


# --------------------------------------------------------------------------- helpers

_RGB = re.compile(r"rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)")


def parse_rgb(css: str) -> tuple[float, float, float, float]:
    """``rgb(1, 2, 3)`` / ``rgba(1, 2, 3, .5)`` / ``rgb(1 2 3 / 50%)`` → (r, g, b, alpha)."""
    match = _RGB.fullmatch(css.strip())
    assert match, f"not an rgb() colour: {css!r}"
    r, g, b, a = match.groups()
    alpha = 1.0 if a is None else (float(a[:-1]) / 100 if a.endswith("%") else float(a))
    return float(r), float(g), float(b), alpha


def luminance(css: str) -> float:
    """WCAG relative luminance of an opaque CSS colour, 0 (black) to 1 (white)."""

    def channel(v: float) -> float:
        v /= 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b, _ = parse_rgb(css)
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(fg: str, bg: str) -> float:
    """WCAG contrast ratio of two opaque CSS colours (1 to 21)."""
    hi, lo = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def status_for(due: date, today: date, soon_days: int = 7) -> str:
    """The spec's follow-up status rule, for an open follow-up."""
    if due < today:
        return "overdue"
    if due == today:
        return "today"
    if (due - today).days <= soon_days:
        return "soon"
    return "later"


def board_groups(page: Page, board: str = ".fu-board") -> dict[str, list[str]]:
    """The open follow-ups shown in each status group of a board: status → titles, in order."""
    return page.eval_on_selector(
        board,
        """board => {
            const out = {};
            board.querySelectorAll('.fu-group[data-status]').forEach(g => {
                out[g.dataset.status] = Array.from(g.querySelectorAll('.follow-up'),
                    li => li.querySelector('.fu-title').textContent.replace(/\\s+/g, ' ').trim());
            });
            return out;
        }""",
    )


def board_counts(page: Page, board: str = ".fu-board") -> dict[str, int]:
    """The number each status group's heading shows: status → count."""
    return page.eval_on_selector(
        board,
        """board => Object.fromEntries(Array.from(
            board.querySelectorAll('.fu-group[data-status]'),
            g => [g.dataset.status, Number(g.querySelector('h2 .count').textContent)]))""",
    )


def save_screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=full_page, animations="disabled")
    assert path.stat().st_size > 1000, f"{path} looks empty"
    return path
