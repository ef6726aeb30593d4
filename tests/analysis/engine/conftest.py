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

from analysis.engine.topology import Component, Group, Service, Site, Topology

MAX_VARIABLES = 16


@dataclass(frozen=True)
class Truth:
    variables: tuple[str, ...]
    availability: float
    unavailability: float
    birnbaum: dict[str, float]
    spofs: frozenset[str]


Element = Site | Component | Group | Service


def _index(t: Topology) -> dict[str, Element]:
    elements: list[Element] = [*t.sites, *t.components, *t.groups, *t.services]
    return {element.id: element for element in elements}


def _refs(item: Element) -> tuple[str, ...]:
    if isinstance(item, Site):
        return () if item.parent is None else (item.parent,)
    if isinstance(item, Component):
        return ((item.site,) if item.site else ()) + tuple(item.runs_on)
    if isinstance(item, Group):
        return tuple(item.members)
    return tuple(item.requires)


def _support(index: dict[str, Element], root: str) -> list[str]:
    found: list[str] = []
    seen: set[str] = set()

    def walk(node: str) -> None:
        if node in seen:
            return
        seen.add(node)
        item = index[node]
        if isinstance(item, Site | Component):
            found.append(node)
        for ref in _refs(item):
            walk(ref)

    walk(root)
    return sorted(found)


def _mtbf_mttr(item: Component) -> tuple[float, float]:
    """MTBF and MTTR of a component without a given availability (a valid topology has both)."""
    assert item.mtbf_hours is not None and item.mttr_hours is not None, item.id
    return float(item.mtbf_hours), float(item.mttr_hours)


def _up_probability(item: Element) -> float:
    if isinstance(item, Site):
        return float(item.availability)
    assert isinstance(item, Component), f"{item.id} is not a variable"
    if item.availability is not None:
        return float(item.availability)
    mtbf, mttr = _mtbf_mttr(item)
    return mtbf / (mtbf + mttr)


def _down_probability(item: Element) -> float:
    if isinstance(item, Component) and item.availability is None:
        mtbf, mttr = _mtbf_mttr(item)
        return mttr / (mtbf + mttr)
    return 1.0 - _up_probability(item)


def _is_up(index: dict[str, Element], node: str, state: dict[str, bool]) -> bool:
    item = index[node]
    if isinstance(item, Site | Component):
        return state[node] and all(_is_up(index, ref, state) for ref in _refs(item))
    if isinstance(item, Group):
        alive = sum(1 for m in item.members if _is_up(index, m, state))
        return alive >= item.k
    return all(_is_up(index, ref, state) for ref in item.requires)


def brute_force(t: Topology, service_id: str) -> Truth:
    """Enumerate all 2^n states of the service's variables."""
    index = _index(t)
    variables = _support(index, service_id)
    n = len(variables)
    assert n <= MAX_VARIABLES, f"{service_id} has {n} variables; brute force is capped at 16"
    up_p = np.array([_up_probability(index[v]) for v in variables])
    down_p = np.array([_down_probability(index[v]) for v in variables])
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
