"""Hypothesis strategies for random engine inputs, shared by the property tests."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from analysis.engine.topology import Component, Group, GroupMode, Service, Site, Topology

# Random estates are large and slow to draw by design: no deadline, and no health check
# on drawing time or size. Each test adds how many examples it runs.
LARGE_RANDOM_INPUTS = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

availabilities = st.one_of(
    st.floats(min_value=0.0, max_value=1.0),
    st.sampled_from([0.0, 1.0, 0.5, 0.9, 0.99, 0.999_9, 1 - 1e-7]),
)


class Parts:
    """The parts of a random topology as they are drawn. Each new element may need only
    elements drawn before it (``refs``), so the structure never has a cycle."""

    def __init__(self, draw: st.DrawFn) -> None:
        self.draw = draw
        self.components: list[Component] = []
        self.groups: list[Group] = []
        self.services: list[Service] = []
        self.refs: list[str] = []

    def pick(self, low: int, high: int) -> tuple[str, ...]:
        """Between ``low`` and ``high`` distinct earlier ids, in a random order."""
        if not self.refs:
            return ()
        size = self.draw(st.integers(min(low, len(self.refs)), min(high, len(self.refs))))
        return tuple(self.draw(st.permutations(self.refs))[:size])

    def add(self, element: Component | Service) -> None:
        if isinstance(element, Component):
            self.components.append(element)
        else:
            self.services.append(element)
        self.refs.append(element.id)

    def add_group(self, mode: Callable[[int], GroupMode]) -> None:
        """A k-of-n group of 2 to 4 earlier elements; ``mode(k)`` draws its mode."""
        members = self.pick(2, 4)
        k = self.draw(st.integers(1, len(members)))
        self.groups.append(Group(f"g{len(self.groups)}", mode(k), members, k=k))
        self.refs.append(self.groups[-1].id)

    def topology(self, sites: list[Site]) -> Topology:
        return Topology(
            components=tuple(self.components),
            groups=tuple(self.groups),
            services=tuple(self.services),
            sites=tuple(sites),
        )


def nested_sites(draw: st.DrawFn, count: int, availability: st.SearchStrategy[float]) -> list[Site]:
    """``count`` sites ``s0``, ``s1``, …, each standing alone or inside one drawn before it."""
    sites: list[Site] = []
    for i in range(count):
        parent = draw(st.sampled_from([None, *[s.id for s in sites]]))
        sites.append(Site(f"s{i}", availability=draw(availability), parent=parent))
    return sites


@st.composite
def structures(draw: st.DrawFn) -> Topology:
    n_sites = draw(st.integers(0, 3))
    n_components = draw(st.integers(2, 12 - n_sites))
    sites = nested_sites(draw, n_sites, availabilities)
    parts = Parts(draw)

    def mode(k: int) -> GroupMode:
        return draw(
            st.sampled_from(["active_active", "active_passive"] if k == 1 else ["active_active"])
        )

    for i in range(n_components):
        site = draw(st.sampled_from([None, *[s.id for s in sites]]))
        runs_on = parts.pick(0, 2)
        if draw(st.booleans()):
            comp = Component(f"c{i}", draw(availabilities), runs_on=runs_on, site=site)
        else:
            mtbf = draw(st.floats(min_value=1.0, max_value=1e5))
            mttr = draw(st.floats(min_value=0.1, max_value=100.0))
            comp = Component(f"c{i}", mtbf_hours=mtbf, mttr_hours=mttr, runs_on=runs_on, site=site)
        parts.add(comp)
        extra = draw(st.sampled_from(["none", "group", "group", "service"]))
        if extra == "group" and len(parts.refs) >= 2:
            parts.add_group(mode)
        elif extra == "service":
            parts.add(Service(f"v{len(parts.services)}", parts.pick(1, 3)))
    for _ in range(draw(st.integers(1, 2))):
        parts.add_group(mode)
    parts.add(Service("root", (parts.refs[-1], *parts.pick(0, 2))))
    return parts.topology(sites)
