"""`infoint-site serve` over HTTP: never broken, safe on café Wi-Fi, quick to stop.

Most tests run a `Preview` of a copy of the example journal in this process, on
127.0.0.1 and a free port, with its real watcher, and talk to it with `http.client`
(raw sockets where a request must be malformed on purpose). The Ctrl-C tests start a
real `infoint-site serve` and send it SIGINT or SIGTERM. Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

import infoint_site.loader
import infoint_site.serve
from infoint_site.build import build_site
from infoint_site.devsite import Outcome
from infoint_site.errors import InfointError
from infoint_site.serve import Preview

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from generate import generate

REPO = Path(__file__).resolve().parents[1]
DAY = date(2026, 11, 22)
HOST = "127.0.0.1"
CONTACT = "content/contacts/oliver-grant.md"
CONTACT_PAGE = "/contacts/oliver-grant/"
SECRET = "TOP-SECRET-7f3a"


# --------------------------------------------------------------------------- helpers


def wait_for(condition: Callable[[], object], what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.02)


def atomic_write(path: Path, text: str) -> None:
    """Save as editors do: write a temporary file beside it, then rename it over."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def snapshot_tree(root: Path) -> dict[str, bytes | None]:
    """Every file (its bytes) and folder (None) under `root`."""
    return {p.relative_to(root).as_posix(): None if p.is_dir() else p.read_bytes()
            for p in sorted(root.rglob("*"))}


class Running:
    """A started `Preview`, what it reported, and an HTTP client for it."""

    def __init__(self, preview: Preview) -> None:
        self.preview = preview
        self.outcomes: list[Outcome] = []
        self.port = preview.server.server_address[1]

    @property
    def builds(self) -> int:
        return len(self.outcomes)

    def request(self, path: str, host: str | None = None, method: str = "GET",
                ) -> tuple[int, dict[str, str], bytes]:
        """(status, headers, body); the path is sent exactly as given."""
        connection = http.client.HTTPConnection(HOST, self.port, timeout=10)
        try:
            connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            connection.putheader("Host", f"{HOST}:{self.port}" if host is None else host)
            connection.endheaders()
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def page(self, path: str) -> bytes:
        status, _, body = self.request(path)
        assert status == 200, f"{path}: HTTP {status}"
        return body

    def wait_build(self, after: int, ok: bool | None = True) -> Outcome:
        """The first build reported after the `after`-th; `ok` is what it must be."""
        wait_for(lambda: self.builds > after, "a rebuild")
        outcome = self.outcomes[after]
        if ok is not None:
            assert outcome.ok is ok, [p.format() for p in outcome.problems]
        return outcome

    def wait_settled(self, condition: Callable[[], object], what: str) -> None:
        """Wait until a build that satisfies `condition` was the last one, then a bit
        longer: the watcher coalesces bursts for at most 300 ms."""
        wait_for(lambda: self.outcomes and condition(), what)
        count = self.builds
        time.sleep(0.4)
        if self.builds != count:
            self.wait_settled(condition, what)


def copy_example(root: Path) -> Path:
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "infoint.yaml", root / "infoint.yaml")
    return root


@pytest.fixture
def journal(tmp_path: Path) -> Path:
    return copy_example(tmp_path / "journal")


def start_preview(root: Path) -> Running:
    preview = Preview(root, HOST, 0, lambda: DAY, lambda outcome: None)
    run = Running(preview)
    preview.report = run.outcomes.append
    preview.start()
    assert run.builds == 1 and run.outcomes[0].ok
    return run


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """The example journal served on 127.0.0.1, for tests that change nothing."""
    run = start_preview(copy_example(tmp_path_factory.mktemp("served") / "journal"))
    yield run
    run.preview.stop()


@pytest.fixture
def running(journal: Path) -> Iterator[Running]:
    """The example journal served on 127.0.0.1, with its watcher known to be listening."""
    run = start_preview(journal)
    try:
        # The watcher starts on its own thread: save infoint.yaml unchanged until it
        # notices, so that no edit made by a test can fall before it listens.
        settings = journal / "infoint.yaml"
        deadline = time.monotonic() + 10
        saves = 0
        while run.builds == 1:
            assert time.monotonic() < deadline, "the watcher never reported a change"
            settings.write_bytes(settings.read_bytes())
            saves += 1
            wait = time.monotonic() + 0.5
            while run.builds == 1 and time.monotonic() < wait:
                time.sleep(0.01)
        if saves > 1:
            time.sleep(0.4)  # an earlier save may still be on its way
        yield run
    finally:
        run.preview.stop()


def events(run: Running, page: str, epoch: int) -> Iterator[tuple[str, str]]:
    """A tab's event stream: (event, data) pairs as they come."""
    connection = http.client.HTTPConnection(HOST, run.port, timeout=10)
    connection.request("GET", f"/__infoint/events?page={page}&epoch={epoch}")
    response = connection.getresponse()
    assert response.status == 200
    name = ""
    try:
        while line := response.fp.readline().decode():
            if line.startswith("event: "):
                name = line[7:].strip()
            elif line.startswith("data: "):
                yield name, line[6:].strip()
    finally:
        connection.close()


# --------------------------------------------------------------------------- serving


def test_pages_come_from_a_private_folder_with_the_reload_script(served: Running) -> None:
    running, journal = served, served.preview.root
    status, headers, body = running.request(CONTACT_PAGE)
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["Cache-Control"] == "no-store"
    assert int(headers["Content-Length"]) == len(body)
    epoch = running.preview.site.snapshot.epoch
    script = (f'<script src="/__infoint/live.js" data-page="contacts/oliver-grant/index.html"'
              f' data-epoch="{epoch}"></script></body>').encode()
    assert body.count(b"/__infoint/live.js") == 1 and script in body
    status, headers, live = running.request("/__infoint/live.js")
    assert status == 200 and headers["Content-Type"].startswith("text/javascript")
    assert b"EventSource" in live
    # The site is built into a private folder, never into the journal's output.
    folder = running.preview.folder
    assert folder.name.startswith("infoint-serve-") and journal not in folder.parents
    assert (folder / "site/contacts/oliver-grant/index.html").is_file()
    assert (folder.stat().st_mode & 0o777) == 0o700
    assert not (journal / "public").exists()
    assert sorted(p.name for p in journal.iterdir()) == ["content", "infoint.yaml"]


def test_a_missing_page_is_the_sites_own_404(served: Running) -> None:
    running = served
    status, headers, body = running.request("/contacts/nobody-at-all/")
    assert status == 404
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert b"<h1>Not found</h1>" in body and b"Back to the dashboard" in body
    assert b'data-page="contacts/nobody-at-all/index.html"' in body  # reloads if it appears
    status, _, body = running.request("/contacts/nobody-at-all/", method="HEAD")
    assert (status, body) == (404, b"")
    # A folder without its slash is redirected to it.
    status, headers, _ = running.request("/contacts/oliver-grant")
    assert status == 301 and headers["Location"] == CONTACT_PAGE


# --------------------------------------------------------------------------- café Wi-Fi


@pytest.mark.parametrize("host", ["localhost", "localhost:{port}", "127.0.0.1:{port}",
                                  "[::1]:{port}", "[::1]", "LocalHost:{port}"])
def test_loopback_host_headers_are_answered(served: Running, host: str) -> None:
    status, _, _ = served.request("/", host=host.format(port=served.port))
    assert status == 200


@pytest.mark.parametrize("host", [
    "evil.example", "evil.example:{port}", "localhost.evil.example:{port}",
    "127.0.0.1.nip.io:{port}", "localhost.:{port}", "::1", "[::1]evil.example",
    "localhost:{port}:1", "0.0.0.0:{port}", "",
])
def test_other_host_headers_are_refused(served: Running, host: str) -> None:
    """DNS rebinding: a page of evil.example whose name now points at 127.0.0.1."""
    for path in ("/", CONTACT_PAGE, "/__infoint/live.js", "/__infoint/events?page=index.html"):
        status, _, body = served.request(path, host=host.format(port=served.port))
        assert status == 403, (host, path)
        assert body == b"This server answers only to localhost.\n"


def raw_status(run: Running, request: bytes) -> bytes:
    """The status line the server answers to `request`, sent byte for byte."""
    with socket.create_connection((HOST, run.port), timeout=10) as connection:
        connection.sendall(request)
        return connection.makefile("rb").readline().rstrip()


def test_requests_without_exactly_one_local_host_are_refused(served: Running) -> None:
    running = served
    forbidden = b"HTTP/1.1 403 Forbidden"
    assert raw_status(running, b"GET / HTTP/1.0\r\n\r\n") == forbidden
    assert raw_status(running, b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n") == forbidden
    assert raw_status(running, b"GET / HTTP/1.1\r\nHost: localhost\r\nHost: evil.example\r\n"
                               b"Connection: close\r\n\r\n") == forbidden
    assert raw_status(running, b"GET http://evil.example/ HTTP/1.1\r\nHost: localhost\r\n"
                               b"Connection: close\r\n\r\n") == forbidden
    assert raw_status(running, b"GET http://localhost/ HTTP/1.1\r\nHost: localhost\r\n"
                               b"Connection: close\r\n\r\n") == b"HTTP/1.1 200 OK"


TRAVERSALS = [
    "/../secret.txt", "/../../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/%2e%2e/secret.txt",
    "/..%2fsecret.txt", "/%2e%2e%2fsecret.txt", "/contacts/..%2f..%2f..%2fsecret.txt",
    "/..\\secret.txt", "/%5c..%5csecret.txt", "/contacts\\..\\..\\secret.txt",
    "//secret.txt", "/%2fsecret.txt", "/./../secret.txt", "/%252e%252e/secret.txt",
    "/contacts/%00/../../secret.txt", "/..;/secret.txt", "/content/contacts/oliver-grant.md",
    "/../journal/infoint.yaml", "/%2e%2e/journal/content/contacts/oliver-grant.md",
    "/leak.txt", "/leak-folder/secret.txt",
]


def test_no_path_leaves_the_site(served: Running, tmp_path: Path) -> None:
    running = served
    (tmp_path / "secret.txt").write_text(SECRET)
    # Symlinks planted in the private folder lead nowhere either: pages come from memory.
    site = running.preview.site.out
    (site / "leak.txt").symlink_to(tmp_path / "secret.txt")
    (site / "leak-folder").symlink_to(tmp_path, target_is_directory=True)
    for path in TRAVERSALS:
        status, _, body = running.request(path)
        assert status == 404, path
        assert SECRET.encode() not in body and b"name: Oliver" not in body, path
        assert b"<h1>Not found</h1>" in body, path
    assert running.page("/").startswith(b"<!doctype html>")  # still running


def test_a_symlink_out_of_the_journal_is_refused_and_the_site_stays(
        running: Running, journal: Path, tmp_path: Path) -> None:
    (tmp_path / "outside.md").write_text(f"---\nname: {SECRET}\n---\n")
    builds = running.builds
    (journal / "content/contacts/outside.md").symlink_to(tmp_path / "outside.md")
    outcome = running.wait_build(builds, ok=False)
    assert [p.code for p in outcome.problems if p.is_error] == ["E112"]
    assert running.request("/contacts/outside/")[0] == 404
    assert SECRET.encode() not in running.page("/contacts/")


def test_a_port_in_use_is_a_clear_error(journal: Path, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    private = tmp_path / "private"
    private.mkdir()
    monkeypatch.setattr(infoint_site.serve, "private_parent", lambda: str(private))
    with socket.socket() as taken:
        taken.bind((HOST, 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(InfointError, match=f"port {port} on 127.0.0.1 is already in use"):
            Preview(journal, HOST, port)
    assert list(private.iterdir()) == []  # its private folder was removed


# --------------------------------------------------------------------------- never broken


def test_a_build_error_keeps_the_last_good_site_and_tells_every_tab(
        running: Running, journal: Path) -> None:
    good = running.page(CONTACT_PAGE)
    epoch = running.preview.site.snapshot.epoch
    tab = events(running, "contacts/oliver-grant/index.html", epoch)
    other = events(running, "index.html", epoch)
    assert next(tab) == ("ok", "[]") and next(other) == ("ok", "[]")

    path = journal / CONTACT
    text = path.read_text(encoding="utf-8")
    builds = running.builds
    path.write_text(text.replace("name: Oliver Grant", "name: [Oliver, Grant]"), "utf-8")
    outcome = running.wait_build(builds, ok=False)
    assert "still showing the last good site" in outcome.summary()
    assert running.page(CONTACT_PAGE) == good  # the same bytes, not a half-built page
    for stream in (tab, other):
        name, data = next(stream)
        assert name == "problems"
        (line,) = json.loads(data)
        assert line.startswith(f"{CONTACT}:2: name: ")  # path:line: message

    builds = running.builds
    path.write_text(text.replace("name: Oliver Grant", "name: Oliver Grant-Hale"), "utf-8")
    running.wait_build(builds)
    assert next(tab) == ("ok", "[]") and next(other) == ("ok", "[]")
    assert next(tab)[0] == "reload"
    assert b"Oliver Grant-Hale" in running.page(CONTACT_PAGE)


def test_deleted_files_are_survived(running: Running, journal: Path) -> None:
    meeting = journal / "content/meetings/2026-08-27-oliver-grant.md"
    assert running.request("/meetings/2026-08-27-oliver-grant/")[0] == 200
    builds = running.builds
    meeting.unlink()
    outcome = running.wait_build(builds)
    assert "meetings/2026-08-27-oliver-grant/index.html" in outcome.changed
    assert running.request("/meetings/2026-08-27-oliver-grant/")[0] == 404
    # Meetings still name a deleted contact: an error, and the last good site stays.
    builds = running.builds
    (journal / "content/contacts/helen-okafor.md").unlink()
    outcome = running.wait_build(builds, ok=False)
    assert any(p.code == "E301" for p in outcome.problems)
    assert running.request("/contacts/helen-okafor/")[0] == 200
    # No journal left at all: still the last good site.
    builds = running.builds
    (journal / "infoint.yaml").unlink()
    running.wait_build(builds, ok=False)
    builds = running.builds
    (journal / "content").rename(journal / "elsewhere")
    outcome = running.wait_build(builds, ok=False)
    assert "is not a journal" in outcome.problems[0].message
    assert running.request("/contacts/helen-okafor/")[0] == 200
    # Put back, it builds again.
    builds = running.builds
    (journal / "elsewhere").rename(journal / "content")
    shutil.copy(REPO / "content/contacts/helen-okafor.md", journal / "content/contacts")
    running.wait_settled(lambda: running.outcomes[-1].ok, "a good build")
    assert running.request("/meetings/2026-08-27-oliver-grant/")[0] == 404
    assert running.request("/contacts/helen-okafor/")[0] == 200


def test_an_editors_atomic_save_is_one_rebuild(running: Running, journal: Path) -> None:
    path = journal / CONTACT
    builds = running.builds
    atomic_write(path, path.read_text(encoding="utf-8") + "\nSaved the way vim does.\n")
    running.wait_settled(lambda: b"Saved the way vim does." in running.page(CONTACT_PAGE),
                         "the saved note")
    assert running.builds == builds + 1
    assert all(o.ok for o in running.outcomes[builds:])
    assert not list(path.parent.glob(".*.tmp"))


def test_a_burst_of_saves_is_coalesced(running: Running, journal: Path) -> None:
    builds = running.builds
    for name in ("oliver-grant", "helen-okafor", "marcus-bell", "nadia-hussain"):
        path = journal / f"content/contacts/{name}.md"
        atomic_write(path, path.read_text(encoding="utf-8") + f"\nBurst {name}.\n")
    running.wait_settled(lambda: b"Burst nadia-hussain." in running.page(
        "/contacts/nadia-hussain/"), "the last save of the burst")
    assert running.builds == builds + 1
    assert running.outcomes[-1].parsed == 4


def test_a_rename_during_a_build_is_picked_up(running: Running, journal: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The file is renamed after the build listed the folder and before it read it."""
    old = journal / "content/meetings/2026-10-01-tom-whitaker.md"
    new = journal / "content/meetings/2026-10-01-tom-whitaker-call.md"
    read_file = infoint_site.loader._read_file

    def rename_first(root: Path, real_root: str, full: str | Path, rel: str,
                     problems: list, trusted: object = None) -> object:
        if Path(full) == old and old.exists():
            old.rename(new)
        return read_file(root, real_root, full, rel, problems, trusted)  # type: ignore[arg-type]

    monkeypatch.setattr(infoint_site.loader, "_read_file", rename_first)
    builds = running.builds
    # A settings change makes the build read every file (a saved note is read alone).
    path = journal / "infoint.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# Start a build.\n", "utf-8")
    running.wait_settled(lambda: new.exists() and running.outcomes[-1].ok and
                         "meetings/2026-10-01-tom-whitaker-call/index.html"
                         in running.preview.site.snapshot.files, "the renamed meeting")
    assert running.builds >= builds + 2  # the build it broke, and the one after
    assert running.request("/meetings/2026-10-01-tom-whitaker-call/")[0] == 200
    assert running.request("/meetings/2026-10-01-tom-whitaker/")[0] == 404


def test_the_private_folder_deleted_under_it(running: Running, journal: Path) -> None:
    folder = running.preview.folder
    shutil.rmtree(folder)
    assert b"Oliver Grant" in running.page(CONTACT_PAGE)  # served from memory
    builds = running.builds
    path = journal / CONTACT
    path.write_text(path.read_text(encoding="utf-8") + "\nAfter the folder went.\n", "utf-8")
    running.wait_build(builds)
    assert b"After the folder went." in running.page(CONTACT_PAGE)
    site = folder / "site"
    assert {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()} == \
        set(running.preview.site.snapshot.files)


def test_a_build_into_the_journals_output_is_not_a_change(running: Running,
                                                          journal: Path) -> None:
    """The watcher ignores public/ (and anything else not an input): `build` while serving."""
    builds = running.builds
    build_site(journal, DAY)
    (journal / "notes.txt").write_text("not an input")
    (journal / "content/contacts/.oliver-grant.md.swp").write_text("an editor's swap file")
    time.sleep(0.8)
    assert (journal / "public/index.html").is_file()
    assert running.builds == builds


def test_a_watcher_that_fails_says_so_on_every_tab(journal: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    def no_watching(*args: object) -> None:
        raise OSError("OS file watch limit reached")

    monkeypatch.setattr(infoint_site.serve, "watch", no_watching)
    run = Running(Preview(journal, HOST, 0, lambda: DAY))
    run.preview.report = run.outcomes.append
    run.preview.start()
    try:
        wait_for(lambda: any(not o.ok for o in run.outcomes), "the watcher's failure")
        stream = events(run, "index.html", run.preview.site.snapshot.epoch)
        name, data = next(stream)
        assert name == "problems"
        assert "stopped watching the journal (OSError: OS file watch limit reached)" \
            in json.loads(data)[0]
        assert run.request("/")[0] == 200  # and still serving
    finally:
        run.preview.stop()


def test_no_request_sees_a_half_written_page(running: Running, journal: Path) -> None:
    path = journal / CONTACT
    text = path.read_text(encoding="utf-8")
    versions = [text + f"\nVersion {n}: " + "words " * 2000 + "\n" for n in range(2)]
    builds = running.builds
    atomic_write(path, versions[0])
    running.wait_build(builds)
    seen: list[bytes] = []
    stop = threading.Event()

    def fetch() -> None:
        for _ in range(400):  # bounded: this is a test, not a load generator
            if stop.is_set():
                return
            status, headers, body = running.request(CONTACT_PAGE)
            assert status == 200 and int(headers["Content-Length"]) == len(body)
            seen.append(body)

    fetchers = [threading.Thread(target=fetch) for _ in range(2)]
    for thread in fetchers:
        thread.start()
    for n in range(1, 9):
        atomic_write(path, versions[n % 2])
        time.sleep(0.15)
    stop.set()
    for thread in fetchers:
        thread.join(timeout=20)
    assert running.builds > builds + 2 and len(seen) > 10
    for body in seen:
        assert body.rstrip().endswith(b"</html>")
        assert (body.count(b"Version 0:"), body.count(b"Version 1:")) in {(1, 0), (0, 1)}
        assert body.count(b"words") == 2000


# --------------------------------------------------------------------------- stopping


def test_stop_removes_the_folder_and_leaves_the_journal(journal: Path) -> None:
    before = snapshot_tree(journal)
    preview = Preview(journal, HOST, 0, lambda: DAY)
    preview.start()
    folder = preview.folder
    assert (folder / "site/index.html").is_file()
    started = time.monotonic()
    preview.stop()
    assert time.monotonic() - started < 1.0
    assert not folder.exists()
    assert snapshot_tree(journal) == before
    with pytest.raises(OSError):
        socket.create_connection((HOST, preview.server.server_address[1]), timeout=1).close()


def serve_command(root: Path, *args: str) -> list[str]:
    script = Path(sys.executable).with_name("infoint-site")
    command = [str(script)] if script.exists() else \
        [sys.executable, "-c", "from infoint_site.cli import main; main()"]
    return [*command, "--root", str(root), "serve", *args]


def start_serve(root: Path, tmpdir: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "TMPDIR": str(tmpdir), "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(serve_command(root, "--port", "0", "--today", DAY.isoformat(),
                                          *args),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, stdin=subprocess.DEVNULL)


def read_url(process: subprocess.Popen[str]) -> str:
    """The address `serve` says it serves, from its first lines of output."""
    assert process.stdout is not None
    for _ in range(5):
        line = process.stdout.readline()
        if line.startswith("serving "):
            return line.split()[1]
    pytest.fail(f"serve printed no address: {process.communicate(timeout=5)}")


def stop_within_a_second(process: subprocess.Popen[str], signum: int) -> tuple[str, str]:
    started = time.monotonic()
    process.send_signal(signum)
    try:
        out, err = process.communicate(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        pytest.fail(f"still running 5 s after signal {signum}: {out} {err}")
    assert time.monotonic() - started < 1.0, f"took {time.monotonic() - started:.2f} s"
    assert process.returncode == 0, (out, err)
    return out, err


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_stops_within_a_second_and_cleans_up(
        journal: Path, tmp_path: Path, signum: int) -> None:
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    before = snapshot_tree(journal)
    process = start_serve(journal, tmpdir)
    try:
        url = read_url(process)
        assert url.startswith(f"http://{HOST}:")  # loopback unless told otherwise
        port = int(url.rstrip("/").rsplit(":", 1)[1])
        (folder,) = tmpdir.glob("infoint-serve-*")
        assert (folder / "site/index.html").is_file()
        # An open tab: a page on a kept-alive connection, and its event stream.
        page = http.client.HTTPConnection(HOST, port, timeout=5)
        page.request("GET", CONTACT_PAGE)
        assert page.getresponse().read().count(b"live.js") == 1
        stream = http.client.HTTPConnection(HOST, port, timeout=5)
        stream.request("GET", "/__infoint/events?page=index.html&epoch=1")
        assert stream.getresponse().fp.readline() == b"event: ok\n"
        out, err = stop_within_a_second(process, signum)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert "stopped; the preview folder was removed" in out
    assert "Traceback" not in err
    assert list(tmpdir.iterdir()) == []
    assert snapshot_tree(journal) == before
    page.close()
    stream.close()


def test_ctrl_c_during_the_first_build_of_a_large_journal(tmp_path: Path) -> None:
    root = generate(tmp_path / "large", 1500)
    before = snapshot_tree(root)
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    process = start_serve(root, tmpdir)
    try:
        wait_for(lambda: list(tmpdir.glob("infoint-serve-*")), "the private folder")
        time.sleep(0.5)  # well into the first build, which takes seconds
        assert process.poll() is None
        stop_within_a_second(process, signal.SIGINT)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert list(tmpdir.iterdir()) == []
    assert snapshot_tree(root) == before


def test_serve_reports_a_port_in_use_and_warns_off_loopback(
        journal: Path, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind((HOST, 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(serve_command(journal, "--port", str(port)), capture_output=True,
                              text=True, timeout=30, env={**os.environ, "TMPDIR": str(tmp_path)})
    assert done.returncode == 1
    assert done.stderr.strip() == f"error: port {port} on 127.0.0.1 is already in use; try" \
                                  f" --port {port + 1}"
    assert not list(tmp_path.glob("infoint-serve-*"))
    # Off loopback it warns first; a folder that is no journal stops it before it binds.
    done = subprocess.run(serve_command(tmp_path / "nowhere", "--host", "0.0.0.0"),
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 1
    warning, error = done.stderr.strip().splitlines()
    assert warning.startswith("warning: --host 0.0.0.0 lets other machines")
    assert "is not a journal" in error


def test_an_unchanged_stylesheet_is_not_sent_again(running: Running) -> None:
    status, headers, body = running.request("/assets/style.css")
    assert status == 200 and body and headers["Cache-Control"] == "no-cache"
    connection = http.client.HTTPConnection(HOST, running.port, timeout=10)
    try:
        connection.request("GET", "/assets/style.css", headers={
            "Host": f"{HOST}:{running.port}", "If-None-Match": headers["ETag"]})
        response = connection.getresponse()
        assert (response.status, response.read()) == (304, b"")
    finally:
        connection.close()
    assert running.request("/")[1]["Cache-Control"] == "no-store"  # pages carry the epoch
