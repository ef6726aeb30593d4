"""Benchmark of the inventory pages at 10 000 components.

Run from the repository root (it uses its own database under a temporary
CONTINUITY_VAR_DIR unless DATABASE_URL is set):

    python tests/benchmarks/bench_inventory_pages.py [--components 10000] \
        [--out var/benchmarks/inventory_pages.json]

It imports a synthetic estate through the real CSV import (200 sites: 20 campuses with
rooms and racks; components spread over them, every tenth a SAN or host that others run
on), times that import, then requests the component list (plain, filtered, searched,
sorted, a deep page), a component detail and a site detail several times, recording
p95 and worst time and the number of SQL queries. Targets: list pages p95 ≤ 150 ms
with a query count that does not depend on the number of components.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import statistics
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


def _sites_csv() -> bytes:
    rows = ["name,kind,parent,availability_percent,availability_source"]
    for campus in range(20):
        rows.append(f"Campus {campus},building,,99.99,estimate")
        for room in range(4):
            rows.append(f"Campus {campus} room {room},room,Campus {campus},99.995,estimate")
            for rack in range(1):
                rows.append(
                    f"Campus {campus} room {room} rack {rack},rack,Campus {campus} room {room},"
                    "99.999,estimate"
                )
    # 20 campuses + 80 rooms + 80 racks = 180; top up with branches to 200.
    for branch in range(20):
        rows.append(f"Branch {branch},branch,,99.95,monitoring 2025")
    return ("\n".join(rows) + "\n").encode()


def _components_csv(count: int) -> bytes:
    buffer = io.StringIO()
    buffer.write(
        "name,kind,owner,site,runs_on,availability_percent,mtbf_hours,mttr_hours,"
        "availability_source,notes\n"
    )
    for n in range(count):
        campus, room = n % 20, (n // 20) % 4
        site = f"Campus {campus} room {room} rack 0" if n % 3 else f"Branch {n % 20}"
        if n % 10 == 0:
            buffer.write(f"SAN {n:05d},storage,Storage team,{site},,,87600,12,vendor datasheet,\n")
        else:
            base = f"SAN {n - n % 10:05d}"
            kind = KINDS[n % len(KINDS)]
            buffer.write(
                f"Component {n:05d},{kind},Team {n % 37},{site},{base},99.9,,,estimate,note {n}\n"
            )
    return buffer.getvalue().encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--components", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--out", default=str(ROOT / "var" / "benchmarks" / "inventory_pages.json"))
    args = parser.parse_args()
    os.environ.setdefault("CONTINUITY_VAR_DIR", tempfile.mkdtemp(prefix="bench-inventory-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from bcp.models import Membership, Plan, Role
    from inventory.exchange.applying import inventory_import_apply
    from inventory.exchange.reading import read_file
    from inventory.models import Component, Site
    from tests.factories import UserFactory

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    manager = UserFactory.create(username="bench-manager")
    plan = Plan.objects.create(name="Benchmark plan", organisation="Northbridge College")
    Membership.objects.create(plan=plan, user=manager, role=Role.MANAGER)

    t0 = time.perf_counter()
    inventory_import_apply(
        plan=plan, parsed=read_file("sites.csv", _sites_csv(), section="sites"), user=manager
    )
    parsed = read_file("components.csv", _components_csv(args.components))
    inventory_import_apply(plan=plan, parsed=parsed, user=manager)
    import_seconds = time.perf_counter() - t0

    client = Client()
    client.force_login(manager)
    listing = reverse("inventory_component_list", kwargs={"plan_pk": plan.pk})
    san = Component.objects.get(plan=plan, name="SAN 00000")
    rack = Site.objects.get(plan=plan, name="Campus 0 room 0 rack 0")
    pages = {
        "component list": listing,
        "component list, kind filter": f"{listing}?kind=database",
        "component list, search": f"{listing}?q=team+3",
        "component list, sorted by site": f"{listing}?sort=site",
        "component list, sorted by availability desc": f"{listing}?sort=-availability",
        "component list, deep page": f"{listing}?page={max(1, args.components // 50 - 1)}",
        "component detail (SAN under 9 components)": san.get_absolute_url(),
        "site detail (rack, with diagram)": rack.get_absolute_url(),
    }
    results: dict[str, Any] = {}
    for name, url in pages.items():
        timings: list[float] = []
        queries = 0
        repeat = args.repeat if "site detail" not in name else max(3, args.repeat // 4)
        for _ in range(repeat):
            connection.queries_log.clear()  # a full log would hide the new queries
            with CaptureQueriesContext(connection) as captured:
                t1 = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - t1) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            queries = len(captured.captured_queries)
        timings.sort()
        p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
        results[name] = {
            "url": url,
            "median_ms": round(statistics.median(timings), 1),
            "p95_ms": round(p95, 1),
            "worst_ms": round(timings[-1], 1),
            "queries": queries,
        }
    output = {
        "components": args.components,
        "sites": Site.objects.filter(plan=plan).count(),
        "database": connection.vendor,
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "import_seconds": round(import_seconds, 1),
        "target_list_p95_ms": 150,
        "pages": results,
    }
    out = figures_write(args.out, output)
    print(
        f"{args.components} components on {connection.vendor}; imported in {import_seconds:.1f} s"
    )
    print(f"{'page':<46} {'median':>8} {'p95':>8} {'worst':>8} {'queries':>8}")
    for name, f in results.items():
        print(
            f"{name:<46} {f['median_ms']:>8} {f['p95_ms']:>8} {f['worst_ms']:>8} {f['queries']:>8}"
        )
    print(f"written to {out}")


if __name__ == "__main__":
    main()
