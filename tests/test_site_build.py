"""`infoint-site build` as a user runs it: the pages, privacy, determinism, links, theme."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import venv
from collections.abc import Callable, Mapping
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit

import jinja2
import pytest
from click.testing import CliRunner, Result

from infoint_site.cli import main
from infoint_site.pipeline import load_journal

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO
TODAY = "2026-11-22"
SUMMARY = re.compile(
    r"built (\d+) pages \((\d+) files, (\d+) KiB\) into (.+) in \d+\.\d\d s;"
    r" (\d+) errors?, (\d+) warnings?"
)
REMOTE = re.compile(r"(?i)^\s*(?:https?:)?//")
SITE = "http://site.invalid/"

# -- helpers ---------------------------------------------------------------------------------


def write_journal(root: Path, files: Mapping[str, str]) -> Path:
    """Write each relative path's dedented text under `root`; the root is a journal."""
    (root / "content").mkdir(parents=True, exist_ok=True)
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def build(root: Path, out: Path, *extra: str, today: str = TODAY) -> Result:
    return CliRunner().invoke(
        main, ["--root", str(root), "build", "--today", today, "--out", str(out), *extra]
    )


def built(root: Path, out: Path, *extra: str) -> Result:
    """Build and fail the test, showing what the user saw, unless it succeeded."""
    result = build(root, out, *extra)
    assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
    return result


def site_files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes()
            for p in sorted(out.rglob("*")) if p.is_file()}


def html_pages(out: Path) -> dict[str, str]:
    return {rel: data.decode("utf-8") for rel, data in site_files(out).items()
            if rel.endswith(".html")}


def copy_example(dest: Path, settings: Callable[[str], str] | None = None) -> Path:
    """The example journal's settings and content (no theme, no site) in `dest`."""
    dest.mkdir(parents=True)
    shutil.copytree(EXAMPLE / "content", dest / "content")
    text = (EXAMPLE / "infoint.yaml").read_text(encoding="utf-8")
    (dest / "infoint.yaml").write_text(settings(text) if settings else text, encoding="utf-8")
    return dest


class Page(HTMLParser):
    """Every tag with its attributes, every id, and every URL-bearing attribute."""

    URL_ATTRS = ("href", "src", "xlink:href", "action", "poster", "data", "srcset",
                 "formaction", "background")

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.ids: set[str] = set()
        self.urls: list[tuple[str, str, str]] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (name == "name" and tag == "a"):
                self.ids.add(value)
            if name in self.URL_ATTRS:
                self.urls.append((tag, name, value))


SETTINGS = "title: Test journal\nowner: Alex Tester\ntimezone: Europe/London\n"
SCRATCH = {
    "infoint.yaml": SETTINGS,
    "content/contacts/john-smith.md": """
        ---
        name: John Smith
        role: Teacher
        email: john.smith@example.net
        phone: "+44 7700 900123"
        keep_in_touch: true
        linkedin: https://www.linkedin.com/in/john-smith-example
        ---
        An old colleague from school.
    """,
    "content/contacts/jane-doe.md": """
        ---
        name: Jane Doe
        company: acme
        role: Head of Data
        email: jane.doe@example.com
        phone: "+44 20 7946 0000"
        referred_by: john-smith
        may_use_name: true
        requested: 2026-10-28
        ---
        She leads the data team at [Acme](../companies/acme.md).
    """,
    "content/companies/acme.md": """
        ---
        name: Acme Analytics
        website: https://acme.example
        ---
        A data consultancy.
    """,
    "content/meetings/2026-10-01-john-smith.md": """
        ---
        contact: john-smith
        date: 2026-10-01
        status: done
        thank_you_sent: 2026-10-02
        evaluated: true
        ---
        Coffee.
    """,
    "content/meetings/2026-11-03-jane-doe.md": """
        ---
        contact: jane-doe
        date: 2026-11-03
        status: done
        referrals: [Sara Kim]
        thank_you_sent: 2026-11-04
        ---
        ## Notes
        Met [Jane](../contacts/jane-doe.md) at her office.

        ## Q: What is your typical day like?
        Meetings in the morning, SQL after lunch.

        ## Evaluation
        Went well.
    """,
    "content/meetings/2026-11-25-john-smith.md": """
        ---
        contact: john-smith
        date: 2026-11-25
        goals: [hear how he left teaching]
        ---
    """,
}

SCRATCH_EMAILS = ("john.smith@example.net", "jane.doe@example.com")
SCRATCH_PHONES = ("+44 7700 900123", "+44 20 7946 0000")


def scratch(root: Path, **extra: str) -> Path:
    return write_journal(root, {**SCRATCH, **extra})


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    out = tmp_path_factory.mktemp("example") / "site"
    return out, built(EXAMPLE, out)


@pytest.fixture(scope="module")
def scratch_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    base = tmp_path_factory.mktemp("scratch")
    out = base / "site"
    return out, built(scratch(base / "journal"), out)


# -- the build and its pages ----------------------------------------------------------------

COMMON_FILES = (
    "index.html", "follow-ups/index.html", "contacts/index.html", "meetings/index.html",
    "companies/index.html", "referrals/index.html", "questions/index.html",
    "stats/index.html", "search/index.html", "404.html", "robots.txt",
    "assets/style.css", "assets/site.js",
)


def assert_summary(result: Result, out: Path) -> None:
    """One line on standard output that agrees with what is on disk."""
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout
    match = SUMMARY.fullmatch(lines[0])
    assert match, lines[0]
    pages, files, kib, where, errors, warnings = match.groups()
    on_disk = site_files(out)
    assert int(pages) == sum(1 for rel in on_disk if rel.endswith(".html"))
    assert int(files) == len(on_disk)
    assert int(kib) == round(sum(len(d) for d in on_disk.values()) / 1024)
    assert Path(where).resolve() == out.resolve()
    assert (errors, warnings) == ("0", "0")


def test_build_scratch_journal_writes_every_page_at_a_pretty_url(
        scratch_site: tuple[Path, Result]) -> None:
    out, result = scratch_site
    assert_summary(result, out)
    expected = {
        *COMMON_FILES,
        "contacts/jane-doe/index.html", "contacts/john-smith/index.html",
        "meetings/2026-10-01-john-smith/index.html", "meetings/2026-11-03-jane-doe/index.html",
        "meetings/2026-11-25-john-smith/index.html", "companies/acme/index.html",
    }
    assert expected <= set(site_files(out))
    jane = (out / "contacts/jane-doe/index.html").read_text(encoding="utf-8")
    assert "<h1>Jane Doe" in jane and "Head of Data" in jane
    assert "Preparation sheet" in (out / "meetings/2026-11-25-john-smith/index.html").read_text(
        encoding="utf-8")


def test_build_example_journal_has_a_page_per_record(example_site: tuple[Path, Result]) -> None:
    out, result = example_site
    assert_summary(result, out)
    files = set(site_files(out))
    assert set(COMMON_FILES) <= files
    for kind in ("contacts", "meetings", "companies"):
        ids = sorted(p.stem for p in (EXAMPLE / "content" / kind).glob("*.md"))
        assert ids, kind
        pages = sorted(rel.split("/")[1] for rel in files
                       if rel.startswith(f"{kind}/") and rel.count("/") == 2)
        assert pages == ids, kind


def test_robots_txt_disallows_everything(example_site: tuple[Path, Result]) -> None:
    out, _ = example_site
    lines = [ln.strip() for ln in (out / "robots.txt").read_text().splitlines() if ln.strip()]
    assert lines == ["User-agent: *", "Disallow: /"]


# -- privacy ---------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["example", "scratch"])
def test_every_page_asks_not_to_be_indexed(
        which: str, example_site: tuple[Path, Result], scratch_site: tuple[Path, Result]) -> None:
    out, _ = example_site if which == "example" else scratch_site
    pages = html_pages(out)
    assert len(pages) > 10
    for rel, text in pages.items():
        robots = [a.get("content") for tag, a in Page(text).tags
                  if tag == "meta" and (a.get("name") or "").lower() == "robots"]
        assert robots == ["noindex, nofollow"], rel


def remote_references(out: Path) -> list[str]:
    """Every reference in the site that would make a browser ask another host for something."""
    found: list[str] = []
    for rel, text in html_pages(out).items():
        page = Page(text)
        for tag, attrs in page.tags:
            for name, value in attrs.items():
                if value is None:
                    continue
                loads = name in ("src", "poster", "data", "background", "action",
                                 "formaction") or (name == "href" and tag == "link")
                if loads and REMOTE.match(value):
                    found.append(f"{rel}: <{tag} {name}={value}>")
                if name == "srcset" and any(REMOTE.match(part) for part in value.split(",")):
                    found.append(f"{rel}: <{tag} srcset={value}>")
                if name == "style" and re.search(r"(?i)url\(\s*['\"]?\s*(https?:)?//", value):
                    found.append(f"{rel}: <{tag} style={value}>")
        for block in re.findall(r"(?is)<style[^>]*>(.*?)</style>", text):
            if re.search(r"(?i)(url\(\s*['\"]?\s*(https?:)?//|@import)", block):
                found.append(f"{rel}: <style> loads a remote resource")
    for css in out.rglob("*.css"):
        text = css.read_text(encoding="utf-8")
        if re.search(r"(?i)(url\(\s*['\"]?\s*(https?:)?//|@import)", text):
            found.append(f"{css.name} loads a remote resource")
    site_js = (out / "assets/site.js").read_text(encoding="utf-8")
    found += [f"site.js mentions {url}" for url in re.findall(r"(?i)https?://\S+", site_js)]
    return found


@pytest.mark.parametrize("which", ["example", "scratch"])
def test_no_page_loads_anything_from_another_host(
        which: str, example_site: tuple[Path, Result], scratch_site: tuple[Path, Result]) -> None:
    out, _ = example_site if which == "example" else scratch_site
    assert remote_references(out) == []
    # the checker can fail: external links on the scratch contact page are only links
    if which == "scratch":
        text = (out / "contacts/john-smith/index.html").read_text(encoding="utf-8")
        assert 'href="https://www.linkedin.com/in/john-smith-example"' in text


def test_the_remote_checker_finds_a_cdn_font_and_image(
        tmp_path: Path, scratch_site: tuple[Path, Result]) -> None:
    out, _ = scratch_site
    copy = tmp_path / "site"
    shutil.copytree(out, copy)
    page = copy / "contacts/index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</head>", (
        '<link rel="stylesheet" href="https://cdn.example/x.css">'
        '<script src="//analytics.example/a.js"></script></head>')).replace(
        "</main>", '<img src="https://tracker.example/p.png"></main>'), encoding="utf-8")
    (copy / "assets/style.css").write_text("@import url(https://fonts.example/f.css);")
    found = remote_references(copy)
    assert len(found) == 4, found


def phone_forms(phone: str) -> set[str]:
    """How a phone number can be written into a page: as typed, in tel: links, encoded."""
    compact = phone.replace(" ", "")
    return {phone, compact, quote(phone, safe=""), quote(compact, safe=""),
            "".join(c for c in phone if c.isdigit())}


def email_forms(email: str) -> set[str]:
    return {email, quote(email, safe=""), email.replace("@", "&#64;"),
            email.replace("@", "%40")}


def leaks(out: Path, values: list[str]) -> list[str]:
    return [f"{rel}: {v}" for rel, data in site_files(out).items()
            for v in values if v.encode() in data]


HIDE = "privacy:\n  hide_fields: [phone, email]\n"


def test_hidden_fields_never_reach_any_output_file(tmp_path: Path) -> None:
    root = scratch(tmp_path / "journal", **{"infoint.yaml": SETTINGS + HIDE})
    out = tmp_path / "site"
    built(root, out)
    forms = [f for e in SCRATCH_EMAILS for f in email_forms(e)]
    forms += [f for p in SCRATCH_PHONES for f in phone_forms(p)]
    forms += ["jane.doe", "john.smith"]  # not even the local part, e.g. in a mailto draft
    assert leaks(out, forms) == []
    # everything else is still there
    jane = (out / "contacts/jane-doe/index.html").read_text(encoding="utf-8")
    assert "Head of Data" in jane and "Jane Doe" in jane


def test_without_hide_fields_the_same_values_do_appear(scratch_site: tuple[Path, Result]) -> None:
    """The counterpart that shows the privacy test above can fail."""
    out, _ = scratch_site
    for value in (*SCRATCH_EMAILS, *SCRATCH_PHONES):
        assert leaks(out, [value]), value
    assert leaks(out, ["mailto:john.smith@example.net?subject="]), "no email draft rendered"


@pytest.mark.parametrize("hidden", [True, False])
def test_example_journal_hide_fields(tmp_path: Path, hidden: bool) -> None:
    def settings(text: str) -> str:
        return text.replace("hide_fields: []", "hide_fields: [phone, email]") if hidden else text

    root = copy_example(tmp_path / "journal", settings)
    contacts = load_journal(root).journal.contacts.values()
    emails = [c.email for c in contacts if c.email]
    phones = [c.phone for c in contacts if c.phone]
    assert len(emails) > 10 and len(phones) > 10
    out = tmp_path / "site"
    built(root, out)
    if hidden:
        forms = [f for e in emails for f in email_forms(e)]
        forms += [f for p in phones for f in phone_forms(p)]
        assert leaks(out, forms) == []
    else:
        assert all(leaks(out, [v]) for v in (*emails, *phones))


@pytest.mark.parametrize("hidden", [True, False])
def test_a_hidden_meeting_field_is_not_in_the_contacts_meeting_tables(tmp_path: Path,
                                                                   hidden: bool) -> None:
    """A contact's page lists their meetings with each one's format and outcome: hidden,
    neither is there (the analysis holds each contact's meetings as records)."""
    def settings(text: str) -> str:
        return text.replace("hide_fields: []", "hide_fields: [format, outcome]") if hidden \
            else text

    root = copy_example(tmp_path / "journal", settings)
    out = tmp_path / "site"
    built(root, out)
    shown = [f"<td>{v}</td>" for v in ("in person", "video", "phone", "advice", "referral",
                                      "job lead", "job offer")]
    found = leaks(out, shown)
    if hidden:
        assert found == []
    else:
        assert any(f.startswith("contacts/") for f in found), found


def test_a_hidden_company_shows_no_one_at_any_company(tmp_path: Path) -> None:
    """With `company` hidden, no page says who works where: the company pages list no
    one (their people come from an index made before fields are hidden)."""
    root = copy_example(tmp_path / "journal",
                        lambda t: t.replace("hide_fields: []", "hide_fields: [company]"))
    out = tmp_path / "site"
    built(root, out)
    contacts = load_journal(root).journal.contacts.values()
    companies = ("harbourline-energy", "kestrel-learning", "larkspur-health")
    working = [f"contacts/{c.id}/" for c in contacts if c.company in companies]
    assert working
    for page in ("companies/index.html", *(f"companies/{c}/index.html" for c in companies)):
        html = (out / page).read_text(encoding="utf-8")  # (their notes may name people)
        assert not [link for link in working if link in html], page


NASTY_NOTES = """
    ---
    name: Mallory Nasty
    ---
    Some notes.

    <script>alert(1)</script>

    Inline <img src=x onerror=alert(2)> and <a href="javascript:alert(3)">raw</a>.

    [plain js](javascript:alert(4)) and [shouty js](JAVASCRIPT:alert(5))
    and [data](data:text/html;base64,PHNjcmlwdD5hbGVydCg2KTwvc2NyaXB0Pg==)
    and [vb](vbscript:msgbox(7)) and <javascript:alert(8)>.
"""


@pytest.fixture(scope="module")
def nasty_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    base = tmp_path_factory.mktemp("nasty")
    root = scratch(base / "journal", **{
        "content/contacts/mallory.md": NASTY_NOTES,
        "content/contacts/eve.md": """
            ---
            name: "<b>Eve</b>"
            role: "<i>Spy</i>"
            referred_by: mallory
            ---
        """,
        "content/meetings/2026-11-10-eve.md": """
            ---
            contact: eve
            date: 2026-11-10
            status: done
            thank_you_sent: 2026-11-10
            evaluated: true
            ---
        """,
    })
    out = base / "site"
    return out, built(root, out)


def test_raw_html_in_notes_is_shown_as_text(nasty_site: tuple[Path, Result]) -> None:
    out, _ = nasty_site
    text = (out / "contacts/mallory/index.html").read_text(encoding="utf-8")
    page = Page(text)
    scripts = [a for tag, a in page.tags if tag == "script"]
    assert all(a.get("src") for a in scripts), "an inline script came from the notes"
    assert not [a for tag, a in page.tags if tag == "img"]
    handlers = [(tag, name) for tag, a in page.tags for name in a if name.startswith("on")]
    assert handlers == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "&lt;img src=x onerror=alert(2)&gt;" in text


def test_script_and_data_links_are_not_links(nasty_site: tuple[Path, Result]) -> None:
    out, _ = nasty_site
    for rel, text in html_pages(out).items():
        for tag, _name, value in Page(text).urls:
            scheme = re.sub(r"[\s\x00-\x1f]", "", value).lower()
            assert not scheme.startswith(("javascript:", "data:", "vbscript:")), (rel, tag, value)
    text = (out / "contacts/mallory/index.html").read_text(encoding="utf-8")
    assert "plain js" in text and "shouty js" in text  # the words stay, as text


def test_a_name_with_markup_is_escaped_everywhere(nasty_site: tuple[Path, Result]) -> None:
    out, _ = nasty_site
    pages = html_pages(out)
    assert [rel for rel, text in pages.items() if "<b>Eve</b>" in text or "<i>Spy" in text] == []
    assert "&lt;b&gt;Eve&lt;/b&gt;" in pages["contacts/eve/index.html"]
    assert "&lt;b&gt;Eve&lt;/b&gt;" in pages["contacts/index.html"]
    assert "&lt;b&gt;Eve&lt;/b&gt;" in pages["referrals/index.html"]


def test_a_remote_image_becomes_a_link_and_a_warning(tmp_path: Path) -> None:
    body = "Her photo:\n\n![a](https://tracker.example/p.png)\n"
    root = scratch(tmp_path / "journal", **{
        "content/contacts/pat.md": "---\nname: Pat Lee\n---\n" + body,
    })
    line = ("---\nname: Pat Lee\n---\n" + body).splitlines().index(
        "![a](https://tracker.example/p.png)") + 1
    out = tmp_path / "site"
    result = built(root, out)
    assert f"content/contacts/pat.md:{line}:1: warning[W601]" in result.stderr
    assert "tracker.example/p.png" in result.stderr
    assert result.stdout.rstrip().endswith("0 errors, 1 warning")
    page = Page((out / "contacts/pat/index.html").read_text(encoding="utf-8"))
    assert ("a", "href", "https://tracker.example/p.png") in page.urls
    assert not [t for t in page.tags if t[0] == "img"]
    assert remote_references(out) == []


# -- determinism -----------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["example", "scratch"])
def test_two_builds_are_byte_identical(tmp_path: Path, which: str) -> None:
    root = EXAMPLE if which == "example" else scratch(tmp_path / "journal")
    first, second = tmp_path / "one", tmp_path / "two"
    built(root, first)
    built(root, second)
    a, b = site_files(first), site_files(second)
    assert sorted(a) == sorted(b)
    assert [rel for rel in a if a[rel] != b[rel]] == []


def test_builds_in_separate_processes_with_different_hash_seeds_are_identical(
        tmp_path: Path) -> None:
    """Set order changes with PYTHONHASHSEED; output must not."""
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / f"seed{seed}"
        run = subprocess.run(
            [sys.executable, "-c", "from infoint_site.cli import main; main()",
             "--root", str(EXAMPLE), "build", "--today", TODAY, "--out", str(out)],
            capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": seed},
            cwd=tmp_path, timeout=120,
        )
        assert run.returncode == 0, run.stderr
        outs.append(site_files(out))
    assert sorted(outs[0]) == sorted(outs[1])
    assert [rel for rel in outs[0] if outs[0][rel] != outs[1][rel]] == []


def test_tags_and_companies_alike_but_for_case_keep_their_order(tmp_path: Path) -> None:
    """The contacts list's filters sort without regard to case, then by case: "SQL" and
    "sql" come from a set, whose order changes with the hash seed (found in a review)."""
    root = tmp_path / "journal"
    shutil.copytree(EXAMPLE / "content", root / "content")
    shutil.copy(EXAMPLE / "infoint.yaml", root / "infoint.yaml")
    for name, tags, company in [("alex-case", "[SQL, Python]", "Acme Data"),
                                ("blake-case", "[sql, python]", "acme data")]:
        (root / "content/contacts" / f"{name}.md").write_text(
            f"---\nname: {name.replace('-', ' ').title()}\ncompany: {company}\n"
            f"tags: {tags}\n---\n")
    pages = set()
    for seed in ("1", "2", "3", "4", "5", "6"):
        out = tmp_path / f"seed{seed}"
        run = subprocess.run(
            [sys.executable, "-c", "from infoint_site.cli import main; main()",
             "--root", str(root), "build", "--no-cache", "--today", TODAY, "--out", str(out)],
            capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": seed},
            cwd=tmp_path, timeout=120,
        )
        assert run.returncode == 0, run.stderr
        pages.add((out / "contacts/index.html").read_bytes())
    assert len(pages) == 1


# -- links -----------------------------------------------------------------------------------


def broken_links(out: Path) -> list[str]:
    """Every internal href/src that points at no file, or at an id the page lacks."""
    pages = {rel: Page(text) for rel, text in html_pages(out).items()}
    site_js = (out / "assets/site.js").read_text(encoding="utf-8")
    broken: list[str] = []
    for rel, page in pages.items():
        for tag, name, value in page.urls:
            if name == "srcset":
                continue  # checked as remote elsewhere; none in the theme
            target = urlsplit(urljoin(SITE + rel, value.strip()))
            if target.scheme in ("mailto", "tel"):
                continue
            if f"{target.scheme}://{target.netloc}/" != SITE:
                continue  # an external link (a LinkedIn profile, a company's website)
            path = unquote(target.path)[1:]
            if path == "" or path.endswith("/"):
                path += "index.html"
            where = f"{rel}: <{tag} {name}={value}>"
            if not (out / path).is_file():
                broken.append(f"{where} → {path} does not exist")
                continue
            fragment = unquote(target.fragment)
            if not fragment:
                continue
            if re.fullmatch(r"[a-z-]+=[\w-]*", fragment):
                # a filter the page's script reads (contacts/#status=met), not an anchor
                if f"{fragment.split('=')[0]}=" not in site_js:
                    broken.append(f"{where} → site.js does not read '{fragment}'")
            elif path not in pages or fragment not in pages[path].ids:
                broken.append(f"{where} → no id '{fragment}' in {path}")
    return broken


@pytest.mark.parametrize("which", ["example", "scratch"])
def test_no_broken_internal_links(
        which: str, example_site: tuple[Path, Result], scratch_site: tuple[Path, Result]) -> None:
    out, _ = example_site if which == "example" else scratch_site
    assert broken_links(out) == []


def test_the_link_checker_finds_a_broken_link(tmp_path: Path,
                                              scratch_site: tuple[Path, Result]) -> None:
    out, _ = scratch_site
    copy = tmp_path / "site"
    shutil.copytree(out, copy)
    shutil.rmtree(copy / "contacts/jane-doe")
    page = copy / "contacts/index.html"
    page.write_text(page.read_text(encoding="utf-8").replace(
        "</main>", '<a href="#nowhere">x</a></main>'), encoding="utf-8")
    found = broken_links(copy)
    assert any("contacts/jane-doe/index.html does not exist" in b for b in found)
    assert any("no id 'nowhere'" in b for b in found)


def test_search_index_points_at_existing_pages(example_site: tuple[Path, Result]) -> None:
    out, _ = example_site
    page = (out / "search/index.html").read_text(encoding="utf-8")
    block = re.search(r'<script type="application/json" id="search-index">(.*?)</script>',
                      page, re.S)
    assert block is not None
    entries = json.loads(block.group(1))
    assert {e["k"] for e in entries} == {"contact", "meeting", "company"}
    for entry in entries:
        assert (out / unquote(entry["u"]) / "index.html").is_file(), entry["u"]


# -- theme -----------------------------------------------------------------------------------

OWN_CONTACT = """
    {% extends "base.html" %}
    {% block title %}{{ contact.name }}{% endblock %}
    {% block content %}<p class="own-theme">My own page for {{ contact.name }}</p>{% endblock %}
"""


def test_templates_compiled_once_are_loaded_from_the_cache_until_they_change(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    compiled: list[str] = []
    compile_template = jinja2.Environment.compile

    def counted(env: jinja2.Environment, source: str, name: str | None = None,
                *args: object, **kwargs: object) -> object:
        compiled.append(name or "")
        return compile_template(env, source, name, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counted)
    own = "themes/default/templates/contact.html"
    root = scratch(tmp_path / "journal", **{own: OWN_CONTACT})
    out = tmp_path / "site"
    built(root, out)
    assert "contact.html" in compiled and "meeting.html" in compiled
    compiled.clear()
    built(root, out, "--no-cache")  # the cache is not read: every one compiled
    assert "contact.html" in compiled and "meeting.html" in compiled
    compiled.clear()
    built(root, out)
    assert compiled == []
    (root / own).write_text(OWN_CONTACT.replace("My own page", "My page"), encoding="utf-8")
    built(root, out)
    assert compiled == ["contact.html"]
    jane = (out / "contacts/jane-doe/index.html").read_text(encoding="utf-8")
    assert '<p class="own-theme">My page for Jane Doe</p>' in jane


def test_a_journal_template_overrides_the_default_by_name(tmp_path: Path) -> None:
    root = scratch(tmp_path / "journal",
                   **{"themes/default/templates/contact.html": OWN_CONTACT})
    out = tmp_path / "site"
    built(root, out)
    jane = (out / "contacts/jane-doe/index.html").read_text(encoding="utf-8")
    assert '<p class="own-theme">My own page for Jane Doe</p>' in jane
    assert "Referral depth" not in jane
    meeting = (out / "meetings/2026-11-03-jane-doe/index.html").read_text(encoding="utf-8")
    assert "own-theme" not in meeting and "Meeting with" in meeting
    default_css = (REPO / "themes/default/static/style.css").read_bytes()
    assert (out / "assets/style.css").read_bytes() == default_css


def test_a_journal_static_file_replaces_the_stylesheet(tmp_path: Path) -> None:
    css = "/* my own stylesheet */\nbody { color: #123456; }\n"
    root = scratch(tmp_path / "journal", **{"themes/default/static/style.css": css})
    out = tmp_path / "site"
    built(root, out)
    assert (out / "assets/style.css").read_text(encoding="utf-8") == css
    assert (out / "assets/site.js").read_bytes() == \
        (REPO / "themes/default/static/site.js").read_bytes()


def test_a_named_theme_of_the_journal_is_used(tmp_path: Path) -> None:
    root = scratch(tmp_path / "journal", **{
        "infoint.yaml": SETTINGS + "theme: mine\n",
        "themes/mine/templates/contact.html": OWN_CONTACT,
    })
    out = tmp_path / "site"
    built(root, out)
    assert "My own page for Jane Doe" in (out / "contacts/jane-doe/index.html").read_text(
        encoding="utf-8")


def test_a_missing_theme_stops_the_build(tmp_path: Path) -> None:
    root = scratch(tmp_path / "journal",
                   **{"infoint.yaml": SETTINGS + "theme: mine\n"})
    out = tmp_path / "site"
    result = build(root, out)
    assert result.exit_code == 1
    assert "theme: no folder themes/mine" in result.stderr
    assert "themes/mine" in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [tmp_path / "journal"]


# -- the wheel -------------------------------------------------------------------------------


def test_the_wheel_ships_the_default_theme(tmp_path: Path) -> None:
    """Build a wheel, install it into a fresh venv, build a journal that has no themes/.

    Runs by default rather than being marked slow (about 7 s, most of it pip building
    the wheel, which fetches hatchling as any `pip install .` does): the venv is made
    without pip and the wheel is installed by this venv's pip (`pip --python`) with
    --no-deps; the dependencies come from this venv's site-packages through a .pth
    file. The package itself is imported from the wheel, which the test checks.
    """
    wheels = tmp_path / "wheels"
    run = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                          str(wheels), str(REPO)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    (wheel,) = wheels.glob("infoint_site-*.whl")

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False, clear=True)
    python = env_dir / "bin" / "python"
    run = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install",
                          "-q", "--no-deps", "--no-index", str(wheel)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    purelib = subprocess.run([str(python), "-c", "import sysconfig;"
                              "print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    ours = subprocess.run([sys.executable, "-c", "import sysconfig, jinja2;"
                           "print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    (Path(purelib) / "zz_test_deps.pth").write_text(ours + "\n", encoding="utf-8")

    where = subprocess.run([str(python), "-c", "import infoint_site; print(infoint_site.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path, check=True)
    assert Path(where.stdout.strip()).is_relative_to(env_dir), where.stdout

    root = copy_example(tmp_path / "journal")
    assert not (root / "themes").exists()
    out = tmp_path / "site"
    run = subprocess.run([str(env_dir / "bin" / "infoint-site"), "--root", str(root), "build",
                          "--today", TODAY, "--out", str(out)],
                         capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert run.returncode == 0, run.stderr
    assert SUMMARY.fullmatch(run.stdout.strip()), run.stdout
    assert (out / "assets/style.css").read_bytes() == \
        (REPO / "themes/default/static/style.css").read_bytes()
    assert (out / "contacts/helen-okafor/index.html").is_file()
