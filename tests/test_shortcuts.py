"""Shortcuts taken for speed give what the library calls they stand for would."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from urllib.parse import quote

import markupsafe
from hypothesis import given, settings
from hypothesis import strategies as st

from infoint_site.contentlines import _fold_octets, fold
from infoint_site.templating import Environment, escape_text, escaped
from infoint_site.urls import Urls, quoted

TEXT = st.text(alphabet=st.sampled_from(list("aZ09 _.~-&<>'\"/%#?é\u2003\0\n")), max_size=30)


class Shown:
    def __html__(self) -> str:
        return "<b>safe</b>"


@settings(max_examples=2000, deadline=None)
@given(TEXT)
def test_escape_text_is_markupsafes_escape(text: str) -> None:
    for value in (text, markupsafe.Markup(text), len(text), -len(text) * 10**20, True, 2.5,
                  Shown(), None):
        mine, theirs = escape_text(value), markupsafe.escape(value)
        assert mine == theirs and type(mine) is type(theirs) is markupsafe.Markup
        assert escaped(value) == str(theirs) and type(escaped(value)) is str


def test_templates_escape_with_escape_text_and_autoescape_as_before() -> None:
    env = Environment(autoescape=True)
    template = env.from_string("{{ a }}|{{ b }}|{{ c }}|{% macro m(x) %}<{{ x }}>{% endmacro %}"
                               "{{ m(a) }}")
    assert template.root_render_func.__globals__["escape"] is escape_text
    html = template.render(a="<Ann & Bo>", b=markupsafe.Markup("<i>ok</i>"), c=date(2026, 1, 2))
    assert html == "&lt;Ann &amp; Bo&gt;|<i>ok</i>|2026-01-02|<&lt;Ann &amp; Bo&gt;>"


@settings(max_examples=3000, deadline=None)
@given(st.one_of(TEXT, st.text(max_size=40)), st.sampled_from(["", "@"]))
def test_quoted_is_quote(text: str, safe: str) -> None:
    assert quoted(text, safe) == quote(text, safe=safe)


@settings(max_examples=2000, deadline=None)
@given(TEXT)
def test_record_urls_quote_ids_as_quote_does(record_id: str) -> None:
    urls = Urls()
    assert urls.contact(record_id) == f"contacts/{quote(record_id, safe='')}/"
    assert urls.meeting(record_id) == f"meetings/{quote(record_id, safe='')}/"
    assert urls.company(record_id) == f"companies/{quote(record_id, safe='')}/"


MACROS = ("{% macro link(l) %}<a href='{{ base }}{{ l }}'>{{ fmt(l) }}</a>{{ seen|length }}"
          "{{ x }}{% endmacro %}")
PAGES = {
    "macros.html": MACROS,
    "page.html": "{% from 'macros.html' import link with context %}{{ link(name) }}",
    "loop.html": "{% for x in [1, 2] %}{% from 'macros.html' import link with context %}"
                 "{{ link(name) }}{% endfor %}",
}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["page.html", "loop.html"]),
                          st.sampled_from(["", "../", "../../", None]),
                          st.sampled_from(["Ann", "<Bo>"]),
                          st.sampled_from([0, 1, 2]),
                          st.booleans(), st.booleans()), min_size=1, max_size=12))
def test_kept_macro_modules_render_as_jinja_does(renders: list[tuple[str, str | None, str, int,
                                                                     bool, bool]]) -> None:
    """A module imported `with context` is kept across pages whose free names have the
    same values (by value for strings, by identity for a list, by owner and function
    for a bound method); every page reads as plain Jinja renders it, even when a kept
    list changed in place or a name is missing."""
    import jinja2

    class Owner:
        def __init__(self, tag: str) -> None:
            self.tag = tag

        def fmt(self, text: str) -> str:
            return self.tag + text

    mine = Environment(loader=jinja2.DictLoader(PAGES), autoescape=True)
    mine.keep_modules_of(frozenset({"macros.html"}))
    theirs = jinja2.Environment(loader=jinja2.DictLoader(PAGES), autoescape=True)
    owners, lists = [Owner("a:"), Owner("b:")], [[], [], []]
    for template, base, name, which, other_owner, grow in renders:
        seen = lists[which]
        if grow:
            seen.append(name)  # the same object, changed in place
        context = {"name": name, "fmt": owners[other_owner].fmt, "seen": seen}
        if base is not None:
            context["base"] = base
        assert mine.get_template(template).render(context) == \
            theirs.get_template(template).render(context)
    assert 0 < len(mine.kept_modules) <= 2 * len(renders)  # the loop imports once for each x


def test_a_macro_module_is_made_once_for_pages_of_the_same_context() -> None:
    import jinja2

    env = Environment(loader=jinja2.DictLoader(PAGES), autoescape=True)
    fmt, seen = str.upper, ["a"]
    for keep in (frozenset(), frozenset({"macros.html"})):
        env.keep_modules_of(keep)
        for depth in (2, 2, 1, 2, 1):
            base = "../" * depth  # a new string each time, equal to the last of its depth
            env.get_template("page.html").render(base=base, name="Ann", fmt=fmt, seen=seen)
        assert len(env.kept_modules) == (2 if keep else 0)


STATEFUL = {  # a theme's own macros: state at its top, which Jinja makes anew each page
    "macros.html": "{% set ns = namespace(n=0) %}{% macro tick() %}{% set ns.n = ns.n + 1 %}"
                   "{{ ns.n }}{% endmacro %}",
    "page.html": "{% from 'macros.html' import tick with context %}{{ tick() }}{{ tick() }}",
}


def test_only_the_default_themes_macros_are_kept(example_journal: Path,
                                                 tmp_path: Path) -> None:
    """A journal's own macros.html may keep state or read the context in ways its free
    names do not show: its module is made on every page, as plain Jinja makes it. And
    each renderer lets go of the modules the last one kept (they hold its pages'
    context: in `serve`, its whole build)."""
    import gc
    import weakref

    import jinja2

    from infoint_site.pipeline import load_journal
    from infoint_site.render import RenderMemo, SiteRenderer
    from infoint_site.theme import find_theme

    env = Environment(loader=jinja2.DictLoader(STATEFUL), autoescape=True)
    assert [env.get_template("page.html").render() for _ in range(2)] == ["12", "12"]

    loaded = load_journal(example_journal, date(2026, 11, 22))
    memo = RenderMemo(keep=True)
    first = SiteRenderer(loaded.analysis, find_theme(example_journal, "default"), memo=memo)
    assert first.env.modules_to_keep == {"macros.html"}
    first.contacts_index()
    assert first.env.kept_modules
    gone = weakref.ref(first)
    second = SiteRenderer(loaded.analysis, find_theme(example_journal, "default"), memo=memo)
    del first
    gc.collect()
    assert gone() is None and second.env.kept_modules == {}

    own = example_journal / "themes/mine/templates"
    own.mkdir(parents=True)
    (own / "macros.html").write_text(
        (Path(__file__).parents[1] / "themes/default/templates/macros.html")
        .read_text(encoding="utf-8"), encoding="utf-8")
    theirs = SiteRenderer(loaded.analysis, find_theme(example_journal, "mine"),
                          memo=RenderMemo())
    assert theirs.env.modules_to_keep == frozenset()


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab ,;\\é€😀\n")), max_size=400))
def test_folding_ascii_by_slicing_is_folding_by_octets(text: str) -> None:
    ascii_only = text.encode("ascii", "ignore").decode()
    for line in (text, ascii_only, ascii_only * 9, "x" * len(text)):  # (some past 150)
        assert fold(line) == _fold_octets(line)


def test_the_heap_keeps_big_blocks_apart_where_the_c_library_allows() -> None:
    """On glibc (this project's Linux) the threshold is set; elsewhere nothing happens.
    (What it does to a build's peak is the benchmark's to show: docs/performance.md.)"""
    import platform

    from infoint_site.heap import keep_big_blocks_apart

    glibc = platform.system() == "Linux" and platform.libc_ver()[0] == "glibc"
    assert keep_big_blocks_apart() is glibc
