"""Benchmark of inventory as code: reading, checking and applying a whole estate.

Run from the repository root (its own SQLite database under a temporary
CONTINUITY_VAR_DIR unless DATABASE_URL is set, e.g. to a PostgreSQL database):

    python tests/benchmarks/bench_inventory_import.py [--scales 0.25,1,2,4] [--format json] \
        [--verify] [--out var/benchmarks/inventory_import.json]

At ×1 the estate is 10,000 components (every tenth a SAN that the other nine run on;
half of the others also run on one of 500 active/passive host pairs), 500 redundancy
groups, 200 sites nested campus → room → rack plus branches, and 1,000 business functions
needing 10 components or groups each; other scales multiply components, groups and
functions. For each scale a plan with only the functions is made, then the document is

* read: the file parsed with the import's limits (``read_file``);
* checked: compared with the plan, every rule and the engine's validation
  (``check_import``, what ``inventory_import --dry-run`` and the preview do);
* applied: ``inventory_import_apply`` — the re-check, every row, its history row and its
  hash-chain entry, in one transaction;
* re-checked: the same file against the imported plan (everything unchanged).

With ``--verify`` the whole history chain is verified after the last scale. Targets at ×1:
check ≤ 5 s, apply ≤ 20 s. Figures are printed and written as JSON; nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.benchmarks.machine import figures_write  # noqa: E402

KINDS = ("server", "vm", "application", "database", "network", "printer", "saas")


def estate(scale: float, schema: str) -> dict[str, Any]:
    """The synthetic inventory-as-code document at ``scale`` (×1: 10,000 components)."""
    components_count = int(10_000 * scale)
    groups_count = int(500 * scale)
    functions_count = int(1_000 * scale)
    sites: list[dict[str, Any]] = []
    racks: list[str] = []
    for campus in range(20):
        sites.append({"name": f"Campus {campus}", "kind": "building", "parent": None})
        for room in range(4):
            room_name = f"Campus {campus} room {room}"
            sites.append({"name": room_name, "kind": "room", "parent": f"Campus {campus}"})
            for rack in range(1):
                racks.append(f"{room_name} rack {rack}")
                sites.append({"name": racks[-1], "kind": "rack", "parent": room_name})
    sites += [{"name": f"Branch {b}", "kind": "branch", "parent": None} for b in range(20)]
    for site in sites:
        site.update({"availability_percent": 99.99, "availability_source": "estimate"})
    hosts = [f"Host {n:06d}" for n in range(2 * groups_count)]
    components: list[dict[str, Any]] = []
    for n, host in enumerate(hosts):
        components.append(
            {
                "name": host,
                "kind": "server",
                "site": racks[n % len(racks)],
                "mtbf_hours": 8760.0,
                "mttr_hours": 8.0,
            }
        )
    groups: list[dict[str, Any]] = [
        {
            "name": f"Host pair {g:05d}",
            "mode": "active_passive",
            "k": 1,
            "failover_seconds": 60.0,
            "members": [hosts[2 * g], hosts[2 * g + 1]],
        }
        for g in range(groups_count)
    ]
    for n in range(components_count - len(hosts)):
        if n % 10 == 0:
            components.append(
                {
                    "name": f"SAN {n:06d}",
                    "kind": "storage",
                    "site": racks[n % len(racks)],
                    "availability_percent": 99.999,
                    "holds_data": True,
                    "backup_interval_hours": 24.0,
                }
            )
            continue
        runs_on = [f"SAN {n - n % 10:06d}"]
        if groups and n % 2:
            runs_on.append(groups[n % len(groups)]["name"])
        components.append(
            {
                "name": f"Component {n:06d}",
                "kind": KINDS[n % len(KINDS)],
                "owner": f"Team {n % 37}",
                "site": racks[n % len(racks)] if n % 3 else f"Branch {n % 20}",
                "runs_on": runs_on,
                "availability_percent": 99.9,
                "availability_source": "monitoring 2025",
                "notes": f"=note {n}" if n % 100 == 1 else f"note {n}",
            }
        )
    names = [c["name"] for c in components if c["name"].startswith("Component")]
    names += [g["name"] for g in groups]
    dependencies = [
        {
            "function": f"Function {f:05d}",
            "needs": names[(f * 10 + d * 7) % len(names)],
            "need": "full" if d % 4 else "degraded",
        }
        for f in range(functions_count)
        for d in range(10)
    ]
    unique = {(d["function"], d["needs"]): d for d in dependencies}
    return {
        "schema": schema,
        "sites": sites,
        "techniques": [],
        "components": components,
        "groups": groups,
        "dependencies": list(unique.values()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="0.25,1,2,4")
    parser.add_argument("--format", choices=("json", "yaml"), default="json")
    parser.add_argument("--verify", action="store_true")
    parser.add_argument("--out", default=str(ROOT / "var" / "benchmarks" / "inventory_import.json"))
    args = parser.parse_args()
    os.environ.setdefault("CONTINUITY_VAR_DIR", tempfile.mkdtemp(prefix="bench-import-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from audit.models import ChainEntry
    from audit.services import system_user
    from audit.verify import verify_chain
    from bcp.history import change_context, tracked_bulk_create
    from bcp.models import Plan
    from bia.models import BusinessFunction
    from inventory.exchange.applying import inventory_import_apply
    from inventory.exchange.checking import check_import
    from inventory.exchange.document import SCHEMA, to_json, to_yaml
    from inventory.exchange.reading import read_file
    from inventory.exchange.records import ImportLimits

    call_command("migrate", verbosity=0)
    user = system_user()
    limits = ImportLimits(max_bytes=200 * 1024 * 1024)
    runs: list[dict[str, Any]] = []
    print(f"database: {connection.vendor}; format: {args.format}", flush=True)
    header = (
        f"{'scale':>6} {'components':>10} {'groups':>7} {'sites':>6} {'functions':>9} "
        f"{'links':>7} {'MB':>6} {'read s':>7} {'check s':>8} {'apply s':>8} "
        f"{'recheck s':>9} {'chain +':>8}"
    )
    print(header, flush=True)
    for scale in (float(s) for s in args.scales.split(",")):
        document = estate(scale, SCHEMA)
        text = to_json(document) if args.format == "json" else to_yaml(document)
        data = text.encode("utf-8")
        plan = Plan.objects.create(name=f"Import benchmark ×{scale:g}", organisation="Bench")
        functions = {d["function"] for d in document["dependencies"]}
        with change_context(user=user, reason="Benchmark functions"):
            tracked_bulk_create(
                BusinessFunction, [BusinessFunction(plan=plan, name=f) for f in sorted(functions)]
            )
        filename = f"estate.{args.format}"
        t0 = time.perf_counter()
        parsed = read_file(filename, data, limits=limits)
        t1 = time.perf_counter()
        preview = check_import(plan, parsed)
        t2 = time.perf_counter()
        assert preview.is_clean, [str(p) for p in preview.problems[:5]]
        chain_before = ChainEntry.objects.count()
        t3 = time.perf_counter()
        result = inventory_import_apply(plan=plan, parsed=parsed, user=user, reason="Benchmark")
        t4 = time.perf_counter()
        chained = ChainEntry.objects.count() - chain_before
        again = check_import(plan, read_file(filename, data, limits=limits))
        t5 = time.perf_counter()
        changed = [c for c in again.changes if c.action != "unchanged"]
        assert again.is_clean and not changed, changed[:3]
        links = sum(len(c.get("runs_on", [])) for c in document["components"])
        links += sum(len(g["members"]) for g in document["groups"])
        links += len(document["dependencies"])
        run = {
            "scale": scale,
            "components": len(document["components"]),
            "groups": len(document["groups"]),
            "sites": len(document["sites"]),
            "functions": len(functions),
            "dependencies": len(document["dependencies"]),
            "links": links,
            "file_mb": round(len(data) / 1024 / 1024, 1),
            "read_s": round(t1 - t0, 2),
            "check_s": round(t2 - t1, 2),
            "read_and_check_s": round(t2 - t0, 2),
            "apply_s": round(t4 - t3, 2),
            "recheck_s": round(t5 - t4, 2),
            "created": result.created,
            "chain_entries_added": chained,
        }
        runs.append(run)
        print(
            f"{scale:>6g} {run['components']:>10} {run['groups']:>7} {run['sites']:>6} "
            f"{run['functions']:>9} {links:>7} {run['file_mb']:>6} {run['read_s']:>7} "
            f"{run['check_s']:>8} {run['apply_s']:>8} {run['recheck_s']:>9} {chained:>8}",
            flush=True,
        )
    output: dict[str, Any] = {
        "benchmark": "inventory as code import",
        "database": connection.vendor,
        "format": args.format,
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            # Other work on the machine slows every figure; this says how busy it was.
            "load_average_1_5_15": [round(x, 1) for x in os.getloadavg()],
        },
        "targets_at_x1": {"check_s": 5, "apply_s": 20},
        "runs": runs,
    }
    if args.verify:
        t0 = time.perf_counter()
        report = verify_chain()
        output["verify"] = {
            "entries": report.checked,
            "ok": report.ok,
            "seconds": round(time.perf_counter() - t0, 1),
        }
        print(f"verify_history: {report.summary} ({output['verify']['seconds']} s)")
    out = figures_write(args.out, output)
    print(f"load average (1, 5, 15 min): {output['machine']['load_average_1_5_15']}")
    print(f"written to {out}")


if __name__ == "__main__":
    main()
