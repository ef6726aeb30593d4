"""Inventory as code: the whole inventory of a plan as one versioned document.

The schema is described in ``docs/inventory-as-code.md``. Everything is keyed by name
(techniques by key), lists are ordered by name (group members keep their order, the
first being the active member), and absent values are ``null``, so exporting, importing
into a plan with an empty inventory and exporting again gives the same document.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import yaml

from bcp.models import Plan
from inventory import graph as g
from inventory.exchange.people_state import export_people
from inventory.models import Component, Dependency, RedundancyGroup, Site, Technique

SCHEMA = "continuity.inventory/v1"


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def export_document(plan: Plan) -> dict[str, Any]:
    """The plan's inventory as a JSON-ready dictionary (a fixed number of queries)."""
    plan_graph = g.load_plan_graph(plan)
    site_names = dict(Site.objects.filter(plan=plan).values_list("pk", "name"))
    technique_keys = dict(Technique.objects.filter(plan=plan).values_list("pk", "key"))

    def names(key: str, *, ordered: bool = False) -> list[str]:
        found = [plan_graph.name(target) for target in plan_graph.edges.get(key, [])]
        return found if ordered else sorted(found)

    sites = [
        {
            "name": s.name,
            "kind": s.kind,
            "parent": site_names.get(s.parent_id) if s.parent_id else None,
            "availability_percent": s.availability_percent,
            "availability_source": s.availability_source,
            "restore_hours": s.restore_hours,
            "description": s.description,
        }
        for s in Site.objects.filter(plan=plan).order_by("name", "pk")
    ]
    techniques = [
        {
            "key": t.key,
            "name": t.name,
            "description": t.description,
            "group_mode": t.group_mode,
            "failover_seconds": t.failover_seconds,
            "restore_hours": t.restore_hours,
            "data_loss_seconds": t.data_loss_seconds,
            "backup_interval_hours": t.backup_interval_hours,
            "replication": t.replication,
            "replication_lag_seconds": t.replication_lag_seconds,
            "cost_class": t.cost_class,
            "complexity": t.complexity,
        }
        for t in Technique.objects.filter(plan=plan).order_by("key", "pk")
    ]
    components = [
        {
            "name": c.name,
            "kind": c.kind,
            "owner": c.owner,
            "site": site_names.get(c.site_id) if c.site_id else None,
            "runs_on": names(g.component_key(c.pk)),
            "availability_percent": c.availability_percent,
            "mtbf_hours": c.mtbf_hours,
            "mttr_hours": c.mttr_hours,
            "availability_source": c.availability_source,
            "holds_data": c.holds_data,
            "failover_seconds": c.failover_seconds,
            "restore_hours": c.restore_hours,
            "backup_interval_hours": c.backup_interval_hours,
            "replication": c.replication,
            "replication_lag_seconds": c.replication_lag_seconds,
            "technique": technique_keys.get(c.technique_id) if c.technique_id else None,
            "cost_per_year": _money(c.cost_per_year),
            "notes": c.notes,
        }
        for c in Component.objects.filter(plan=plan).order_by("name", "pk")
    ]
    groups = [
        {
            "name": x.name,
            "mode": x.mode,
            "k": x.k,
            "failover_seconds": x.failover_seconds,
            "technique": technique_keys.get(x.technique_id) if x.technique_id else None,
            "members": names(g.group_key(x.pk), ordered=True),
            "notes": x.notes,
        }
        for x in RedundancyGroup.objects.filter(plan=plan).order_by("name", "pk")
    ]
    dependencies = sorted(
        (
            {
                "function": d.function.name,
                "needs": (d.component or d.group).name,  # type: ignore[union-attr]
                "need": d.need,
                "notes": d.notes,
            }
            for d in Dependency.objects.filter(plan=plan).select_related(
                "function", "component", "group"
            )
        ),
        key=lambda row: (row["function"], row["needs"]),
    )
    return {
        "schema": SCHEMA,
        "sites": sites,
        "techniques": techniques,
        "components": components,
        "groups": groups,
        "dependencies": dependencies,
        **export_people(plan),
    }


def to_json(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def to_yaml(document: dict[str, Any]) -> str:
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
