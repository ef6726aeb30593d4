"""What-if shortcut: same-site redundant peers composed into a kept decision diagram.

Adding a peer x' next to a component x (same site, same dependencies) changes the
service's structure function only where x appears, so the service's kept diagram
(``analysis.engine.service_diagram``) can be rewritten instead of compiled again. The
result is the exact figure a fresh compile of the changed topology gives; the property
tests in tests/analysis/engine compare the two.

Example: the print service's application server with availability 0.99 on a SAN of
0.9999 gains a same-site peer of 0.99: A = 0.9999 × (1 − 0.01²) = 0.999 800 01 instead of
0.9999 × 0.99 = 0.989 901.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from analysis.engine.availability import ServiceAvailability
from analysis.engine.bdd import deep_recursion
from analysis.engine.budgets import SECONDS_PER_DAY
from analysis.engine.service_diagram import ServiceDiagram
from analysis.engine.structure import FailoverLoss, Model
from analysis.engine.topology import Topology
from analysis.engine.whatif import AddRedundantPeer


def compose_peers(
    diagram: ServiceDiagram | None,
    before: ServiceAvailability,
    base: Model,
    changed: Topology,
    changes: Sequence[AddRedundantPeer],
    *,
    node_limit: int | None,
    failover_members: frozenset[str],
) -> tuple[ServiceAvailability, Model] | None:
    """Same-site peers for components x₁…xₙ, without recompiling the function: the
    availability after, with the model of ``changed``, or None when a fresh run is needed.

    Every use of x becomes the pair {x, x'}; with the same site and dependencies D,
    (x ∧ D) ∨ (x' ∧ D) = (x ∨ x') ∧ D, and an active/passive pair adds its failover
    window w in series. x's variable appears only in x's own node, so the function's
    diagram with x replaced by (x ∨ x') ∧ w is exactly the changed function
    (``BDD.compose_monotone``), one peer after the other. Peers in another site, a
    component that is the active member of a pair with a failover window, and
    diagrams near the node budget (where a fresh compile might be refused) take a
    fresh run instead.
    """
    sid = before.service_id
    if (
        diagram is None
        or before.method != "exact_bdd"
        or (node_limit is not None and diagram.compiled_nodes * 4 > node_limit)
    ):
        return None
    targets = [c.component_id for c in changes]
    if len(set(targets)) != len(targets):
        return None
    for change in changes:
        original = base.components.get(change.component_id)
        if (
            original is None
            or (change.site is not None and change.site != original.site)
            # As the active member of a pair, x sets that pair's failover window,
            # which the new pair (now the active member) no longer has.
            or change.component_id in failover_members
        ):
            return None
    model = Model(changed, validate=False)
    pairs = changed.groups[len(changed.groups) - len(changes) :]  # appended in order
    bdd = diagram.bdd
    root = diagram.root
    for change, pair in zip(changes, pairs, strict=True):
        x_level = diagram.levels.get(change.component_id)
        if x_level is None:
            continue  # the function does not use x
        p, q = model.pq(pair.members[1])
        replacement = bdd.or_(bdd.var(x_level), bdd.var(bdd.add_level(p, q)))
        loss = model.failover_loss(pair.id)
        if isinstance(loss, FailoverLoss) and loss.lost_fraction > 0.0:
            window = bdd.add_level(1.0 - loss.lost_fraction, loss.lost_fraction)
            replacement = bdd.and_(replacement, bdd.var(window))
        with deep_recursion(2 * bdd.levels + 64):
            root = bdd.compose_monotone(root, x_level, replacement)
    availability, unavailability = bdd.probability(root)
    result = replace(
        before,
        availability=availability,
        unavailability=unavailability,
        downtime_seconds_per_year=unavailability * changed.year_days * SECONDS_PER_DAY,
        single_points_of_failure=tuple(sorted(model.necessary(sid))),
        importance=(),
        notes=("exact: the function's diagram with the peers composed in",),
        structural_availability=None,
        failover_losses=(),
        bdd_nodes=bdd.size(root),
    )
    return result, model
