"""The print service of the high-availability whitepaper, as engine inputs.

Two sites: the head office (with its data centre room) and a remote branch linked over a
WAN. At the head office an application server pair runs active/passive behind a pair of
load balancers — and both application servers, like the external print database, keep
their data on the same SAN, which is the hidden single point of failure the whitepaper's
data-centre fire exposed. Print providers sit behind the load balancers, and users release
jobs at a Find-Me pool of multi-function devices (at least two of four must work to keep
up with demand). At the branch a site server takes over from the head office when the WAN
or the head office fails (offline failover), next to a local print provider and a small
Find-Me pool.

The figures (MTBF, MTTR, availabilities, restore times, BIA scores) are plausible
assumptions for a demo, not measurements. Both the Django demo data and the tests use
this module, so keep ids stable.
"""

from __future__ import annotations

from typing import Final

from analysis.engine.objectives import ImpactAssessment
from analysis.engine.topology import Component, Group, Service, Site, Topology

HEAD_OFFICE_SERVICE: Final = "print-head-office"
BRANCH_SERVICE: Final = "print-branch"
CORE_SERVICE: Final = "print-core"

#: Business function → the service that carries it.
PRINT_FUNCTIONS: Final[dict[str, str]] = {
    "printing-head-office": HEAD_OFFICE_SERVICE,
    "printing-branch": BRANCH_SERVICE,
}


def _server(
    cid: str,
    site: str,
    *,
    kind: str,
    runs_on: tuple[str, ...] = (),
    failover_seconds: float | None = None,
) -> Component:
    # A typical x86 server: a hardware or OS fault about twice a year, a working day to fix.
    return Component(
        cid,
        mtbf_hours=4_380.0,
        mttr_hours=8.0,
        runs_on=runs_on,
        site=site,
        kind=kind,
        failover_seconds=failover_seconds,
        restore_hours=4.0,
    )


def _head_office_components() -> tuple[Component, ...]:
    """The SAN every head-office server keeps its data on, the balancers, the application
    pair, the print database and providers, and the Find-Me printers."""
    return (
        Component(
            "san",
            mtbf_hours=87_600.0,
            mttr_hours=12.0,
            site="hq-data-centre",
            kind="storage",
            holds_data=True,
            backup_interval_hours=24.0,
            restore_hours=24.0,
        ),
        *(
            Component(
                f"nlb-{i}",
                mtbf_hours=43_800.0,
                mttr_hours=2.0,
                site="hq-data-centre",
                kind="network",
                restore_hours=2.0,
            )
            for i in (1, 2)
        ),
        *(
            _server(
                f"app-server-{i}",
                "hq-data-centre",
                runs_on=("san",),
                kind="application",
                failover_seconds=60.0,
            )
            for i in (1, 2)
        ),
        Component(
            "print-db",
            mtbf_hours=8_760.0,
            mttr_hours=4.0,
            runs_on=("san",),
            site="hq-data-centre",
            kind="database",
            holds_data=True,
            backup_interval_hours=24.0,
            restore_hours=6.0,
        ),
        *(_server(f"print-server-{i}", "hq-data-centre", kind="print_server") for i in (1, 2)),
        *(
            Component(
                f"mfd-hq-{i}",
                availability=0.98,
                site="head-office",
                kind="printer",
                restore_hours=24.0,
            )
            for i in range(1, 5)
        ),
    )


def _branch_components() -> tuple[Component, ...]:
    """The WAN link to the head office, the branch's servers and its Find-Me printers."""
    return (
        Component("wan-link", availability=0.998, kind="network", restore_hours=8.0),
        _server("site-server", "branch", kind="application"),
        _server("branch-print-server", "branch", kind="print_server"),
        *(
            Component(
                f"mfd-br-{i}", availability=0.98, site="branch", kind="printer", restore_hours=24.0
            )
            for i in range(1, 4)
        ),
    )


def print_service_topology() -> Topology:
    """The whitepaper's print estate: 18 components, 3 sites, 6 groups, 4 services."""
    sites = (
        Site("head-office", availability=0.9999),
        Site("hq-data-centre", availability=0.99995, parent="head-office"),
        Site("branch", availability=0.9995),
    )
    groups = (
        Group("nlb-pair", "active_passive", ("nlb-1", "nlb-2"), failover_seconds=5.0),
        Group(
            "app-pair", "active_passive", ("app-server-1", "app-server-2"), failover_seconds=60.0
        ),
        Group(
            "print-providers",
            "active_active",
            ("print-server-1", "print-server-2"),
            failover_seconds=15.0,
        ),
        Group("find-me-hq", "active_active", tuple(f"mfd-hq-{i}" for i in range(1, 5)), k=2),
        Group("find-me-branch", "active_active", tuple(f"mfd-br-{i}" for i in range(1, 4)), k=1),
        Group(
            "branch-app-role",
            "active_passive",
            ("print-core-remote", "site-server"),
            failover_seconds=30.0,
        ),
    )
    services = (
        Service(CORE_SERVICE, ("nlb-pair", "app-pair", "print-db")),
        Service(HEAD_OFFICE_SERVICE, (CORE_SERVICE, "print-providers", "find-me-hq")),
        Service("print-core-remote", ("wan-link", CORE_SERVICE)),
        Service(BRANCH_SERVICE, ("branch-app-role", "branch-print-server", "find-me-branch")),
    )
    return Topology(
        components=(*_head_office_components(), *_branch_components()),
        groups=groups,
        services=services,
        sites=sites,
    )


def print_service_assessment() -> ImpactAssessment:
    """BIA answers for printing at the head office (assumed workshop results).

    Operational impact reaches "major" (3) after 4 hours in term time (+1 at peak, e.g.
    exam weeks), but staff can send documents to the branch or e-mail PDFs for 8 hours.
    Lost print jobs and accounting can be redone for up to 4 hours back.
    """
    return ImpactAssessment(
        horizons_hours=(1.0, 4.0, 24.0, 72.0, 168.0, 336.0, 720.0),
        impacts={
            "financial": (0, 1, 2, 3, 3, 4, 4),
            "operational": (1, 2, 3, 4, 4, 4, 4),
            "legal_regulatory": (0, 0, 1, 1, 2, 2, 3),
            "reputational": (0, 1, 1, 2, 3, 3, 4),
            "safety": (0, 0, 0, 0, 0, 0, 0),
        },
        threshold=3,
        peak_uplift=1,
        workaround_hours=8.0,
        work_recovery_hours=2.0,
        margin_fraction=0.1,
        data_loss_tolerance_hours=4.0,
        minimum_service_level_percent=50.0,
        expected_incidents_per_year=2.0,
    )


def print_branch_assessment() -> ImpactAssessment:
    """BIA answers for printing at the branch: a smaller office that copes longer."""
    return ImpactAssessment(
        horizons_hours=(1.0, 4.0, 24.0, 72.0, 168.0),
        impacts={
            "financial": (0, 0, 1, 2, 3),
            "operational": (0, 1, 2, 3, 4),
            "reputational": (0, 0, 1, 2, 2),
        },
        threshold=3,
        work_recovery_hours=4.0,
        data_loss_tolerance_hours=24.0,
        minimum_service_level_percent=30.0,
        expected_incidents_per_year=2.0,
    )
