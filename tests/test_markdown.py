"""Markdown bodies as the site shows them: CommonMark with tables, safe links, no images."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st

from infoint_site.cli import main
from infoint_site.markdown import Markdown, RenderEnv, plain_text
from infoint_site.problems import Problem

TODAY = "2026-11-22"
KNOWN = {("contacts", "jane-doe"), ("contacts", "john-smith"), ("companies", "acme"),
         ("meetings", "2026-11-03-jane-doe")}

# -- helpers ---------------------------------------------------------------------------------


def render(text: str, kind: str = "meetings", body_line: int = 5,
           path: str = "content/meetings/2026-11-03-jane-doe.md") -> tuple[str, list[Problem]]:
    """`text` as HTML from a page two folders deep, and the warnings it raised."""

    def link_for(target_kind: str, target_id: str) -> str | None:
        if (target_kind, target_id) not in KNOWN:
            return None
        return f"../../{target_kind}/{target_id}/"

    env = RenderEnv(path, body_line, kind, link_for)
    html = Markdown().render(textwrap.dedent(text).lstrip("\n"), env)
    return html, env.problems


def write_journal(root: Path, files: Mapping[str, str]) -> Path:
    """Write each relative path's dedented text under `root`; the root is a journal."""
    (root / "content").mkdir(parents=True, exist_ok=True)
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def build(root: Path, out: Path, *extra: str) -> Result:
    return CliRunner().invoke(
        main, ["--root", str(root), "build", "--today", TODAY, "--out", str(out), *extra]
    )


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the file (after dedenting) that holds `needle`."""
    lines = textwrap.dedent(text).lstrip("\n").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


PEOPLE = {
    "content/contacts/john-smith.md": """
        ---
        name: John Smith
        ---
    """,
    "content/contacts/jane-doe.md": """
        ---
        name: Jane Doe
        referred_by: john-smith
        ---
        Research on [her referrer](john-smith.md).
    """,
}

# -- CommonMark and its extensions -----------------------------------------------------------


def test_tables_render() -> None:
    html, problems = render("""
        | Skill | Needed |
        |-------|:------:|
        | SQL   | yes    |
        | R     | *some* |
    """)
    assert problems == []
    assert "<table>" in html
    assert re.findall(r"<th[^>]*>(.*?)</th>", html) == ["Skill", "Needed"]
    assert re.findall(r"<td[^>]*>(.*?)</td>", html) == ["SQL", "yes", "R", "<em>some</em>"]


def test_strikethrough_renders() -> None:
    html, _ = render("Plan: ~~apply now~~ finish the portfolio first.")
    assert "<s>apply now</s>" in html


def test_code_fences_keep_their_text_escaped() -> None:
    html, problems = render("""
        ```sql
        select * from t where a < 3 and b = '<b>';
        ```
    """)
    assert problems == []
    assert ('<pre><code class="language-sql">select * from t where a &lt; 3 and'
            " b = '&lt;b&gt;';\n</code></pre>") in html


def test_a_code_fence_info_string_cannot_inject_markup() -> None:
    html, _ = render('```"><script>alert(1)</script>\nx\n```\n')
    assert "<script" not in html
    assert "&lt;script&gt;" in html or "&quot;&gt;" in html


def test_question_headings_render_as_headings() -> None:
    html, _ = render("""
        ## Q: What is your typical day like?
        Meetings in the morning, **SQL** after lunch.
    """)
    assert "<h2>Q: What is your typical day like?</h2>" in html
    assert "<p>Meetings in the morning, <strong>SQL</strong> after lunch.</p>" in html


def test_an_empty_body_renders_nothing() -> None:
    assert render("   \n\n")[0] == ""


# -- links between journal files -------------------------------------------------------------


@pytest.mark.parametrize(("href", "page"), [
    ("../contacts/jane-doe.md", "../../contacts/jane-doe/"),
    ("../contacts/jane-doe.md#notes", "../../contacts/jane-doe/#notes"),
    ("./2026-11-03-jane-doe.md", "../../meetings/2026-11-03-jane-doe/"),
    ("2026-11-03-jane-doe.md", "../../meetings/2026-11-03-jane-doe/"),
    ("../companies/acme.md", "../../companies/acme/"),
])
def test_links_to_journal_files_point_at_their_pages(href: str, page: str) -> None:
    html, problems = render(f"See [the page]({href}).")
    assert problems == []
    assert f'<a href="{page}">the page</a>' in html


def test_a_link_relative_to_a_contact_resolves_among_contacts() -> None:
    html, problems = render("[John](john-smith.md)", kind="contacts",
                            path="content/contacts/jane-doe.md")
    assert problems == []
    assert '<a href="../../contacts/john-smith/">John</a>' in html


def test_an_external_md_link_is_left_alone() -> None:
    html, problems = render("[readme](https://example.com/docs/README.md)")
    assert problems == []
    assert '<a href="https://example.com/docs/README.md">readme</a>' in html


def test_a_link_to_a_missing_file_warns_w602() -> None:
    html, problems = render("""
        Notes.

        Talk to [Bob](../contacts/bob-jones.md) next.
    """)
    assert [(p.code, p.severity.value, p.path) for p in problems] == [
        ("W602", "warning", "content/meetings/2026-11-03-jane-doe.md")]
    assert "bob-jones.md" in problems[0].message
    assert "no such contact" in problems[0].message
    assert "href=" not in html.split("Bob")[0].rsplit("<a", 1)[-1]
    assert "Bob" in html


def test_the_w602_warning_names_the_line_of_the_link() -> None:
    _, problems = render("""
        Notes.

        Talk to [Bob](../contacts/bob-jones.md) next.
    """, body_line=5)
    assert [p.line for p in problems] == [5 + 2]


# -- safety ----------------------------------------------------------------------------------


def test_raw_html_is_escaped() -> None:
    html, _ = render("""
        <script>alert(1)</script>

        Inline <img src=x onerror=alert(2)> and <iframe src="https://evil.example"></iframe>.
    """)
    assert "<script" not in html and "<img" not in html and "<iframe" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html


@pytest.mark.parametrize("link", [
    "[a](javascript:alert(1))",
    "[a](JavaScript:alert(1))",
    "[a](java&#x09;script:alert(1))",
    "[a](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[a](vbscript:msgbox(1))",
    "[a](file:///etc/passwd)",
    "<javascript:alert(1)>",
    "[a][ref]\n\n[ref]: javascript:alert(1)",
])
def test_unsafe_schemes_are_not_links(link: str) -> None:
    html, _ = render(link)
    assert "href=" not in html, html


@pytest.mark.parametrize("link", ["[a](https://example.com/x)", "[a](mailto:a@example.com)",
                                  "[a](tel:+442079460000)", "[a](#notes)",
                                  "<https://example.com/y>"])
def test_safe_schemes_stay_links(link: str) -> None:
    """The counterpart: the filter above is not simply dropping every link."""
    html, _ = render(link)
    assert "href=" in html, html


def test_a_remote_image_becomes_a_link_that_loads_nothing() -> None:
    html, problems = render("Photo: ![her portrait](https://tracker.example/p.png)")
    assert "<img" not in html and " src=" not in html
    assert '<a class="remote-image" href="https://tracker.example/p.png">' in html
    assert "her portrait" in html
    assert [p.code for p in problems] == ["W601"]
    assert "https://tracker.example/p.png" in problems[0].message
    assert problems[0].path == "content/meetings/2026-11-03-jane-doe.md"


@pytest.mark.parametrize("src", ["//tracker.example/p.png", "HTTP://tracker.example/p.png"])
def test_remote_image_variants_are_caught(src: str) -> None:
    html, problems = render(f"![x]({src})")
    assert "<img" not in html
    assert [p.code for p in problems] == ["W601"]


def test_a_local_image_shows_its_alt_text() -> None:
    html, problems = render("![the org chart](org-chart.png)")
    assert "<img" not in html
    assert '<span class="image-alt">the org chart</span>' in html
    assert problems == []


def test_plain_text_for_search_drops_markup() -> None:
    text = plain_text("## Q: Why?\n\nBecause **data** [matters](x.md).\n\n```\ncode\n```\n")
    assert text == "Q: Why? Because data matters."


def _plain_text_by_regular_expressions(markdown_text: str) -> str:
    """What `plain_text` does, written as its first version was (three substitutions)."""
    text = re.sub(r"```.*?```", " ", markdown_text, flags=re.S)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[#>*_`|~-]+", " ", text)
    return " ".join(text.split())


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab #>*_`|~-![]()\n\t\u00a0\u2003é")),
               max_size=60))
def test_plain_text_is_what_the_regular_expressions_give(text: str) -> None:
    assert plain_text(text) == _plain_text_by_regular_expressions(text)


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab #>*_`|~-![]()\n\t\u00a0\u2003é")),
               max_size=200), st.integers(min_value=0, max_value=80))
def test_the_start_of_plain_text_is_cut_from_the_whole(text: str, chars: int) -> None:
    """Only enough of a note is split into words for `chars` of them: the same start."""
    assert plain_text(text, chars) == plain_text(text)[:chars]


# -- through the build -----------------------------------------------------------------------


DONE_WITH_JANE = """
    ---
    contact: jane-doe
    date: 2026-11-03
    status: done
    thank_you_sent: 2026-11-03
    evaluated: true
    ---
"""
"""The front matter of a done meeting with Jane, evaluated and thanked."""

MEETING = DONE_WITH_JANE + """\
    ## Notes
    Met [Jane](../contacts/jane-doe.md), then wrote to [Bob](../contacts/bob-jones.md).

    ## Q: What is your typical day like?
    Meetings in the morning, SQL after lunch.
"""


@pytest.fixture
def site(tmp_path: Path) -> tuple[Path, Path, Result]:
    root = write_journal(tmp_path / "journal", {
        **PEOPLE,
        "content/meetings/2026-11-03-jane-doe.md": MEETING,
        "content/meetings/2026-11-10-john-smith.md": """
            ---
            contact: john-smith
            date: 2026-11-10
            status: done
            thank_you_sent: 2026-11-10
            evaluated: true
            ---
            ## Q: what is your TYPICAL day like
            Teaching, then marking.
        """,
    })
    out = tmp_path / "site"
    return root, out, build(root, out)


def test_a_journal_link_in_a_built_page_reaches_the_contact_page(
        site: tuple[Path, Path, Result]) -> None:
    _, out, result = site
    assert result.exit_code == 0, result.stderr
    page = (out / "meetings/2026-11-03-jane-doe/index.html").read_text(encoding="utf-8")
    hrefs = re.findall(r'<a href="([^"]*)">Jane</a>', page)
    assert hrefs == ["../../contacts/jane-doe/"]
    assert (out / "meetings/2026-11-03-jane-doe" / hrefs[0] / "index.html").resolve().is_file()
    jane = (out / "contacts/jane-doe/index.html").read_text(encoding="utf-8")
    assert '<a href="../../contacts/john-smith/">her referrer</a>' in jane


def test_the_build_reports_a_link_to_a_missing_file(site: tuple[Path, Path, Result]) -> None:
    root, out, result = site
    assert result.exit_code == 0
    w602 = [line for line in result.stderr.splitlines() if "W602" in line]
    assert len(w602) == 1, result.stderr
    assert w602[0].startswith("content/meetings/2026-11-03-jane-doe.md:")
    assert "bob-jones.md" in w602[0]
    assert result.stdout.rstrip().endswith("0 errors, 1 warning")
    strict = build(root, out.parent / "strict", "--strict")
    assert strict.exit_code == 1
    assert "W602" in strict.stderr
    assert not (out.parent / "strict").exists()


def test_the_build_names_the_line_of_the_missing_link(site: tuple[Path, Path, Result]) -> None:
    _, _, result = site
    line = line_of(MEETING, "bob-jones.md")
    assert f"content/meetings/2026-11-03-jane-doe.md:{line}:" in result.stderr


def test_question_headings_render_and_gather_on_the_questions_page(
        site: tuple[Path, Path, Result]) -> None:
    _, out, _ = site
    page = (out / "meetings/2026-11-03-jane-doe/index.html").read_text(encoding="utf-8")
    assert "<h2>Q: What is your typical day like?</h2>" in page
    questions = (out / "questions/index.html").read_text(encoding="utf-8")
    articles = questions.split('<article class="question">')
    (typical,) = [a for a in articles if ">What is your typical day like?<" in a]
    assert "Meetings in the morning, SQL after lunch." in typical
    assert "Teaching, then marking." in typical  # same question, other case and punctuation
    assert '<span class="count">2</span>' in typical


ANSWER_WITH_LINK = DONE_WITH_JANE + """\
    ## Q: Who else should I talk to, and may I use your name when I contact them?

    Her old manager, [John](../contacts/john-smith.md); see ![chart](https://tracker.example/c.png).
"""


@pytest.fixture
def answer_site(tmp_path: Path) -> tuple[Path, Result]:
    root = write_journal(tmp_path / "journal", {
        **PEOPLE, "content/meetings/2026-11-03-jane-doe.md": ANSWER_WITH_LINK})
    out = tmp_path / "site"
    result = build(root, out)
    assert result.exit_code == 0, result.stderr
    return out, result


def test_a_journal_link_inside_an_answer_works_on_the_questions_page(
        answer_site: tuple[Path, Result]) -> None:
    out, result = answer_site
    assert "W602" not in result.stderr
    meeting = (out / "meetings/2026-11-03-jane-doe/index.html").read_text(encoding="utf-8")
    assert '<a href="../../contacts/john-smith/">John</a>' in meeting
    questions = (out / "questions/index.html").read_text(encoding="utf-8")
    assert '<a href="../contacts/john-smith/">John</a>' in questions


REFERENCE_ANSWER = DONE_WITH_JANE + """\
    ## Q: Who else should I talk to, and may I use your name when I contact them?

    Her old manager, [John][manager], and [his team](../contacts/john-smith.md).

    ## Notes

    [manager]: ../contacts/john-smith.md
"""


def test_a_reference_link_in_an_answer_works_on_both_question_pages(tmp_path: Path) -> None:
    """The definition stands outside the answer: the answer is cut from its note's HTML,
    not rendered alone, and its links made relative to each page."""
    root = write_journal(tmp_path / "journal", {
        **PEOPLE, "content/meetings/2026-11-03-jane-doe.md": REFERENCE_ANSWER})
    out = tmp_path / "site"
    result = build(root, out)
    assert result.exit_code == 0, result.stderr
    bank = (out / "questions/index.html").read_text(encoding="utf-8")
    (url,) = re.findall(r'<a href="\.\./(questions/[^"]+/)">Who else', bank)
    question = (out / url / "index.html").read_text(encoding="utf-8")
    for page, base in ((bank, "../"), (question, "../../")):
        assert "[manager]" not in page
        assert f'<a href="{base}contacts/john-smith/">John</a>' in page
        assert f'<a href="{base}contacts/john-smith/">his team</a>' in page


def test_one_remote_image_in_an_answer_is_one_warning_at_its_line(
        answer_site: tuple[Path, Result]) -> None:
    """Rendered on the meeting page and again on the questions page, reported once."""
    _, result = answer_site
    w601 = [line for line in result.stderr.splitlines() if "W601" in line]
    line = line_of(ANSWER_WITH_LINK, "tracker.example")
    assert w601 == [f"content/meetings/2026-11-03-jane-doe.md:{line}:1: warning[W601]: remote"
                    " image https://tracker.example/c.png is shown as a link: loading it would"
                    " tell its host who reads your journal"]


def test_the_remote_image_in_an_answer_is_a_link_on_both_pages(
        answer_site: tuple[Path, Result]) -> None:
    out, _ = answer_site
    for page in ("meetings/2026-11-03-jane-doe/index.html", "questions/index.html"):
        text = (out / page).read_text(encoding="utf-8")
        assert "<img" not in text, page
        assert 'href="https://tracker.example/c.png"' in text, page
