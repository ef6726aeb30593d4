"""The standard HA technique catalogue every plan starts from.

The analysis engine's ``DEFAULT_TECHNIQUES`` is the source: same keys, failover times,
data loss, cost class and complexity (1 = least, 5 = most), so the catalogue a planner
edits and the remediation advice the engine gives agree. The inventory adds what the
engine does not model but a planner applies: the load-balancing variants (round-robin,
least connection, server affinity), and for each technique the recovery figures that
applying it pre-fills (replication mode, backup interval).
"""

from __future__ import annotations

from typing import Any

from analysis.engine.techniques import DEFAULT_TECHNIQUES
from inventory.fields import TECHNIQUE_FIELDS


def _row(**values: Any) -> dict[str, Any]:
    row: dict[str, Any] = {name: None for name in TECHNIQUE_FIELDS}
    row.update(description="", group_mode="", replication="")
    row.update(values)
    return row


# Load-balancing variants the whitepaper describes; the engine models them all as one
# active/active pool, so they share its figures.
EXTRA: tuple[dict[str, Any], ...] = (
    _row(
        key="nlb-round-robin",
        name="Active/active load balancing, round-robin with health checks",
        description="Each new connection goes to the next healthy server in turn; a server "
        "that fails its health check leaves the pool until it passes again.",
        group_mode="active_active",
        failover_seconds=10.0,
        cost_class=2,
        complexity=2,
    ),
    _row(
        key="nlb-least-connection",
        name="Active/active load balancing, least connection with health checks",
        description="New connections go to the healthy server with the fewest open ones.",
        group_mode="active_active",
        failover_seconds=10.0,
        cost_class=2,
        complexity=2,
    ),
    _row(
        key="nlb-server-affinity",
        name="Load balancing with server affinity",
        description="A client or print queue stays on the server it first reached, which "
        "cuts traffic between servers; its session is lost when that server fails.",
        group_mode="active_active",
        failover_seconds=30.0,
        cost_class=2,
        complexity=3,
    ),
)


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _from_engine() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for technique in DEFAULT_TECHNIQUES:
        effect = technique.effect
        data_loss = _float(technique.data_loss_seconds)
        row = _row(
            key=technique.key,
            name=technique.name,
            description=technique.assumptions[:1].upper() + technique.assumptions[1:]
            if technique.assumptions
            else "",
            failover_seconds=_float(technique.failover_seconds),
            restore_hours=_float(technique.restore_hours),
            data_loss_seconds=data_loss,
            cost_class=int(technique.cost_class),
            complexity=int(technique.complexity),
        )
        if effect in ("add_redundant_peer", "replicate_sync", "replicate_async"):
            row["group_mode"] = technique.group_mode
        if effect == "replicate_sync":
            row.update(replication="sync", replication_lag_seconds=0.0)
        elif effect == "replicate_async":
            row.update(replication="async", replication_lag_seconds=data_loss)
        elif effect == "backup" and data_loss:
            # Backups every data-loss window: the worst case loses one interval.
            row["backup_interval_hours"] = data_loss / 3600.0
        elif effect == "standby_site" and technique.key == "hot-site":
            row["group_mode"] = "active_passive"
        rows.append(row)
    return rows


def default_techniques() -> list[dict[str, Any]]:
    """The seed as dictionaries of ``Technique`` field values, ordered by key."""
    rows = _from_engine()
    keys = {row["key"] for row in rows}
    rows.extend(dict(row) for row in EXTRA if row["key"] not in keys)
    return sorted(rows, key=lambda row: row["key"])
