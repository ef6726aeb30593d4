"""One service's structure function as a reduced ordered BDD, in a manager of its own.

Variables are ordered by a depth-first post-order from the service: what a component needs
(its site chain and what it runs on) before the component itself, so shared
infrastructure sits above the parts that use it and the diagram stays small. A site or
component is its own variable AND what it needs; a k-of-n group is "at least k members
up", AND its failover window (one more variable, up with probability 1 − f, see
``analysis.engine.availability``) when it has one; a service is the AND of what it needs.

Example (sites left out): a service on a 1-of-2 pair of servers that both run on one
SAN compiles to san ∧ (app-1 ∨ app-2) in the order san, app-1, app-2: 3 inner nodes.
"""

from __future__ import annotations

from dataclasses import dataclass

from analysis.engine.bdd import BDD, TRUE, deep_recursion
from analysis.engine.structure import FailoverLoss, Model


@dataclass(slots=True)
class ServiceDiagram:
    """One service's reduced ordered BDD, built in a manager of its own.

    Variables are ordered by a depth-first post-order from the service (what a component
    needs before the component), so the diagram, its size and the node budget depend on
    the service alone, never on what was analysed before it. ``levels`` maps each variable
    (and each failover window) to its level; ``windows`` maps window levels to groups.
    """

    bdd: BDD
    root: int
    levels: dict[str, int]
    variable_at: list[str]
    windows: dict[int, str]
    compiled_nodes: int = 0

    def size(self) -> int:
        return self.compiled_nodes


def compile_service(model: Model, service_id: str, *, node_limit: int | None) -> ServiceDiagram:
    """The service's diagram in a fresh manager, with at most ``node_limit`` nodes.

    Raises ``NodeLimitExceeded`` past the budget and ``RecursionError`` for a structure
    too deep to compile.
    """
    bdd = BDD()
    levels: dict[str, int] = {}
    variable_at: list[str] = []
    windows: dict[int, str] = {}
    built: dict[str, int] = {}

    def level_of(variable: str) -> int:
        level = levels.get(variable)
        if level is None:
            p, q = model.pq(variable)
            level = bdd.add_level(p, q)
            levels[variable] = level
            variable_at.append(variable)
        return level

    def window_level(group_id: str, fraction: float) -> int:
        key = f"{group_id}\x00failover-window"
        level = levels.get(key)
        if level is None:
            level = bdd.add_level(1.0 - fraction, fraction)
            levels[key] = level
            variable_at.append(key)
            windows[level] = group_id
        return level

    def build(element: str) -> int:
        node = built.get(element)
        if node is not None:
            return node
        kind = model.kind(element)
        if kind in ("site", "component"):
            # What it depends on first, its own variable last: a depth-first
            # post-order, which puts shared infrastructure above its users.
            below = [build(child) for child in model.children(element)]
            node = bdd.var(level_of(element))
            for child_node in below:
                node = bdd.and_(node, child_node)
        elif kind == "group":
            group = model.groups[element]
            node = bdd.at_least(group.k, [build(m) for m in group.members])
            loss = model.failover_loss(element)
            if isinstance(loss, FailoverLoss) and loss.lost_fraction > 0.0:
                node = bdd.and_(node, bdd.var(window_level(element, loss.lost_fraction)))
        else:
            node = TRUE
            for child in model.children(element):
                node = bdd.and_(node, build(child))
        built[element] = node
        return node

    depth = 2 * len(model.closure(service_id)) + 64
    bdd.set_budget(node_limit)
    try:
        with deep_recursion(depth):
            root = build(service_id)
    finally:
        bdd.set_budget(None)
    return ServiceDiagram(bdd, root, levels, variable_at, windows, len(bdd) - 2)
