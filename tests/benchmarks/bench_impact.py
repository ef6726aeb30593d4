"""Benchmark of the blast-radius engine (``analysis.engine.impact``) on the synthetic organisation.

Run from the repository root:

    python tests/benchmarks/bench_impact.py [--out var/benchmarks/impact.json] [--scales 1,2,4]

Workload: the organisation of ``bench_engine.py`` (1 000 services, 10 000 components,
about 30 000 dependency edges and 200 sites at ×1; ×2 and ×4 multiply everything). For
each scale it times ``assess_impact`` for every service with, in turn, one SAN failed,
one whole campus failed (a site and everything under it), and 1 % of the components
failed at random (fixed seed), and reports how many services are down and degraded.
Each figure is the median of five runs. This is what the declare page and the impact API
pay on top of loading the plan; it never fails on time.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from analysis.engine.impact import assess_impact  # noqa: E402
from analysis.engine.topology import Topology  # noqa: E402
from tests.benchmarks.bench_engine import (  # noqa: E402
    SEED,
    scale_factor,
    synthetic_organisation,
)
from tests.benchmarks.machine import figures_write, load_average, machine  # noqa: E402

REPEATS = 5


def _scenarios(t: Topology) -> dict[str, list[str]]:
    sans = [c.id for c in t.components if c.kind == "storage"]
    rng = random.Random(SEED)
    components = [c.id for c in t.components]
    return {
        "one SAN": sans[:1],
        "one campus": ["campus-0"],
        "1% of components": rng.sample(components, max(1, len(components) // 100)),
    }


def run_scale(scale: float) -> dict[str, object]:
    t = synthetic_organisation(scale)
    rows: list[dict[str, object]] = []
    for name, failed in _scenarios(t).items():
        times = []
        report = None
        for _ in range(REPEATS):
            start = time.perf_counter()
            report = assess_impact(t, failed)
            times.append(time.perf_counter() - start)
        assert report is not None
        rows.append(
            {
                "scenario": name,
                "failed": len(failed),
                "services_down": len(report.in_state("down")),
                "services_degraded": len(report.in_state("degraded")),
                "seconds_median": statistics.median(times),
                "seconds_max": max(times),
            }
        )
    return {
        "scale": scale,
        "services": len(t.services),
        "components": len(t.components),
        "sites": len(t.sites),
        "groups": len(t.groups),
        "scenarios": rows,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "var" / "benchmarks" / "impact.json"))
    parser.add_argument("--scales", default="1,2,4", help="comma-separated size factors")
    args = parser.parse_args(argv)
    scales = [scale_factor(s) for s in args.scales.split(",") if s.strip()]
    results = [run_scale(s) for s in scales]
    payload = {
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "workload": "assess_impact over every service of bench_engine's synthetic organisation",
        "repeats": REPEATS,
        "seed": SEED,
        "machine": machine({}),
        "scales": results,
    }
    out = figures_write(args.out, payload)
    header = (
        f"{'scale':>5} {'services':>8} {'comps':>7} {'scenario':<18} {'failed':>6} "
        f"{'down':>5} {'degr':>5} {'median s':>9} {'max s':>7}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        for row in r["scenarios"]:  # type: ignore[attr-defined]
            print(
                f"{r['scale']:>5} {r['services']:>8} {r['components']:>7} "
                f"{row['scenario']:<18} {row['failed']:>6} {row['services_down']:>5} "
                f"{row['services_degraded']:>5} {row['seconds_median']:>9.3f} "
                f"{row['seconds_max']:>7.3f}"
            )
    print(f"load average at the end: {load_average()}")
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
