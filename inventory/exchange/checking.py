"""Checking an import against its plan: every problem named, or a preview of the changes.

The records are merged, by name, into the plan's inventory as it is (loaded in a fixed
number of queries); the result is checked twice, each check one pass over it:

* the inventory's own rules (:mod:`inventory.exchange.rules`): kinds, names, units,
  techniques, business functions;
* the engine's validation (:func:`analysis.engine.validation.topology_errors`) of the
  merged inventory as a topology, for everything structural: references between sites,
  components and groups, k-of-n, a component running on itself, a member listed twice,
  site loops and dependency cycles. Its errors are reworded by name and placed on the
  row (or list item) of the file that causes them.

With no problems the preview lists what would be created and changed. A preview is
JSON-ready (:meth:`Preview.as_dict`) so the worker that checks a file can store it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from analysis.engine.topology import Component as EngineComponent
from analysis.engine.topology import Group as EngineGroup
from analysis.engine.topology import Service as EngineService
from analysis.engine.topology import Site as EngineSite
from analysis.engine.topology import Topology, TopologyError
from analysis.engine.validation import topology_errors
from bcp.models import Plan
from bia.models import BusinessFunction
from inventory.exchange import replacing, rules
from inventory.exchange.fields import SECTIONS
from inventory.exchange.people_state import load_people_state
from inventory.exchange.records import Parsed, Problem, Record
from inventory.graph import find_cycle
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

# Engine ids: sites, nodes (components and groups share names) and functions are
# separate namespaces in the inventory, one namespace in the engine.
SITE, NODE, FUNCTION = "site:", "node:", "function:"
# Codes of the engine's value checks; the inventory's rules check the same values in
# people's units (availability in %), so these would only say it twice.
_VALUE_CODES = frozenset(
    {"availability_out_of_range", "missing_availability", "invalid_mttr", "invalid"}
)
_PATH = re.compile(r"^(\w+)\[(\d+)\](?:\.(\w+)(?:\[(\d+)\])?)?$")


@dataclass
class Change:
    section: str
    name: str
    action: str  # "create", "update" or "unchanged"
    fields: list[str] = field(default_factory=list)


@dataclass
class Preview:
    problems: list[Problem]
    changes: list[Change]

    @property
    def is_clean(self) -> bool:
        return not self.problems

    def count(self, action: str) -> int:
        return sum(1 for change in self.changes if change.action == action)

    def as_dict(self) -> dict[str, Any]:
        return {
            "problems": [p.as_dict() for p in self.problems],
            "changes": [
                {"section": c.section, "name": c.name, "action": c.action, "fields": c.fields}
                for c in self.changes
            ],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Preview:
        return cls(
            problems=[Problem(p["where"], p["column"], p["message"]) for p in data["problems"]],
            changes=[
                Change(c["section"], c["name"], c["action"], list(c["fields"]))
                for c in data["changes"]
            ],
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


def _same_value(column: str, before: Any, after: Any) -> bool:
    # What a component runs on is a set (exports list it by name); members keep order.
    if column == "runs_on":
        return sorted(before or []) == sorted(after or [])
    return same(before, after)


def _natural(text: str) -> tuple[Any, ...]:
    """Sort key that puts "row 10" after "row 9"."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text))


class _Check:
    """One check of ``parsed`` against ``state``; collects problems and changes."""

    def __init__(self, state: State, parsed: Parsed) -> None:
        self.state = state
        self.parsed = parsed
        self.problems = list(parsed.problems)
        self.changes: list[Change] = []
        self.where: dict[tuple[str, str], Record] = {}
        # (row, column) already refused for a reason that says more than later checks would.
        self.settled: set[tuple[str, str]] = set()

    def problem(self, record: Record, column: str, message: str) -> None:
        if column not in record.bad and (record.where, column) not in self.settled:
            self.problems.append(Problem(record.where, column, message))

    def reporter(self, record: Record) -> rules.Report:
        return lambda column, message: self.problem(record, column, message)

    def merge(self) -> None:
        """Each record into the state, noting duplicates and what would change."""
        for item in self.parsed.all_records():
            section, key = item.section, item.key
            label = key.replace("\n", " → ")
            if (section, key) in self.where:
                first = self.where[(section, key)]
                column = {"techniques": "key", "dependencies": "needs"}.get(section, "name")
                self.problem(item, column, f"“{label}” appears again (first at {first.where})")
                continue
            self.where[(section, key)] = item
            table = self.state.tables[section]
            before = table.get(key)
            if before is None:
                merged = {**NEW_DEFAULTS[section], **item.values}
                change = Change(section, label, "create")
            else:
                merged = {**before, **item.values}
                changed = [f for f in item.values if not _same_value(f, before.get(f), merged[f])]
                change = Change(section, label, "update" if changed else "unchanged", changed)
            table[key] = merged
            self.changes.append(change)

    def inventory_rules(self) -> None:
        tables = self.state.tables
        for (section, key), record in self.where.items():
            values = tables[section][key]
            report = self.reporter(record)
            rules.check_lengths(section, record.values, report)
            if section == "sites":
                rules.check_site(values, report)
            elif section == "techniques":
                rules.check_technique(values, report)
            elif section == "components":
                rules.check_component(values, tables["techniques"], report)
            elif section == "groups":
                rules.check_group(values, tables["techniques"], report)
            elif section == "dependencies":
                rules.check_dependency(values["function"], self.state.functions, report)
            else:
                if section == "people":
                    rules.check_person(values, report)
                elif section == "roles":
                    rules.check_role(values, set(tables["people"]), report)
                else:
                    rules.check_supplier(values, report)
                rules.check_needed_by(values, self.state.functions, report)

    def deputy_rules(self) -> None:
        """Deputies are people of the plan or the file, never the person, and never loop."""
        people = self.state.tables["people"]
        for name, values in people.items():
            record = self.record_of("people", name)
            if record is None or "deputies" not in record.values:
                continue
            unknown = [d for d in values["deputies"] if d not in people]
            if unknown:
                self.report(
                    record,
                    "deputies",
                    "no person named "
                    + ", ".join(f"“{d}”" for d in unknown)
                    + " in the plan or the file",
                )
            if name in values["deputies"]:
                self.report(record, "deputies", f"“{name}” cannot deputise for themself")
        edges = {
            name: [d for d in v["deputies"] if d in people and d != name]
            for name, v in people.items()
        }
        reported: set[str] = set()
        for name in sorted(edges):
            if name in reported:
                continue
            loop = find_cycle(edges, start=name)
            if loop is None:
                continue
            reported.update(loop)
            in_file = [self.record_of("people", n) for n in loop[:-1]]
            record = next((r for r in in_file if r is not None), None)
            self.report(record, "deputies", "deputy chain that loops: " + " → ".join(loop))

    # --- the engine's structural checks ------------------------------------------------

    def topology(self) -> tuple[Topology, dict[str, list[Any]]]:
        """The merged inventory as an engine topology, and each section's order in it."""
        tables = self.state.tables
        site_names = list(tables["sites"])
        component_names = list(tables["components"])
        group_names = list(tables["groups"])
        needs: dict[str, list[str]] = {}
        for values in tables["dependencies"].values():
            needs.setdefault(values["function"], []).append(values["needs"])
        function_names = list(needs)

        def percent(value: float | None) -> float | None:
            return None if value is None else value / 100.0

        topology = Topology(
            sites=tuple(
                EngineSite(
                    SITE + name,
                    availability=1.0
                    if v["availability_percent"] is None
                    else v["availability_percent"] / 100.0,
                    parent=SITE + v["parent"] if v["parent"] else None,
                )
                for name, v in tables["sites"].items()
            ),
            components=tuple(
                EngineComponent(
                    NODE + name,
                    availability=percent(v["availability_percent"]),
                    mtbf_hours=v["mtbf_hours"],
                    mttr_hours=v["mttr_hours"],
                    runs_on=tuple(NODE + n for n in v["runs_on"]),
                    site=SITE + v["site"] if v["site"] else None,
                )
                for name, v in tables["components"].items()
            ),
            groups=tuple(
                EngineGroup(
                    NODE + name,
                    mode=v["mode"],
                    members=tuple(NODE + n for n in v["members"]),
                    k=v["k"],
                    failover_seconds=v["failover_seconds"],
                )
                for name, v in tables["groups"].items()
            ),
            services=tuple(
                EngineService(FUNCTION + f, tuple(NODE + n for n in needs[f]))
                for f in function_names
            ),
        )
        order: dict[str, list[Any]] = {
            "sites": site_names,
            "components": component_names,
            "groups": group_names,
            "services": [(f, needs[f]) for f in function_names],
        }
        return topology, order

    def engine_rules(self) -> None:
        topology, order = self.topology()
        for error in topology_errors(topology):
            if error.code not in _VALUE_CODES:
                self.place(error, order)

    def record_of(self, section: str, name: str) -> Record | None:
        return self.where.get((section, name))

    def node_record(self, name: str) -> tuple[Record | None, str]:
        record = self.record_of("components", name)
        if record is not None:
            return record, "runs_on"
        return self.record_of("groups", name), "members"

    def place(self, error: TopologyError, order: dict[str, list[Any]]) -> None:
        """Reword one engine error by name and put it on the file's row that causes it."""
        match = _PATH.match(error.path)
        if error.code == "cycle":
            self.place_cycle(error)
            return
        if match is None:
            return
        section, index, attribute, position = match.groups()
        element = order[section][int(index)]
        if section == "services":
            function, needed = element
            target = needed[int(position)] if position is not None else ""
            record = self.record_of("dependencies", dependency_key(function, target))
            self.report(
                record, "needs", f"no component or group named “{target}” in the plan or the file"
            )
            return
        name = str(element)
        record = self.record_of(section, name)
        values = self.state.tables[section][name]
        if error.code == "duplicate_id" and attribute == "id":
            record, _ = self.node_record(name)
            message = f"“{name}” is used by both a component and a group; names must differ"
            self.report(record, "name", message)
        elif error.code == "duplicate_id":
            self.report(record, "members", f"lists “{values['members'][int(position or 0)]}” twice")
        elif error.code == "runs_on_itself":
            self.report(record, "runs_on", f"“{name}” cannot run on itself")
        elif error.code in ("invalid_k", "k_greater_than_n"):
            k, count = values["k"], len(values["members"])
            if error.code == "k_greater_than_n":
                message = (
                    f"The group needs {k} members up but has only {count}; it could never be up."
                )
            elif values["mode"] == "active_passive" and isinstance(k, int) and k >= 1:
                message = "An active/passive group is up while one member is up, so k must be 1."
            else:
                message = "Members needed (k) is a whole number, at least 1."
            self.report(record, "k", message)
        elif error.code == "unknown_id":
            column = attribute or ""
            target = values[column]
            if isinstance(target, list):
                target = target[int(position or 0)]
            what = "site" if column in ("parent", "site") else "component or group"
            self.report(record, column, f"no {what} named “{target}” in the plan or the file")
        else:
            self.report(record, attribute or "", error.message)

    def place_cycle(self, error: TopologyError) -> None:
        names = [element.split(":", 1)[1] for element in error.ids]
        if error.ids and error.ids[0].startswith(SITE):
            in_file = [self.record_of("sites", n) for n in names[:-1]]
            record = next((r for r in in_file if r is not None), None)
            if len(names) == 2:
                message = "a site cannot sit inside itself"
            else:
                message = "sites cannot contain each other: " + " → ".join(names)
            self.report(record, "parent", message)
            return
        found = [self.node_record(n) for n in names[:-1]]
        record, column = next(((r, c) for r, c in found if r is not None), (None, "runs_on"))
        if len(names) == 2:
            message = f"“{names[0]}” cannot be a member of itself"
        else:
            message = "dependency cycle: " + " → ".join(names)
        self.report(record, column, message)

    def report(self, record: Record | None, column: str, message: str) -> None:
        # An error no row of the file causes is in the plan already (a group left with
        # fewer members than it needs after a component was removed): the analysis
        # reports those, and they must not block an unrelated import.
        if record is not None:
            self.problem(record, column, message)


def check_import(plan: Plan, parsed: Parsed, *, replace: bool = False) -> Preview:
    """Every problem of the import against ``plan`` and, when none, what it would change.

    With ``replace`` the plan's records the file leaves out are removed
    (:mod:`inventory.exchange.replacing`): they are listed as changes with the action
    "delete", and a removal the pages would refuse is a problem naming the record.
    Linear in the size of the plan's inventory plus the file: a fixed number of queries,
    then single passes (merge, the inventory's rules, the engine's validation).
    """
    state = load_state(plan)
    gone = replacing.left_out(state.tables, parsed) if replace else {}
    replacing.drop(state.tables, gone, parsed)
    check = _Check(state, parsed)
    check.merge()
    for record, column, message in replacing.refusals(state.tables, gone, check.record_of):
        check.problem(record, column, message)
        check.settled.add((record.where, column))
    check.problems.extend(replacing.role_shortfalls(state.tables, gone))
    # Removals first: they are what a reader of the preview must not miss.
    check.changes[:0] = [
        Change(section, replacing.label(key), "delete") for section in gone for key in gone[section]
    ]
    check.inventory_rules()
    check.deputy_rules()
    check.engine_rules()
    problems = sorted(check.problems, key=lambda p: (_natural(p.where), p.column))
    return Preview(problems=problems, changes=check.changes if not problems else [])
