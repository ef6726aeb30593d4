"""Hypothesis strategies for random engine inputs, shared by the property tests."""

from __future__ import annotations

from hypothesis import strategies as st

from analysis.engine.topology import Component, Group, Service, Site, Topology

availabilities = st.one_of(
    st.floats(min_value=0.0, max_value=1.0),
    st.sampled_from([0.0, 1.0, 0.5, 0.9, 0.99, 0.999_9, 1 - 1e-7]),
)


@st.composite
def structures(draw: st.DrawFn) -> Topology:
    n_sites = draw(st.integers(0, 3))
    n_components = draw(st.integers(2, 12 - n_sites))
    sites: list[Site] = []
    for i in range(n_sites):
        parent = draw(st.sampled_from([None, *[s.id for s in sites]]))
        sites.append(Site(f"s{i}", availability=draw(availabilities), parent=parent))
    components: list[Component] = []
    groups: list[Group] = []
    services: list[Service] = []
    refs: list[str] = []

    def pick(low: int, high: int) -> tuple[str, ...]:
        if not refs:
            return ()
        size = draw(st.integers(min(low, len(refs)), min(high, len(refs))))
        return tuple(draw(st.permutations(refs))[:size])

    def add_group() -> None:
        members = pick(2, 4)
        k = draw(st.integers(1, len(members)))
        modes = ["active_active", "active_passive"] if k == 1 else ["active_active"]
        groups.append(Group(f"g{len(groups)}", draw(st.sampled_from(modes)), members, k=k))
        refs.append(groups[-1].id)

    for i in range(n_components):
        site = draw(st.sampled_from([None, *[s.id for s in sites]]))
        runs_on = pick(0, 2)
        if draw(st.booleans()):
            comp = Component(f"c{i}", draw(availabilities), runs_on=runs_on, site=site)
        else:
            mtbf = draw(st.floats(min_value=1.0, max_value=1e5))
            mttr = draw(st.floats(min_value=0.1, max_value=100.0))
            comp = Component(f"c{i}", mtbf_hours=mtbf, mttr_hours=mttr, runs_on=runs_on, site=site)
        components.append(comp)
        refs.append(comp.id)
        extra = draw(st.sampled_from(["none", "group", "group", "service"]))
        if extra == "group" and len(refs) >= 2:
            add_group()
        elif extra == "service":
            services.append(Service(f"v{len(services)}", pick(1, 3)))
            refs.append(services[-1].id)
    for _ in range(draw(st.integers(1, 2))):
        add_group()
    services.append(Service("root", (refs[-1], *pick(0, 2))))
    return Topology(
        components=tuple(components),
        groups=tuple(groups),
        services=tuple(services),
        sites=tuple(sites),
    )
