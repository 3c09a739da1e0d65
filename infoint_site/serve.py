"""`infoint-site serve`: build into a private folder, serve it, rebuild on every save.

    watcher thread ── change ──▶ DevSite.rebuild ──▶ new Snapshot ──▶ Hub.notify
    HTTP threads   ◀── read the current Snapshot; event streams wake on notify

Stops within a second on Ctrl-C and removes its folder; the journal is never written.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import webbrowser
from collections.abc import Callable
from datetime import date
from pathlib import Path

from .devsite import DevSite, Outcome
from .loader import read_sources
from .server import DevServer, Hub
from .watcher import watch


class Preview:
    """A running preview: the site, its server and its watcher."""

    def __init__(self, root: Path, host: str, port: int,
                 today: Callable[[], date | None] = lambda: None,
                 report: Callable[[Outcome], None] = lambda outcome: None) -> None:
        read_sources(root)  # fail now, with a clear message, if this is not a journal
        self.root = root
        self.folder = Path(tempfile.mkdtemp(prefix="infoint-serve-"))
        self.site = DevSite(root, self.folder / "site", today)
        self.hub = Hub()
        self.report = report
        self.stop_event = threading.Event()
        try:
            self.server = DevServer(host, port, self.site, self.hub)
        except BaseException:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise
        self._threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        shown = f"[{host}]" if ":" in str(host) else host
        return f"http://{shown}:{port}/"

    def build(self, changed: set[str] | None = None) -> Outcome:
        outcome = self.site.rebuild(changed)
        self.hub.notify()
        self.report(outcome)
        return outcome

    def start(self, open_browser: bool = False) -> None:
        """Watch, build once, then serve; watching and serving run in background threads."""
        for target in (self._watch, None, self._serve):
            if target is None:
                self.build()
                continue
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self._threads.append(thread)
        if open_browser:
            webbrowser.open(self.url)

    def _serve(self) -> None:
        self.server.serve_forever(poll_interval=0.1)  # a short poll makes Ctrl-C quick

    def _watch(self) -> None:
        watch(self.root, self.build, self.stop_event)

    def stop(self) -> None:
        """Stop serving and watching, and remove the private folder."""
        self.stop_event.set()
        self.hub.close()
        if self._threads:  # shutdown() waits for serve_forever, which may never have run
            self.server.shutdown()
        self.server.server_close()
        for thread in self._threads:
            thread.join(timeout=1.0)
        shutil.rmtree(self.folder, ignore_errors=True)
