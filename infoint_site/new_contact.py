"""The analysis brought up to date for a new contact file, rather than made again.

A contact saved for the first time is, most often, a name a meeting suggested that now
has a file, with ``referred_by`` set to whom you met. `serve` shows it before the full
rebuild that follows (see `reanalysis`, whose entry point `edit` hands new contacts
here). What a new contact reaches of the last analysis:

- the contacts, the name index and the index of each company's people, with it in its
  place (by id);
- the referral chains: it hangs under its referrer, whose referred list, and whose
  ancestors' counts of people below them, grow;
- the meetings that suggested its name or id: their suggestions now mean it, so the
  reach-outs run again and the index of who suggested whom gains it;
- its own status, its rules' follow-ups and the numbers.

Anything that would make the checks across files (`validate`) find something new, or
lose something they found, is None, and waits for the full rebuild: a referrer with no
file, a name another contact has (a suggested name that meant them would mean no one),
a company that looks like a mistyped id, a link to a missing file, a meeting whose
suggestion now means a person referred by someone else, a mistyped suggestion the new
id is close to. So is a contact that another already names as referrer (that was an
error, which `serve` would be showing).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

from .affected import PageInputs, pages_replaced, people_moved
from .analysis import Analysis
from .followups import CONTACT_RULES, Facts, FollowUp, follow_ups_of, reach_outs, replaced
from .journal import contact_status, name_key, resolve_person
from .records import Contact, Meeting
from .referrals import ReferralForest
from .suggest import closest
from .validate import SLUG, contact_company_typos, meeting_referral_mismatches, missing_links


def added(inputs: PageInputs, record: Contact) -> tuple[Analysis, PageInputs] | None:
    """The analysis and page inputs of the journal of `inputs` with the new contact
    `record`; None when that reaches further than the module says."""
    analysis = inputs.analysis
    journal = analysis.journal
    ref, key = record.referred_by, name_key(record.name)
    if ((ref is not None and (ref == record.id or ref not in journal.contacts))
            or record.id in analysis.meetings_of or record.id in journal.unreadable_contacts
            or any(c.referred_by is not None and c.referred_by not in journal.contacts
                   for c in journal.contacts.values())  # (errors: serve shows those)
            or any(name_key(c.name) == key for c in journal.contacts.values())
            or any(missing_links(journal, record, "contacts"))
            or any(contact_company_typos(journal, record))):
        return None
    contacts = dict(sorted({**journal.contacts, record.id: record}.items()))
    names = {**inputs.names, key: record.id}  # (looked up, never walked: any order)
    suggested = [m for m in journal.meetings.values()
                 if any(p == record.id or name_key(p) == key for p in m.referrals)]
    if any(p == record.id and resolve_person(p, journal.contacts, inputs.names) is not None
           for m in suggested for p in m.referrals):
        return None  # (its id meant another contact, by name: that one's index changes)
    if _new_hint(journal.meetings.values(), journal.contacts, inputs.names, record.id, key):
        return None
    swapped = dataclasses.replace(journal, contacts=contacts)
    forest = _forest_with(analysis.forest, contacts, record)
    statuses = {**analysis.contact_status, record.id: contact_status(record, ())}
    after = Analysis(swapped, analysis.today, analysis.meeting_status, statuses,
                     analysis.meetings_of, forest, analysis.follow_ups, analysis.stats)
    if any(list(meeting_referral_mismatches(after, names, m))
           != list(meeting_referral_mismatches(analysis, inputs.names, m)) for m in suggested):
        return None  # (a warning comes or goes with what its suggestion now means)
    facts = Facts(swapped, analysis.today, analysis.meeting_status, statuses,
                  analysis.meetings_of, names)
    fresh = follow_ups_of(facts, (draft for rule in CONTACT_RULES
                                  for draft in rule(facts, record.id, record)))
    stale: list[FollowUp] = []
    if suggested:
        old_reach = [f for f in analysis.follow_ups if f.kind == "reach-out"]
        new_reach = sorted(reach_outs(facts), key=FollowUp.sort_key)
        if new_reach != old_reach:
            stale, fresh = old_reach, [*fresh, *new_reach]
    follow_ups = replaced(analysis.follow_ups, stale, fresh)
    overdue = analysis.stats.overdue - sum(f.status == "overdue" for f in stale) \
        + sum(f.status == "overdue" for f in fresh)
    stats = dataclasses.replace(analysis.stats, contacts=analysis.stats.contacts + 1,
                                overdue=overdue, longest_chain=forest.longest_chain)
    after = dataclasses.replace(after, follow_ups=follow_ups, stats=stats)
    people_at = people_moved(inputs.people_at, record.id, None, record.company)
    suggested_by = inputs.suggested_by
    mentions = tuple(m.id for m in suggested for p in m.referrals
                     if resolve_person(p, contacts, names) == record.id)
    if mentions:
        suggested_by = {**suggested_by, record.id: mentions}
    return after, dataclasses.replace(
        inputs, analysis=after, names=names, people_at=people_at, suggested_by=suggested_by,
        follow_ups=pages_replaced(inputs, stale, fresh))


def _new_hint(meetings: Iterable[Meeting], contacts: Mapping[str, Contact],
              names: Mapping[str, str], new_id: str, key: str) -> bool:
    """Whether a suggested name that means no one and looks like a mistyped id, and that
    will not mean the new contact (id `new_id`, name `key`) either, is close to its id:
    its warning's "did you mean" may then name it."""
    for meeting in meetings:
        for person in meeting.referrals:
            if SLUG.fullmatch(person) and person != new_id and name_key(person) != key \
                    and resolve_person(person, contacts, names) is None \
                    and closest(person, [new_id]):
                return True
    return False


def _forest_with(forest: ReferralForest, contacts: dict[str, Contact],
                 record: Contact) -> ReferralForest:
    """`forest` with the new contact `record` (no one names it as referrer) under its
    referrer; `parent`, `referred` and `descendants` in the order of `contacts`, as
    `referrals.build_forest` gives them (`depths`, only looked up, ends with it)."""
    new = record.id
    top = record.referred_by
    parent = {cid: forest.parent[cid] if cid != new else top for cid in contacts}
    depths = {**forest.depths, new: forest.depths[top] + 1 if top is not None else 0}
    referred = {cid: forest.referred[cid] if cid != new else () for cid in contacts}
    descendants = {cid: forest.descendants[cid] if cid != new else 0 for cid in contacts}
    if top is not None:
        referred[top] = tuple(sorted((*referred[top], new)))
    node = top
    while node is not None:
        descendants[node] += 1
        node = parent[node]
    return ReferralForest(parent, depths, referred, descendants, forest.cycles)
