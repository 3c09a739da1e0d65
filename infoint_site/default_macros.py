"""The default theme's `follow_up` macro, written in Python.

A follow-up is shown on its contact's page, on its meeting's, on the follow-ups page
and on the dashboard: 60,000 times in a build of 10,000 files. The macro takes 17 µs a
call through Jinja (two nested macro calls, a dozen lookups and escapes); this takes
3. The pages call it as ``follow_up_html(v, base)`` only while macros.html is the
default theme's (`SiteRenderer.follow_up_html`); a theme with its own macros.html gets
its own macro. tests/test_default_macros.py holds the two to the same bytes for every
kind of follow-up, with and without each of its parts.
"""

from __future__ import annotations

from markupsafe import Markup

from .templating import escaped as e
from .views import FollowUpView, Link, short_date


def _link(link: Link, base: str) -> str:
    """The `link` macro (`base` escaped already)."""
    if link.url is not None:
        return f'<a href="{base}{e(link.url)}">{e(link.text)}</a>'
    return f'<span class="no-file" title="No contact file yet">{e(link.text)}</span>'


def follow_up(view: FollowUpView, base: str) -> Markup:
    """The `follow_up` macro of themes/default/templates/macros.html for `view`, on a
    page at `base` (``show_who`` as its default, true). Dates are written as the macro
    writes them, from digits and month names: nothing in them to escape."""
    item = view.item
    base = e(base)
    due = item.due.isoformat()
    kind, title, status = e(item.kind), e(item.title), e(item.status)
    meta = [_link(view.who, base)]
    if view.about:
        meta.append(f"<span> · about {_link(view.about, base)}</span>")
    if view.meeting:
        meta.append(f'<span> · from <a href="{base}{e(view.meeting.url)}">'
                    f"{e(view.meeting.text)}</a></span>")
    if item.done and item.done is not True:
        meta.append(f"<span> · done {short_date(item.done)}</span>")
    draft = f'<a class="button draft" href="{e(view.mailto)}">Draft email</a>' \
        if view.mailto else ""
    return Markup(
        f'<li class="follow-up kind-{kind}" data-due="{due}"'
        f' data-done="{0 if item.is_open else 1}"'
        f' data-key="{due}|{kind}|{e(item.contact)}|{e(item.meeting or "")}|{title}">\n'
        '  <div class="fu-when">\n'
        f'    <time datetime="{due}">{short_date(item.due)}</time>\n'
        f'    <span class="badge fu-status status-{status}">{status}</span>\n'
        "  </div>\n"
        '  <div class="fu-what">\n'
        f'    <p class="fu-title"><span class="kind">{e(view.label)}</span> {title}</p>\n'
        '    <p class="fu-meta">\n'
        f'{"".join(meta)}    </p>\n'
        "  </div>\n"
        f"{draft}</li>")
