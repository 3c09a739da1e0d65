"""Split a journal file into its YAML front matter and its Markdown body.

Pure: bytes in, (front matter nodes, body) or a problem out. Line numbers are those
of the file itself, where the opening ``---`` is line 1; a byte-order mark and CRLF or
CR line ends are accepted as if they were not there.
"""

from __future__ import annotations

from dataclasses import dataclass

from .problems import Problem, error
from .yamlread import Mapping, Scalar, YamlError, read_yaml

MAX_FILE_BYTES = 1024 * 1024
"""Files over 1 MiB are refused: no note needs that, and it bounds parsing work."""


def too_large(size: int) -> str:
    return f"file is {size:,} bytes; the limit is 1 MiB ({MAX_FILE_BYTES:,} bytes)"


@dataclass(frozen=True, slots=True)
class SplitFile:
    """A file's parts. `yaml_line` is the file line where the YAML text starts."""

    yaml_text: str
    yaml_line: int
    body: str
    body_line: int


def decode(path: str, data: bytes) -> tuple[str | None, Problem | None]:
    """The file's text with line ends normalised to LF, or the problem that stops it."""
    if len(data) > MAX_FILE_BYTES:
        return None, error(path, 1, 1, "E102", too_large(len(data)))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, error(
            path, line, col, "E101",
            f"not UTF-8: byte 0x{data[exc.start]:02x} cannot be read; save the file as UTF-8",
        )
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        col = nul - (text.rfind("\n", 0, nul) + 1) + 1
        return None, error(path, line, col, "E110", "a NUL byte: is this a text file?")
    return text, None


def _is_fence(line: str, closing: bool) -> bool:
    stripped = line.rstrip()
    return stripped == "---" or (closing and stripped == "...")


def split(path: str, text: str) -> tuple[SplitFile | None, Problem | None]:
    """Cut the text at its ``---`` fences."""
    first_end = text.find("\n")
    first = text if first_end < 0 else text[:first_end]
    if not _is_fence(first, closing=False):
        return None, error(
            path, 1, 1, "E103",
            "no front matter: the file must start with a line '---', then YAML, then '---'",
        )
    pos = len(first) + 1
    line_no = 2
    while pos <= len(text):
        end = text.find("\n", pos)
        line = text[pos:] if end < 0 else text[pos:end]
        if _is_fence(line, closing=True):
            yaml_text = text[len(first) + 1 : pos]
            body_start = len(text) if end < 0 else end + 1
            return SplitFile(yaml_text, 2, text[body_start:], line_no + 1), None
        if end < 0:
            break
        pos = end + 1
        line_no += 1
    return None, error(
        path, 1, 1, "E104",
        "unterminated front matter: no closing '---' line after the opening one",
    )


def parse_front_matter(
    path: str, data: bytes
) -> tuple[Mapping | None, SplitFile | None, list[Problem]]:
    """Decode, split and read a file's front matter as a mapping with file positions."""
    text, problem = decode(path, data)
    if text is None:
        return None, None, [problem] if problem else []
    parts, problem = split(path, text)
    if parts is None:
        return None, None, [problem] if problem else []
    try:
        root = read_yaml(parts.yaml_text, parts.yaml_line)
    except YamlError as exc:
        return None, parts, [error(path, exc.line, exc.col, exc.code, exc.message)]
    if root is None:
        return Mapping((), parts.yaml_line, 1), parts, []
    if not isinstance(root, Mapping):
        kind = "plain text" if isinstance(root, Scalar) else "a list"
        return None, parts, [
            error(
                path, root.line, root.col, "E106",
                f"front matter must be a mapping of keys to values, got {kind}",
            )
        ]
    return root, parts, []
