"""The HTTP side of `serve`: pages from the current snapshot, live reload over SSE.

Safe on café Wi-Fi: it answers only requests addressed to localhost (against DNS
rebinding), serves only files of the finished build (held in memory, so no path can
reach the disk: ``..``, ``%2e%2e``, backslashes and symlinks all end in a 404), and
injects its reload script before the page's last ``</body>``.
"""

from __future__ import annotations

import json
import mimetypes
import re
import socket
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from .devsite import DevSite, Snapshot
from .errors import InfointError
from .headers import SECURITY_HEADERS
from .problems import Problem

LIVE_PREFIX = "/__infoint/"
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]"})
HOST_HEADER = re.compile(r"(?P<name>\[[0-9a-f:.]+\]|[^:\[\]]+)(?::[0-9]{1,5})?")
"""A Host header: a name or a bracketed IPv6 address, and perhaps a port."""
HEARTBEAT_SECONDS = 10.0


class Hub:
    """Wakes every open event stream when a build finishes or the server stops."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self.version = 0
        self.closed = False

    def notify(self) -> None:
        with self._changed:
            self.version += 1
            self._changed.notify_all()

    def wait(self, seen: int, timeout: float) -> int:
        with self._changed:
            self._changed.wait_for(lambda: self.version != seen or self.closed, timeout)
            return self.version

    def close(self) -> None:
        with self._changed:
            self.closed = True
            self._changed.notify_all()


class DevServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, host: str, port: int, site: DevSite, hub: Hub) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.site = site
        self.hub = hub
        self.allowed_hosts = set(LOOPBACK_HOSTS)
        if host not in ("0.0.0.0", "::", ""):
            self.allowed_hosts.add(f"[{host}]" if ":" in host else host.lower())
        self.live_js = resources.files("infoint_site").joinpath("live.js").read_bytes()
        try:
            super().__init__((host, port), Handler)
        except OSError as exc:
            if exc.errno in (98, 48, 10048):  # EADDRINUSE on Linux, macOS, Windows
                raise InfointError(f"port {port} on {host} is already in use; try"
                                   f" --port {port + 1}") from None
            raise InfointError(f"cannot listen on {host}:{port}: {exc.strerror}") from None

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A tab closed mid-answer is not an error worth a traceback in the terminal."""
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)


def file_for(path: str) -> str | None:
    """The site file a URL path names, or None for anything that could escape the site."""
    decoded = unquote(path)
    if "\\" in decoded or "\x00" in decoded or not decoded.startswith("/"):
        return None
    parts = decoded.split("/")[1:]
    if any(part in (".", "..") for part in parts):
        return None
    rel = "/".join(parts)
    return rel + "index.html" if rel == "" or rel.endswith("/") else rel


def problem_lines(problems: list[Problem]) -> list[str]:
    return [f"{p.path}:{p.line}: {p.message}" for p in problems if p.is_error]


class Handler(BaseHTTPRequestHandler):
    server: DevServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass  # one line per rebuild is enough in a terminal

    def _host_allowed(self) -> bool:
        """One Host header naming this machine; an absolute URL must name it too."""
        hosts = self.headers.get_all("Host") or []
        if len(hosts) != 1:
            return False
        target = urlsplit(self.path).netloc
        return all(self._local(name) for name in (hosts[0], *([target] if target else [])))

    def _local(self, host: str) -> bool:
        match = HOST_HEADER.fullmatch(host.strip().lower())
        return match is not None and match["name"] in self.server.allowed_hosts

    def do_HEAD(self) -> None:
        self._respond(head=True)

    def do_GET(self) -> None:
        self._respond(head=False)

    def _respond(self, head: bool) -> None:
        if not self._host_allowed():
            self._send(HTTPStatus.FORBIDDEN, b"This server answers only to localhost.\n",
                       "text/plain; charset=utf-8", head)
            return
        url = urlsplit(self.path)
        if url.path == LIVE_PREFIX + "live.js":
            self._send(HTTPStatus.OK, self.server.live_js, "text/javascript; charset=utf-8",
                       head)
            return
        if url.path == LIVE_PREFIX + "events" and not head:
            self._events(parse_qs(url.query))
            return
        snapshot = self.server.site.snapshot
        rel = file_for(url.path)
        if snapshot.epoch == 0:
            self._send(HTTPStatus.SERVICE_UNAVAILABLE, self._waiting_page(rel or ""),
                       "text/html; charset=utf-8", head)
            return
        data = snapshot.files.get(rel) if rel is not None else None
        if data is None and rel is not None and snapshot.files.get(rel + "/index.html"):
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", url.path + "/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        status, page = HTTPStatus.OK, rel
        if data is None or rel is None:
            # A tab on a missing page reloads when a page appears at its address.
            status, page = HTTPStatus.NOT_FOUND, rel or "404.html"
            rel = "404.html"
            data = snapshot.files.get(rel, b"<!doctype html><title>Not found</title></html>")
        kind = mimetypes.guess_type(rel)[0] or "application/octet-stream"
        if kind == "text/html":
            data = self._inject(data, page, snapshot)
            kind = "text/html; charset=utf-8"
            self._send(status, data, kind, head)
            return
        if kind.startswith("text/") or kind.endswith(("javascript", "json", "svg+xml")):
            kind += "; charset=utf-8"
        # A stylesheet or script is asked for again on every reload: say "unchanged"
        # (the build that last changed it names its version) rather than send it again.
        etag = f'"{snapshot.changed_at.get(rel, 0)}"'
        if status == HTTPStatus.OK and self.headers.get("If-None-Match") == etag:
            self._send(HTTPStatus.NOT_MODIFIED, b"", kind, True, etag)
        else:
            self._send(status, data, kind, head, etag if status == HTTPStatus.OK else None)

    def _inject(self, page: bytes, rel: str, snapshot: Snapshot) -> bytes:
        tag = (f'<script src="{LIVE_PREFIX}live.js" data-page="{rel}"'
               f' data-epoch="{snapshot.epoch}"></script>').encode()
        at = page.rfind(b"</body>")
        return page + tag if at < 0 else page[:at] + tag + page[at:]

    def _waiting_page(self, rel: str) -> bytes:
        page = (b"<!doctype html><html><head><meta charset='utf-8'><title>Not built yet"
                b"</title></head><body><h1>The journal has not built yet</h1><p>Fix the"
                b" problems shown below and save: this page reloads by itself.</p></body></html>")
        return self._inject(page, rel, Snapshot(0, {}))

    def _send(self, status: HTTPStatus, data: bytes, kind: str, head: bool,
              etag: str | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        if status != HTTPStatus.NOT_MODIFIED:
            self.send_header("Content-Length", str(len(data)))
        if etag is None:
            self.send_header("Cache-Control", "no-store")
        else:
            self.send_header("Cache-Control", "no-cache")
            self.send_header("ETag", etag)
        for name, value in SECURITY_HEADERS.items():  # as published: CSP problems show here
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(data)

    def _events(self, query: dict[str, list[str]]) -> None:
        """A Server-Sent Events stream: reload when this page changed; show problems."""
        page = (query.get("page") or ["index.html"])[0]
        try:
            seen_epoch = int((query.get("epoch") or ["0"])[0])
        except ValueError:
            seen_epoch = 0
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        hub, site = self.server.hub, self.server.site
        version = -1
        shown: list[str] | None = None
        try:
            while not hub.closed:
                new_version = hub.wait(version, HEARTBEAT_SECONDS)
                if hub.closed:
                    break
                if new_version == version:
                    self.wfile.write(b": ping\n\n")
                    self.wfile.flush()
                    continue
                version = new_version
                snapshot = site.snapshot
                lines = problem_lines(site.problems)
                if lines != shown:
                    event = "problems" if lines else "ok"
                    self._event(event, json.dumps(lines))
                    shown = lines
                changed = snapshot.page_changed_at(page)
                if changed > seen_epoch or (changed == -1 and seen_epoch == 0 and
                                            snapshot.epoch > 0):
                    self._event("reload", json.dumps({"epoch": snapshot.epoch}))
                    seen_epoch = snapshot.epoch
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            return

    def _event(self, name: str, data: str) -> None:
        self.wfile.write(f"event: {name}\ndata: {data}\n\n".encode())
        self.wfile.flush()
