"""One service's structure function as a reduced ordered BDD, in a manager of its own.

Variables are ordered by a depth-first post-order from the service: what a component needs
(its site chain and what it runs on) before the component itself, so shared
infrastructure sits above the parts that use it and the diagram stays small. A site or
component is its own variable AND what it needs; a k-of-n group is "at least k members
up", AND its failover window (one more variable, up with probability 1 − f, see
``analysis.engine.availability``) when it has one; a service is the AND of what it needs.

Example (sites left out): a service on a 1-of-2 pair of servers that both run on one
SAN compiles to san ∧ (app-1 ∨ app-2) in the order san, app-1, app-2: 3 inner nodes.

A changed copy of the service (a what-if: a peer in a recovery site, one more group
member) is compiled again into the same manager by ``recompile_service``: its variables
take the order a fresh compile would give them (the new ones inserted where the
post-order meets them), and every element the change does not reach keeps its node. An
ROBDD is canonical for its order, so the result is the fresh compile's diagram node for
node, and its probabilities are the same sums to the last bit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from analysis.engine.bdd import BDD, TRUE, NodeLimitExceeded, deep_recursion
from analysis.engine.structure import FailoverLoss, Model


@dataclass(slots=True)
class ServiceDiagram:
    """One service's reduced ordered BDD, built in a manager of its own.

    Variables are ordered by a depth-first post-order from the service (what a component
    needs before the component), so the diagram, its size and the node budget depend on
    the service alone, never on what was analysed before it. ``levels`` maps each variable
    (and each failover window) to its level; ``windows`` maps window levels to groups;
    ``built`` holds each element's node.
    """

    bdd: BDD
    root: int
    levels: dict[str, int]
    variable_at: dict[int, str]
    windows: dict[int, str]
    compiled_nodes: int = 0
    built: dict[str, int] = field(default_factory=dict)

    def size(self) -> int:
        return self.compiled_nodes


def _window_key(group_id: str) -> str:
    return f"{group_id}\x00failover-window"


def _window_fraction(model: Model, group_id: str) -> float | None:
    loss = model.failover_loss(group_id)
    if isinstance(loss, FailoverLoss) and loss.lost_fraction > 0.0:
        return loss.lost_fraction
    return None


def _build(
    model: Model,
    service_id: str,
    diagram: ServiceDiagram,
    level_of: Callable[[str], int],
    reused: dict[str, int],
    node_limit: int | None,
) -> int:
    """Build ``service_id`` into ``diagram`` (its ``built`` filled on the way); elements
    in ``reused`` keep that node. ``level_of`` gives each variable's level."""
    bdd, built = diagram.bdd, diagram.built

    def build(element: str) -> int:
        node = built.get(element)
        if node is not None:
            return node
        node = reused.get(element)
        if node is not None:
            built[element] = node
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
            if _window_fraction(model, element) is not None:
                node = bdd.and_(node, bdd.var(level_of(_window_key(element))))
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
            return build(service_id)
    finally:
        bdd.set_budget(None)


def compile_service(model: Model, service_id: str, *, node_limit: int | None) -> ServiceDiagram:
    """The service's diagram in a fresh manager, with at most ``node_limit`` nodes.

    Raises ``NodeLimitExceeded`` past the budget and ``RecursionError`` for a structure
    too deep to compile.
    """
    diagram = ServiceDiagram(BDD(), TRUE, {}, {}, {})
    bdd, levels = diagram.bdd, diagram.levels

    def level_of(variable: str) -> int:
        level = levels.get(variable)
        if level is None:
            group_id, window, _ = variable.partition("\x00")
            if window:
                fraction = _window_fraction(model, group_id)
                assert fraction is not None
                level = bdd.add_level(1.0 - fraction, fraction)
                diagram.windows[level] = group_id
            else:
                p, q = model.pq(variable)
                level = bdd.add_level(p, q)
            levels[variable] = level
            diagram.variable_at[level] = variable
        return level

    diagram.root = _build(model, service_id, diagram, level_of, {}, node_limit)
    diagram.compiled_nodes = len(bdd) - 2
    return diagram


def _variable_order(model: Model, service_id: str) -> list[tuple[str, tuple[float, float]]]:
    """The variables (and failover windows) of ``service_id`` with their (up, down)
    probabilities, in the order ``compile_service`` declares them: ``Model.closure`` is
    the same depth-first post-order its build follows."""
    order: list[tuple[str, tuple[float, float]]] = []
    for element in model.closure(service_id):
        kind = model.kind(element)
        if kind in ("site", "component"):
            order.append((element, model.pq(element)))
        elif kind == "group":
            fraction = _window_fraction(model, element)
            if fraction is not None:
                order.append((_window_key(element), (1.0 - fraction, fraction)))
    return order


def _unchanged(base: Model, model: Model, element: str) -> bool:
    """Whether ``element`` is defined alike in both models (its children, and for a group
    its k, mode and failover time); what its children are is checked separately."""
    if not base.has(element) or base.kind(element) != model.kind(element):
        return False
    if model.kind(element) == "group":
        return base.groups[element] == model.groups[element]
    return base.children(element) == model.children(element)


def recompile_service(
    diagram: ServiceDiagram,
    base: Model,
    model: Model,
    service_id: str,
    *,
    node_limit: int | None,
) -> ServiceDiagram | None:
    """``service_id`` of the changed ``model`` compiled into ``diagram``'s manager (that of
    ``base``), or None when a fresh compile is needed.

    The result is the diagram ``compile_service(model, …)`` gives, node for node: the
    variables both models share keep their levels, and must keep their relative order and
    their probabilities; new variables get levels inserted right after the shared one the
    post-order meets before them. Elements defined alike whose children are all unchanged
    keep their node. None when the shared variables would change order or probability,
    when an insertion gap is full, or past ``node_limit`` new nodes (the fresh compile
    then decides whether the budget allows it).

    Example: a peer of ``san`` in a recovery site declares, right after ``san``, the
    recovery site and the peer: every server above the SAN is built again on
    ``san ∨ (recovery ∧ san-peer)``; the sites and network below keep their nodes.
    """
    bdd, old_levels = diagram.bdd, diagram.levels
    order = _variable_order(model, service_id)
    previous = 0
    for name, probabilities in order:
        level = old_levels.get(name)
        if level is None:
            continue
        if level <= previous or bdd.pq(level) != probabilities:
            return None
        previous = level
    changed = ServiceDiagram(bdd, TRUE, {}, {}, {})
    anchor = 0
    for name, (p, q) in order:
        level = old_levels.get(name)
        if level is None:
            inserted = bdd.insert_level(anchor, p, q)
            if inserted is None:
                return None
            level = inserted
        else:
            anchor = level
        changed.levels[name] = level
        changed.variable_at[level] = name
        group_id, window, _ = name.partition("\x00")
        if window:
            changed.windows[level] = group_id
    reused: dict[str, int] = {}
    for element in model.closure(service_id):
        node = diagram.built.get(element)
        if (
            node is not None
            and _unchanged(base, model, element)
            and all(child in reused for child in model.children(element))
            and (model.kind(element) != "group" or _same_window(diagram, changed, element))
        ):
            reused[element] = node
    try:
        changed.root = _build(
            model, service_id, changed, changed.levels.__getitem__, reused, node_limit
        )
    except NodeLimitExceeded:
        return None
    changed.compiled_nodes = len(bdd) - 2
    return changed


def _same_window(before: ServiceDiagram, after: ServiceDiagram, group_id: str) -> bool:
    """Whether a group has the same failover window (none, or the same level) in both."""
    key = _window_key(group_id)
    return before.levels.get(key) == after.levels.get(key)
