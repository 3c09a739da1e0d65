"""Content lines, the text format shared by iCalendar (RFC 5545) and vCard (RFC 2426):
``NAME;PARAM=VALUE:value`` lines, TEXT values escaped, long lines folded, CRLF ends."""

from __future__ import annotations

FOLD_OCTETS = 75


def escape_text(value: str) -> str:
    """A TEXT value: ``\\`` ``,`` ``;`` escaped and every line break written as ``\\n``."""
    value = value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """`line` folded into lines of at most 75 octets, each continuation led by a space."""
    if line.isascii():  # a character an octet: cut by slicing (160,000 lines a calendar)
        if len(line) <= FOLD_OCTETS:
            return line
        rest = FOLD_OCTETS - 1
        return "\r\n ".join([line[:FOLD_OCTETS], *(line[i:i + rest]
                                                    for i in range(FOLD_OCTETS, len(line), rest))])
    return _fold_octets(line)


def _fold_octets(line: str) -> str:
    """`fold` for any text: cut between whole UTF-8 characters."""
    data = line.encode("utf-8")
    if len(data) <= FOLD_OCTETS:
        return line
    pieces: list[str] = []
    start, limit = 0, FOLD_OCTETS
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # inside a character
            end -= 1
        pieces.append(data[start:end].decode("utf-8"))
        start, limit = end, FOLD_OCTETS - 1  # the leading space counts
    return "\r\n ".join(pieces)


def content_lines(lines: list[str]) -> str:
    """Unfolded lines as the final text: each folded, each ended with CRLF."""
    return "".join(fold(line) + "\r\n" for line in lines)
