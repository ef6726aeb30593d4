"""The structural part of checking an import: the engine's validation, placed by name.

The merged inventory is turned into an engine topology
(:func:`analysis.engine.validation.topology_errors` checks references between sites,
components and groups, k-of-n, a component running on itself, a member listed twice, site
loops and dependency cycles); each error is reworded by name and placed on the row (or list
item) of the file that causes it. :mod:`inventory.exchange.checking` builds on it.
"""

from __future__ import annotations

import re
from typing import Any

from analysis.engine.topology import Component as EngineComponent
from analysis.engine.topology import Group as EngineGroup
from analysis.engine.topology import Service as EngineService
from analysis.engine.topology import Site as EngineSite
from analysis.engine.topology import Topology, TopologyError
from analysis.engine.validation import topology_errors
from inventory.exchange.records import Change, Parsed, Problem, Record
from inventory.exchange.state import State, dependency_key

# Engine ids: sites, nodes (components and groups share names) and functions are
# separate namespaces in the inventory, one namespace in the engine.
SITE, NODE, FUNCTION = "site:", "node:", "function:"
# Codes of the engine's value checks; the inventory's rules check the same values in
# people's units (availability in %), so these would only say it twice.
_VALUE_CODES = frozenset(
    {"availability_out_of_range", "missing_availability", "invalid_mttr", "invalid"}
)
_PATH = re.compile(r"^(\w+)\[(\d+)\](?:\.(\w+)(?:\[(\d+)\])?)?$")


class StructureCheck:
    """The findings of one check of ``parsed`` against ``state``, and its structural part.

    Collects problems and changes; :meth:`engine_rules` runs the engine's validation of the
    merged inventory and places each error on the row of the file that causes it.
    """

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
