"""The encrypted site and the security headers in a real browser (Debian's Chromium).

The site is served from 127.0.0.1 with the headers of `netlify.toml`, so a Content
Security Policy violation on any page shows up here as it would on the host.
"""

from __future__ import annotations

import base64
import functools
import json
import re
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from playwright.sync_api import Browser, Page, expect

from infoint_site.cli import main
from infoint_site.headers import SECURITY_HEADERS

pytest.register_assert_rewrite("browser_support")
from browser_support import CHROMIUM, LOCAL_HOST, REPO  # noqa: E402

pytest_plugins = ["browser_support"]  # the session's browser fixture

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")

PASSWORD = "correct horse battery staple"
VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
    e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


class HeadersHandler(SimpleHTTPRequestHandler):
    def end_headers(self) -> None:
        for name, value in SECURITY_HEADERS.items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def serve(folder: Path) -> Iterator[str]:
    server = ThreadingHTTPServer((LOCAL_HOST, 0),
                                 functools.partial(HeadersHandler, directory=str(folder)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://{LOCAL_HOST}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def build(root: Path, out: Path, password: str | None = None) -> None:
    env = {"INFOINT_PASSWORD": password} if password else {}
    result = CliRunner(env=env).invoke(
        main, ["--root", str(root), "build", "--today", "2026-11-22", "--out", str(out)])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def plain_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out = tmp_path_factory.mktemp("plain") / "site"
    build(REPO, out)
    yield from serve(out)


@pytest.fixture(scope="module")
def encrypted_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("encrypted")
    root = tmp / "journal"
    root.mkdir()
    shutil.copytree(REPO / "content", root / "content")
    settings = (REPO / "infoint.yaml").read_text(encoding="utf-8")
    (root / "infoint.yaml").write_text(settings.replace("encrypt: false", "encrypt: true"),
                                       encoding="utf-8")
    build(root, tmp / "site", PASSWORD)
    return tmp / "site"


@pytest.fixture(scope="module")
def encrypted_url(encrypted_site: Path) -> Iterator[str]:
    yield from serve(encrypted_site)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    context.route("**/*", lambda route: route.continue_()
                  if route.request.url.startswith(f"http://{LOCAL_HOST}:")
                  else route.abort("blockedbyclient"))
    context.add_init_script(VIOLATIONS)
    tab = context.new_page()
    tab.errors = []  # type: ignore[attr-defined]
    tab.on("console", lambda m: tab.errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: tab.errors.append(str(e)))
    yield tab
    context.close()


def violations(page: Page) -> list[str]:
    return page.evaluate("window.__csp || []") + [
        e for e in page.errors if "Content Security Policy" in e]  # type: ignore[attr-defined]


PAGES = ["", "follow-ups/", "contacts/", "contacts/daniel-novak/", "meetings/",
         "meetings/2026-11-24-samuel-achebe/", "meetings/2026-11-19-daniel-novak/",
         "companies/", "companies/kestrel-learning/", "referrals/", "questions/", "stats/",
         "search/?q=novak"]


@pytest.mark.parametrize("path", PAGES)
def test_no_csp_violation_on_any_page_type(page: Page, plain_url: str, path: str) -> None:
    response = page.goto(plain_url + path)
    assert response is not None and response.ok
    assert response.headers["content-security-policy"].startswith("default-src 'none'")
    page.wait_for_load_state("load")
    if path.startswith("search/"):
        expect(page.locator("#search-results li").first).to_be_visible()
    assert violations(page) == []
    assert page.errors == []  # type: ignore[attr-defined]


def unlock(page: Page, password: str) -> None:
    page.fill("#unlock-password", password)
    page.click("#unlock-form button")


def test_wrong_password_is_refused(page: Page, encrypted_url: str) -> None:
    page.goto(encrypted_url)
    expect(page).to_have_title("Private journal")
    unlock(page, "not the right password")
    expect(page.locator("#unlock-message")).to_have_text(re.compile("Wrong password"),
                                                         timeout=15000)
    expect(page.get_by_text("What to do")).to_have_count(0)
    assert page.evaluate("sessionStorage.length") == 0


def test_right_password_opens_every_page_of_the_tab(page: Page, encrypted_url: str) -> None:
    page.goto(encrypted_url)
    unlock(page, PASSWORD)
    expect(page.get_by_role("heading", name="What to do")).to_be_visible(timeout=15000)
    expect(page).to_have_title(re.compile("Dashboard"))
    stored = page.evaluate("JSON.parse(sessionStorage.getItem('infoint-site-key'))")
    assert set(stored) == {"salt", "key"} and PASSWORD not in json.dumps(stored)
    assert len(base64.b64decode(stored["key"])) == 32
    # Another page opens without asking again, at an address that names no one.
    page.get_by_role("link", name="Contacts", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Contacts", timeout=15000)
    page.get_by_role("link", name="Daniel Novak").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Daniel Novak", timeout=15000)
    assert re.search(r"/p/[a-z2-7]{24}/$", page.url), page.url
    assert "novak" not in page.url
    # Lock forgets the key: the next page asks again.
    page.get_by_role("link", name="Lock").click()
    expect(page.locator("#unlock-password")).to_be_visible(timeout=15000)
    assert page.evaluate("sessionStorage.getItem('infoint-site-key')") is None
    assert violations(page) == []
    assert page.errors == []  # type: ignore[attr-defined]


def test_a_tampered_page_fails_closed(page: Page, encrypted_site: Path,
                                      encrypted_url: str) -> None:
    stats = encrypted_site / "stats" / "index.html"
    original = stats.read_text(encoding="utf-8")
    sealed = re.search(r'"payload": "([^"]+)"', original)
    assert sealed is not None
    blob = bytearray(base64.b64decode(sealed.group(1)))
    blob[40] ^= 0x01
    stats.write_text(original.replace(sealed.group(1), base64.b64encode(blob).decode()),
                     encoding="utf-8")
    try:
        page.goto(encrypted_url)
        unlock(page, PASSWORD)
        expect(page.get_by_role("heading", name="What to do")).to_be_visible(timeout=15000)
        page.goto(encrypted_url + "stats/")
        expect(page.locator("#unlock-message")).to_have_text(
            re.compile("changed or damaged"), timeout=15000)
        expect(page.get_by_role("heading", name="Statistics")).to_have_count(0)
    finally:
        stats.write_text(original, encoding="utf-8")


def test_a_page_moved_to_another_address_fails_closed(page: Page, encrypted_site: Path,
                                                      encrypted_url: str) -> None:
    moved = encrypted_site / "stats-copy"
    moved.mkdir()
    shutil.copy(encrypted_site / "stats" / "index.html", moved / "index.html")
    try:
        page.goto(encrypted_url)
        unlock(page, PASSWORD)
        expect(page.get_by_role("heading", name="What to do")).to_be_visible(timeout=15000)
        page.goto(encrypted_url + "stats-copy/")
        expect(page.locator("#unlock-message")).to_have_text(
            re.compile("changed or damaged"), timeout=15000)
    finally:
        shutil.rmtree(moved)
