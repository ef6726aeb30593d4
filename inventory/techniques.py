"""The standard HA technique catalogue every plan starts from.

The analysis engine may ship its own ``DEFAULT_TECHNIQUES``; when it does, its keys and
figures win (see :func:`default_techniques`), so the remediation advice and the catalogue
agree. Otherwise the seed below is used. Figures are typical values for planning, not
promises: each plan edits its own copy.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class TechniqueSeed:
    key: str
    name: str
    description: str
    group_mode: str = ""
    failover_seconds: float | None = None
    restore_hours: float | None = None
    data_loss_seconds: float | None = None
    backup_interval_hours: float | None = None
    replication: str = ""
    replication_lag_seconds: float | None = None
    cost_class: str = "medium"
    complexity: str = "medium"


SEED: tuple[TechniqueSeed, ...] = (
    TechniqueSeed(
        "nlb-active-passive",
        "Network load balancing, active/passive",
        "A load balancer sends all traffic to the active server and switches to the standby "
        "when health checks fail.",
        group_mode="active_passive",
        failover_seconds=30.0,
        cost_class="medium",
        complexity="medium",
    ),
    TechniqueSeed(
        "nlb-round-robin",
        "Network load balancing, active/active (round-robin, health checks)",
        "Each new connection goes to the next healthy server in turn; unhealthy servers "
        "drop out of the pool automatically.",
        group_mode="active_active",
        failover_seconds=10.0,
        cost_class="medium",
        complexity="medium",
    ),
    TechniqueSeed(
        "nlb-least-connection",
        "Network load balancing, active/active (least connection, health checks)",
        "New connections go to the healthy server with the fewest open connections.",
        group_mode="active_active",
        failover_seconds=10.0,
        cost_class="medium",
        complexity="medium",
    ),
    TechniqueSeed(
        "nlb-server-affinity",
        "Network load balancing with server affinity",
        "Keeps a client (or a print queue) on the server it first reached, which cuts "
        "traffic between servers; a failover loses the session.",
        group_mode="active_active",
        failover_seconds=30.0,
        cost_class="medium",
        complexity="medium",
    ),
    TechniqueSeed(
        "os-clustering",
        "Operating-system clustering",
        "A cluster service moves the workload and its shared disk to a surviving node.",
        group_mode="active_passive",
        failover_seconds=120.0,
        data_loss_seconds=0.0,
        cost_class="high",
        complexity="high",
    ),
    TechniqueSeed(
        "vm-ha",
        "Virtual machine high availability",
        "The hypervisor restarts a failed host's virtual machines on another host.",
        group_mode="active_passive",
        failover_seconds=300.0,
        data_loss_seconds=0.0,
        cost_class="medium",
        complexity="low",
    ),
    TechniqueSeed(
        "backup-restore",
        "Backup and restore",
        "Nightly backups kept off the system; recovery means rebuilding and restoring.",
        restore_hours=8.0,
        data_loss_seconds=86_400.0,
        backup_interval_hours=24.0,
        cost_class="low",
        complexity="low",
    ),
    TechniqueSeed(
        "db-sync-replication",
        "Synchronous database replication",
        "Every transaction commits on both copies before it is acknowledged.",
        group_mode="active_passive",
        failover_seconds=60.0,
        data_loss_seconds=0.0,
        replication="sync",
        replication_lag_seconds=0.0,
        cost_class="high",
        complexity="high",
    ),
    TechniqueSeed(
        "db-async-replication",
        "Asynchronous database replication",
        "Changes are shipped to a replica shortly after they commit; a failover can lose "
        "the last few seconds.",
        group_mode="active_passive",
        failover_seconds=300.0,
        data_loss_seconds=30.0,
        replication="async",
        replication_lag_seconds=30.0,
        cost_class="medium",
        complexity="medium",
    ),
    TechniqueSeed(
        "log-shipping",
        "Off-site transaction log shipping",
        "Nightly backup plus transaction logs written to an off-site server through the day.",
        restore_hours=4.0,
        data_loss_seconds=900.0,
        replication="async",
        replication_lag_seconds=900.0,
        backup_interval_hours=24.0,
        cost_class="low",
        complexity="medium",
    ),
    TechniqueSeed(
        "site-server-offline",
        "Offline failover to a site server",
        "A local server takes over the central application's role at a remote site while "
        "the link or head office is down, and hands back afterwards.",
        group_mode="active_passive",
        failover_seconds=60.0,
        cost_class="low",
        complexity="low",
    ),
    TechniqueSeed(
        "find-me-pool",
        "Find-Me print pool",
        "Jobs wait in one virtual queue and are released at any device of the pool, so a "
        "broken device only sends people to the next one.",
        group_mode="active_active",
        failover_seconds=0.0,
        cost_class="low",
        complexity="low",
    ),
    TechniqueSeed(
        "hot-site",
        "Hot site",
        "A second site runs a live copy and takes over within minutes.",
        group_mode="active_passive",
        failover_seconds=900.0,
        data_loss_seconds=0.0,
        cost_class="high",
        complexity="high",
    ),
    TechniqueSeed(
        "warm-site",
        "Warm site",
        "Equipment is in place at a second site; data is restored before it takes over.",
        restore_hours=24.0,
        data_loss_seconds=86_400.0,
        cost_class="medium",
        complexity="medium",
    ),
    TechniqueSeed(
        "cold-site",
        "Cold site",
        "Space and power at a second site; equipment is brought in and rebuilt from backups.",
        restore_hours=168.0,
        data_loss_seconds=86_400.0,
        cost_class="low",
        complexity="medium",
    ),
)

FIELDS = tuple(TechniqueSeed.__dataclass_fields__)


def _from_engine() -> list[dict[str, Any]] | None:
    try:
        from analysis.engine import remediation  # type: ignore[attr-defined]
    except ImportError:
        return None
    techniques = getattr(remediation, "DEFAULT_TECHNIQUES", None)
    if not techniques:
        return None
    rows: list[dict[str, Any]] = []
    for technique in techniques:
        row = {name: getattr(technique, name, None) for name in FIELDS}
        if not row["key"] or not row["name"]:
            return None
        rows.append(row)
    return rows


def default_techniques() -> list[dict[str, Any]]:
    """The seed as dictionaries of model field values."""
    rows = [asdict(seed) for seed in SEED]
    engine_rows = _from_engine()
    if engine_rows:
        by_key = {row["key"]: row for row in rows}
        for row in engine_rows:
            merged = {**by_key.get(row["key"], {}), **{k: v for k, v in row.items() if v}}
            by_key[row["key"]] = {name: merged.get(name) for name in FIELDS}
        rows = list(by_key.values())
    for row in rows:
        for text_field in ("description", "group_mode", "replication"):
            row[text_field] = row.get(text_field) or ""
        row["cost_class"] = row.get("cost_class") or "medium"
        row["complexity"] = row.get("complexity") or "medium"
    return rows
