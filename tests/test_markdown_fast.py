"""The fast Markdown engine (markdown-it-pyrs) against the reference (markdown-it-py).

`Markdown` takes the fast engine only where it renders exactly what markdown-it-py does.
These tests hold it to that: on every text of the example journal, of a generated
journal, of the fuzz corpus, of the CommonMark spec (when a copy is at hand) and on texts
hypothesis makes up, both engines must give the same HTML, the same sections and the
same problems; and the fast engine must actually take the generated journal, or the
comparison would prove nothing. The constructs where the engines differ are listed
below, each with the text that showed it.
"""

from __future__ import annotations

import os
import random
import re
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infoint_site.frontmatter import split
from infoint_site.markdown import Markdown, RenderEnv
from infoint_site.markdown_fast import _MAX_DELIMITERS, _without_panic

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

from generate import generate  # noqa: E402

SCALE = int(os.environ.get("INFOINT_HYPOTHESIS_SCALE", "1"))
KINDS = ("contacts", "meetings", "companies")
SPEC = os.environ.get("COMMONMARK_SPEC", "")
"""A CommonMark ``spec.txt`` to take examples from (the commonmark package's sdist has
one); the spec test is skipped without it."""

LinkFor = Callable[[str, str], "str | None"]


@pytest.fixture(scope="module")
def md() -> Markdown:
    return Markdown()


def some_pages(kind: str, record_id: str) -> str | None:
    """Resolves about two ids in three (never one starting ``nobody``), so texts meet
    both found and missing pages."""
    if record_id.startswith("nobody") or zlib.crc32(f"{kind}/{record_id}".encode()) % 3 == 0:
        return None
    return f"../../{kind}/{record_id}/"


def all_pages(kind: str, record_id: str) -> str | None:
    return f"../../{kind}/{record_id}/"


def compare(md: Markdown, text: str, kind: str = "meetings",
            link_for: LinkFor = some_pages, headings: set[int] | None = None) -> bool:
    """Both engines on `text` (whole and by sections); True if the fast one took both."""
    if headings is None:
        headings = set(range(text.count("\n") + 1))

    def env() -> RenderEnv:
        return RenderEnv("content/x.md", 4, kind, link_for)

    slow_env, fast_env, public_env = env(), env(), env()
    slow = md._render_slow(text, slow_env) if text.strip() else ""
    fast = md._render_fast(text, fast_env)
    assert md.render(text, public_env) == slow
    assert public_env.problems == slow_env.problems
    assert fast_env.problems == []
    if fast is not None:
        assert fast == slow, text
        assert slow_env.problems == [], text

    slow_env, fast_env, public_env = env(), env(), env()
    slow_parts = md._sections_slow(text, slow_env, headings) if text.strip() else ("", {})
    fast_parts = md._sections_fast(text, fast_env, headings)
    assert md.render_sections(text, public_env, headings) == slow_parts
    assert public_env.problems == slow_env.problems
    assert fast_env.problems == []
    if fast_parts is not None:
        assert fast_parts == slow_parts, text
        assert slow_env.problems == [], text
    return fast is not None and fast_parts is not None


def bodies(root: Path) -> list[tuple[str, str, str]]:
    """(path, kind, body) of each journal file under `root`."""
    found = []
    for path in sorted(root.glob("content/*/*.md")):
        parts, _ = split(str(path), path.read_text(encoding="utf-8"))
        if parts is not None:
            found.append((str(path), path.parent.name, parts.body))
    return found


def answer_lines(body: str) -> set[int]:
    return {i for i, line in enumerate(body.split("\n")) if line.startswith("## Q:")}


# -- the texts we have -------------------------------------------------------------------


def test_the_example_journal(md: Markdown) -> None:
    found = bodies(REPO)
    assert len(found) > 20
    for _, kind, body in found:
        compare(md, body, kind)
        compare(md, body, kind, all_pages, answer_lines(body))


def test_a_generated_journal_takes_the_fast_path(md: Markdown, tmp_path: Path) -> None:
    found = bodies(generate(tmp_path, 300))
    assert len(found) == 300
    for _, kind, body in found:
        assert compare(md, body, kind, all_pages, answer_lines(body)), body
        compare(md, body, kind, some_pages)


def test_the_fuzz_corpus(md: Markdown) -> None:
    files = sorted((REPO / "fuzz" / "corpus").iterdir())
    assert files
    for path in files:
        text = path.read_bytes().decode("utf-8", errors="replace")
        for kind in KINDS:
            compare(md, text, kind)


@pytest.mark.skipif(not os.path.isfile(SPEC), reason="set COMMONMARK_SPEC to a spec.txt")
def test_the_commonmark_spec_examples(md: Markdown) -> None:
    spec = Path(SPEC).read_text(encoding="utf-8")
    examples = re.findall(r"^`{32} example\n(.*?)^\.\n", spec, re.M | re.S)
    assert len(examples) > 600
    taken = sum(compare(md, example.replace("→", "\t")) for example in examples)
    assert taken > 150


# -- where the engines differ: each goes the slow way --------------------------------------

DIFFERENCES = {
    "raw HTML": "a <b>bold</b> claim\n",
    "autolink": "see <https://example.com>\n",
    "remote image": "![chart](https://example.com/c.png)\n",
    "local image": "![chart](chart.png)\n",
    "reference link": "[a][r]\n\n[r]: https://example.com\n",
    "missing journal page": "met [Zed](../contacts/nobody-at-all.md)\n",
    "unsafe link": "[x](javascript:alert(1))\n",
    "entity in a link": "[x](&#106;avascript:alert(1))\n",
    "escape in a link": "[x](a\\)b)\n",
    "link on the next line": "[x](\nhttps://example.com)\n",
    "punycode host": "[x](https://bücher.de/)\n",
    "IPv6 host": "[x](http://[::1]/)\n",
    "no-break space": "a\u00a0\n\n\u00a0b\n",
    "line separator": "a\u2028\n",
    "emphasis by an emoji": "*😀*1abc\n",
    "emphasis by a combining mark": "## \u0301©#---ü_::😀*[a](x)%- *](\n",
    "table without pipes": ":-:a\n:-:\n",
    "table header without pipes": "=\n---|\n(\n",
    "empty quote": "> \n",
    "list after a lazy quote line": ">> a\n> - \n",
    "empty item after a quote": "> a\n*\n",
    "tab in a quote": ">> > \t=\\#\n",
    "tab after a list marker": ">\t> *  \t`\n>11- :-:*\n",
    "deep quotes": ">" * 20 + " a\n",
    "deep lists": "- " * 10 + "a\n",
    "code span of spaces": "`    `\n",
    "code span of spaces across a quote": "> ~`    \n> `x\n",
    "backtick in link text (panics)": "[`[*\n",
    "backtick cache": "\\`a(*][```_](x)``````(` ]``````\n",
    "unclosed fence at the end": "``` x\n--- a",
    "run of three tildes": "~~~(.](x)~~~\n",
    "run of three stars": "a ***b*** c\n",
    "both-flanking star": "a*b*c\n",
    "stray closer, then pairs": "__a. *-\nbc~~. bc **- x\nword**\n&amp;__\n~~bc~~\n",
    "code after the text of a tight item": "- a\n  ```\n  code\n  ```\n",
    "code after emphasis in a tight item": "+ *emph*\n    ```\n",
    "many delimiters": "*a* " * (_MAX_DELIMITERS // 2 + 1),
}


@pytest.mark.parametrize("text", DIFFERENCES.values(), ids=DIFFERENCES.keys())
def test_differences_go_the_slow_way(md: Markdown, text: str) -> None:
    assert not compare(md, text)


def test_every_odd_space_counts_as_unprintable() -> None:
    """The fast path refuses unprintable text (after tabs and newlines): that must cover
    each space markdown-it-py's str.strip() trims and markdown-it-pyrs keeps."""
    spaces = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
    assert [s for s in spaces if s.isprintable() and s != " "] == []


def test_a_panic_is_caught(md: Markdown) -> None:
    assert _without_panic(md.fast.parser.render, "[`[*") is None


def test_journal_links_are_rewritten(md: Markdown) -> None:
    text = ('Met [Jane](../contacts/jane-doe.md#notes "Jane & co") and [Acme](acme.md).\n\n'
            "## Q: Who?\n\n[Bo](bo-lee.md) at [site](https://example.com/?a=1&b=2).\n")
    assert compare(md, text, "companies", all_pages, {2})
    html = md.render(text, RenderEnv("x.md", 1, "companies", all_pages))
    assert '<a href="../../contacts/jane-doe/#notes" title="Jane &amp; co">Jane</a>' in html
    assert '<a href="../../companies/acme/">Acme</a>' in html
    assert '<a href="https://example.com/?a=1&amp;b=2">site</a>' in html


def test_sections_with_non_ascii_text(md: Markdown) -> None:
    """The fast engine maps nodes to byte offsets, not characters."""
    text = ("Łukasz, Søren and Gauß — ünïcödé.\n\n## Q: Wer?\n\nJürgen 😀 weiß.\n\n"
            "Zoë\n===\n\nCœur.\n\n### Q: Où?\n\nÇa va.\n\n## Fin\n\nÅ.\n")
    assert compare(md, text, headings={2, 6, 11, 15})
    _, sections = md.render_sections(text, RenderEnv("x.md", 1, "meetings", all_pages),
                                     {2, 6, 11})
    assert sections == {2: "<p>Jürgen 😀 weiß.</p>\n", 6: "<p>Cœur.</p>\n<h3>Q: Où?</h3>\n"
                        "<p>Ça va.</p>\n<h2>Fin</h2>\n<p>Å.</p>\n", 11: "<p>Ça va.</p>\n"}


# -- made-up texts -----------------------------------------------------------------------

LINKS = ("[a](../contacts/x.md#f)", '[a](https://e.com "t")', "[j](../contacts/jane-doe.md)",
         "[m](y.md)", "[k](../meetings/2026-01-05-x.md#q)", "[e](mailto:a@b.c)", "[h](#top)",
         "[n](x (t))", "[p](a(b)c)", "[v](//host/x)", "[s](bücher.md)", "[z]()")
WORDS = ("alpha", "Beta", "Łukasz", "x1", "it's", "&amp;", "&copy;", "\\#", "1.", "a:b", "q?")
ALPHABET = "#*_[]()!<>`\n -|:~&\\\t=+.1aé\"'"


def markdownish() -> st.SearchStrategy[str]:
    """Lines of block markers, characters that mean something, words and links."""
    atom = st.one_of(st.sampled_from(ALPHABET), st.sampled_from(LINKS),
                     st.sampled_from(WORDS),
                     st.sampled_from(["**", "__", "~~", "```", "---", "===", "    ", "\u00a0"]))
    prefix = st.sampled_from(["", "", "", "# ", "## ", "## Q: ", "> ", ">> ", "- ", "* ",
                              "1. ", "2) ", "  ", "    ", "  - ", "> - ", "- > "])
    line = st.builds(lambda p, atoms: p + "".join(atoms), prefix, st.lists(atom, max_size=10))
    return st.builds(lambda lines, end: "\n".join(lines) + end,
                     st.lists(line, min_size=1, max_size=12), st.sampled_from(["", "\n"]))


def noteish() -> st.SearchStrategy[str]:
    """Texts like notes: mostly what the fast engine takes."""
    word = st.one_of(st.sampled_from(WORDS), st.sampled_from(LINKS[:9]),
                     st.builds(lambda d, w: f"{d}{w}{d}", st.sampled_from(["*", "**", "_", "~~"]),
                               st.sampled_from(WORDS[:4])))
    text = st.builds(" ".join, st.lists(word, min_size=1, max_size=8))
    block = st.builds(lambda p, t: p + t, st.sampled_from(
        ["", "", "## Q: ", "### ", "- ", "1. ", "> ", "  - "]), text)
    return st.builds("\n".join, st.lists(
        st.one_of(block, block, st.sampled_from(["", "", "---", "```", "    code"])),
        min_size=1, max_size=14)).map(lambda t: t + "\n")


BUDGET = settings(max_examples=300 * SCALE, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.too_slow])


@BUDGET
@given(markdownish(), st.sampled_from(KINDS))
def test_made_up_markdown(md: Markdown, text: str, kind: str) -> None:
    compare(md, text, kind)


@BUDGET
@given(noteish(), st.sampled_from(KINDS))
def test_made_up_notes(md: Markdown, text: str, kind: str) -> None:
    compare(md, text, kind)


def test_many_made_up_notes_mostly_take_the_fast_path(md: Markdown) -> None:
    """Seeded, so the share is stable: the comparison must exercise the fast engine."""
    rng = random.Random(20261122)
    taken = 0
    for _ in range(1000 * SCALE):
        blocks = []
        for _ in range(rng.randint(1, 10)):
            words = " ".join(rng.choice(WORDS + LINKS) for _ in range(rng.randint(0, 6)))
            blocks.append(rng.choice(["", "", "## Q: ", "- ", "1. ", "  - ", "    ", "> "])
                          + words + rng.choice(["\n", "\n", "\n\n"]))
        text = "".join(blocks)
        kind = rng.choice(KINDS)
        taken += compare(md, text, kind, all_pages)
        compare(md, text, kind, some_pages)
    assert taken > 400 * SCALE
