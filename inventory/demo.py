"""Demo inventory: the whitepaper's print service, down to the SAN under both app servers.

Head office: a campus building with a data-centre room holding a rack. In the rack, the
print management application runs on an active/passive pair of servers behind a pair of
load balancers — and both servers, like the external print database, keep their disks on
one SAN. The pair looks redundant; the SAN makes it a single point of failure (the
whitepaper's customer learned this when a fire took out their data centre). Print
providers sit in an active/active pool behind the load balancers, and users release
their jobs at any multi-function device of a Find-Me pool.

Remote branch: a site server that takes over the application role when the WAN link or
head office is down (offline failover), a local print provider and a small Find-Me pool.
Devices connect to the site server as if it were the primary, so the branch keeps
printing without the head office, only without central accounting and new user sync
(degraded).

:func:`load` is idempotent: objects are found by name and only created when missing, so
running it again changes nothing. Dependencies are added for the business functions that
exist at the time (matched by keywords in their names), so a later run after the BIA
demo has created its functions fills in the rest.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User

from bcp.history import current_change_context
from bcp.models import Plan
from bia.models import BusinessFunction
from inventory import people_demo
from inventory.models import (
    Component,
    ComponentKind,
    Dependency,
    GroupMode,
    Need,
    RedundancyGroup,
    Site,
    SiteKind,
    Technique,
)
from inventory.services.components import component_create
from inventory.services.dependencies import dependency_create
from inventory.services.groups import group_create
from inventory.services.sites import site_create
from inventory.services.techniques import technique_catalogue_seed

REASON = "Demo inventory"

SITES: tuple[dict[str, Any], ...] = (
    {
        "name": "Head office campus",
        "kind": SiteKind.BUILDING,
        "parent": None,
        "availability_percent": 99.99,
        "availability_source": "estimate (facilities team, 2025)",
        "restore_hours": 168.0,
        "description": "Main building of the college, with the data centre room.",
    },
    {
        "name": "Head office data centre",
        "kind": SiteKind.DATA_CENTRE,
        "parent": "Head office campus",
        "availability_percent": 99.995,
        "availability_source": "monitoring 2025",
        "restore_hours": 72.0,
        "description": "Server room on the ground floor: cooling, UPS, one fire compartment.",
    },
    {
        "name": "Rack A1",
        "kind": SiteKind.RACK,
        "parent": "Head office data centre",
        "availability_percent": 99.999,
        "availability_source": "estimate",
        "restore_hours": 24.0,
        "description": "Holds the SAN and the print servers.",
    },
    {
        "name": "Riverside branch",
        "kind": SiteKind.BRANCH,
        "parent": None,
        "availability_percent": 99.95,
        "availability_source": "monitoring 2025",
        "restore_hours": 72.0,
        "description": "Remote campus linked to head office over a leased WAN line.",
    },
)


def _server(name: str, site: str, kind: str, **extra: Any) -> dict[str, Any]:
    # A typical x86 server: a hardware or OS fault about twice a year, a working day to fix.
    values = {
        "name": name,
        "kind": kind,
        "site": site,
        "owner": "Infrastructure team",
        "mtbf_hours": 4380.0,
        "mttr_hours": 8.0,
        "availability_source": "estimate (vendor MTBF, our repair times)",
        "restore_hours": 4.0,
        "cost_per_year": Decimal("4200.00"),
    }
    values.update(extra)
    return values


def _load_balancer(name: str) -> dict[str, Any]:
    # One of the pair in the head office data centre.
    return {
        "name": name,
        "kind": ComponentKind.LOAD_BALANCER,
        "site": "Head office data centre",
        "owner": "Network team",
        "availability_percent": 99.99,
        "availability_source": "vendor datasheet",
        "failover_seconds": 5.0,
        "restore_hours": 4.0,
        "runs_on": ["Data centre UPS"],
        "cost_per_year": Decimal("2500.00"),
    }


def _mfd(name: str, site: str) -> dict[str, Any]:
    return {
        "name": name,
        "kind": ComponentKind.PRINTER,
        "site": site,
        "owner": "Print services",
        "availability_percent": 98.0,
        "availability_source": "monitoring 2025 (service desk tickets)",
        "restore_hours": 24.0,
        "cost_per_year": Decimal("1800.00"),
        "notes": "Lease includes next-business-day engineer visits.",
    }


COMPONENTS: tuple[dict[str, Any], ...] = (
    {
        "name": "Data centre UPS",
        "kind": ComponentKind.POWER,
        "site": "Head office data centre",
        "owner": "Facilities",
        "availability_percent": 99.995,
        "availability_source": "vendor datasheet",
        "restore_hours": 8.0,
        "cost_per_year": Decimal("3500.00"),
        "notes": "Generator backed; 40 minutes on battery.",
    },
    {
        "name": "Head office SAN",
        "kind": ComponentKind.STORAGE,
        "site": "Rack A1",
        "owner": "Infrastructure team",
        "mtbf_hours": 87600.0,
        "mttr_hours": 12.0,
        "availability_source": "vendor datasheet",
        "holds_data": True,
        "backup_interval_hours": 24.0,
        "restore_hours": 24.0,
        "cost_per_year": Decimal("38000.00"),
        "runs_on": ["Data centre UPS"],
        "technique": "backup-restore",
        "notes": "Dual controllers, but one array in one room: both application servers "
        "and the print database keep their disks here.",
    },
    {
        "name": "Core network, head office",
        "kind": ComponentKind.NETWORK,
        "site": "Head office data centre",
        "owner": "Network team",
        "availability_percent": 99.99,
        "availability_source": "monitoring 2025",
        "restore_hours": 2.0,
        "runs_on": ["Data centre UPS"],
        "cost_per_year": Decimal("12000.00"),
    },
    _load_balancer("Load balancer 1"),
    _load_balancer("Load balancer 2"),
    _server(
        "Application server (primary)",
        "Rack A1",
        ComponentKind.SERVER,
        failover_seconds=60.0,
        runs_on=["Head office SAN"],
        notes="Print management application, primary role.",
    ),
    _server(
        "Application server (secondary)",
        "Rack A1",
        ComponentKind.SERVER,
        failover_seconds=60.0,
        runs_on=["Head office SAN"],
        notes="Standby; takes over when the primary fails its health check.",
    ),
    {
        "name": "Print database",
        "kind": ComponentKind.DATABASE,
        "site": "Rack A1",
        "owner": "Database team",
        "mtbf_hours": 8760.0,
        "mttr_hours": 4.0,
        "availability_source": "monitoring 2025",
        "holds_data": True,
        "backup_interval_hours": 24.0,
        "replication": "async",
        "replication_lag_seconds": 900.0,
        "restore_hours": 6.0,
        "runs_on": ["Head office SAN"],
        "technique": "log-shipping",
        "cost_per_year": Decimal("6500.00"),
        "notes": "External SQL database: nightly backup, transaction logs shipped "
        "off-site every 15 minutes.",
    },
    {
        "name": "User directory",
        "kind": ComponentKind.APPLICATION,
        "site": "Head office data centre",
        "owner": "Identity team",
        "availability_percent": 99.95,
        "availability_source": "monitoring 2025",
        "restore_hours": 2.0,
        "cost_per_year": Decimal("0.00"),
        "notes": "Card and password sign-in at the devices; shared with other services.",
    },
    _server("Print server 1", "Rack A1", ComponentKind.PRINT_PROVIDER, failover_seconds=15.0),
    _server("Print server 2", "Rack A1", ComponentKind.PRINT_PROVIDER, failover_seconds=15.0),
    _server("Print server 3", "Rack A1", ComponentKind.PRINT_PROVIDER, failover_seconds=15.0),
    _mfd("MFD Library", "Head office campus"),
    _mfd("MFD Admin block", "Head office campus"),
    _mfd("MFD Science wing", "Head office campus"),
    _mfd("MFD Student hub", "Head office campus"),
    {
        "name": "WAN link to Riverside",
        "kind": ComponentKind.NETWORK,
        "site": None,
        "owner": "Network team",
        "availability_percent": 99.8,
        "availability_source": "carrier SLA",
        "restore_hours": 8.0,
        "cost_per_year": Decimal("9600.00"),
        "notes": "Single leased line; the carrier's SLA promises a fix within 8 hours.",
    },
    _server(
        "Riverside site server",
        "Riverside branch",
        ComponentKind.SERVER,
        mttr_hours=24.0,
        failover_seconds=30.0,
        technique="site-server",
        notes="Takes over the application role for the branch while head office "
        "cannot be reached, then hands back and merges its logs.",
    ),
    _server("Riverside print server", "Riverside branch", ComponentKind.PRINT_PROVIDER),
    _mfd("MFD Riverside reception", "Riverside branch"),
    _mfd("MFD Riverside staff room", "Riverside branch"),
)

GROUPS: tuple[dict[str, Any], ...] = (
    {
        "name": "Load balancer pair",
        "mode": GroupMode.ACTIVE_PASSIVE,
        "k": 1,
        "failover_seconds": 5.0,
        "technique": "nlb-active-passive",
        "members": ["Load balancer 1", "Load balancer 2"],
        "notes": "Virtual IP moves to the standby within seconds.",
    },
    {
        "name": "Application server pair",
        "mode": GroupMode.ACTIVE_PASSIVE,
        "k": 1,
        "failover_seconds": 60.0,
        "technique": "nlb-active-passive",
        "members": ["Application server (primary)", "Application server (secondary)"],
        "notes": "Behind the load balancers; both servers use the same SAN.",
    },
    {
        "name": "Print providers",
        "mode": GroupMode.ACTIVE_ACTIVE,
        "k": 1,
        "failover_seconds": 15.0,
        "technique": "nlb-least-connection",
        "members": ["Print server 1", "Print server 2", "Print server 3"],
        "notes": "One server can carry the load outside term start.",
    },
    {
        "name": "Find-Me pool, head office",
        "mode": GroupMode.ACTIVE_ACTIVE,
        "k": 2,
        "failover_seconds": 0.0,
        "technique": "find-me-pool",
        "members": ["MFD Library", "MFD Admin block", "MFD Science wing", "MFD Student hub"],
        "notes": "Two working devices keep queues acceptable at peak.",
    },
    {
        "name": "Find-Me pool, Riverside",
        "mode": GroupMode.ACTIVE_ACTIVE,
        "k": 1,
        "failover_seconds": 0.0,
        "technique": "find-me-pool",
        "members": ["MFD Riverside reception", "MFD Riverside staff room"],
        "notes": "",
    },
)


def _needs(full: tuple[str, ...], degraded: tuple[str, ...] = ()) -> tuple[tuple[str, str], ...]:
    """(target, need) pairs: ``full`` needed fully, then ``degraded`` for degraded service."""
    return tuple((name, Need.FULL) for name in full) + tuple(
        (name, Need.DEGRADED) for name in degraded
    )


HEAD_OFFICE_NEEDS = _needs(
    full=(
        "Core network, head office",
        "Load balancer pair",
        "Application server pair",
        "Print database",
        "User directory",
        "Print providers",
        "Find-Me pool, head office",
    )
)
BRANCH_NEEDS = _needs(
    full=("Riverside site server", "Riverside print server", "Find-Me pool, Riverside"),
    degraded=(
        "WAN link to Riverside",
        "Application server pair",
        "Print database",
        "User directory",
    ),
)
ACCOUNTING_NEEDS = _needs(
    full=(
        "Application server pair",
        "Print database",
        "Load balancer pair",
        "Core network, head office",
    )
)
SCANNING_NEEDS = _needs(
    full=(
        "Core network, head office",
        "Load balancer pair",
        "Application server pair",
        "User directory",
        "Find-Me pool, head office",
    ),
    degraded=("Print database",),
)


def needs_for_function(name: str) -> tuple[tuple[str, str], ...]:
    """Which demo dependencies a BIA function gets, judged by words in its name."""
    lowered = name.lower()
    if any(word in lowered for word in ("branch", "riverside", "remote")):
        return BRANCH_NEEDS
    if any(word in lowered for word in ("account", "charg", "billing", "quota")):
        return ACCOUNTING_NEEDS
    if "scan" in lowered:
        # Scans go from the devices to mail and folders: no print servers involved.
        return SCANNING_NEEDS
    if any(word in lowered for word in ("print", "copy", "copying", "scan", "release")):
        return HEAD_OFFICE_NEEDS
    return ()


def _actor(users: dict[str, User]) -> User:
    context = current_change_context()
    if context is not None and context.user is not None:
        return context.user
    return users["manager"]  # bcp.demo always creates the manager


def load(plan: Plan, users: dict[str, User]) -> None:
    user = _actor(users)
    if not Technique.objects.filter(plan=plan).exists():
        technique_catalogue_seed(plan=plan, user=user, reason=REASON)
    techniques = {t.key: t for t in Technique.objects.filter(plan=plan)}

    sites = {s.name: s for s in Site.objects.filter(plan=plan)}
    for spec in SITES:
        if spec["name"] not in sites:
            values = {**spec, "parent": sites.get(spec["parent"]) if spec["parent"] else None}
            sites[spec["name"]] = site_create(plan=plan, user=user, values=values, reason=REASON)

    nodes: dict[str, Component | RedundancyGroup] = {
        c.name: c for c in Component.objects.filter(plan=plan)
    }
    nodes.update({x.name: x for x in RedundancyGroup.objects.filter(plan=plan)})
    for spec in COMPONENTS:
        if spec["name"] in nodes:
            continue
        values = {k: v for k, v in spec.items() if k != "runs_on"}
        values["site"] = sites[spec["site"]] if spec.get("site") else None
        values["technique"] = techniques.get(spec.get("technique") or "")
        nodes[spec["name"]] = component_create(
            plan=plan,
            user=user,
            values=values,
            runs_on=[nodes[name] for name in spec.get("runs_on", [])],
            reason=REASON,
        )
    for spec in GROUPS:
        if spec["name"] in nodes:
            continue
        values = {k: v for k, v in spec.items() if k != "members"}
        values["technique"] = techniques.get(spec["technique"])
        nodes[spec["name"]] = group_create(
            plan=plan,
            user=user,
            values=values,
            members=[nodes[name] for name in spec["members"]],
            reason=REASON,
        )

    _load_people(plan, user)
    existing: set[tuple[int, int | None, int | None]] = set(
        Dependency.objects.filter(plan=plan).values_list("function_id", "component_id", "group_id")
    )
    for function in BusinessFunction.objects.filter(plan=plan).order_by("name"):
        for target_name, need in needs_for_function(function.name):
            target = nodes[target_name]
            key = (
                function.pk,
                target.pk if isinstance(target, Component) else None,
                target.pk if isinstance(target, RedundancyGroup) else None,
            )
            if key in existing:
                continue
            dependency_create(function=function, target=target, user=user, need=need, reason=REASON)
            existing.add(key)


def _load_people(plan: Plan, user: User) -> None:
    """The print administrator and the managed-print supplier (``inventory.people_demo``)."""
    functions = [
        f
        for f in BusinessFunction.objects.filter(plan=plan).order_by("name")
        if needs_for_function(f.name) == HEAD_OFFICE_NEEDS
    ]
    people_demo.load(plan, user, functions)
