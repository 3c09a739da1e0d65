"""The default theme's most called macros, written in Python.

A follow-up is shown on its contact's page, on its meeting's, on the follow-ups page
and on the dashboard: 60,000 times in a build of 10,000 files. The macro takes 17 µs a
call through Jinja (two nested macro calls, a dozen lookups and escapes); `follow_up`
takes 3. The pages call it as ``follow_up_html(v, base)`` only while macros.html is the
default theme's (`SiteRenderer.follow_up_html`); a theme with its own macros.html gets
its own macro.

`link`, `badge`, `done_value` and `meeting_row` are called 130,000 times at 10,000
files, 4 µs each through Jinja and 2 in Python (`macros`). They take the macros' place
in the default macros.html's module itself (`templating.Template.make_module`), so the
pages call them as they are written; anything but the values the default pages give
them goes to the macro.

tests/test_default_macros.py holds each to its macro's bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from markupsafe import Markup

from .templating import escaped as e
from .views import FollowUpView, Link, MeetingRow, short_date


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


Macro = Callable[..., Markup]


def macros(context: Mapping[str, Any], module: Any) -> dict[str, Macro]:
    """`link`, `badge`, `done_value` and `meeting_row` in Python, for the module of the
    default macros.html made with `context`: the same bytes as its macros (`module`'s),
    which are called instead with anything but what the default pages give them. None
    without `base` and `short_date` in the context (the macros then fail as Jinja's do,
    when called)."""
    if not isinstance(context.get("base"), str) or "short_date" not in context:
        return {}
    base = e(context["base"])
    day: Callable[[date], str] = context["short_date"]
    jinja_link, jinja_badge = module.link, module.badge
    jinja_done, jinja_row = module.done_value, module.meeting_row

    def link(*args: Any, **kwargs: Any) -> Markup:
        if kwargs or len(args) != 1 or type(args[0]) is not Link:
            return jinja_link(*args, **kwargs)  # type: ignore[no-any-return]
        return Markup(_link(args[0], base))

    def badge(*args: Any, **kwargs: Any) -> Markup:
        if kwargs or len(args) != 1 or type(args[0]) is not str:
            return jinja_badge(*args, **kwargs)  # type: ignore[no-any-return]
        return Markup(_badge(args[0]))

    def done_value(*args: Any, **kwargs: Any) -> Markup:
        if kwargs or len(args) != 1 or not (args[0] is None or type(args[0]) in (bool, date)):
            return jinja_done(*args, **kwargs)  # type: ignore[no-any-return]
        value = args[0]
        if value is True:
            return Markup("yes")
        return Markup(e(day(value)) if value else '<span class="muted">not yet</span>')

    def meeting_row(*args: Any, **kwargs: Any) -> Markup:
        row = args[0] if len(args) == 1 and not kwargs else None
        if type(row) is not MeetingRow or type(row.date) is not date \
                or type(row.status) is not str:
            return jinja_row(*args, **kwargs)  # type: ignore[no-any-return]
        clock = f' <span class="muted">{e(row.time.strftime("%H:%M"))}</span>' \
            if row.time else ""
        return Markup(
            f'<tr>\n  <td><time datetime="{e(row.date.isoformat())}">{e(day(row.date))}</time>'
            f"{clock}</td>\n"
            f'  <td><a href="{base}{e(row.url)}">{e(row.with_names)}</a></td>\n'
            f'  <td>{e((row.format or "").replace("-", " "))}</td>\n'
            f"  <td>{_badge(row.status)}</td>\n"
            f'  <td>{e((row.outcome or "").replace("-", " "))}</td>\n'
            "</tr>")

    return {"link": link, "badge": badge, "done_value": done_value, "meeting_row": meeting_row}


def _badge(status: str) -> str:
    """The `badge` macro."""
    return f'<span class="badge status-{e(status)}">{e(status.replace("-", " "))}</span>'
