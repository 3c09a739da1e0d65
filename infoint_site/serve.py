"""`infoint-site serve`: build into a private folder, serve it, rebuild on every save.

    watcher thread ── change ──▶ DevSite.rebuild ──▶ new Snapshot ──▶ Hub.notify
    HTTP threads   ◀── read the current Snapshot; event streams wake on notify

Stops within a second on Ctrl-C and removes its folder; the journal is never written.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import webbrowser
from collections.abc import Callable
from datetime import date
from pathlib import Path

from .devsite import DevSite, Outcome
from .loader import read_sources
from .problems import error
from .server import DevServer, Hub
from .watcher import watch

SWITCH_SECONDS = 0.0005
"""How often the interpreter lets another thread run (Python's default is 5 ms)."""
STOP_SECONDS = 0.3
"""How long `stop` waits for its threads: Ctrl-C must end the process within a second."""


def private_parent() -> str | None:
    """Where the private folder goes: $TMPDIR if set, else a memory-backed folder
    (a Linux desktop's $XDG_RUNTIME_DIR, else /dev/shm), where the 10,000 files of
    a large site are removed in a fraction of a second on Ctrl-C, not in several."""
    if os.environ.get("TMPDIR"):
        return None  # the user's own choice, which `tempfile` reads
    for candidate in (os.environ.get("XDG_RUNTIME_DIR"), "/dev/shm"):
        if candidate and os.path.isdir(candidate) and os.access(candidate, os.W_OK | os.X_OK):
            return candidate
    return None


def remove_folder(folder: Path) -> None:
    """Remove `folder` and everything in it, quickly even while a build still runs.

    `rm -rf` in a process of its own does not wait for this one's GIL, which a build
    on another thread holds most of the time: thousands of unlinks from Python, each
    waiting for its turn, take seconds, where `rm` takes a tenth of one.
    """
    rm = shutil.which("rm") if os.name == "posix" else None
    if rm is not None:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            subprocess.run([rm, "-rf", "--", str(folder)], check=False, timeout=5,
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    shutil.rmtree(folder, ignore_errors=True)  # elsewhere, or whatever rm left


class Preview:
    """A running preview: the site, its server and its watcher."""

    def __init__(self, root: Path, host: str, port: int,
                 today: Callable[[], date | None] = lambda: None,
                 report: Callable[[Outcome], None] = lambda outcome: None,
                 password: str | None = None) -> None:
        read_sources(root)  # fail now, with a clear message, if this is not a journal
        self.root = root
        self.folder = Path(tempfile.mkdtemp(prefix="infoint-serve-", dir=private_parent()))
        self.hub = Hub()
        self.site = DevSite(root, self.folder / "site", today, password, self.hub.notify)
        self.report = report
        self.stop_event = threading.Event()
        try:
            self.server = DevServer(host, port, self.site, self.hub)
        except BaseException:
            remove_folder(self.folder)
            raise
        # A rebuild holds the interpreter for seconds at 10,000 files; a tab's request
        # for the page it was just told to reload must not wait 5 ms at every turn.
        self._switch = sys.getswitchinterval()
        sys.setswitchinterval(SWITCH_SECONDS)
        self._threads: list[threading.Thread] = []
        self._serving = False

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        shown = f"[{host}]" if ":" in str(host) else host
        return f"http://{shown}:{port}/"

    def build(self, changed: set[str] | None = None) -> Outcome:
        """Rebuild, wake every tab, and report, unless stopped meanwhile."""
        outcome = self.site.rebuild(changed)
        self.hub.notify()
        if not self.stop_event.is_set():
            with contextlib.suppress(OSError):  # a closed terminal must not stop the watcher
                self.report(outcome)
        return outcome

    def start(self, open_browser: bool = False) -> None:
        """Serve and watch in background threads, then build once on this thread.

        Until the first build is done every page is a "not built yet" page that
        reloads itself; a Ctrl-C during that build stops it at once.
        """
        for target in (self._serve, self._watch):
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self._threads.append(thread)
        self._serving = True
        self.build()
        if open_browser:
            webbrowser.open(self.url)

    def _serve(self) -> None:
        self.server.serve_forever(poll_interval=0.1)  # a short poll makes Ctrl-C quick

    def _watch(self) -> None:
        try:
            watch(self.root, self.build, self.stop_event, self.site.sweep)
        except Exception as exc:  # say so on every tab, rather than go quiet
            problem = error("(infoint-site)", 1, 1, "E000", "stopped watching the journal"
                            f" ({type(exc).__name__}: {exc}); saves no longer rebuild the"
                            " site: restart serve")
            self.site.standing.append(problem)
            self.hub.notify()
            with contextlib.suppress(OSError):
                self.report(Outcome(False, [problem], [], 0.0))

    def stop(self) -> None:
        """Stop serving and watching, and remove the private folder, within a second.

        A build still running on the watcher's thread is not waited for: the site is
        closed first, so that build writes nothing more into the folder, and the
        thread ends with the process.
        """
        deadline = time.monotonic() + STOP_SECONDS
        self.stop_event.set()
        self.site.close()
        self.hub.close()
        if self._serving:  # shutdown() would wait forever for a serve_forever never run
            self.server.shutdown()
        self.server.server_close()
        for thread in self._threads:
            if not self.site.building:
                thread.join(timeout=max(0.0, deadline - time.monotonic()))
        remove_folder(self.folder)
        sys.setswitchinterval(self._switch)
