"""Referral chains: the forest drawn by `referred_by`, its cycles and its size limits."""

from __future__ import annotations

import tracemalloc
from datetime import date

import pytest

from infoint_site.records import Contact
from infoint_site.referrals import ReferralForest, build_forest

TODAY = date(2026, 11, 20)


def people(links: dict[str, str | None]) -> dict[str, Contact]:
    """Contacts by id from {id: referred_by}."""
    return {
        cid: Contact(id=cid, path=f"content/contacts/{cid}.md", name=cid.title(),
                     referred_by=ref)
        for cid, ref in links.items()
    }


# root ─┬─ a ─┬─ a1 ─── a1x
#       │     └─ a2
#       └─ b
# solo
# other ─── o1
TREE = {
    "root": None, "a": "root", "b": "root", "a1": "a", "a2": "a", "a1x": "a1",
    "solo": None, "other": None, "o1": "other",
}


@pytest.fixture(scope="module")
def tree() -> ReferralForest:
    return build_forest(people(TREE))


def test_chains(tree: ReferralForest) -> None:
    assert tree.chains == {
        "root": ("root",),
        "a": ("root", "a"),
        "b": ("root", "b"),
        "a1": ("root", "a", "a1"),
        "a2": ("root", "a", "a2"),
        "a1x": ("root", "a", "a1", "a1x"),
        "solo": ("solo",),
        "other": ("other",),
        "o1": ("other", "o1"),
    }


def test_depths(tree: ReferralForest) -> None:
    assert {cid: tree.depth(cid) for cid in TREE} == {
        "root": 0, "a": 1, "b": 1, "a1": 2, "a2": 2, "a1x": 3, "solo": 0, "other": 0, "o1": 1,
    }
    assert tree.longest_chain == 3


def test_direct_referrals(tree: ReferralForest) -> None:
    assert tree.referred == {
        "root": ("a", "b"), "a": ("a1", "a2"), "b": (), "a1": ("a1x",), "a2": (),
        "a1x": (), "solo": (), "other": ("o1",), "o1": (),
    }


def test_descendants(tree: ReferralForest) -> None:
    assert tree.descendants == {
        "root": 5, "a": 3, "b": 0, "a1": 1, "a2": 0, "a1x": 0, "solo": 0, "other": 1, "o1": 0,
    }


def test_roots_and_no_cycles(tree: ReferralForest) -> None:
    assert tree.roots() == ["root", "solo", "other"]
    assert tree.cycles == ()


def test_empty_journal() -> None:
    forest = build_forest({})
    assert (forest.chains, forest.longest_chain, forest.roots()) == ({}, 0, [])


def test_cycle_members_become_roots() -> None:
    forest = build_forest(people({"x": "z", "y": "x", "z": "y", "w": "y", "v": "w"}))
    assert forest.cycles == (("x", "z", "y"),)
    assert {cid: forest.chains[cid] for cid in "xyz"} == {"x": ("x",), "y": ("y",), "z": ("z",)}
    # what hangs off the cycle keeps its chain up to the cycle member it names
    assert forest.chains["w"] == ("y", "w")
    assert forest.chains["v"] == ("y", "w", "v")
    assert forest.descendants == {"x": 0, "y": 2, "z": 0, "w": 1, "v": 0}
    assert forest.roots() == ["x", "y", "z"]


def test_two_cycles_and_a_self_referral() -> None:
    forest = build_forest(people({"b": "a", "a": "b", "d": "c", "c": "e", "e": "d",
                                  "me": "me"}))
    assert forest.cycles == (("a", "b"), ("c", "e", "d"))  # each referred_by the next
    assert forest.chains["me"] == ("me",)
    assert forest.roots() == ["b", "a", "d", "c", "e", "me"]


def test_unknown_referrer_is_a_root() -> None:
    forest = build_forest(people({"john-smith": None, "mark-lee": "jon-smith"}))
    assert forest.chains["mark-lee"] == ("mark-lee",)
    assert forest.descendants["john-smith"] == 0


# --- through the pipeline: the problems a user sees -----------------------------------------


def _contact(name: str, ref: str | None = None) -> str:
    return f"---\nname: {name}\n" + (f"referred_by: {ref}\n" if ref else "") + "---\n"


def test_cycle_is_one_error_naming_every_id(load) -> None:
    loaded = load({
        "content/contacts/ann-lee.md": _contact("Ann Lee", "cat-roe"),
        "content/contacts/bob-fox.md": _contact("Bob Fox", "ann-lee"),
        "content/contacts/cat-roe.md": _contact("Cat Roe", "bob-fox"),
        "content/contacts/dan-ku.md": _contact("Dan Ku", "bob-fox"),
    }, TODAY, allow_errors=True)
    assert [p.format() for p in loaded.problems] == [
        "content/contacts/ann-lee.md:3:14: error[E304]: referral cycle: ann-lee → cat-roe →"
        " bob-fox → ann-lee (each referred_by the next); someone in it must be a person you"
        " already knew",
    ]
    forest = loaded.analysis.forest
    assert forest.roots() == ["ann-lee", "bob-fox", "cat-roe"]
    assert forest.chains["dan-ku"] == ("bob-fox", "dan-ku")


def test_unknown_referrer_error_with_suggestion(load) -> None:
    loaded = load({
        "content/contacts/john-smith.md": _contact("John Smith"),
        "content/contacts/mark-lee.md": _contact("Mark Lee", "jon-smith"),
    }, TODAY, allow_errors=True)
    assert [p.format() for p in loaded.problems] == [
        "content/contacts/mark-lee.md:3:14: error[E301]: referred_by: no contact 'jon-smith';"
        " did you mean 'john-smith'?",
    ]
    assert loaded.analysis.forest.chains["mark-lee"] == ("mark-lee",)


def test_self_referral_error(load) -> None:
    loaded = load({"content/contacts/mark-lee.md": _contact("Mark Lee", "mark-lee")},
                  TODAY, allow_errors=True)
    assert [(p.code, p.line, p.col) for p in loaded.problems] == [("E303", 3, 14)]
    assert loaded.analysis.forest.cycles == ()


def test_referral_naming_someone_referred_by_another_is_a_warning(load) -> None:
    loaded = load({
        "content/contacts/jane-doe.md": _contact("Jane Doe"),
        "content/contacts/john-smith.md": _contact("John Smith"),
        "content/contacts/mark-lee.md": _contact("Mark Lee", "john-smith"),
        "content/meetings/m.md": "---\ncontact: jane-doe\ndate: 2026-11-03\n"
                                 "referrals: [mark-lee, Sara Kim]\n---\n",
    }, TODAY)
    assert [p.format() for p in loaded.problems] == [
        "content/meetings/m.md:4:13: warning[W403]: referrals: 'mark-lee' was suggested in this"
        " meeting, but content/contacts/mark-lee.md has referred_by: john-smith; set"
        " referred_by: jane-doe",
    ]


# --- size: no recursion, and work in proportion to the journal ------------------------------

N = 20_000


def _deep(n: int) -> dict[str, Contact]:
    return people({f"c{i:05d}": (f"c{i - 1:05d}" if i else None) for i in range(n)})


def test_a_20000_deep_chain() -> None:
    forest = build_forest(_deep(N))
    last = f"c{N - 1:05d}"
    assert forest.depth(last) == N - 1
    assert forest.chains[last][:2] == ("c00000", "c00001")
    assert forest.longest_chain == N - 1
    assert forest.descendants["c00000"] == N - 1
    assert forest.descendants["c10000"] == N - 10_001
    assert forest.referred["c00000"] == ("c00001",)
    assert forest.roots() == ["c00000"]


def test_a_20000_wide_star() -> None:
    links: dict[str, str | None] = {"hub": None}
    links.update({f"s{i:05d}": "hub" for i in range(N)})
    forest = build_forest(people(links))
    assert forest.descendants["hub"] == N
    assert len(forest.referred["hub"]) == N
    assert forest.referred["hub"][:2] == ("s00000", "s00001")
    assert forest.longest_chain == 1
    assert forest.chains["s19999"] == ("hub", "s19999")


def test_a_20000_long_cycle() -> None:
    links = {f"c{i:05d}": f"c{(i + 1) % N:05d}" for i in range(N)}
    forest = build_forest(people(links))
    assert len(forest.cycles) == 1
    assert forest.cycles[0][:3] == ("c00000", "c00001", "c00002")
    assert len(forest.cycles[0]) == N
    assert len(forest.roots()) == N


def _peak_bytes(n: int) -> int:
    contacts = _deep(n)
    tracemalloc.start()
    try:
        build_forest(contacts)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_grows_linearly_with_depth() -> None:
    small, large = _peak_bytes(1_000), _peak_bytes(4_000)
    # linear: about 4x for 4x the contacts; quadratic: about 16x
    assert large < 8 * small
