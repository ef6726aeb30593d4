"""Benchmark of the auditor pages over a large change history.

Run from the repository root (it uses its own database under a temporary
CONTINUITY_VAR_DIR unless DATABASE_URL is set):

    python tests/benchmarks/bench_audit_pages.py [--entries 100000] \
        [--out var/benchmarks/audit_pages.json]

It builds ``--entries`` history rows on one plan (half edits of the plan, half
of 500 sites, spread over 200 days, two users), chains them, then requests each
auditor page several times and records the median and worst time and the
number of SQL queries, plus a full chain verification and a CSV export of a
filtered week. Targets: each page p95 ≤ 150 ms with a query count that does not
depend on the number of entries.
"""

from __future__ import annotations

import argparse
import json
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--out", default=str(ROOT / "var" / "benchmarks" / "audit_pages.json"))
    args = parser.parse_args()

    os.environ.setdefault("CONTINUITY_VAR_DIR", tempfile.mkdtemp(prefix="bench-audit-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    import django

    django.setup()
    import datetime as dt

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from audit.verify import verify_chain
    from bcp.models import Membership, Plan, Role
    from tests.audit.bulk import build_history
    from tests.factories import UserFactory

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    auditor = UserFactory.create(username="bench-auditor")
    editors = [UserFactory.create(username=f"bench-editor-{n}") for n in range(2)]
    plan = Plan.objects.create(name="Benchmark plan", organisation="Northbridge College")
    Membership.objects.create(plan=plan, user=auditor, role=Role.AUDITOR)

    started = time.perf_counter()
    build_history(plan, editors, entries=args.entries)
    build_seconds = time.perf_counter() - started

    client = Client()
    client.force_login(auditor)
    base = reverse("audit_timeline", kwargs={"plan_pk": plan.pk})
    week_ago = (timezone.localdate() - dt.timedelta(days=7)).isoformat()
    today = timezone.localdate().isoformat()
    record = reverse(
        "audit_object",
        kwargs={"plan_pk": plan.pk, "model_label": "bcp.Plan", "object_id": plan.pk},
    )
    pages = {
        "timeline": base,
        "timeline, deep page": f"{base}?page=1500",
        "timeline by user": f"{base}?user={editors[1].pk}",
        "timeline by user and week": (
            f"{base}?user={editors[0].pk}&date_from={week_ago}&date_to={today}"
        ),
        "timeline by reason text": f"{base}?reason=review+9999",
        "timeline by ticket and model": f"{base}?ticket=CHG-42&model=inventory.Site",
        "record history": record,
        "record history, deep page": f"{record}?page=900",
        "plan as of a date": reverse("audit_as_of", kwargs={"plan_pk": plan.pk})
        + f"?day={week_ago}",
        "CSV export of a week": reverse("audit_export_csv", kwargs={"plan_pk": plan.pk})
        + f"?date_from={week_ago}&date_to={today}",
    }
    results: dict[str, Any] = {}
    for name, url in pages.items():
        timings, queries = [], 0
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as captured:
                t0 = time.perf_counter()
                response = client.get(url)
                response.getvalue()  # a streamed export is produced while it is read
                timings.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            queries = len(captured.captured_queries)
        timings.sort()
        results[name] = {
            "url": url,
            "median_ms": round(statistics.median(timings), 1),
            "worst_ms": round(timings[-1], 1),
            "queries": queries,
        }
    t0 = time.perf_counter()
    report = verify_chain()
    verify_seconds = time.perf_counter() - t0

    output = {
        "entries": args.entries,
        "database": connection.vendor,
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "build_seconds": round(build_seconds, 1),
        "verify_seconds": round(verify_seconds, 2),
        "verify_summary": report.summary,
        "pages": results,
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(output, indent=2))
    print(f"{args.entries} entries on {connection.vendor}; built in {build_seconds:.1f} s")
    print(f"verify: {verify_seconds:.2f} s — {report.summary}")
    print(f"{'page':<32} {'median ms':>10} {'worst ms':>10} {'queries':>8}")
    for name, figures in results.items():
        median, worst, queries = figures["median_ms"], figures["worst_ms"], figures["queries"]
        print(f"{name:<32} {median:>10} {worst:>10} {queries:>8}")
    print(f"written to {out}")


if __name__ == "__main__":
    main()
