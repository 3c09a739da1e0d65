"""The command line: each command parses options, calls the library, prints, exits.

Errors the user can fix (`InfointError`) print one line and exit 1; anything else is
an internal error, shown with a traceback only under --debug.
"""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from .errors import InfointError, UnknownContact

F = TypeVar("F", bound=Callable[..., Any])


class _Group(click.Group):
    """Turns exceptions into one-line messages unless --debug is on."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except InfointError as exc:
            click.secho(f"error: {exc}", fg="red", err=True)
            sys.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except BrokenPipeError:
            sys.stderr.close()  # the reader went away (| head): not an error
            sys.exit(0)
        except Exception as exc:
            if _debug_requested(ctx):
                traceback.print_exc()
            else:
                click.secho(f"internal error: {type(exc).__name__}: {exc}", fg="red", err=True)
                click.echo("run again with --debug for a traceback, and please report it",
                           err=True)
            sys.exit(1)


def _debug_requested(ctx: click.Context) -> bool:
    return bool(ctx.ensure_object(dict).get("debug"))


def _set_debug(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    # Every context shares the root's dict (see `main`), so the root sees the flag.
    if value:
        ctx.find_root().ensure_object(dict)["debug"] = True
    return value


def debug_option(func: F) -> F:
    return click.option("--debug", is_flag=True, expose_value=False, is_eager=True,
                        callback=_set_debug,
                        help="Show a traceback on an internal error.")(func)


def _plausible_day(_ctx: click.Context, _param: click.Parameter, value: Any) -> Any:
    if value is not None and not 1900 <= value.year <= 2999:
        raise click.BadParameter("expected a day between 1900 and 2999, like 2026-11-22")
    return value


def today_option(func: F) -> F:
    return click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                        callback=_plausible_day,
                        help="Compute as of this day (YYYY-MM-DD); default: today in the"
                             " journal's time zone.")(func)


def _root(ctx: click.Context) -> Path:
    return Path(ctx.find_root().params.get("root") or ".")


def _day(value: Any) -> date | None:
    return value.date() if value is not None else None


def _colour() -> bool:
    return sys.stdout.isatty()


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The journal folder (default: the current folder).")
@debug_option
@click.version_option(package_name="infoint-site")
@click.pass_context
def main(ctx: click.Context, root: Path | None) -> None:
    """infoint-site: your informational-interview journal as a private website.

    Write each contact and meeting as a Markdown file with YAML front matter;
    infoint-site checks them, works out who you owe a follow-up, and builds a
    private site. Start with `infoint-site init my-journal`.
    """
    ctx.ensure_object(dict)  # created before any subcommand, so they all share it


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), required=False)
@click.option("--owner", default="", help="Your name, for the site's header.")
@click.option("--timezone", default="Europe/London", show_default=True,
              help="Your IANA time zone.")
@debug_option
@click.pass_context
def init(ctx: click.Context, folder: Path | None, owner: str, timezone: str) -> None:
    """Start a new journal in FOLDER (new or empty; default: --root or here)."""
    from .clock import today_in
    from .scaffold import init_journal
    from .settings import _known_timezone

    if not _known_timezone(timezone):
        raise InfointError(f"--timezone: expected an IANA time zone like Europe/London,"
                           f" got '{timezone}'")
    folder = folder if folder is not None else _root(ctx)
    created = init_journal(folder, today_in(timezone), owner, timezone)
    for path in created:
        click.echo(f"  created {path}")
    click.echo(f"started a journal in {folder} with {len(created)} files;"
               f" next: cd {folder} && infoint-site check")


@main.group()
@debug_option
def new() -> None:
    """Create a contact or meeting file from a template (never overwrites)."""


def _contacts_or_fail(ctx: click.Context, *ids: str | None) -> Any:
    from .pipeline import load_journal
    from .suggest import did_you_mean

    loaded = load_journal(_root(ctx))
    for cid in ids:
        if cid is not None and cid not in loaded.journal.contacts:
            raise UnknownContact(f"no contact '{cid}'"
                                 f"{did_you_mean(cid, loaded.journal.contacts)}")
    return loaded


@new.command("contact")
@click.argument("name")
@click.option("--referred-by", metavar="ID", help="Contact id of who suggested this person.")
@click.option("--company", metavar="ID", help="A company id, or the company's name.")
@debug_option
@click.pass_context
def new_contact(ctx: click.Context, name: str, referred_by: str | None,
                company: str | None) -> None:
    """Create content/contacts/<slug>.md for NAME."""
    from .scaffold import contact_template, create_file, slugify

    if not name.strip():
        raise InfointError("NAME is empty: give the person's full name, e.g. \"Jane Doe\"")
    _contacts_or_fail(ctx, referred_by)
    path = _root(ctx) / "content" / "contacts" / f"{slugify(name)}.md"
    create_file(path, contact_template(name.strip(), referred_by, company))
    click.echo(f"created {path}: fill in what you know about {name.strip()}")


@new.command("meeting")
@click.argument("contact_id")
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The meeting's day (YYYY-MM-DD); default: today.")
@debug_option
@click.pass_context
def new_meeting(ctx: click.Context, contact_id: str, day: Any) -> None:
    """Create a meeting file for CONTACT_ID with goals, the script and a question bank."""
    from .clock import today_in
    from .questions import question_bank
    from .scaffold import create_file, meeting_template

    loaded = _contacts_or_fail(ctx, contact_id)
    settings = loaded.journal.settings
    when = _day(day) or today_in(settings.timezone)
    path = _root(ctx) / "content" / "meetings" / f"{when.isoformat()}-{contact_id}.md"
    contact = loaded.journal.contacts[contact_id]
    create_file(path, meeting_template(contact, when, question_bank(settings.questions)))
    click.echo(f"created {path}: choose your questions, then prepare")


@main.command()
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="json prints a list of problems.")
@today_option
@debug_option
@click.pass_context
def check(ctx: click.Context, strict: bool, fmt: str, today: Any) -> None:
    """Validate the journal and report every problem (exit 1 on errors)."""
    from .pipeline import load_journal
    from .problems import summary

    loaded = load_journal(_root(ctx), _day(today))
    if fmt == "json":
        click.echo(json.dumps([p.to_dict() for p in loaded.problems], ensure_ascii=False,
                              indent=2))
    else:
        for problem in loaded.problems:
            click.echo(_problem(problem))
    files = f"{loaded.files} file{'s' * (loaded.files != 1)}"
    click.echo(f"checked {files}: {summary(loaded.errors, loaded.warnings)}",
               err=fmt == "json")
    sys.exit(1 if loaded.failed(strict) else 0)


def _problem(problem: Any) -> str:
    from .terminal import problem_line

    return problem_line(problem, _colour())


def _report_problems(loaded: Any) -> None:
    for problem in loaded.problems:
        click.echo(_problem_err(problem), err=True)


@main.command()
@today_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Build into this folder instead of the `output` setting.")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("--no-cache", is_flag=True, help="Parse and render everything afresh.")
@debug_option
@click.pass_context
def build(ctx: click.Context, today: Any, out: Path | None, strict: bool,
          no_cache: bool) -> None:
    """Validate the journal and build the private site (the previous site stays on errors)."""
    import gc
    import os

    from .errors import JournalInvalid
    from .quick import quick_build
    from .quick_state import current_state

    # First the quick rebuild, which needs none of the full build's modules. The last
    # build's state is kept whole until the command ends, and nothing in it refers back:
    # loaded without a collection and frozen, none walks its tens of thousands of tuples
    # (two did, 0.03–0.04 s of a quick rebuild of 0.25 s at 10,000 files).
    gc.disable()
    try:
        state = current_state(_root(ctx)) if not no_cache else None
        gc.freeze()
    finally:
        gc.enable()
    result = quick_build(_root(ctx), _day(today), out, strict, state) \
        if state is not None else None
    if result is None:
        import atexit

        from .build import build_site
        from .encrypt import PASSWORD_VARIABLE
        from .heap import keep_big_blocks_apart

        # The process ends with the command: its last collection, as Python exits, need
        # not walk the whole journal again (0.1 s at 10,000 files).
        atexit.register(gc.freeze)
        keep_big_blocks_apart()  # a lower peak: see `heap`
        try:
            result = build_site(_root(ctx), _day(today), out, strict, quick=False,
                                password=os.environ.get(PASSWORD_VARIABLE),
                                use_cache=not no_cache, state=state)
        except JournalInvalid as exc:
            for problem in exc.problems:
                click.echo(_problem_err(problem), err=True)
            raise
    for problem in result.problems:
        click.echo(_problem_err(problem), err=True)
    advice = result.privacy.warning()
    if advice:
        click.secho(f"warning: {advice}", fg="yellow", err=True)
    click.echo(result.privacy.summary(), err=True)
    click.echo(f"built {result.pages} pages ({result.files} files, {result.bytes / 1024:.0f} KiB)"
               f" into {result.out} in {result.seconds:.2f} s;"
               f" {summary_of(result.problems)}"
               + (f" (quick: only notes' text, roles, fields or tags changed;"
                    f" {result.spliced} files updated)"
                  if result.spliced is not None else ""))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback exposes your journal.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--open", "open_browser", is_flag=True, help="Open the site in your browser.")
@today_option
@debug_option
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, open_browser: bool, today: Any) -> None:
    """Preview the site: rebuild and reload the browser on every save (Ctrl-C stops)."""
    import time

    from .serve import Preview

    if host not in ("127.0.0.1", "localhost", "::1"):
        click.secho(f"warning: --host {host} lets other machines on your network read your"
                    " journal", fg="yellow", err=True)
    day = _day(today)

    def report(outcome: Any) -> None:
        for problem in outcome.problems:
            click.echo(_problem_err(problem), err=True)
        stamp = time.strftime("%H:%M:%S")
        click.echo(f"{stamp} {outcome.summary()}")

    import signal

    def stop_on_term(_signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt  # a service manager's stop is a Ctrl-C

    signal.signal(signal.SIGTERM, stop_on_term)
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:  # started in the background
        signal.signal(signal.SIGINT, signal.default_int_handler)
    import os

    from .encrypt import PASSWORD_VARIABLE

    preview = Preview(_root(ctx), host, port, lambda: day, report,
                      password=os.environ.get(PASSWORD_VARIABLE))
    try:
        preview.start(open_browser)
        click.echo(f"serving {preview.url} (Ctrl-C to stop)")
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        preview.stop()
    click.echo("stopped; the preview folder was removed")
    # Python's own shutdown of a large in-memory site (and a build still running) takes
    # seconds; everything is stopped and removed, so leave at once.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _problem_err(problem: Any) -> str:
    from .terminal import problem_line

    return problem_line(problem, sys.stderr.isatty())


def summary_of(problems: Any) -> str:
    from .problems import count, summary

    return summary(*count(problems))


@main.command()
@today_option
@click.option("--json", "as_json", is_flag=True, help="Print the open follow-ups as JSON.")
@debug_option
@click.pass_context
def due(ctx: click.Context, today: Any, as_json: bool) -> None:
    """List the open follow-ups, overdue first."""
    from .export_json import dumps, follow_up_json
    from .pipeline import load_journal
    from .terminal import due_lines, due_summary

    loaded = load_journal(_root(ctx), _day(today))
    _report_problems(loaded)
    open_items = loaded.analysis.open_follow_ups
    if as_json:
        click.echo(dumps([follow_up_json(f) for f in open_items]), nl=False)
    else:
        for line in due_lines(open_items, _colour()):
            click.echo(line)
    click.echo(due_summary(open_items), err=as_json)


@main.group()
@debug_option
def export() -> None:
    """Print the journal in another format on standard output."""


@export.command("json")
@today_option
@debug_option
@click.pass_context
def export_json(ctx: click.Context, today: Any) -> None:
    """The computed journal as JSON: contacts, meetings, follow-ups and statistics."""
    from .export_json import dumps, journal_json
    from .pipeline import load_journal

    loaded = load_journal(_root(ctx), _day(today))
    _report_problems(loaded)
    if loaded.errors:
        raise InfointError(f"the journal has {loaded.errors} error(s); nothing exported")
    click.echo(dumps(journal_json(loaded.analysis)), nl=False)
    stats = loaded.analysis.stats
    click.echo(f"exported {stats.contacts} contacts, {len(loaded.journal.meetings)} meetings,"
               f" {len(loaded.analysis.follow_ups)} follow-ups", err=True)


def _exportable(ctx: click.Context, today: date | None) -> Any:
    """The journal for an export: problems to stderr, and nothing exported on errors."""
    from .pipeline import load_journal

    loaded = load_journal(_root(ctx), today)
    _report_problems(loaded)
    if loaded.errors:
        raise InfointError(f"the journal has {loaded.errors} error(s); nothing exported")
    return loaded


@export.command("ics")
@today_option
@debug_option
@click.pass_context
def export_ics(ctx: click.Context, today: Any) -> None:
    """Meetings and open follow-ups as an iCalendar file (RFC 5545)."""
    from .export_ics import calendar_ics

    loaded = _exportable(ctx, _day(today))
    analysis = loaded.analysis
    click.echo(calendar_ics(analysis), nl=False)
    meetings = sum(1 for s in analysis.meeting_status.values() if s != "cancelled")
    click.echo(f"exported {meetings} meetings and {len(analysis.open_follow_ups)} open"
               " follow-ups as a calendar", err=True)


@export.command("vcard")
@debug_option
@click.pass_context
def export_vcard(ctx: click.Context) -> None:
    """Every contact as a vCard 3.0 card, for an address book."""
    from .export_vcard import vcards

    loaded = _exportable(ctx, None)
    click.echo(vcards(loaded.analysis).encode("utf-8"), nl=False)
    click.echo(f"exported {len(loaded.journal.contacts)} contacts as vCards", err=True)


@export.command("csv")
@debug_option
@click.pass_context
def export_csv(ctx: click.Context) -> None:
    """Every contact as a row of a spreadsheet (UTF-8 CSV, every field)."""
    from .export_csv import columns, contacts_csv

    loaded = _exportable(ctx, None)
    click.echo(contacts_csv(loaded.analysis).encode("utf-8"), nl=False)
    click.echo(f"exported {len(loaded.journal.contacts)} contacts as CSV rows of"
               f" {len(columns())} columns", err=True)


@main.group("import")
@debug_option
def import_group() -> None:
    """Create contact files from LinkedIn or an address book (never modifies a file)."""


def _import(ctx: click.Context, file: Path, dry_run: bool, source: str) -> None:
    from .importers import decode_import, linkedin_people, plan_import, vcard_people, write_plan
    from .pipeline import load_journal

    root = _root(ctx)
    loaded = load_journal(root)
    if loaded.errors:
        _report_problems(loaded)
        raise InfointError(f"the journal has {loaded.errors} error(s): fix them first, so that"
                           " import can recognise the people already in it; nothing imported")
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise InfointError(f"cannot read {file}: {exc.strerror or exc}") from None
    read = linkedin_people if source == "linkedin" else vcard_people
    decisions = plan_import(read(decode_import(data, file.name)), loaded.journal)
    if not dry_run:
        decisions = write_plan(root, decisions)
    create, skip = ("would create", "would skip") if dry_run else ("created", "skipped")
    for decision in decisions:
        person = decision.person
        who = person.name or "(no name)"
        if decision.creates:
            click.echo(f"  {create} {decision.path}: {who} ({person.where})")
        else:
            click.echo(f"  {skip} {who} ({person.where}): {decision.reason}")
    created = sum(1 for d in decisions if d.creates)
    done = f"{create} {created}, {skip} {len(decisions) - created} from {file.name}"
    if dry_run:
        click.echo(f"{done}; dry run: nothing was written")
    elif created:
        click.echo(f"{done}; next: add how you know them, then infoint-site check")
    else:
        click.echo(done)


_IMPORT_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@import_group.command("linkedin")
@click.argument("file", type=_IMPORT_FILE)
@click.option("--dry-run", is_flag=True, help="Show what would be created; write nothing.")
@debug_option
@click.pass_context
def import_linkedin(ctx: click.Context, file: Path, dry_run: bool) -> None:
    """A contact file per new person in LinkedIn's Connections.csv export."""
    _import(ctx, file, dry_run, "linkedin")


@import_group.command("vcard")
@click.argument("file", type=_IMPORT_FILE)
@click.option("--dry-run", is_flag=True, help="Show what would be created; write nothing.")
@debug_option
@click.pass_context
def import_vcard(ctx: click.Context, file: Path, dry_run: bool) -> None:
    """A contact file per new person in a vCard (.vcf) file."""
    _import(ctx, file, dry_run, "vcard")


@main.command("schema")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write contact.schema.json, meeting.schema.json and company.schema.json"
                   " into this folder instead of printing them.")
@debug_option
def schema_command(out: Path | None) -> None:
    """JSON Schema (draft 2020-12) of the front matter, for editors and pre-commit."""
    from .json_schema import bundle, dumps, schema_files, written_by_us

    if out is None:
        click.echo(dumps(bundle()), nl=False)
        click.echo("printed the JSON Schema of contact, meeting and company front matter",
                   err=True)
        return
    files = schema_files()
    for name in files:
        path = out / name
        if path.exists() and not written_by_us(path.read_bytes()):
            raise InfointError(f"{path} exists and was not written by infoint-site schema;"
                               " nothing was written")
    out.mkdir(parents=True, exist_ok=True)
    changed = 0
    for name, text in files.items():
        path = out / name
        if path.exists() and path.read_bytes() == text.encode("utf-8"):
            click.echo(f"  unchanged {path}")
            continue
        path.write_bytes(text.encode("utf-8"))
        changed += 1
        click.echo(f"  wrote {path}")
    click.echo(f"{changed} of {len(files)} schema files written into {out}"
               f" ({len(files) - changed} unchanged)")
