"""Markdown to safe HTML for the site.

CommonMark with tables and strikethrough; linkify stays off (it doubles the cost).
Privacy and safety by construction:

- raw HTML is escaped, never passed through;
- only http(s), mailto and tel links and relative links are rendered; anything else
  (``javascript:``, ``data:``, ``file:``…) stays plain text;
- an image never loads: a remote image would leak the reader's visit to its host,
  so it becomes a link with a build warning; a local one becomes its alt text;
- links to other journal files (``../contacts/jane-doe.md``) point at their pages.

Two engines render it: markdown-it-py, the reference, whose rules above are our own
(it reports the warnings), and, where the HTML is provably the same, the much faster
markdown-it-pyrs (see `markdown_fast`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

from .body import (  # noqa: F401 - plain_text is part of this module's interface
    is_remote,
    journal_link,
    missing_link_message,
    plain_text,
    remote_image_message,
    safe_link,
)
from .markdown_fast import FastEngine
from .problems import Problem, warning


@dataclass
class RenderEnv:
    """What rendering one body needs to know, and what it reports back."""

    path: str
    """The source file, for warnings."""
    body_line: int
    kind: str
    """The folder the file is in (contacts, meetings, companies), for relative links."""
    link_for: Callable[[str, str], str | None]
    """(kind, id) → the page's URL from this page, or None if there is no such page."""
    problems: list[Problem] = field(default_factory=list)


def _line(tokens: list[Token], idx: int, env: RenderEnv) -> int:
    line = tokens[idx].meta.get("line")
    return env.body_line + (line if line is not None else 0)


def _number_inline_lines(state: Any) -> None:
    """Give inline tokens (links, images) the body line they sit on, for warnings."""
    for block in state.tokens:
        if block.type != "inline" or not block.map or not block.children:
            continue
        line = block.map[0]
        for child in block.children:
            child.meta["line"] = line
            if child.type in ("softbreak", "hardbreak"):
                line += 1


def _image(self: Any, tokens: list[Token], idx: int, options: Any, md_env: dict) -> str:
    env: RenderEnv = md_env["page"]
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    alt = escapeHtml(self.renderInlineAsText(token.children or [], options, md_env) or src)
    if is_remote(src):
        env.problems.append(warning(env.path, _line(tokens, idx, env), 1, "W601",
                                    remote_image_message(src)))
        return f'<a class="remote-image" href="{escapeHtml(src)}">{alt} (image)</a>'
    return f'<span class="image-alt">{alt}</span>'

class Markdown:
    """A configured renderer; build one per site build and reuse it for every page."""

    def __init__(self) -> None:
        md = MarkdownIt("commonmark", {"html": False, "typographer": False})
        md.enable(["table", "strikethrough"])
        md.validateLink = safe_link  # type: ignore[method-assign]
        md.core.ruler.push("line_numbers", _number_inline_lines)
        md.add_render_rule("image", _image)
        md.add_render_rule("link_open", self._link_open)
        self.md = md
        self.fast = FastEngine()

    @staticmethod
    def _link_open(self: Any, tokens: list[Token], idx: int, options: Any, md_env: dict) -> str:
        env: RenderEnv = md_env["page"]
        token = tokens[idx]
        href = str(token.attrGet("href") or "")
        found = journal_link(href, env.kind)
        if found is not None:
            kind, target_id, fragment = found
            target = env.link_for(kind, target_id)
            if target is None:
                env.problems.append(warning(env.path, _line(tokens, idx, env), 1, "W602",
                                            missing_link_message(href, kind)))
                return '<a class="broken-link" title="no such page">'
            token.attrSet("href", target + fragment)
        return self.renderToken(tokens, idx, options, md_env)

    def render(self, text: str, env: RenderEnv) -> str:
        """`text` as HTML; warnings land in `env.problems`."""
        if not text.strip():
            return ""
        html = self._render_fast(text, env)
        return html if html is not None else self._render_slow(text, env)

    def render_sections(self, text: str, env: RenderEnv,
                        headings: set[int]) -> tuple[str, dict[int, str]]:
        """`text` as HTML, and the HTML under each heading that starts on a line in
        `headings` (0-based lines of `text`), up to the next heading of its level or
        higher: the answers of a meeting, from one parse."""
        if not text.strip():
            return "", {}
        done = self._sections_fast(text, env, headings)
        return done if done is not None else self._sections_slow(text, env, headings)

    # -- markdown-it-py: the reference ----------------------------------------------------

    def _render_slow(self, text: str, env: RenderEnv) -> str:
        return self.md.render(text, {"page": env})

    def _sections_slow(self, text: str, env: RenderEnv,
                       headings: set[int]) -> tuple[str, dict[int, str]]:
        md_env = {"page": env}
        tokens = self.md.parse(text, md_env)
        html = self.md.renderer.render(tokens, self.md.options, md_env)
        sections: dict[int, str] = {}
        for i, token in enumerate(tokens):
            if token.type != "heading_open" or token.level != 0 or not token.map:
                continue
            if token.map[0] not in headings:
                continue
            start = i + 3  # heading_open, inline, heading_close
            end = next((j for j in range(start, len(tokens))
                        if tokens[j].type == "heading_open" and tokens[j].level == 0
                        and tokens[j].tag <= token.tag), len(tokens))
            sections[token.map[0]] = self.md.renderer.render(tokens[start:end],
                                                             self.md.options, md_env)
        return html, sections

    # -- markdown-it-pyrs: only where provably identical ----------------------------------

    def _render_fast(self, text: str, env: RenderEnv) -> str | None:
        return self.fast.render(text, env)

    def _sections_fast(self, text: str, env: RenderEnv,
                       headings: set[int]) -> tuple[str, dict[int, str]] | None:
        return self.fast.sections(text, env, headings)


def render_note(markdown: Markdown, path: str, text: str, first_line: int, kind: str,
                link_for: Callable[[str, str], str | None],
                sections: frozenset[int] = frozenset(),
                ) -> tuple[str, list[Problem], dict[int, str]]:
    """Markdown from the file at `path` as HTML, with its warnings and the HTML under
    the headings on the lines in `sections` (0-based, of `text`)."""
    page = RenderEnv(path, first_line, kind, link_for)
    if sections:
        html, parts = markdown.render_sections(text, page, set(sections))
    else:
        html, parts = markdown.render(text, page), {}
    return html, page.problems, parts
