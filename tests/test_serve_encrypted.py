"""`serve` of an encrypted journal: sealed as published, with the published headers."""

from __future__ import annotations

import base64
import http.client
import json
import re
import shutil
from pathlib import Path

from infoint_site.encrypt import site_key, unseal
from infoint_site.serve import Preview

REPO = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery staple"


def get(preview: Preview, path: str) -> tuple[int, dict[str, str], bytes]:
    host, port = preview.server.server_address[:2]
    connection = http.client.HTTPConnection(host, port, timeout=10)
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, dict(response.getheaders()), body


def test_the_preview_is_encrypted_and_stable(tmp_path: Path) -> None:
    root = tmp_path / "journal"
    root.mkdir()
    shutil.copytree(REPO / "content", root / "content")
    settings = (REPO / "infoint.yaml").read_text(encoding="utf-8")
    (root / "infoint.yaml").write_text(settings.replace("encrypt: false", "encrypt: true"),
                                       encoding="utf-8")
    preview = Preview(root, "127.0.0.1", 0, password=PASSWORD)
    try:
        preview.start()
        status, headers, body = get(preview, "/")
        assert status == 200
        assert headers["Content-Security-Policy"].startswith("default-src 'none'")
        page = body.decode()
        assert "<title>Private journal</title>" in page and "Helen Okafor" not in page
        assert page.count("live.js") == 1
        sealed = json.loads(re.search(r'id="sealed">(.*?)</script>', page, re.S).group(1))
        key = site_key(PASSWORD, base64.b64decode(sealed["salt"]), sealed["iterations"])
        plain = unseal(key.key, "index.html", base64.b64decode(sealed["payload"])).decode()
        assert "What to do" in plain
        first = dict(preview.site.snapshot.files)
        note = root / "content/contacts/ruth-campbell.md"
        note.write_text(note.read_text(encoding="utf-8") + "\nA new line.\n", encoding="utf-8")
        outcome = preview.build({"content/contacts/ruth-campbell.md"})
        assert outcome.ok
        changed = [p for p, data in preview.site.snapshot.files.items() if first.get(p) != data]
        assert changed and len(changed) <= 3  # her page (and the search page): not all pages
        assert all(p.startswith(("p/", "search/")) for p in changed), changed
    finally:
        preview.stop()
