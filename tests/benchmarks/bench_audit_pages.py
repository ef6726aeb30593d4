"""Benchmark of the auditor's pages and of verification over a large change history.

Run from the repository root; it uses its own SQLite database under a temporary
CONTINUITY_VAR_DIR unless DATABASE_URL is set (give a PostgreSQL database of its
own: the benchmark migrates it and adds to it)::

    python tests/benchmarks/bench_audit_pages.py --scale 1 \\
        [--repeat 20] [--out var/benchmarks/audit_pages.json] [--no-worker]

Workload (``tests/benchmarks/audit_workload.py``): at ×1, 1,000,000 history
entries over 10 plans, 200 sites and 10,000 components (5 % deleted), five
editors, one year; built with bulk inserts that bypass the services and chained
with the application's own hash functions.

Measured, for one plan (a tenth of the history at ×1):

- every auditor page — timeline (first and a deep page), filters by user, user
  and week, reason text (trigram index on PostgreSQL), ticket and kind, one
  record's history (first and a deep page), a comparison of two versions (the
  diff), one entry, the plan as of a date, a CSV export of a week — requested
  ``--repeat`` times: median, p95 and worst time and the number of SQL queries;
- a full verification (chain, rows outside it, every live row against its
  history): ``manage.py verify_history`` in a fresh process (wall time and peak
  memory), and the same as a worker job through the job queue, as the verify page
  runs it (wall time from queueing to the result, progress updates seen).

Targets (issue 14): pages p95 ≤ 200 ms with query counts that do not grow with
the history; verification of 1,000,000 entries as a worker job ≤ 60 s. It
measures; it never fails on time. Figures go to ``--out`` as JSON with the
workload, the database, the machine and its load average.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def _measure_pages(client: Any, pages: dict[str, str], repeat: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    results: dict[str, Any] = {}
    for name, url in pages.items():
        timings, cpu, queries = [], [], 0
        client.get(url)  # warm the caches a server would have warm
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as captured:
                started, cpu_started = time.perf_counter(), time.process_time()
                response = client.get(url)
                response.getvalue()  # a streamed export is produced while it is read
                timings.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - cpu_started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            queries = len(captured.captured_queries)
        results[name] = {
            "url": url,
            "median_ms": round(statistics.median(timings), 1),
            "p95_ms": round(_percentile(timings, 0.95), 1),
            "worst_ms": round(max(timings), 1),
            # CPU of this process (Django); the database's own CPU is not in it.
            "median_app_cpu_ms": round(statistics.median(cpu), 1),
            "queries": queries,
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
        }
        print(
            f"  {name:<34} p50 {results[name]['median_ms']:>7} ms  p95 "
            f"{results[name]['p95_ms']:>7} ms  cpu {results[name]['median_app_cpu_ms']:>6} ms  "
            f"{queries:>3} queries  load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
    return results


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _verify_command(env: dict[str, str]) -> dict[str, Any]:
    from tests.helpers import manage

    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    cpu_before = _children_cpu()
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    done = manage(env, "verify_history")
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "seconds": round(seconds, 1),
        "process_cpu_seconds": round(_children_cpu() - cpu_before, 1),
        "load_average_before_after": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "peak_memory_mb": round(max(peak, before) / 1024, 1),
        "exit_status": done.returncode,
        "output": (done.stdout or done.stderr).strip()[:600],
    }


def _verify_as_job(env: dict[str, str], plan: Any, user: Any) -> dict[str, Any]:
    from django.conf import settings

    from audit.tasks import HISTORY_VERIFY_KIND, HISTORY_VERIFY_TASK
    from bcp.jobs import job_enqueue
    from bcp.models import Job
    from tests.conftest import celery_worker_command, stop_process

    log = Path(tempfile.mkstemp(prefix="bench-audit-worker-", suffix=".log")[1])
    with log.open("wb") as output:
        worker = subprocess.Popen(
            celery_worker_command(
                name=f"bench-audit-{os.getpid()}",
                queue=settings.CELERY_TASK_DEFAULT_QUEUE,
                loglevel="WARNING",
            ),
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            time.sleep(3)  # let the worker connect before the message is sent
            load_before = os.getloadavg()[0]
            cpu_before = _children_cpu()
            started = time.perf_counter()
            job = job_enqueue(
                kind=HISTORY_VERIFY_KIND, task_name=HISTORY_VERIFY_TASK, user=user, plan=plan
            )
            seen: list[tuple[int, str]] = []
            while True:
                job.refresh_from_db()
                if not seen or seen[-1] != (job.progress, job.message):
                    seen.append((job.progress, job.message))
                if job.is_finished or job.status == Job.Status.COULD_NOT_QUEUE:
                    break
                if time.perf_counter() - started > 1800:
                    break
                time.sleep(0.5)
            seconds = time.perf_counter() - started
        finally:
            stop_process(worker)
    return {
        "seconds_from_queue_to_result": round(seconds, 1),
        # The worker's CPU (counted once it has exited); the database's is not in it.
        "worker_cpu_seconds": round(_children_cpu() - cpu_before, 1),
        "load_average_before_after": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "status": job.status,
        "ok": job.result.get("ok"),
        "summary": job.result.get("summary", job.error)[:600],
        "progress_updates_seen": len(seen),
        "progress_samples": [f"{p}% {m}" for p, m in seen[:: max(1, len(seen) // 8)]][:10],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.1, help="×1 = 1,000,000 entries")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--no-worker", action="store_true", help="skip the worker-job run")
    parser.add_argument("--out", default="")
    parser.add_argument(
        "--reuse",
        default="",
        help="a file describing a workload built earlier in this database: built and "
        "written there when missing, read and measured again when present",
    )
    parser.add_argument("--build-only", action="store_true", help="build, then stop")
    args = parser.parse_args()

    load_at_start = [round(x, 2) for x in os.getloadavg()]
    os.environ.setdefault("CONTINUITY_VAR_DIR", tempfile.mkdtemp(prefix="bench-audit-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    # As served: cached templates, no debug bookkeeping of every query.
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    import django

    django.setup()
    import datetime as dt

    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from audit.models import ChainEntry
    from bcp.history import change_context
    from bcp.models import Membership, Plan, Role
    from inventory.models import Component
    from tests.benchmarks.audit_workload import Workload, build_workload
    from tests.benchmarks.machine import figures_write
    from tests.factories import UserFactory

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    vendor = connection.vendor
    out = Path(
        args.out or ROOT / "var" / "benchmarks" / f"audit_pages_{vendor}_x{args.scale:g}.json"
    )
    reuse = Path(args.reuse) if args.reuse else None
    if reuse is not None and reuse.exists():
        saved = json.loads(reuse.read_text())
        workload = Workload(**saved["workload"])
        build_seconds = float(saved["build_seconds"])
        editors = [User.objects.get(pk=pk) for pk in saved["editors"]]
        auditor = User.objects.get(pk=saved["auditor"])
        plan = Plan.objects.get(pk=workload.plan_ids[0])
        print(f"Reusing the ×{workload.scale:g} workload described in {reuse}", flush=True)
    else:
        stamp = int(time.time())
        auditor = UserFactory.create(username=f"bench-auditor-{stamp}")
        editors = [UserFactory.create(username=f"bench-editor-{stamp}-{n}") for n in range(5)]
        print(f"Building ×{args.scale:g} on {vendor} …", flush=True)
        started = time.perf_counter()
        workload = build_workload(args.scale, editors)
        build_seconds = time.perf_counter() - started
        plan = Plan.objects.get(pk=workload.plan_ids[0])
        with change_context(user=editors[0], reason="Auditor for the benchmark"):
            Membership.objects.create(plan=plan, user=auditor, role=Role.AUDITOR)
        if reuse is not None:
            reuse.parent.mkdir(parents=True, exist_ok=True)
            reuse.write_text(
                json.dumps(
                    {
                        "workload": dataclasses.asdict(workload),
                        "build_seconds": round(build_seconds, 1),
                        "editors": [editor.pk for editor in editors],
                        "auditor": auditor.pk,
                    }
                )
            )
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # as autovacuum would have by now
    total = ChainEntry.objects.count()
    in_plan = ChainEntry.objects.filter(plan_id=plan.pk).count()
    print(f"built {total:,} entries ({in_plan:,} in the measured plan) in {build_seconds:.0f} s")
    if args.build_only:
        return

    client = Client()
    client.force_login(auditor)
    kw = {"plan_pk": plan.pk}
    base = reverse("audit_timeline", kwargs=kw)
    week_from = (timezone.localdate() - dt.timedelta(days=7)).isoformat()
    today = timezone.localdate().isoformat()
    component = Component.objects.get(pk=workload.busiest_component)
    record = reverse(
        "audit_object",
        kwargs={**kw, "model_label": "inventory.Component", "object_id": component.pk},
    )
    versions = list(
        ChainEntry.objects.filter(model_label="inventory.Component", object_id=str(component.pk))
        .order_by("seq")
        .values_list("history_id", "seq")
    )
    middle = versions[len(versions) // 2]
    # The 1,500th page of 50 (or the oldest): pages are cut on entry numbers.
    in_plan_seqs = ChainEntry.objects.filter(plan_id=plan.pk).order_by("-seq")
    deep = in_plan_seqs.values_list("seq", flat=True)[min(1500 * 50, in_plan - 1)]
    compare = (
        reverse(
            "audit_compare",
            kwargs={**kw, "model_label": "inventory.Component", "object_id": component.pk},
        )
        + f"?a={versions[1][0]}&b={middle[0]}"
    )
    pages = {
        "timeline": base,
        "timeline, deep page": f"{base}?before={deep}",
        "timeline by user": f"{base}?user={editors[1].pk}",
        "timeline by user and week": f"{base}?user={editors[0].pk}&date_from={week_from}"
        f"&date_to={today}",
        "timeline by reason text": f"{base}?reason=review+{workload.entries // 2 + 7}",
        "timeline by ticket and kind": f"{base}?ticket=CHG-42&model=inventory.Site",
        "record history": record,
        "record history, deep page": f"{record}?before={middle[1]}",
        "compare two versions (diff)": compare,
        "one entry": reverse("audit_entry", kwargs={**kw, "seq": middle[1]}),
        "plan as of a date": reverse("audit_as_of", kwargs=kw)
        + f"?day={(timezone.localdate() - dt.timedelta(days=180)).isoformat()}",
        "CSV export of a week": reverse("audit_export_csv", kwargs=kw)
        + f"?date_from={week_from}&date_to={today}",
    }
    print(f"Pages ({args.repeat} requests each):", flush=True)
    page_results = _measure_pages(client, pages, args.repeat)

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    print("Verification (manage.py verify_history) …", flush=True)
    command = _verify_command(env)
    print(f"  {command['seconds']} s, peak {command['peak_memory_mb']} MB: {command['output']}")
    job: dict[str, Any] = {}
    if not args.no_worker:
        print("Verification as a worker job …", flush=True)
        job = _verify_as_job(env, plan, auditor)
        print(
            f"  {job['seconds_from_queue_to_result']} s, {job['progress_updates_seen']} "
            f"progress updates: {job['summary'][:160]}"
        )

    figures = {
        "workload": {
            **workload.describe(),
            "entries_in_database": total,
            "entries_in_measured_plan": in_plan,
        },
        "database": vendor,
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average_at_start": load_at_start,
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        },
        "build_seconds": round(build_seconds, 1),
        "pages": page_results,
        "verify_command": command,
        "verify_worker_job": job,
    }
    figures_write(out, figures)
    print(f"written to {out}")


if __name__ == "__main__":
    main()
