"""The default theme's `follow_up` macro in Python gives the macro's very bytes."""

from __future__ import annotations

import dataclasses
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infoint_site import default_macros
from infoint_site.followups import FollowUp
from infoint_site.pipeline import load_journal
from infoint_site.render import RenderMemo, SiteRenderer
from infoint_site.theme import find_theme
from infoint_site.views import FollowUpView, Link

REPO = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 22)
BASES = ["", "../", "../../"]


def renderer(root: Path) -> SiteRenderer:
    loaded = load_journal(root, TODAY)
    return SiteRenderer(loaded.analysis, find_theme(root, "default"), memo=RenderMemo())


def jinja_macro(r: SiteRenderer, base: str) -> Any:
    """The macro itself, as a page at `base` calls it (with the site's globals)."""
    shown = {k: v for k, v in r._globals().items() if k != "follow_up_html"}
    return r.env.get_template("macros.html").make_module(
        {**shown, "base": base, "section": ""}).follow_up


@pytest.fixture(scope="module")
def example() -> SiteRenderer:
    return renderer(REPO)


def test_every_follow_up_of_the_example_journal(example: SiteRenderer) -> None:
    views = example.views.follow_ups(example.analysis.follow_ups)
    assert {v.item.kind for v in views} >= {"thank-you", "referrer-update", "confirm"}
    assert any(v.mailto for v in views) and any(not v.mailto for v in views)
    for base in BASES:
        macro = jinja_macro(example, base)
        for view in views:
            assert default_macros.follow_up(view, base) == macro(view)


def test_every_follow_up_of_a_generated_journal(tmp_path: Path) -> None:
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        from generate import generate
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    r = renderer(generate(tmp_path / "journal", 300))
    views = r.views.follow_ups(r.analysis.follow_ups)
    assert len({(v.item.kind, v.item.status) for v in views}) > 8
    macro = jinja_macro(r, "../../")
    for view in views:
        assert default_macros.follow_up(view, "../../") == macro(view)


TEXT = st.text(alphabet=st.sampled_from(list("aZ &<>'\"·é\n")), max_size=12)
LINK = st.builds(Link, TEXT, st.none() | TEXT)


@settings(max_examples=400, deadline=None)
@given(kind=st.sampled_from(["thank-you", "confirm", "referrer-update", "keep-in-touch", "a&b"]),
       contact=TEXT, meeting=st.none() | TEXT,
       done=st.sampled_from([True, False, date(2025, 2, 3)]),
       status=st.sampled_from(["done", "overdue", "today", "soon", "later", "<x>"]),
       title=TEXT, label=TEXT, who=LINK, about=st.none() | LINK, link=st.none() | LINK,
       mailto=st.none() | TEXT, base=st.sampled_from([*BASES, "<&>"]))
def test_any_follow_up(example: SiteRenderer, kind: str, contact: str, meeting: str | None,
                       done: Any, status: str, title: str, label: str, who: Link,
                       about: Link | None, link: Link | None, mailto: str | None,
                       base: str) -> None:
    item = FollowUp(kind=kind, contact=contact, about=None, meeting=meeting,
                    due=date(2026, 11, 30), done=done, status=status, title=title)
    view = FollowUpView(item=item, label=label, who=who, about=about, meeting=link,
                        mailto=mailto)
    assert default_macros.follow_up(view, base) == jinja_macro(example, base)(view)
    assert default_macros.follow_up(dataclasses.replace(view, mailto=""), base) == \
        jinja_macro(example, base)(dataclasses.replace(view, mailto=""))
