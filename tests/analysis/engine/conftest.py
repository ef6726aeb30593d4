"""An independent brute-force reference for the availability engine.

It shares no code with ``analysis.engine`` beyond the input dataclasses: it walks the
topology recursively, lists every up/down state of the variables a service depends on
(at most 2^16 of them), evaluates the service in each state straight from the
definitions, and adds up the probabilities.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest

from analysis.engine.topology import Topology

MAX_VARIABLES = 16


@dataclass(frozen=True)
class Truth:
    variables: tuple[str, ...]
    availability: float
    unavailability: float
    birnbaum: dict[str, float]
    spofs: frozenset[str]


def _index(t: Topology) -> dict[str, tuple[str, object]]:
    found: dict[str, tuple[str, object]] = {}
    for s in t.sites:
        found[s.id] = ("site", s)
    for c in t.components:
        found[c.id] = ("component", c)
    for g in t.groups:
        found[g.id] = ("group", g)
    for v in t.services:
        found[v.id] = ("service", v)
    return found


def _refs(kind: str, item: object) -> tuple[str, ...]:
    if kind == "site":
        parent = item.parent  # type: ignore[attr-defined]
        return () if parent is None else (parent,)
    if kind == "component":
        site = item.site  # type: ignore[attr-defined]
        return ((site,) if site else ()) + tuple(item.runs_on)  # type: ignore[attr-defined]
    if kind == "group":
        return tuple(item.members)  # type: ignore[attr-defined]
    return tuple(item.requires)  # type: ignore[attr-defined]


def _support(index: dict[str, tuple[str, object]], root: str) -> list[str]:
    found: list[str] = []
    seen: set[str] = set()

    def walk(node: str) -> None:
        if node in seen:
            return
        seen.add(node)
        kind, item = index[node]
        if kind in ("site", "component"):
            found.append(node)
        for ref in _refs(kind, item):
            walk(ref)

    walk(root)
    return sorted(found)


def _up_probability(kind: str, item: object) -> float:
    if kind == "site":
        return float(item.availability)  # type: ignore[attr-defined]
    if item.availability is not None:  # type: ignore[attr-defined]
        return float(item.availability)  # type: ignore[attr-defined]
    mtbf = float(item.mtbf_hours)  # type: ignore[attr-defined]
    mttr = float(item.mttr_hours)  # type: ignore[attr-defined]
    return mtbf / (mtbf + mttr)


def _down_probability(kind: str, item: object) -> float:
    if kind == "component" and item.availability is None:  # type: ignore[attr-defined]
        mtbf = float(item.mtbf_hours)  # type: ignore[attr-defined]
        mttr = float(item.mttr_hours)  # type: ignore[attr-defined]
        return mttr / (mtbf + mttr)
    return 1.0 - _up_probability(kind, item)


def _is_up(index: dict[str, tuple[str, object]], node: str, state: dict[str, bool]) -> bool:
    kind, item = index[node]
    if kind in ("site", "component"):
        return state[node] and all(_is_up(index, ref, state) for ref in _refs(kind, item))
    if kind == "group":
        members: tuple[str, ...] = item.members  # type: ignore[attr-defined]
        alive = sum(1 for m in members if _is_up(index, m, state))
        return alive >= item.k  # type: ignore[attr-defined]
    return all(_is_up(index, ref, state) for ref in item.requires)  # type: ignore[attr-defined]


def brute_force(t: Topology, service_id: str) -> Truth:
    """Enumerate all 2^n states of the service's variables."""
    index = _index(t)
    variables = _support(index, service_id)
    n = len(variables)
    assert n <= MAX_VARIABLES, f"{service_id} has {n} variables; brute force is capped at 16"
    up_p = np.array([_up_probability(*index[v]) for v in variables])
    down_p = np.array([_down_probability(*index[v]) for v in variables])
    states = np.array(list(itertools.product((False, True), repeat=n)), dtype=bool).reshape(-1, n)
    factors = np.where(states, up_p, down_p)
    weights = np.prod(factors, axis=1)
    up = np.array(
        [_is_up(index, service_id, dict(zip(variables, row, strict=True))) for row in states]
    )
    availability = math.fsum(weights[up])
    unavailability = math.fsum(weights[~up])
    birnbaum: dict[str, float] = {}
    for i, v in enumerate(variables):
        others = np.prod(np.delete(factors, i, axis=1), axis=1)
        when_up = math.fsum(others[states[:, i] & up])
        when_down = math.fsum(others[~states[:, i] & up])
        birnbaum[v] = when_up - when_down
    survivors = states[up]
    spofs = frozenset(v for i, v in enumerate(variables) if survivors[:, i].all())
    return Truth(tuple(variables), availability, unavailability, birnbaum, spofs)


@pytest.fixture(scope="session")
def brute() -> Callable[[Topology, str], Truth]:
    """The brute-force reference: ``brute(topology, service_id) -> Truth``."""
    return brute_force
