"""Checking an import against its plan: every problem named, or a preview of the changes.

The records are merged, by name, into the plan's inventory as it is (loaded in a fixed
number of queries); the result is checked twice, each check one pass over it:

* the inventory's own rules (:mod:`inventory.exchange.rules`): kinds, names, units,
  techniques, business functions;
* the engine's validation of the merged inventory as a topology, for everything
  structural (:mod:`inventory.exchange.structure`), its errors placed on the row (or list
  item) of the file that causes them.

The plan's inventory as import values is :mod:`inventory.exchange.state`; the preview and
its changes are plain records (:mod:`inventory.exchange.records`).

With no problems the preview lists what would be created and changed. A preview is
JSON-ready (:meth:`Preview.as_dict`) so the worker that checks a file can store it.
"""

from __future__ import annotations

import re
from typing import Any

from bcp.models import Plan
from inventory.exchange import replacing, rules
from inventory.exchange.records import Change, Parsed, Preview, Record
from inventory.exchange.state import NEW_DEFAULTS, load_state, same
from inventory.exchange.structure import StructureCheck
from inventory.graph import find_cycle


def _same_value(column: str, before: Any, after: Any) -> bool:
    # What a component runs on is a set (exports list it by name); members keep order.
    if column == "runs_on":
        return sorted(before or []) == sorted(after or [])
    return same(before, after)


def _natural(text: str) -> tuple[Any, ...]:
    """Sort key that puts "row 10" after "row 9"."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text))


class _Check(StructureCheck):
    """One check of ``parsed`` against ``state``: the merge and the inventory\'s own rules."""

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
