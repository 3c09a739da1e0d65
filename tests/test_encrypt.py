"""Encryption of the published site: round trips, opaque paths, and a scan for leaks."""

from __future__ import annotations

import json
import re
import shutil
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from cryptography.exceptions import InvalidTag

from infoint_site.cli import main
from infoint_site.encrypt import (
    CHECK_PATH,
    CHECK_TEXT,
    ITERATIONS,
    opaque_token,
    seal,
    site_key,
    unseal,
)
from infoint_site.headers import SECURITY_HEADERS, headers_file

REPO = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery staple"
GOLDEN = REPO / "tests" / "golden" / "export-2026-11-22.json"


def test_round_trip() -> None:
    key = site_key(PASSWORD, iterations=1000)
    blob = seal(key.key, "contacts/index.html", b"<p>Jane</p>")
    assert unseal(key.key, "contacts/index.html", blob) == b"<p>Jane</p>"
    assert len(key.key) == 32 and len(key.salt) == 16
    assert blob[:12] != seal(key.key, "contacts/index.html", b"<p>Jane</p>")[:12]  # fresh nonce


@pytest.mark.parametrize("tamper", ["byte", "path", "key"])
def test_any_change_fails_closed(tamper: str) -> None:
    key = site_key(PASSWORD, iterations=1000)
    blob = bytearray(seal(key.key, "a/index.html", b"secret"))
    path, k = "a/index.html", key.key
    if tamper == "byte":
        blob[20] ^= 1
    elif tamper == "path":
        path = "b/index.html"  # a page moved to another address
    else:
        k = site_key("another long password", iterations=1000).key
    with pytest.raises(InvalidTag):
        unseal(k, path, bytes(blob))


def test_keys_follow_the_spec() -> None:
    assert ITERATIONS >= 600_000
    a, b = site_key(PASSWORD, iterations=1000), site_key(PASSWORD, iterations=1000)
    assert a.salt != b.salt and a.key != b.key  # a random salt per build
    assert a.path_key == b.path_key  # page addresses survive a rebuild
    token = opaque_token(a.path_key, "contact", "jane-doe")
    assert re.fullmatch(r"[a-z2-7]{24}", token) and "jane" not in token


def encrypted_journal(tmp_path: Path) -> Path:
    root = tmp_path / "journal"
    root.mkdir()
    shutil.copytree(REPO / "content", root / "content")
    settings = (REPO / "infoint.yaml").read_text(encoding="utf-8")
    assert "encrypt: false" in settings
    (root / "infoint.yaml").write_text(settings.replace("encrypt: false", "encrypt: true"),
                                       encoding="utf-8")
    return root


def build(root: Path, out: Path, password: str | None) -> Result:
    env = {"INFOINT_PASSWORD": password} if password is not None else {}
    return CliRunner(env=env).invoke(
        main, ["--root", str(root), "build", "--today", "2026-11-22", "--out", str(out)])


@pytest.fixture(scope="module")
def encrypted_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("encrypted")
    out = tmp / "site"
    result = build(encrypted_journal(tmp), out, PASSWORD)
    assert result.exit_code == 0, result.output
    assert "privacy: encrypted (AES-256-GCM)" in result.stderr
    return out


def personal_strings() -> set[str]:
    """Every name, id, email, phone and company of the example journal."""
    data = json.loads(GOLDEN.read_text(encoding="utf-8"))
    found: set[str] = set()
    for contact in data["contacts"]:
        found |= {contact["id"], contact["name"], *contact["name"].split()}
        if contact["company"]:
            found.add(contact["company"])
    found |= {m["id"] for m in data["meetings"]}
    for path in (REPO / "content").rglob("*.md"):
        for key in ("email", "phone", "name", "linkedin"):
            match = re.search(rf"^{key}: *\"?([^\"\n]+)\"?$", path.read_text(encoding="utf-8"),
                              re.M)
            if match:
                found.add(match.group(1).strip())
    return {s for s in found if len(s) >= 4}


def readable_text(path: Path) -> str:
    """The file as a reader of the host sees it, minus the ciphertext (random base64)."""
    text = path.read_bytes().decode("utf-8", "replace")
    return re.sub(r'<script type="application/json" id="sealed">.*?</script>', "", text,
                  flags=re.S)


def test_encrypted_site_reveals_nothing(encrypted_site: Path) -> None:
    needles = personal_strings()
    assert len(needles) > 60
    leaks = []
    for file in encrypted_site.rglob("*"):
        rel = file.relative_to(encrypted_site).as_posix()
        leaks += [f"path {rel}: {n}" for n in needles if n.lower() in rel.lower()]
        if file.is_file():
            text = readable_text(file).lower()
            leaks += [f"{rel}: {n}" for n in needles if n.lower() in text]
    assert leaks == []


def test_the_scan_would_see_a_leak(tmp_path: Path) -> None:
    """The same scan on an unencrypted build finds names, so the test above can fail."""
    out = tmp_path / "plain"
    result = build(REPO, out, None)
    assert result.exit_code == 0, result.output
    text = readable_text(out / "contacts" / "index.html")
    assert any(n in text for n in personal_strings())


def test_pages_are_shells_with_generic_titles(encrypted_site: Path) -> None:
    pages = list(encrypted_site.rglob("*.html"))
    assert len(pages) > 40
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "<title>Private journal</title>" in text
        assert '<meta name="robots" content="noindex, nofollow">' in text
        sealed = json.loads(re.search(r'id="sealed">(.*?)</script>', text, re.S).group(1))
        assert sealed["iterations"] >= 600_000
        assert sealed["path"] == page.relative_to(encrypted_site).as_posix()
    record_pages = [p for p in (encrypted_site / "p").iterdir()]
    assert len(record_pages) == 16 + 17 + 3 + 8  # contacts, meetings, companies, questions
    assert not (encrypted_site / "contacts" / "helen-okafor").exists()
    assert not (encrypted_site / "calendar.ics").exists()


def test_pages_open_with_the_password(encrypted_site: Path) -> None:
    text = (encrypted_site / "index.html").read_text(encoding="utf-8")
    sealed = json.loads(re.search(r'id="sealed">(.*?)</script>', text, re.S).group(1))
    import base64

    key = site_key(PASSWORD, base64.b64decode(sealed["salt"]), sealed["iterations"])
    assert unseal(key.key, CHECK_PATH, base64.b64decode(sealed["check"])) == CHECK_TEXT
    page = unseal(key.key, "index.html", base64.b64decode(sealed["payload"])).decode()
    assert "Helen Okafor" in page or "Sara Kim" in page
    assert "data-lock" in page  # the lock link
    with pytest.raises(InvalidTag):
        wrong = site_key("not the password at all", base64.b64decode(sealed["salt"]),
                         sealed["iterations"])
        unseal(wrong.key, "index.html", base64.b64decode(sealed["payload"]))


@pytest.mark.parametrize("password", [None, "", "elevenchars"])
def test_a_missing_or_short_password_writes_nothing(tmp_path: Path, password: str | None,
                                                    ) -> None:
    out = tmp_path / "site"
    result = build(encrypted_journal(tmp_path), out, password)
    assert result.exit_code == 1
    assert "INFOINT_PASSWORD" in result.stderr and "nothing was written" in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()


def test_unencrypted_build_warns_about_emails_and_phones(tmp_path: Path) -> None:
    result = build(REPO, tmp_path / "site", None)
    assert "privacy: NOT encrypted" in result.stderr
    assert "warning: this unencrypted site publishes 16 email addresses and 14 phone" \
        " numbers" in result.stderr
    assert "privacy.encrypt: true" in result.stderr


def test_headers_file_and_netlify_toml_agree(tmp_path: Path) -> None:
    netlify = tomllib.loads((REPO / "netlify.toml").read_text(encoding="utf-8"))
    rule = netlify["headers"][0]
    assert rule["for"] == "/*"
    assert rule["values"] == SECURITY_HEADERS
    assert netlify["build"]["publish"] == "public"
    assert "infoint-site build" in netlify["build"]["command"]
    result = build(REPO, tmp_path / "site", None)
    assert result.exit_code == 0
    assert (tmp_path / "site" / "_headers").read_bytes() == headers_file()
    csp = SECURITY_HEADERS["Content-Security-Policy"]
    assert csp.startswith("default-src 'none'") and "unsafe-inline" not in csp
