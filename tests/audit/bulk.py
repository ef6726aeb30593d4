"""A large, valid history for scale tests and the benchmark, built in bulk.

Writing 100,000 changes through services would take minutes; instead the
historical rows are inserted directly (historical models are not tracked
models) and then chained with :func:`audit.chain.append_history_rows`, which
reads each row back and hashes it exactly as the live path does. The result
verifies as intact.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from audit.chain import append_history_rows
from bcp.models import Plan
from inventory.models import Site

SITES = 500


def build_history(plan: Plan, users: list[Any], *, entries: int, days: int = 200) -> None:
    """``entries`` history rows on ``plan``: half edits of the plan, half of its sites."""
    historical_plan = Plan.history.model
    historical_site = Site.history.model
    start = timezone.now() - dt.timedelta(days=days)
    step = dt.timedelta(days=days) / entries
    plan_rows, site_rows = [], []
    for n in range(entries):
        common = {
            "history_date": start + step * n,
            "history_user": users[n % len(users)],
            "history_change_reason": f"Routine review {n}",
            "history_ticket": f"CHG-{n % 977}",
            "created_at": start,
            "updated_at": start + step * n,
            "version": n // 2 + 1,
        }
        if n % 2 == 0:
            plan_rows.append(
                historical_plan(
                    id=plan.pk,
                    name=plan.name,
                    organisation=plan.organisation,
                    scope=f"Scope revision {n}",
                    classification=plan.classification,
                    status=plan.status,
                    history_type="~",
                    **common,
                )
            )
        else:
            site_id = 1_000_000 + (n // 2) % SITES
            site_rows.append(
                historical_site(
                    id=site_id,
                    plan_id=plan.pk,
                    name=f"Site {site_id}",
                    kind=Site._meta.get_field("kind").default,
                    description=f"Revision {n}",
                    history_type="+" if n // 2 < SITES else "~",
                    **common,
                )
            )
    plan_rows = historical_plan.objects.bulk_create(plan_rows, batch_size=2000)
    site_rows = historical_site.objects.bulk_create(site_rows, batch_size=2000)
    ordered = sorted(plan_rows + site_rows, key=lambda row: row.history_date)
    append_history_rows(ordered)
