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
from inventory import fields
from inventory import graph as g
from inventory.exchange.people_state import export_people
from inventory.models import Component, Dependency, RedundancyGroup, Site, Technique

SCHEMA = "continuity.inventory/v1"


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _row(record: Any, columns: tuple[str, ...], **named: Any) -> dict[str, Any]:
    """The record's value for each of ``columns``, in their order; ``named`` gives those
    that are not plain attributes (links by name, money as text). A ``named`` key that is
    not a column raises KeyError."""
    extra = set(named) - set(columns)
    if extra:
        raise KeyError(f"Not columns: {', '.join(sorted(extra))}")
    return {name: named[name] if name in named else getattr(record, name) for name in columns}


def export_document(plan: Plan) -> dict[str, Any]:
    """The plan's inventory as a JSON-ready dictionary (a fixed number of queries)."""
    plan_graph = g.load_plan_graph(plan)
    site_names = dict(Site.objects.filter(plan=plan).values_list("pk", "name"))
    technique_keys = dict(Technique.objects.filter(plan=plan).values_list("pk", "key"))

    def names(key: str, *, ordered: bool = False) -> list[str]:
        found = [plan_graph.name(target) for target in plan_graph.edges.get(key, [])]
        return found if ordered else sorted(found)

    sites = [
        _row(s, fields.SITE_COLUMNS, parent=site_names.get(s.parent_id) if s.parent_id else None)
        for s in Site.objects.filter(plan=plan).order_by("name", "pk")
    ]
    techniques = [
        _row(t, fields.TECHNIQUE_COLUMNS)
        for t in Technique.objects.filter(plan=plan).order_by("key", "pk")
    ]
    components = [
        _row(
            c,
            fields.COMPONENT_COLUMNS,
            site=site_names.get(c.site_id) if c.site_id else None,
            runs_on=names(g.component_key(c.pk)),
            technique=technique_keys.get(c.technique_id) if c.technique_id else None,
            cost_per_year=_money(c.cost_per_year),
        )
        for c in Component.objects.filter(plan=plan).order_by("name", "pk")
    ]
    groups = [
        _row(
            x,
            fields.GROUP_COLUMNS,
            technique=technique_keys.get(x.technique_id) if x.technique_id else None,
            members=names(g.group_key(x.pk), ordered=True),
        )
        for x in RedundancyGroup.objects.filter(plan=plan).order_by("name", "pk")
    ]
    dependencies = sorted(
        (
            {
                "function": d.function.name,
                "needs": d.target.name,
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
