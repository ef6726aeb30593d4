"""Benchmark of plan PDF rendering against bare WeasyPrint on the same HTML.

Run from the repository root:

    python tests/benchmarks/bench_pdf.py [--out var/benchmarks/pdf.json] [--pages 25,50,100]

The plan data comes from the engine benchmark's synthetic organisation (same seed): its
services become business functions with recovery objectives, availability and gaps, its
components and sites the inventory appendix, and each function gets a four-step runbook —
built as the typed snapshot (:class:`documents.snapshot.PlanSnapshot`) the worker freezes.
The number of functions and components is tuned until the plan has about the requested
number of pages.

For each size it measures, each run in a fresh process so peak memory is that run's own:

* ``ours`` — snapshot → Django template → WeasyPrint with the restricted URL fetcher,
  the path the render task takes;
* ``bare`` — WeasyPrint's default fetcher rendering the same HTML string, with the same
  base URL, straight to PDF.

Runs alternate between the two and repeat five times; the medians and the minimums are
both reported (on a busy machine the minimum is the better estimate of the cost itself).
Target: at 100 pages ``ours`` within 10 % of ``bare``. Not a test: it never fails on time.
"""

from __future__ import annotations

import argparse
import dataclasses
import multiprocessing
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("CONTINUITY_VAR_DIR", tempfile.mkdtemp(prefix="bench-pdf-"))

import django  # noqa: E402

django.setup()

from bcp import contract as c  # noqa: E402
from documents.fetcher import base_url  # noqa: E402
from documents.rendering import plan_html, render_html_to_pdf  # noqa: E402
from documents.snapshot import PlanSnapshot  # noqa: E402
from tests.benchmarks.bench_engine import synthetic_organisation  # noqa: E402
from tests.benchmarks.machine import figures_write  # noqa: E402
from tests.documents.helpers import (  # noqa: E402
    documents_part,
    empty_analysis,
    function_analysis,
    snapshot_with,
)

REPEATS = 5
TARGET_RATIO = 1.10


def synthetic_snapshot(functions: int, components: int) -> PlanSnapshot:
    """A typed plan snapshot, as the worker freezes it, from the synthetic estate."""
    topology = synthetic_organisation(1)
    services = list(topology.services)[:functions]
    parts = list(topology.components)[:components]
    names = [f"Service {s.id}" for s in services]
    analysed = []
    for index, name in enumerate(names):
        rto = float([1, 4, 8, 24, 72][index % 5])
        gaps = (
            (
                c.Gap(
                    kind="Recovery time",
                    severity="High",
                    element=f"{name} database",
                    required_hours=rto,
                    achievable_hours=rto * 3,
                    required_availability=None,
                    achievable_availability=None,
                    evidence="Restore from the nightly backup takes longer than the RTO.",
                    first_option="Warm standby",
                ),
            )
            if index % 3 == 0
            else ()
        )
        # The documents tests' function, with this benchmark's gaps in place of its one.
        analysed.append(dataclasses.replace(function_analysis(name, rto), gaps=gaps, importance=()))
    # The documents tests' snapshot (their plan, version and checklist), holding this
    # benchmark's functions, runbooks, contacts and inventory.
    return snapshot_with(
        number=1,
        documents=documents_part(
            contacts=tuple(
                c.Contact(
                    name=f"Contact {i}",
                    role="On call",
                    organisation="IT",
                    phone=f"0100 {i:04d}",
                    alternate_phone="",
                    email="",
                )
                for i in range(max(10, functions // 4))
            ),
            procedures=tuple(
                c.Procedure(
                    title=f"Restore {name}",
                    phase="Recovery",
                    function=name,
                    summary="Bring the service back on its standby components.",
                    steps=tuple(
                        c.ProcedureStep(
                            instruction=f"Step {k} for {name}", owner="On call", expected_minutes=15
                        )
                        for k in range(1, 5)
                    ),
                )
                for name in names
            ),
        ),
        bia=c.BiaPart(
            horizons_hours=(1.0, 4.0, 24.0, 72.0, 168.0),
            threshold=3,
            top_level=4,
            categories=("Operational",),
            functions=tuple(
                c.BiaFunction(
                    name=name,
                    owner="Sam",
                    criticality="High",
                    peak_periods="",
                    workaround="",
                    workaround_hours=None,
                    review=None,
                )
                for name in names
            ),
        ),
        inventory=c.InventoryPart(
            sites=tuple(
                c.Site(
                    name=s.id, kind="Room", parent="", availability_percent=None, restore_hours=None
                )
                for s in list(topology.sites)[:50]
            ),
            components=tuple(
                c.Component(
                    name=part.id,
                    kind=part.kind or "Other",
                    site=part.site or "",
                    owner="",
                    availability_percent=99.95,
                    mtbf_hours=None,
                    mttr_hours=None,
                    restore_hours=None,
                    backup_interval_hours=None,
                    technique="",
                    runs_on=tuple(part.runs_on),
                )
                for part in parts
            ),
            groups=(),
        ),
        analysis=dataclasses.replace(empty_analysis(), functions=tuple(analysed)),
    )


def _ours(snapshot: PlanSnapshot, queue: Any) -> None:
    started = time.perf_counter()
    html = plan_html(snapshot, draft=False)
    rendered = render_html_to_pdf(html)
    elapsed = time.perf_counter() - started
    queue.put((elapsed, rendered.page_count, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))


def _bare(html: str, queue: Any) -> None:
    from weasyprint import HTML

    started = time.perf_counter()
    document = HTML(string=html, base_url=base_url()).render()
    document.write_pdf()
    elapsed = time.perf_counter() - started
    queue.put((elapsed, len(document.pages), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))


def _in_child(target: Any, argument: Any) -> tuple[float, int, int]:
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    process = context.Process(target=target, args=(argument, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def _pages(functions: int, components: int) -> int:
    return _in_child(_ours, synthetic_snapshot(functions, components))[1]


def sized_snapshot(pages: int) -> tuple[PlanSnapshot, int]:
    """Scale functions and components until the plan has about ``pages`` pages."""
    functions, components = max(4, pages // 4), pages * 6
    for _ in range(4):
        got = _pages(functions, components)
        if abs(got - pages) <= max(1, pages // 20):
            break
        factor = pages / max(got, 1)
        functions = max(2, round(functions * factor))
        components = max(10, round(components * factor))
    snapshot = synthetic_snapshot(functions, components)
    return snapshot, _pages(functions, components)


def measure(pages: int, repeats: int = REPEATS) -> dict[str, Any]:
    snapshot, actual_pages = sized_snapshot(pages)
    html = plan_html(snapshot, draft=False)
    # Interleaved, so a burst of load on a shared machine hits both sides alike.
    ours: list[tuple[float, int, int]] = []
    bare: list[tuple[float, int, int]] = []
    for _ in range(repeats):
        ours.append(_in_child(_ours, snapshot))
        bare.append(_in_child(_bare, html))
    started = time.perf_counter()
    plan_html(snapshot, draft=False)
    template_s = time.perf_counter() - started
    ours_s = statistics.median(r[0] for r in ours)
    bare_s = statistics.median(r[0] for r in bare)
    ours_min = min(r[0] for r in ours)
    bare_min = min(r[0] for r in bare)
    return {
        "requested_pages": pages,
        "pages": actual_pages,
        "html_bytes": len(html.encode()),
        "template_seconds": round(template_s, 3),
        "ours_seconds": round(ours_s, 3),
        "bare_seconds": round(bare_s, 3),
        "ratio": round(ours_s / bare_s, 3),
        "ours_min_seconds": round(ours_min, 3),
        "bare_min_seconds": round(bare_min, 3),
        "ratio_of_minimums": round(ours_min / bare_min, 3),
        "ours_peak_rss_mb": round(max(r[2] for r in ours) / 1024, 1),
        "bare_peak_rss_mb": round(max(r[2] for r in bare) / 1024, 1),
        "runs": {"ours": [round(r[0], 3) for r in ours], "bare": [round(r[0], 3) for r in bare]},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "var" / "benchmarks" / "pdf.json"))
    parser.add_argument("--pages", default="25,50,100")
    parser.add_argument("--repeats", type=int, default=REPEATS, help="runs of each side")
    args = parser.parse_args(argv)
    results = [measure(int(p), args.repeats) for p in args.pages.split(",")]
    payload = {
        "benchmark": "plan PDF rendering vs bare WeasyPrint",
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
        "target": f"ours ≤ {TARGET_RATIO:.2f} × bare at 100 pages",
        "results": results,
    }
    out = figures_write(args.out, payload)
    print(
        f"{'pages':>6} {'ours s':>8} {'bare s':>8} {'ratio':>6} {'min ratio':>9} "
        f"{'ours MB':>8} {'bare MB':>8}"
    )
    for r in results:
        print(
            f"{r['pages']:>6} {r['ours_seconds']:>8.2f} {r['bare_seconds']:>8.2f} "
            f"{r['ratio']:>6.2f} {r['ratio_of_minimums']:>9.2f} "
            f"{r['ours_peak_rss_mb']:>8.1f} {r['bare_peak_rss_mb']:>8.1f}"
        )
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
