"""Single points of failure, and the hidden ones: the one definition the product uses.

A **single point of failure** (SPOF) of a service is a component or site whose failure
alone — every other component and site up — brings the service down
(``Model.necessary``; exact for these monotone structures).

A SPOF is **hidden** behind a redundancy group when the group looks redundant — it has
more members than it needs (n > k) — yet that one element's failure alone still brings
the group down. Formally, x is hidden behind g for service s when

    x ∈ SPOF(s),  g ∈ closure(s),  n(g) > k(g),  and g is down when only x is down.

For a 1-of-n group that means every member needs x; for a k-of-n group, more than n − k
members need it. The pages, the gap evidence and the plan document all read this.

Example (the whitepaper's SAN fire): app-server-1 and app-server-2 form a 1-of-2 pair and
both run on ``san`` → losing the SAN stops both, so the SAN is a SPOF of the print
service hidden behind the pair; the pair's members themselves are not SPOFs.
"""

from __future__ import annotations

from analysis.engine.structure import Model


def single_points_of_failure(model: Model, service_id: str) -> frozenset[str]:
    """Components and sites whose failure alone stops ``service_id`` (unordered)."""
    return model.necessary(service_id)


def hidden_single_points_of_failure(model: Model, service_id: str) -> dict[str, tuple[str, ...]]:
    """Each hidden SPOF of ``service_id`` with the redundancy groups it defeats.

    Groups are listed in dependency order (innermost first); SPOFs in id order.

    Example: print example, head-office service → {"san": ("app-pair",), ...}.
    """
    spofs = model.necessary(service_id)
    found: dict[str, list[str]] = {}
    if not spofs:
        return {}
    for node in model.closure(service_id):
        if model.kind(node) != "group":
            continue
        group = model.groups[node]
        if len(group.members) <= group.k:
            continue  # no spare member, so nothing to defeat
        for element in model.necessary(node) & spofs:
            found.setdefault(element, []).append(node)
    return {element: tuple(found[element]) for element in sorted(found)}
