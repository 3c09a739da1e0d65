"""The default theme's macros in Python give the macros' very bytes."""

from __future__ import annotations

import dataclasses
import sys
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infoint_site import default_macros
from infoint_site.followups import FollowUp
from infoint_site.pipeline import load_journal
from infoint_site.render import RenderMemo, SiteRenderer
from infoint_site.theme import Theme, default_theme_dir
from infoint_site.views import FollowUpView, Link, MeetingRow

REPO = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 22)
BASES = ["", "../", "../../"]


def renderer(root: Path) -> SiteRenderer:
    """A renderer of the journal at `root` with the installed default theme (this
    repository's themes/default would be a journal's own theme to a package installed
    elsewhere, as CI installs it: its pages then call the macros themselves)."""
    loaded = load_journal(root, TODAY)
    return SiteRenderer(loaded.analysis, Theme((default_theme_dir(),)), memo=RenderMemo())


def jinja_module(r: SiteRenderer, base: str) -> Any:
    """The macros themselves, as a page at `base` imports them (with the site's
    globals), in a module made afresh (not kept: no Python in it)."""
    shown = {k: v for k, v in r._globals().items() if k != "follow_up_html"}
    return r.env.get_template("macros.html").make_module(
        {**shown, "base": base, "section": ""})


def jinja_macro(r: SiteRenderer, base: str) -> Any:
    return jinja_module(r, base).follow_up


def python_macros(r: SiteRenderer, base: str) -> dict[str, Any]:
    module = jinja_module(r, base)
    return default_macros.macros({**r._globals(), "base": base}, module)


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


# -- link, badge, done_value, meeting_row ---------------------------------------------


def test_the_pages_of_the_default_theme_call_the_python_macros(example: SiteRenderer) -> None:
    """A page's import of macros.html gets them; a theme's own macros.html would not."""
    page = example.env.get_template("contact.html")
    context = {**example._globals(), "base": "../../", "section": ""}
    module = example.env.get_template("macros.html").make_module(context, shared=True)
    assert page is not None
    for name in ("link", "badge", "done_value", "meeting_row"):
        assert getattr(module, name).__module__ == "infoint_site.default_macros", name
    assert type(module.follow_up).__name__ == "Macro"  # (called as follow_up_html)


def test_every_link_badge_and_row_of_the_example_journal(example: SiteRenderer) -> None:
    views, journal = example.views, example.journal
    links = [views.contact_link(c) for c in journal.contacts] + \
        [views.company_link(c) for c in journal.companies] + [Link("Sam <&> Lee", None)]
    rows = [example.meeting_row(m) for m in journal.meetings.values()]
    analysis = example.analysis
    statuses = {*analysis.contact_status.values(), *analysis.meeting_status.values()}
    assert any(r.time for r in rows)  # (none without: the test below has them)
    for base in BASES:
        jinja, python = jinja_module(example, base), python_macros(example, base)
        for link in links:
            assert python["link"](link) == jinja.link(link)
        for status in statuses:
            assert python["badge"](status) == jinja.badge(status)
        for row in rows:
            assert python["meeting_row"](row) == jinja.meeting_row(row)
        for value in (True, False, None, date(2026, 1, 5)):
            assert python["done_value"](value) == jinja.done_value(value)


WORD = st.none() | TEXT


@settings(max_examples=300, deadline=None)
@given(link=LINK, status=TEXT, done=st.none() | st.booleans() | st.dates(),
       row=st.builds(MeetingRow, TEXT, TEXT, st.dates(), st.none() | st.times(), TEXT, WORD,
                     TEXT, WORD),
       base=st.sampled_from([*BASES, "<&>"]))
def test_any_link_badge_done_value_and_row(example: SiteRenderer, link: Link, status: str,
                                           done: Any, row: MeetingRow, base: str) -> None:
    jinja, python = jinja_module(example, base), python_macros(example, base)
    assert python["link"](link) == jinja.link(link)
    assert python["badge"](status) == jinja.badge(status)
    assert python["done_value"](done) == jinja.done_value(done)
    assert python["meeting_row"](row) == jinja.meeting_row(row)


@pytest.mark.parametrize(("name", "args", "kwargs"), [
    ("link", (Link("Jo", "contacts/jo/"),), {"l": 1}),  # a keyword: Jinja says what is wrong
    ("link", ({"text": "Jo", "url": None},), {}),  # a mapping, not a Link
    ("badge", (3,), {}),
    ("badge", (), {"status": "met"}),
    ("done_value", ("2026-01-05",), {}),
    ("done_value", (0,), {}),
    ("meeting_row", (MeetingRow("m", "u/", "2026-01-05", None, "Jo", None, "done", None),), {}),
])
def test_anything_else_goes_to_the_macro(example: SiteRenderer, name: str,
                                         args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    jinja, python = jinja_module(example, "../"), python_macros(example, "../")

    def outcome(call: Any) -> Any:
        try:
            return call(*args, **kwargs)
        except Exception as exc:  # the same error, from the same macro
            return type(exc), str(exc)

    assert outcome(python[name]) == outcome(getattr(jinja, name))


def test_a_time_at_midnight_is_shown(example: SiteRenderer) -> None:
    row = MeetingRow("m", "meetings/m/", date(2026, 1, 5), time(0, 0), "Jo", "video-call",
                     "done", "next-steps")
    shown = python_macros(example, "")["meeting_row"](row)
    assert "00:00" in shown
    assert shown == jinja_module(example, "").meeting_row(row)


def test_a_page_whose_own_names_reach_the_macros_gets_jinjas(example: SiteRenderer) -> None:
    """A theme's page that imports the macros inside a loop of its own (its names reach
    the macros, as Jinja passes them) gets the macros themselves."""
    page = example.env.from_string(
        '{% for base in ["X/"] %}{% from "macros.html" import link with context %}'
        "{{ link(l) }}{% endfor %}")
    html = page.render(**example._globals(), base="../", section="",
                       l=Link("Ann", "contacts/ann/"))
    assert html == '<a href="X/contacts/ann/">Ann</a>'
