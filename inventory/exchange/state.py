"""The plan's inventory as import values, which an import is merged into and compared with.

:func:`load_state` reads it in a fixed number of queries; ``NEW_DEFAULTS`` are the values
of a record the file creates, for the columns it leaves out.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bcp.models import Plan
from bia.models import BusinessFunction
from inventory.exchange.fields import SECTIONS
from inventory.exchange.people_state import load_people_state
from inventory.models import (
    Component,
    Dependency,
    GroupMember,
    RedundancyGroup,
    RunsOn,
    Site,
    Technique,
)
from inventory.people_models import (
    DEFAULT_ABSENCE_DAYS,
    DEFAULT_HANDOVER_HOURS,
    DEFAULT_RECALL_HOURS,
)

NEW_DEFAULTS: dict[str, dict[str, Any]] = {
    "sites": {
        "kind": None,
        "parent": "",
        "availability_percent": None,
        "availability_source": "",
        "restore_hours": None,
        "description": "",
    },
    "components": {
        "kind": None,
        "owner": "",
        "site": "",
        "runs_on": [],
        "availability_percent": None,
        "mtbf_hours": None,
        "mttr_hours": None,
        "availability_source": "",
        "holds_data": False,
        "failover_seconds": None,
        "restore_hours": None,
        "backup_interval_hours": None,
        "replication": "none",
        "replication_lag_seconds": None,
        "technique": "",
        "cost_per_year": None,
        "notes": "",
    },
    "groups": {
        "mode": None,
        "k": 1,
        "failover_seconds": 0.0,
        "technique": "",
        "members": [],
        "notes": "",
    },
    "techniques": {
        "name": "",
        "description": "",
        "group_mode": "",
        "failover_seconds": None,
        "restore_hours": None,
        "data_loss_seconds": None,
        "backup_interval_hours": None,
        "replication": "",
        "replication_lag_seconds": None,
        "cost_class": 3,
        "complexity": 3,
    },
    "dependencies": {"need": "full", "notes": ""},
    "people": {
        "role": "",
        "contact": "",
        "absence_days_per_year": DEFAULT_ABSENCE_DAYS,
        "handover_hours": DEFAULT_HANDOVER_HOURS,
        "recall_hours": DEFAULT_RECALL_HOURS,
        "deputies": [],
        "needed_by": [],
        "needed_when_degraded": [],
        "needed_to_recover": [],
        "notes": "",
    },
    "roles": {
        "holders": [],
        "holders_needed": 1,
        "needed_by": [],
        "needed_when_degraded": [],
        "needed_to_recover": [],
        "notes": "",
    },
    "suppliers": {
        "service": "",
        "contract_reference": "",
        "service_availability_percent": None,
        "contract_rto_hours": None,
        "contract_rpo_hours": None,
        "support_hours": "24x7",
        "contact": "",
        "needed_by": [],
        "needed_when_degraded": [],
        "notes": "",
    },
}


@dataclass
class State:
    """The plan's inventory by name (techniques by key, dependencies by function + needs)."""

    tables: dict[str, dict[str, dict[str, Any]]]
    functions: set[str]


def _columns(section: str, exclude: tuple[str, ...] = ()) -> list[str]:
    return [c.name for c in SECTIONS[section] if c.name not in exclude]


def dependency_key(function: str, needs: str) -> str:
    return f"{function}\n{needs}"


def load_state(plan: Plan) -> State:
    """The plan's inventory as import values, in nine queries whatever its size."""
    site_names = dict(Site.objects.filter(plan=plan).values_list("pk", "name"))
    technique_keys = dict(Technique.objects.filter(plan=plan).values_list("pk", "key"))
    sites: dict[str, dict[str, Any]] = {}
    for row in Site.objects.filter(plan=plan).values(*_columns("sites", ("parent",)), "parent_id"):
        row["parent"] = site_names.get(row.pop("parent_id"), "")
        sites[row["name"]] = row
    techniques = {
        row["key"]: row
        for row in Technique.objects.filter(plan=plan).values(*_columns("techniques"))
    }
    component_names: dict[int, str] = {}
    components: dict[str, dict[str, Any]] = {}
    fields = _columns("components", ("site", "runs_on", "technique"))
    for row in Component.objects.filter(plan=plan).values("pk", *fields, "site_id", "technique_id"):
        component_names[row.pop("pk")] = row["name"]
        row["site"] = site_names.get(row.pop("site_id"), "")
        row["technique"] = technique_keys.get(row.pop("technique_id"), "")
        row["runs_on"] = []
        components[row["name"]] = row
    group_names: dict[int, str] = {}
    groups: dict[str, dict[str, Any]] = {}
    fields = _columns("groups", ("technique", "members"))
    for row in RedundancyGroup.objects.filter(plan=plan).values("pk", *fields, "technique_id"):
        group_names[row.pop("pk")] = row["name"]
        row["technique"] = technique_keys.get(row.pop("technique_id"), "")
        row["members"] = []
        groups[row["name"]] = row

    def node(component_id: int | None, group_id: int | None) -> str:
        return component_names[component_id] if component_id else group_names[group_id or 0]

    for source, on_c, on_g in RunsOn.objects.filter(component__plan=plan).values_list(
        "component_id", "on_component_id", "on_group_id"
    ):
        components[component_names[source]]["runs_on"].append(node(on_c, on_g))
    for values in components.values():
        values["runs_on"].sort()
    for group_id, comp, sub in (
        GroupMember.objects.filter(group__plan=plan)
        .order_by("group_id", "position", "pk")
        .values_list("group_id", "component_id", "member_group_id")
    ):
        groups[group_names[group_id]]["members"].append(node(comp, sub))
    function_names = dict(BusinessFunction.objects.filter(plan=plan).values_list("pk", "name"))
    dependencies: dict[str, dict[str, Any]] = {}
    for function_id, comp, grp, need, notes in Dependency.objects.filter(plan=plan).values_list(
        "function_id", "component_id", "group_id", "need", "notes"
    ):
        function, needs = function_names[function_id], node(comp, grp)
        dependencies[dependency_key(function, needs)] = {
            "function": function,
            "needs": needs,
            "need": need,
            "notes": notes,
        }
    return State(
        tables={
            "sites": sites,
            "techniques": techniques,
            "components": components,
            "groups": groups,
            "dependencies": dependencies,
            **load_people_state(plan, function_names),
        },
        functions=set(function_names.values()),
    )


def same(a: Any, b: Any) -> bool:
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return (None if a is None else Decimal(a)) == (None if b is None else Decimal(b))
    return bool(a == b)
