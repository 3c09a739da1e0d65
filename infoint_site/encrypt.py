"""Whole-site encryption: every page sealed with AES-256-GCM under a password.

    password ──PBKDF2-HMAC-SHA256, 600,000 rounds, random 16-byte salt──▶ page key
    page key + fresh 12-byte nonce + the page's own path as associated data ──▶ sealed page

A sealed page is a small shell (a generic title, a password form and the ciphertext in
a data block) that ``decrypt.js`` opens with WebCrypto. Binding each ciphertext to its
path means a page moved or swapped on the host fails closed like any other tampering.
Record pages get opaque paths from a second key (PBKDF2 with a fixed salt, so a page
keeps its address from one build to the next), so no id appears in any URL.

The browser keeps the derived key, never the password, in sessionStorage.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .errors import InfointError

ITERATIONS = 600_000
"""PBKDF2 rounds: OWASP's 2023 figure for PBKDF2-HMAC-SHA256."""
MIN_PASSWORD_LENGTH = 12
PASSWORD_VARIABLE = "INFOINT_PASSWORD"
CHECK_PATH = "infoint-site/password-check"
CHECK_TEXT = b"infoint-site: the password is right"
_PATH_SALT = b"infoint-site/opaque-paths/v1"


class PasswordProblem(InfointError):
    """The password is missing or too weak to encrypt with."""


@dataclass(frozen=True)
class SiteKey:
    """The keys of one encrypted build."""

    key: bytes
    """32 bytes for AES-256-GCM."""
    salt: bytes
    iterations: int
    path_key: bytes
    """For opaque page addresses; the same for every build with this password."""


def check_password(password: str | None) -> str:
    """The password, or `PasswordProblem` saying what to do."""
    if not password:
        raise PasswordProblem(
            f"privacy.encrypt is on but {PASSWORD_VARIABLE} is not set: set it to a password"
            f" of at least {MIN_PASSWORD_LENGTH} characters (nothing was written)")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordProblem(
            f"{PASSWORD_VARIABLE} is {len(password)} characters long; use at least"
            f" {MIN_PASSWORD_LENGTH} (a passphrase of four or five words is best; nothing was"
            " written)")
    return password


def derive(password: str, salt: bytes, iterations: int = ITERATIONS) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations, 32)


def site_key(password: str, salt: bytes | None = None,
             iterations: int = ITERATIONS) -> SiteKey:
    """Keys for one build: a fresh random salt unless one is given (tests)."""
    salt = salt if salt is not None else os.urandom(16)
    return SiteKey(derive(password, salt, iterations), salt, iterations,
                   derive(password, _PATH_SALT, iterations))


def seal(key: bytes, path: str, data: bytes) -> bytes:
    """nonce ‖ ciphertext ‖ tag, the nonce fresh and random, `path` bound as associated data."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(12)
    return nonce + AESGCM(key).encrypt(nonce, data, path.encode("utf-8"))


def unseal(key: bytes, path: str, blob: bytes) -> bytes:
    """The plaintext; raises `cryptography.exceptions.InvalidTag` on any change."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(key).decrypt(blob[:12], blob[12:], path.encode("utf-8"))


def opaque_token(path_key: bytes, kind: str, record_id: str) -> str:
    """A 20-character address for a record page that reveals nothing without the password."""
    digest = hmac.new(path_key, f"{kind}/{record_id}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest[:15]).decode().lower()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


class Sealer:
    """Turns each page into a locked shell around its sealed content.

    Theme files (stylesheet, scripts, icon), ``robots.txt`` and ``_headers`` hold nothing
    personal and pass through; `shell` renders the locked page from its context.
    """

    def __init__(self, key: SiteKey, shell: Callable[[dict[str, Any]], str]) -> None:
        self.key = key
        self.shell = shell
        self.check = b64(seal(key.key, CHECK_PATH, CHECK_TEXT))

    def __call__(self, path: str, data: bytes) -> bytes:
        if not path.endswith(".html"):
            return data
        base = "/" if path == "404.html" else "../" * path.count("/")
        return self.shell({
            "path": path, "base": base, "salt": b64(self.key.salt),
            "iterations": self.key.iterations, "check": self.check,
            "payload": b64(seal(self.key.key, path, data)),
        }).encode("utf-8")
