"""An analysis brought up to date after one record's edit, rather than made again.

`serve` shows a save before the full rebuild that follows (see `devsite`). A save that
changes what the journal computes, such as a contact's ``last_contact`` or a meeting's
``thank_you_sent``, would wait for the whole journal's analysis (0.2 s at 10,000 files)
and for its comparison with the last one. `edit` instead takes the last analysis and
computes again only what the record reaches: its own status and its people's, the
follow-ups of the rules that read it (`followups.MEETING_RULES` and `CONTACT_RULES`: a
meeting's, and its contacts'), the reach-outs when a status or a request changed (one
rule over the whole journal, 10 ms at 10,000 files), the numbers the change moves, and
the follow-ups each record page lists: 5–10 ms at 10,000 files.

Only edits that leave the journal's shape alone take this way: the same names and
referrers as before (only the fields in `COMPUTED_FROM`, `body_edit.SHOWN_ONLY` and the
body may change), and that bring no warning of their own (a meeting still scheduled
after its day, a link to a missing file, a suggested name that is another's referral,
a company that looks like a mistyped id, someone with no file); anything else is None,
and waits for the full rebuild. Besides statuses and follow-ups:

- a meeting's suggested names are read by the reach-outs and the index of who
  suggested whom (`PageInputs.suggested_by`) alone;
- its day moves it among the journal's meetings and its people's (they come by day),
  and in that index;
- its people: it leaves the meetings of those it lost and joins those of those it
  gained, whose statuses and rules run again;
- a new meeting of people who have files reaches what a meeting moved from nowhere
  would;
- a contact's company is read by the index of each company's people alone
  (`PageInputs.people_at`), and a new company by nothing the journal computes.

Within those, what it gives equals what `analyze` and `page_inputs` give for the edited
journal, and, for a record that had no problem before (`serve` asks that), the checks
across files (`validate`) find what they found before, but for a new meeting that a
note links to (which `serve` asks too: its warning goes): tests/test_reanalysis.py
holds it to that for edits of every such field, and for new meetings.
"""

from __future__ import annotations

import bisect
import dataclasses
from collections.abc import Mapping

from . import new_contact
from .affected import Page, PageInputs, pages_replaced, people_moved
from .analysis import Analysis, Stats
from .body_edit import BODY_FIELDS, SHOWN_ONLY, same_but
from .followups import Facts, FollowUp, drafts_of, follow_ups_of, reach_outs, replaced
from .journal import Journal, contact_status, meeting_order, meeting_status, resolve_person
from .records import Company, Contact, Meeting, Record
from .suggest import closest
from .validate import SLUG, contact_company_typos, meeting_referral_mismatches, missing_links

COMPUTED_FROM: dict[type, frozenset[str]] = {
    Contact: frozenset({"status", "requested", "keep_in_touch", "last_contact", "follow_ups",
                        "company"}),
    Meeting: frozenset({"status", "outcome", "confirmed", "thank_you_sent", "evaluated",
                        "resume_requested", "resume_sent", "referrer_updated", "follow_ups",
                        "referrals", "date", "time", "contacts"}),
}
"""Fields, by record type, that the journal computes from or indexes and that `edit`
follows: none of them decides the chains or what a name means; the records a meeting's
`referrals` name are read by the reach-outs and `PageInputs.suggested_by` alone, its
`date` orders the meetings (`journal.meeting_order`), its `contacts` decide whose
meetings it is among, and a contact's `company` is read by `PageInputs.people_at`
alone."""

_MEETING_KINDS = frozenset({"confirm", "thank-you", "evaluate", "resume"})


def edit(inputs: PageInputs, record: Record) -> tuple[Analysis, PageInputs] | None:
    """The analysis and page inputs of the journal of `inputs` with `record` in place of
    the record of its id, when only its `COMPUTED_FROM`, `SHOWN_ONLY` and body fields
    changed, or added (a meeting of people who have files, a company, or a contact: see
    `new_contact`); None otherwise."""
    analysis = inputs.analysis
    journal = analysis.journal
    kind = type(record)
    if isinstance(record, Company):
        return None if record.id in journal.companies else _added_company(inputs, record)
    if kind not in COMPUTED_FROM:
        return None
    table = journal.contacts if kind is Contact else journal.meetings
    before = table.get(record.id)
    if before is None and isinstance(record, Contact):
        return new_contact.added(inputs, record)
    if before is not None and (before.path != record.path or not same_but(
            before, record, BODY_FIELDS | SHOWN_ONLY[kind] | COMPUTED_FROM[kind])):
        return None
    if isinstance(record, Meeting) and any(c not in journal.contacts for c in record.contacts):
        return None  # (an error: someone with no file)
    folder = "contacts" if kind is Contact else "meetings"
    suggested = isinstance(record, Meeting) and (
        not isinstance(before, Meeting) or before.referrals != record.referrals
        or before.contacts != record.contacts)  # (whom they may suggest)
    moved = isinstance(record, Meeting) and (
        not isinstance(before, Meeting) or before.date != record.date)
    if any(missing_links(journal, record, folder)) or (
            isinstance(record, Meeting) and record.status == "scheduled"
            and record.date < analysis.today) or (
                suggested and any(meeting_referral_mismatches(analysis, inputs.names, record))
            ) or (isinstance(record, Contact) and any(contact_company_typos(journal, record))):
        return None  # a warning of its own (`validate`) to report: the full rebuild says it
    today = analysis.today
    statuses, meetings_of = analysis.meeting_status, analysis.meetings_of
    if isinstance(record, Meeting):
        swapped = dataclasses.replace(journal, meetings=_meetings_with(journal.meetings, record)
                                      if moved else {**journal.meetings, record.id: record})
        statuses = {**statuses, record.id: meeting_status(record, today)}
        meetings_of = _meetings_of(meetings_of, before if isinstance(before, Meeting) else None,
                                   record, moved)
        people = [c for c in _people(before, record) if c in journal.contacts]
        meetings: list[Meeting] = [record]
    else:
        swapped = dataclasses.replace(journal, contacts={**journal.contacts, record.id: record})
        people, meetings = [record.id], []
    contact_statuses = {**analysis.contact_status, **{
        cid: contact_status(swapped.contacts[cid],
                            (statuses[m.id] for m in meetings_of.get(cid, ())))
        for cid in people}}
    facts = Facts(swapped, today, statuses, contact_statuses, meetings_of, inputs.names)
    fresh = follow_ups_of(facts, drafts_of(facts, meetings,
                                           ((cid, swapped.contacts[cid]) for cid in people)))
    dirty = {("meeting", m.id) for m in meetings} | {("contact", cid) for cid in people}
    stale = [f for page in dirty for f in inputs.follow_ups.get(page, ()) if _origin(f) in dirty]
    if _moves_reach_outs(analysis, before, record, statuses, meetings_of):
        old_reach = [f for f in analysis.follow_ups if f.kind == "reach-out"]
        new_reach = sorted(reach_outs(facts), key=FollowUp.sort_key)
        if new_reach != old_reach:
            stale += old_reach
            fresh += new_reach
    follow_ups = replaced(analysis.follow_ups, stale, fresh)
    after = Analysis(swapped, today, statuses, contact_statuses, meetings_of, analysis.forest,
                     follow_ups, _stats(analysis, before, record, statuses, stale, fresh))
    return after, dataclasses.replace(
        inputs, analysis=after, follow_ups=pages_replaced(inputs, stale, fresh),
        suggested_by=_suggested_by(inputs, swapped, before, record) if suggested or moved
        else inputs.suggested_by,
        people_at=people_moved(inputs.people_at, record.id, before.company, record.company)
        if isinstance(before, Contact) and isinstance(record, Contact)
        and before.company != record.company else inputs.people_at)


def _added_company(inputs: PageInputs, record: Company) -> tuple[Analysis, PageInputs] | None:
    """The analysis and page inputs with the new company `record`: nothing the journal
    computes reads companies, and the index of each company's people holds the
    contacts' company as written. None when a check across files would change: a
    contact's company that looked like a mistyped id now names it, or is close to it."""
    analysis = inputs.analysis
    journal = analysis.journal
    if any(missing_links(journal, record, "companies")):
        return None
    swapped = dataclasses.replace(journal, companies=dict(sorted(
        {**journal.companies, record.id: record}.items())))
    for contact in journal.contacts.values():
        company = contact.company
        if company and company not in journal.companies and SLUG.fullmatch(company) \
                and (company == record.id or closest(company, [record.id])) \
                and list(contact_company_typos(journal, contact)) \
                != list(contact_company_typos(swapped, contact)):
            return None
    after = dataclasses.replace(analysis, journal=swapped)
    return after, dataclasses.replace(inputs, analysis=after)


def _moves_reach_outs(analysis: Analysis, before: Record | None, after: Record,
                      statuses: Mapping[str, str],
                      meetings_of: Mapping[str, tuple[Meeting, ...]]) -> bool:
    """Whether the reach-outs may change (`followups._reach_outs`). They read, of a done
    meeting with suggested names, its day (their due day, and the meetings' order) and
    those names; of the people suggested, whether they have a meeting not cancelled,
    and their own status and request. `statuses` and `meetings_of`: after the edit."""
    if isinstance(after, Meeting):
        old = analysis.meeting_status

        def read(meeting: Record | None, status: Mapping[str, str]) -> tuple[object, ...]:
            if not isinstance(meeting, Meeting) or status.get(meeting.id) != "done" \
                    or not meeting.referrals:
                return ()
            return meeting.date, meeting.referrals, meeting.contacts

        return read(before, old) != read(after, statuses) or any(
            _live(analysis.meetings_of, old, cid) != _live(meetings_of, statuses, cid)
            for cid in _people(before, after))
    assert isinstance(before, Contact) and isinstance(after, Contact)
    return (before.status, before.requested) != (after.status, after.requested)


def _live(meetings_of: Mapping[str, tuple[Meeting, ...]], statuses: Mapping[str, str],
          cid: str) -> bool:
    """Whether the contact has a meeting not cancelled (`followups._has_live_meeting`)."""
    return any(statuses[m.id] != "cancelled" for m in meetings_of.get(cid, ()))


def _meetings_with(meetings: Mapping[str, Meeting], record: Meeting) -> dict[str, Meeting]:
    """`meetings` (in `meeting_order`) with `record` in place of the meeting of its id,
    in its place by its day."""
    others = [m for m in meetings.values() if m.id != record.id]
    bisect.insort_right(others, record, key=meeting_order)
    return {m.id: m for m in others}


def _people(before: Record | None, after: Meeting) -> dict[str, None]:
    """The people of a meeting before its edit and after, each once."""
    return dict.fromkeys((*(before.contacts if isinstance(before, Meeting) else ()),
                          *after.contacts))


def _meetings_of(meetings_of: Mapping[str, tuple[Meeting, ...]], before: Meeting | None,
                 after: Meeting, moved: bool) -> dict[str, tuple[Meeting, ...]]:
    """`meetings_of` with the meeting changed from `before` (None: new) into `after`:
    gone from the people it no longer has, in its place by its day (`moved`: another
    day, or new) for the others."""
    changed = dict(meetings_of)
    kept = before.contacts if before is not None else ()
    for cid in _people(before, after):
        if cid in after.contacts and cid in kept and not moved:
            changed[cid] = tuple(after if m.id == after.id else m for m in meetings_of[cid])
            continue
        others = [m for m in meetings_of.get(cid, ()) if m.id != after.id]
        if cid in after.contacts:
            bisect.insort_right(others, after, key=meeting_order)
        if others:
            changed[cid] = tuple(others)
        else:
            changed.pop(cid, None)
    return changed


def _suggested_by(inputs: PageInputs, journal: Journal, before: Meeting | None,
                  after: Meeting) -> dict[str, tuple[str, ...]]:
    """`inputs.suggested_by` with the meeting changed from `before` (None: new) into
    `after` (its suggested names, or its place among the `journal`'s meetings): each
    contact's meetings in the journal's order, once a mention."""

    def named(meeting: Meeting | None) -> list[str]:
        return [cid for person in (meeting.referrals if meeting else ())
                if (cid := resolve_person(person, journal.contacts, inputs.names)) is not None]

    old, new = named(before), named(after)
    if (not old and not new) or (old == new and before and before.date == after.date):
        return inputs.suggested_by
    order = {mid: i for i, mid in enumerate(journal.meetings)}
    suggested = dict(inputs.suggested_by)
    for cid in {*old, *new}:
        others = [mid for mid in suggested.get(cid, ()) if mid != after.id]
        at = bisect.bisect_left(others, order[after.id], key=order.__getitem__)
        others[at:at] = [after.id] * new.count(cid)
        if others:
            suggested[cid] = tuple(others)
        else:
            suggested.pop(cid, None)
    return suggested


def _stats(analysis: Analysis, before: Record | None, after: Record,
           statuses: Mapping[str, str], stale: list[FollowUp], fresh: list[FollowUp]) -> Stats:
    """`analysis.stats` with the edit's change: the follow-ups overdue, and for a
    meeting (`before` None: new), whether it counts as done or scheduled, with its
    referrals and outcome."""
    overdue = sum(f.status == "overdue" for f in {id(f): f for f in stale}.values())
    stats = dataclasses.replace(analysis.stats, overdue=analysis.stats.overdue - overdue
                                + sum(f.status == "overdue" for f in fresh))
    if not isinstance(after, Meeting):
        return stats
    old, new = analysis.meeting_status.get(after.id), statuses[after.id]
    done = [(-1, before)] if old == "done" and isinstance(before, Meeting) else []
    done += [(1, after)] if new == "done" else []
    return dataclasses.replace(
        stats,
        meetings_done=stats.meetings_done + sum(sign for sign, _ in done),
        meetings_scheduled=stats.meetings_scheduled - (old == "scheduled")
        + (new == "scheduled"),
        referrals_received=stats.referrals_received
        + sum(sign * len(m.referrals) for sign, m in done),
        offers=stats.offers + sum(sign for sign, m in done if m.outcome == "job-offer"))


def _origin(item: FollowUp) -> Page | None:
    """The record whose rule made `item` (None: the reach-outs' rule, which reads all)."""
    if item.meeting is not None and (item.kind in _MEETING_KINDS or item.kind == "custom"):
        return ("meeting", item.meeting)
    if item.kind == "referrer-update" and item.about is not None:
        return ("contact", item.about)
    return None if item.kind == "reach-out" else ("contact", item.contact)
