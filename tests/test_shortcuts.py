"""Shortcuts taken for speed give what the library calls they stand for would."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

import markupsafe
from hypothesis import given, settings
from hypothesis import strategies as st

from infoint_site.templating import Environment, escape_text, escaped
from infoint_site.urls import Urls

TEXT = st.text(alphabet=st.sampled_from(list("aZ09 _.~-&<>'\"/%#?é\u2003\0\n")), max_size=30)


class Shown:
    def __html__(self) -> str:
        return "<b>safe</b>"


@settings(max_examples=2000, deadline=None)
@given(TEXT)
def test_escape_text_is_markupsafes_escape(text: str) -> None:
    for value in (text, markupsafe.Markup(text), len(text), Shown(), None):
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


@settings(max_examples=2000, deadline=None)
@given(TEXT)
def test_record_urls_quote_ids_as_quote_does(record_id: str) -> None:
    urls = Urls()
    assert urls.contact(record_id) == f"contacts/{quote(record_id, safe='')}/"
    assert urls.meeting(record_id) == f"meetings/{quote(record_id, safe='')}/"
    assert urls.company(record_id) == f"companies/{quote(record_id, safe='')}/"
