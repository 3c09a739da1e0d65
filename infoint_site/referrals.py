"""Referral chains: the forest drawn by ``referred_by``.

A contact's chain runs from its root (someone you already knew) to the contact; its
depth is the chain's length minus one. Linear in the number of contacts: each chain
is built once, from its parent's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .records import Contact


@dataclass(frozen=True, slots=True)
class ReferralForest:
    chains: dict[str, tuple[str, ...]]
    """Contact id → ids from its root to itself."""
    referred: dict[str, tuple[str, ...]]
    """Contact id → the ids it referred directly, sorted."""
    descendants: dict[str, int]
    """Contact id → how many contacts are below it."""
    cycles: tuple[tuple[str, ...], ...]
    """Each referral cycle once, starting at its smallest id, in the order of the links."""

    def depth(self, contact_id: str) -> int:
        return len(self.chains[contact_id]) - 1

    @property
    def longest_chain(self) -> int:
        return max((len(c) - 1 for c in self.chains.values()), default=0)

    def roots(self) -> list[str]:
        return [cid for cid, chain in self.chains.items() if len(chain) == 1]


def _find_cycles(parent: Mapping[str, str | None]) -> list[tuple[str, ...]]:
    """Cycles in a graph where each node has at most one parent."""
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    cycles: list[tuple[str, ...]] = []
    for start in parent:
        path: list[str] = []
        node: str | None = start
        while node is not None and node in parent and state.get(node) is None:
            state[node] = 1
            path.append(node)
            node = parent[node]
        if node is not None and state.get(node) == 1:
            cycle = path[path.index(node):]
            smallest = cycle.index(min(cycle))
            cycles.append(tuple(cycle[smallest:] + cycle[:smallest]))
        for visited in path:
            state[visited] = 2
    return sorted(cycles)


def build_forest(contacts: Mapping[str, Contact]) -> ReferralForest:
    """Chains, direct referrals and descendant counts for every contact.

    A ``referred_by`` naming no contact, the contact itself, or closing a cycle
    makes that contact a root here; validation reports the link itself.
    """
    parent: dict[str, str | None] = {}
    for cid, contact in contacts.items():
        ref = contact.referred_by
        parent[cid] = ref if ref in contacts and ref != cid else None
    cycles = _find_cycles(parent)
    for cycle in cycles:
        for cid in cycle:
            parent[cid] = None

    chains: dict[str, tuple[str, ...]] = {}
    for start in contacts:
        pending: list[str] = []
        node: str | None = start
        while node is not None and node not in chains:
            pending.append(node)
            node = parent[node]
        base = chains[node] if node is not None else ()
        for cid in reversed(pending):
            base = (*base, cid)
            chains[cid] = base

    children: dict[str, list[str]] = {cid: [] for cid in contacts}
    for cid, ref in parent.items():
        if ref is not None:
            children[ref].append(cid)
    descendants = dict.fromkeys(contacts, 0)
    # Deepest first: each contact's count is final before its parent adds it.
    for cid in sorted(contacts, key=lambda c: len(chains[c]), reverse=True):
        ref = parent[cid]
        if ref is not None:
            descendants[ref] += descendants[cid] + 1
    referred = {cid: tuple(sorted(kids)) for cid, kids in children.items()}
    return ReferralForest(chains, referred, descendants, tuple(cycles))
