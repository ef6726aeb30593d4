"""Benchmark of the availability engine on a synthetic organisation.

Run from the repository root:

    python tests/benchmarks/bench_engine.py [--out var/benchmarks/engine.json] [--scales 1,2,4]

It builds, from a fixed seed, an organisation of 1 000 services over 10 000 components,
about 30 000 dependency edges and 200 sites at scale ×1 (×2 and ×4 multiply everything),
with the sharing real estates have: campuses → buildings → rooms; per campus a redundant
network core, a handful of SANs, hypervisor clusters whose hosts all sit on one SAN, and
active/passive database pairs shared by several services; each service has groups of 2–4
virtual machines, single VMs, a database pair, and sometimes shared platform services
(directory, DNS, ...).

It measures the full analysis (availability + SPOFs + importance for every service), one
service's recompute from scratch, 10^6 Monte Carlo samples of a 50-component service, and
gap analysis with remedies proven on the whole function for 20 services,
writes the figures with machine information as JSON, and prints a table.
Targets: full ≤ 5 s at ×1 on 2 cores, one service ≤ 100 ms, Monte Carlo ≤ 2 s.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import resource
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TypeVar

import numpy

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from analysis.engine.availability import AvailabilityAnalyzer, service_availability  # noqa: E402
from analysis.engine.gaps import Requirements, analyse_gaps  # noqa: E402
from analysis.engine.structure import Model  # noqa: E402
from analysis.engine.topology import (  # noqa: E402
    Component,
    Group,
    Service,
    Site,
    Topology,
)
from analysis.engine.validation import validate_topology  # noqa: E402
from tests.benchmarks.machine import figures_write, load_average, machine  # noqa: E402

SEED = 20_240_611
TARGET_FULL_S = 5.0
TARGET_ONE_MS = 100.0
TARGET_MC_S = 2.0


def synthetic_organisation(scale: float = 1, seed: int = SEED) -> Topology:
    """Deterministic estate: 1 000·scale services, 10 000·scale components, 200·scale sites.

    Below ×1 (a smoke run) there is at least one campus and every service keeps a few
    virtual machines of its own, so the shape stays the same at any size."""
    rng = random.Random(seed * 1_000 + scale)
    sites: list[Site] = []
    components: list[Component] = []
    groups: list[Group] = []
    services: list[Service] = []
    n_campus = max(1, round(10 * scale))
    rooms_by_campus: dict[int, list[str]] = {}
    room_total = 0
    for c in range(n_campus):
        campus = f"campus-{c}"
        sites.append(Site(campus, availability=0.99995))
        rooms_by_campus[c] = []
        for b in range(4):
            building = f"{campus}-b{b}"
            sites.append(Site(building, availability=0.99998, parent=campus))
            n_rooms = 4 if (c * 4 + b) % 4 != 3 else 3  # 15 rooms per campus → 200 sites per 10
            for r in range(n_rooms):
                room = f"{building}-r{r}"
                sites.append(Site(room, availability=0.99999, parent=building))
                rooms_by_campus[c].append(room)
                room_total += 1

    def server(cid: str, room: str, runs_on: tuple[str, ...], kind: str) -> Component:
        mtbf = rng.choice((8_760.0, 17_520.0, 26_280.0, 43_800.0))
        mttr = rng.choice((2.0, 4.0, 8.0, 24.0))
        return Component(
            cid, mtbf_hours=mtbf, mttr_hours=mttr, runs_on=runs_on, site=room, kind=kind
        )

    clusters_by_campus: dict[int, list[str]] = {}
    dbs_by_campus: dict[int, list[str]] = {}
    core_by_campus: dict[int, str] = {}
    for c in range(n_campus):
        rooms = rooms_by_campus[c]
        core = f"c{c}-core"
        for s in range(2):
            components.append(
                Component(f"{core}-sw{s}", availability=0.99995, site=rooms[s], kind="network")
            )
        groups.append(Group(core, "active_active", (f"{core}-sw0", f"{core}-sw1")))
        core_by_campus[c] = core
        sans = []
        for s in range(5):
            san = f"c{c}-san{s}"
            components.append(
                Component(
                    san,
                    availability=0.99995,
                    runs_on=(core,),
                    site=rng.choice(rooms),
                    kind="storage",
                    holds_data=True,
                    backup_interval_hours=24.0,
                )
            )
            sans.append(san)
        clusters_by_campus[c] = []
        for k in range(10):
            san = sans[k % len(sans)]
            room = rng.choice(rooms)
            hosts = []
            for h in range(4):
                host = f"c{c}-cl{k}-h{h}"
                components.append(server(host, room, (core, san), "server"))
                hosts.append(host)
            cluster = f"c{c}-cl{k}"
            groups.append(Group(cluster, "active_active", tuple(hosts), k=1))
            clusters_by_campus[c].append(cluster)
        dbs_by_campus[c] = []
        for d in range(30):
            san = rng.choice(sans)
            pair = []
            for m in range(2):
                db = f"c{c}-db{d}-{m}"
                components.append(server(db, rng.choice(rooms), (core, san), "database"))
                pair.append(db)
            group = f"c{c}-db{d}"
            groups.append(Group(group, "active_passive", tuple(pair), failover_seconds=30.0))
            dbs_by_campus[c].append(group)

    n_services = max(1, round(1_000 * scale))
    remaining = round(10_000 * scale) - len(components)
    if scale < 1:  # a smoke run: enough VMs that every service keeps one outside its tiers
        remaining = max(9 * n_services, remaining)
    vm_counts = [remaining // n_services] * n_services
    for i in range(remaining - sum(vm_counts)):
        vm_counts[i] += 1
    platform_services = [f"svc-{i}" for i in range(max(2, round(20 * scale)))]
    for i in range(n_services):
        home = i % n_campus
        core = core_by_campus[home]
        clusters = rng.sample(clusters_by_campus[home], 2)
        vms = []
        for v in range(vm_counts[i]):
            vm = f"svc-{i}-vm{v}"
            availability = rng.choice((0.999, 0.9995, 0.9999))
            components.append(
                Component(
                    vm,
                    availability=availability,
                    runs_on=(clusters[v % 2], core),
                    kind="application",
                )
            )
            vms.append(vm)
        requires: list[str] = []
        cursor = 0
        for tier in range(2):
            size = rng.randint(2, 4)
            members = tuple(vms[cursor : cursor + size])
            cursor += size
            if len(members) < 2:
                break
            k = 1 if tier == 0 else max(1, len(members) - 1)
            gid = f"svc-{i}-tier{tier}"
            groups.append(Group(gid, "active_active", members, k=k))
            requires.append(gid)
        requires.extend(vms[cursor:])
        requires.append(rng.choice(dbs_by_campus[home]))
        if i >= len(platform_services) and rng.random() < 0.3:
            requires.extend(rng.sample(platform_services, rng.randint(1, 2)))
        services.append(Service(f"svc-{i}", tuple(requires)))
    return Topology(
        components=tuple(components),
        groups=tuple(groups),
        services=tuple(services),
        sites=tuple(sites),
    )


def scale_factor(text: str) -> float:
    """A size factor from the command line; whole numbers stay ints so ×1, ×2 and ×4 build
    exactly the organisations they always have (the seed includes the scale)."""
    value = float(text)
    return int(value) if value.is_integer() else value


def edge_count(t: Topology) -> int:
    return (
        sum(len(c.runs_on) for c in t.components)
        + sum(len(g.members) for g in t.groups)
        + sum(len(s.requires) for s in t.services)
    )


def fifty_component_service() -> tuple[Topology, str]:
    """One service over exactly 50 components with sharing, for the Monte Carlo timing."""
    comps = [
        Component("san", availability=0.9999, kind="storage"),
        Component("core-a", availability=0.99995),
        Component("core-b", availability=0.99995),
    ]
    groups = [Group("core", "active_active", ("core-a", "core-b"))]
    hosts = []
    for h in range(7):
        comps.append(Component(f"host{h}", mtbf_hours=8760, mttr_hours=8, runs_on=("san", "core")))
        hosts.append(f"host{h}")
    groups.append(Group("cluster", "active_active", tuple(hosts)))
    requires = []
    for t in range(8):
        members = []
        for m in range(5):
            cid = f"t{t}-vm{m}"
            if len(comps) < 50:
                comps.append(Component(cid, availability=0.995, runs_on=("cluster",)))
                members.append(cid)
        if members:
            gid = f"tier{t}"
            groups.append(Group(gid, "active_active", tuple(members), k=max(1, len(members) - 2)))
            requires.append(gid)
    topology = Topology(
        components=tuple(comps),
        groups=tuple(groups),
        services=(Service("svc", tuple(requires)),),
        method="monte_carlo",
    )
    assert len(comps) == 50
    return topology, "svc"


T = TypeVar("T")


def timed(fn: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def run_scale(scale: float) -> dict[str, object]:
    topology, build_s = timed(lambda: synthetic_organisation(scale))
    _, validate_s = timed(lambda: validate_topology(topology))

    def full() -> AvailabilityAnalyzer:
        analyzer = AvailabilityAnalyzer(topology)
        analyzer.report()
        return analyzer

    load_before = load_average()
    cpu_start = time.process_time()
    analyzer, full_s = timed(full)
    full_cpu_s = time.process_time() - cpu_start
    results = analyzer.report().services
    methods = [r.method for r in results]
    nodes = [r.bdd_nodes or 0 for r in results]
    variables = [r.variables for r in results]
    bdd_total = sum(r.bdd_nodes or 0 for r in analyzer.report().services)
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # A single-service recompute runs in its own request or task, not next to a whole
    # estate's diagrams: drop them so a collection of that heap is not timed here.
    del analyzer, results
    gc.collect()
    service_ids = [s.id for s in topology.services]
    sample = service_ids[:: max(1, len(service_ids) // 20)]
    one_times = []
    for sid in sample:
        _, seconds = timed(partial(service_availability, topology, sid))
        one_times.append(seconds)
    # A recompute after an edit: one VM of one service changes availability.
    victim = topology.services[len(topology.services) // 2]
    vm_id = next(r for r in victim.requires if "-vm" in r)
    changed = replace(
        topology,
        components=tuple(
            replace(c, availability=0.99) if c.id == vm_id else c for c in topology.components
        ),
    )
    _, recompute_s = timed(lambda: service_availability(changed, victim.id))
    return {
        "scale": scale,
        "services": len(topology.services),
        "components": len(topology.components),
        "groups": len(topology.groups),
        "sites": len(topology.sites),
        "dependency_edges": edge_count(topology),
        "build_seconds": round(build_s, 4),
        "validate_seconds": round(validate_s, 4),
        "full_analysis_seconds": round(full_s, 4),
        "full_analysis_cpu_seconds": round(full_cpu_s, 4),
        "load_average_before": load_before,
        "full_analysis_target_seconds": TARGET_FULL_S if scale == 1 else None,
        "exact_services": methods.count("exact_bdd"),
        "monte_carlo_services": methods.count("monte_carlo"),
        "bdd_nodes_total": bdd_total,
        "bdd_nodes_per_service_max": max(nodes),
        "variables_per_service_mean": round(sum(variables) / len(variables), 1),
        "variables_per_service_max": max(variables),
        "one_service_ms_median": round(sorted(one_times)[len(one_times) // 2] * 1000, 2),
        "one_service_ms_max": round(max(one_times) * 1000, 2),
        "one_service_recompute_after_edit_ms": round(recompute_s * 1000, 2),
        "one_service_target_ms": TARGET_ONE_MS,
        "peak_rss_mb": round(peak_rss, 1),
    }


def run_monte_carlo(samples: int = 1_000_000) -> dict[str, object]:
    topology, sid = fifty_component_service()
    model = Model(topology)
    exact = AvailabilityAnalyzer(topology, method="exact").service(sid)
    result, seconds = timed(
        lambda: AvailabilityAnalyzer(
            topology, model=model, method="monte_carlo", samples=samples
        ).service(sid)
    )
    return {
        "components": len(topology.components),
        "samples": result.samples,
        "seed": result.seed,
        "seconds": round(seconds, 4),
        "target_seconds": TARGET_MC_S,
        "estimate": result.availability,
        "ci95": [result.ci95_low, result.ci95_high],
        "exact": exact.availability,
        "exact_within_ci": bool(
            result.ci95_low is not None
            and result.ci95_high is not None
            and result.ci95_low <= exact.availability <= result.ci95_high
        ),
    }


def run_remedies(functions: int = 20, scale: float = 1) -> dict[str, object]:
    """Gap analysis with remedies proven on the whole function, for ``functions`` services of
    the ×1 organisation under strict requirements (RTO 1 h, RPO 15 min, 99.99%, MTPD 4 h),
    so every service has availability, RTO and SPOF gaps to remedy."""
    topology = synthetic_organisation(scale)
    model = Model(topology)
    required = Requirements(rto_hours=1.0, rpo_hours=0.25, availability=0.9999, mtpd_hours=4.0)
    services = [s.id for s in topology.services][:: max(1, len(topology.services) // functions)]
    seconds: list[float] = []
    fresh = reused = gaps = options = combinations = 0
    for sid in services[:functions]:
        report, took = timed(partial(analyse_gaps, topology, sid, required))
        seconds.append(took)
        fresh += report.fresh_runs
        reused += report.reused_runs
        gaps += len(report.gaps)
        options += sum(len(g.options) for g in report.gaps)
        combinations += sum(g.combinations_tried for g in report.gaps)
    del model
    ordered = sorted(seconds)
    return {
        "workload": f"{len(seconds)} services of the ×{scale:g} organisation, strict requirements",
        "functions": len(seconds),
        "ms_median": round(ordered[len(ordered) // 2] * 1000, 1),
        "ms_max": round(ordered[-1] * 1000, 1),
        "gaps": gaps,
        "options_listed": options,
        "combinations_tried": combinations,
        "engine_runs_fresh": fresh,
        "engine_runs_reused": reused,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "var" / "benchmarks" / "engine.json"))
    parser.add_argument("--scales", default="1,2,4", help="comma-separated size factors")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="a quick run that must complete: 10,000 Monte Carlo samples, remedies for 3 "
        "services of the smallest scale",
    )
    args = parser.parse_args(argv)
    scales = [scale_factor(s) for s in args.scales.split(",") if s.strip()]
    results = [run_scale(s) for s in scales]
    if args.smoke:
        mc = run_monte_carlo(samples=10_000)
        remedies = run_remedies(functions=3, scale=min(scales))
    else:
        mc = run_monte_carlo()
        remedies = run_remedies()
    payload = {
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "seed": SEED,
        "machine": machine({"numpy": numpy.__version__}),
        "scales": results,
        "monte_carlo_50_components": mc,
        "remedies_per_function": remedies,
    }
    out = figures_write(args.out, payload)

    header = (
        f"{'scale':>5} {'services':>8} {'comps':>7} {'edges':>7} {'sites':>5} {'full s':>8} "
        f"{'cpu s':>7} {'svc p50 ms':>10} {'svc max ms':>10} {'edit ms':>8} {'BDD nodes':>10} "
        f"{'MC svcs':>7}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r['scale']:>5} {r['services']:>8} {r['components']:>7} {r['dependency_edges']:>7} "
            f"{r['sites']:>5} {r['full_analysis_seconds']:>8.3f} "
            f"{r['full_analysis_cpu_seconds']:>7.3f} {r['one_service_ms_median']:>10.1f} "
            f"{r['one_service_ms_max']:>10.1f} "
            f"{r['one_service_recompute_after_edit_ms']:>8.1f} {r['bdd_nodes_total']:>10} "
            f"{r['monte_carlo_services']:>7}"
        )
    print(
        f"Monte Carlo, 50 components, {mc['samples']:,} samples: {mc['seconds']:.3f} s "
        f"(exact value inside 95% CI: {mc['exact_within_ci']})"
    )
    print(
        f"Remedies, {remedies['workload']}: median {remedies['ms_median']} ms, "
        f"max {remedies['ms_max']} ms a function ({remedies['engine_runs_fresh']} fresh and "
        f"{remedies['engine_runs_reused']} reused engine runs)"
    )
    print(f"load average at the end: {load_average()} on {os.cpu_count()} CPUs")
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
