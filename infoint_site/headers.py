"""The HTTP headers a published journal needs, in one place.

`netlify.toml` carries the same values (a test keeps the two equal), and every build
writes them as ``_headers``, the file Netlify and Cloudflare Pages read.
"""

from __future__ import annotations

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
))
"""Only the theme's own script, stylesheet and icon; no inline script, no other site."""

SECURITY_HEADERS: dict[str, str] = {
    "X-Robots-Tag": "noindex, nofollow, noarchive",
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": ("accelerometer=(), camera=(), geolocation=(), gyroscope=(),"
                           " microphone=(), payment=(), usb=(), interest-cohort=()"),
    "Cross-Origin-Opener-Policy": "same-origin",
}


def headers_file() -> bytes:
    """``_headers``: the security headers for every path."""
    lines = ["/*"] + [f"  {name}: {value}" for name, value in SECURITY_HEADERS.items()]
    return ("\n".join(lines) + "\n").encode()
