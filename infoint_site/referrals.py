"""Referral chains: the forest drawn by ``referred_by``.

A contact's chain runs from its root (someone you already knew) to the contact; its
depth is the chain's length minus one. Building the forest is linear in the number of
contacts; a chain is spelled out only when asked for (a 20,000-deep chain would
otherwise cost 20,000² ids of memory).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from .records import Contact


class Chains(Mapping[str, tuple[str, ...]]):
    """Contact id → ids from its root to itself, walked from parent links on demand."""

    def __init__(self, parent: Mapping[str, str | None]) -> None:
        self._parent = parent

    def __getitem__(self, contact_id: str) -> tuple[str, ...]:
        if contact_id not in self._parent:
            raise KeyError(contact_id)
        chain: list[str] = []
        node: str | None = contact_id
        while node is not None:
            chain.append(node)
            node = self._parent[node]
        return tuple(reversed(chain))

    def __iter__(self) -> Iterator[str]:
        return iter(self._parent)

    def __len__(self) -> int:
        return len(self._parent)


@dataclass(frozen=True, slots=True)
class ReferralForest:
    parent: dict[str, str | None]
    """Contact id → who referred them, None for a root (cycles and unknown ids cut)."""
    depths: dict[str, int]
    """Contact id → its chain's length minus one."""
    referred: dict[str, tuple[str, ...]]
    """Contact id → the ids it referred directly, sorted."""
    descendants: dict[str, int]
    """Contact id → how many contacts are below it."""
    cycles: tuple[tuple[str, ...], ...]
    """Each referral cycle once, starting at its smallest id, in the order of the links."""

    @property
    def chains(self) -> Chains:
        return Chains(self.parent)

    def depth(self, contact_id: str) -> int:
        return self.depths[contact_id]

    @property
    def longest_chain(self) -> int:
        return max(self.depths.values(), default=0)

    def roots(self) -> list[str]:
        return [cid for cid, parent in self.parent.items() if parent is None]


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

    depths: dict[str, int] = {}
    for start in contacts:
        pending: list[str] = []
        node: str | None = start
        while node is not None and node not in depths:
            pending.append(node)
            node = parent[node]
        depth = depths[node] if node is not None else -1
        for cid in reversed(pending):
            depth += 1
            depths[cid] = depth

    children: dict[str, list[str]] = {cid: [] for cid in contacts}
    for cid, ref in parent.items():
        if ref is not None:
            children[ref].append(cid)
    descendants = dict.fromkeys(contacts, 0)
    # Deepest first: each contact's count is final before its parent adds it.
    for cid in sorted(contacts, key=depths.__getitem__, reverse=True):
        ref = parent[cid]
        if ref is not None:
            descendants[ref] += descendants[cid] + 1
    referred = {cid: tuple(sorted(kids)) for cid, kids in children.items()}
    return ReferralForest(parent, depths, referred, descendants, tuple(cycles))
