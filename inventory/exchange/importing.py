"""Import of inventory: spreadsheets (CSV, XLSX) and inventory as code (JSON, YAML).

Three steps, each usable alone:

1. :func:`read_file` turns an upload into :class:`Parsed` records, refusing files that
   are not CSV/XLSX/JSON/YAML, larger than 10 MB or not UTF-8 text, and naming every cell
   it cannot read ("Row 4, column mttr_hours: “abc” is not a number").
2. :func:`check_import` compares the records with the plan: unknown names, cycles, k > n,
   availability out of range… Every problem is named by row (or position) and column.
   With no problems it lists what would be created and changed — the dry-run preview.
3. :func:`inventory_import_apply` writes everything in one transaction, all or nothing,
   under one batch id in the change history. It re-checks first, so a plan that changed
   since the preview cannot be half-imported.

Records are keyed by name: a name that exists is updated (only the columns given), a new
one is created. Nothing is deleted.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import tablib
import yaml
from django.db import transaction

from bcp.concurrency import save_if_current
from bcp.history import change_context
from bcp.models import Plan
from inventory import graph as g
from inventory.exchange.document import SCHEMA
from inventory.exchange.fields import SECTIONS, CellError, Column
from inventory.models import (
    Component,
    Dependency,
    RedundancyGroup,
    Site,
    Technique,
)
from inventory.validation import component_value_errors, group_value_errors, site_value_errors

MAX_BYTES = 10 * 1024 * 1024
SPREADSHEET_EXTENSIONS = (".csv", ".xlsx")
CODE_EXTENSIONS = (".json", ".yaml", ".yml")
TABULAR_SECTIONS = ("sites", "components")


class ImportFileError(ValueError):
    """The file as a whole cannot be read; the message tells the user what to do."""


@dataclass
class Problem:
    where: str
    column: str
    message: str

    def __str__(self) -> str:
        return (
            f"{self.where}, {self.column}: {self.message}"
            if self.column
            else (f"{self.where}: {self.message}")
        )


@dataclass
class Record:
    section: str
    where: str
    values: dict[str, Any]
    # Columns whose cell could not be read (already reported); later checks skip them.
    bad: set[str] = field(default_factory=set)

    @property
    def key(self) -> str:
        return str(self.values.get("key" if self.section == "techniques" else "name", ""))


@dataclass
class Parsed:
    source: str
    records: dict[str, list[Record]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def all_records(self) -> Iterable[Record]:
        for section in SECTIONS:
            yield from self.records.get(section, [])


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


# --- reading ---------------------------------------------------------------------


def _parse_row(
    section: str, columns: tuple[Column, ...], row: dict[str, Any], where: str, parsed: Parsed
) -> None:
    by_name = {column.name: column for column in columns}
    values: dict[str, Any] = {}
    bad: set[str] = set()
    for name, raw in row.items():
        column = by_name.get(name)
        if column is None:
            continue
        try:
            values[name] = column.parse(raw)
        except CellError as exc:
            parsed.problems.append(Problem(where, name, str(exc)))
            bad.add(name)
    required = [c.name for c in columns if c.required]
    if all(name in values for name in required):
        parsed.records.setdefault(section, []).append(Record(section, where, values, bad))


def _header_problems(section: str, headers: list[str], where: str) -> list[Problem]:
    known = [column.name for column in SECTIONS[section]]
    problems = []
    for header in headers:
        if header not in known:
            problems.append(
                Problem(
                    where,
                    header or "(empty header)",
                    "unknown column; the columns are " + ", ".join(known),
                )
            )
    for column in SECTIONS[section]:
        if column.required and column.name not in headers:
            problems.append(Problem(where, column.name, "this column is required"))
    return problems


def _read_dataset(section: str, dataset: tablib.Dataset, parsed: Parsed, label: str) -> None:
    headers = [str(h or "").strip().lower() for h in (dataset.headers or [])]
    header_problems = _header_problems(section, headers, f"{label}header row")
    parsed.problems.extend(header_problems)
    if any(p.message == "this column is required" for p in header_problems):
        return
    for index, row in enumerate(dataset, start=2):
        if all(cell is None or str(cell).strip() == "" for cell in row):
            continue
        cells = dict(zip(headers, row, strict=False))
        _parse_row(section, SECTIONS[section], cells, f"{label}row {index}", parsed)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            f"The file is not UTF-8 text (unreadable byte at position {exc.start}). "
            "Save it as “CSV UTF-8” (or UTF-8 JSON/YAML) and upload it again."
        ) from None


def _read_csv(data: bytes, section: str) -> Parsed:
    text = _decode(data)
    parsed = Parsed(source="CSV")
    try:
        dataset = tablib.Dataset().load(text, format="csv")
    except (tablib.InvalidDimensions, ValueError) as exc:
        raise ImportFileError(
            "The CSV file could not be read: some rows have a different number of columns "
            f"than the header ({exc.__class__.__name__})."
        ) from None
    if not dataset.headers:
        raise ImportFileError("The CSV file is empty: it needs a header row and data rows.")
    _read_dataset(section, dataset, parsed, "")
    return parsed


def _read_xlsx(data: bytes, section: str) -> Parsed:
    if not data.startswith(b"PK"):
        raise ImportFileError("The file is not an XLSX workbook (it is not a zip archive).")
    try:
        book = tablib.Databook().load(data, format="xlsx")
    except Exception as exc:  # openpyxl raises many types for broken workbooks
        raise ImportFileError(
            f"The XLSX workbook could not be read ({exc.__class__.__name__})."
        ) from None
    parsed = Parsed(source="XLSX")
    sheets = {str(sheet.title or "").strip().lower(): sheet for sheet in book.sheets()}
    named = [name for name in TABULAR_SECTIONS if name in sheets]
    if named:
        for name in named:
            _read_dataset(name, sheets[name], parsed, f"Sheet “{name}”, ")
    elif len(sheets) >= 1:
        first = book.sheets()[0]
        _read_dataset(section, first, parsed, "")
    else:
        raise ImportFileError("The workbook has no sheets.")
    return parsed


def _read_document(document: Any, source: str) -> Parsed:
    parsed = Parsed(source=source)
    if not isinstance(document, dict):
        raise ImportFileError(f"The {source} file must hold one object with a “schema” key.")
    schema = document.get("schema")
    if schema != SCHEMA:
        raise ImportFileError(
            f"Unsupported schema {schema!r}: this version reads “{SCHEMA}” "
            "(see docs/inventory-as-code.md)."
        )
    for key in document:
        if key != "schema" and key not in SECTIONS:
            parsed.problems.append(
                Problem(key, "", "unknown section; the sections are " + ", ".join(SECTIONS))
            )
    for section, columns in SECTIONS.items():
        items = document.get(section, [])
        if items is None:
            items = []
        if not isinstance(items, list):
            parsed.problems.append(Problem(section, "", "must be a list"))
            continue
        known = {column.name for column in columns}
        for index, item in enumerate(items):
            where = f"{section}[{index}]"
            if not isinstance(item, dict):
                parsed.problems.append(Problem(where, "", "must be an object"))
                continue
            label = item.get("key" if section == "techniques" else "name") or item.get("function")
            if isinstance(label, str) and label:
                where = f"{where} “{label}”"
            for key in item:
                if key not in known:
                    parsed.problems.append(Problem(where, str(key), "unknown field"))
            missing = [c.name for c in columns if c.required and c.name not in item]
            for name in missing:
                parsed.problems.append(Problem(where, name, "is required"))
            if not missing:
                _parse_row(section, columns, item, where, parsed)
    return parsed


def read_file(name: str, data: bytes, *, section: str = "components") -> Parsed:
    """Read an upload. ``section`` says what a CSV (or one-sheet workbook) holds."""
    lowered = name.lower()
    if len(data) > MAX_BYTES:
        raise ImportFileError(
            f"The file is {len(data) / 1024 / 1024:.1f} MB; the limit is 10 MB. "
            "Split it into several files."
        )
    if section not in TABULAR_SECTIONS:
        raise ImportFileError("Choose whether the file holds components or sites.")
    if lowered.endswith(".csv"):
        return _read_csv(data, section)
    if lowered.endswith(".xlsx"):
        return _read_xlsx(data, section)
    if lowered.endswith(".json"):
        try:
            document = json.loads(_decode(data))
        except json.JSONDecodeError as exc:
            raise ImportFileError(
                f"The JSON file is not valid JSON: {exc.msg} at line {exc.lineno}, "
                f"column {exc.colno}."
            ) from None
        return _read_document(document, "JSON")
    if lowered.endswith((".yaml", ".yml")):
        try:
            document = yaml.safe_load(_decode(data))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}" if mark is not None else ""
            raise ImportFileError(f"The YAML file is not valid YAML{where}.") from None
        return _read_document(document, "YAML")
    raise ImportFileError(
        "Only CSV or XLSX spreadsheets (and JSON or YAML inventory-as-code files) can be "
        f"imported; “{name}” is none of these."
    )


# --- checking ------------------------------------------------------------------------


@dataclass
class _State:
    """The plan's inventory as it would be after the import, by name."""

    sites: dict[str, dict[str, Any]]
    techniques: dict[str, dict[str, Any]]
    components: dict[str, dict[str, Any]]
    groups: dict[str, dict[str, Any]]
    functions: set[str]
    dependencies: dict[tuple[str, str], dict[str, Any]]
    objects: dict[tuple[str, str], Any]


def _load_state(plan: Plan) -> _State:
    from bia.models import BusinessFunction

    plan_graph = g.load_plan_graph(plan)
    site_names = dict(Site.objects.filter(plan=plan).values_list("pk", "name"))
    technique_keys = dict(Technique.objects.filter(plan=plan).values_list("pk", "key"))
    objects: dict[tuple[str, str], Any] = {}
    sites = {}
    for s in Site.objects.filter(plan=plan):
        objects[("sites", s.name)] = s
        sites[s.name] = {
            "name": s.name,
            "kind": s.kind,
            "parent": site_names.get(s.parent_id or 0, ""),
            "availability_percent": s.availability_percent,
            "availability_source": s.availability_source,
            "restore_hours": s.restore_hours,
            "description": s.description,
        }
    techniques = {}
    for t in Technique.objects.filter(plan=plan):
        objects[("techniques", t.key)] = t
        techniques[t.key] = {f: getattr(t, f) for f in [c.name for c in SECTIONS["techniques"]]}
    components = {}
    for c in Component.objects.filter(plan=plan):
        objects[("components", c.name)] = c
        values = {
            col.name: getattr(c, col.name)
            for col in SECTIONS["components"]
            if col.name not in ("site", "runs_on", "technique")
        }
        values["site"] = site_names.get(c.site_id or 0, "")
        values["technique"] = technique_keys.get(c.technique_id or 0, "")
        values["runs_on"] = sorted(
            plan_graph.name(k) for k in plan_graph.edges.get(g.component_key(c.pk), [])
        )
        components[c.name] = values
    groups = {}
    for x in RedundancyGroup.objects.filter(plan=plan):
        objects[("groups", x.name)] = x
        groups[x.name] = {
            "name": x.name,
            "mode": x.mode,
            "k": x.k,
            "failover_seconds": x.failover_seconds,
            "technique": technique_keys.get(x.technique_id or 0, ""),
            "members": [plan_graph.name(k) for k in plan_graph.edges.get(g.group_key(x.pk), [])],
            "notes": x.notes,
        }
    dependencies = {}
    for d in Dependency.objects.filter(plan=plan).select_related("function", "component", "group"):
        target = (d.component or d.group).name  # type: ignore[union-attr]
        objects[("dependencies", f"{d.function.name}\n{target}")] = d
        dependencies[(d.function.name, target)] = {
            "function": d.function.name,
            "needs": target,
            "need": d.need,
            "notes": d.notes,
        }
    functions = set(BusinessFunction.objects.filter(plan=plan).values_list("name", flat=True))
    return _State(sites, techniques, components, groups, functions, dependencies, objects)


_NEW_DEFAULTS: dict[str, dict[str, Any]] = {
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
}


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return (None if a is None else Decimal(a)) == (None if b is None else Decimal(b))
    return bool(a == b)


def check_import(plan: Plan, parsed: Parsed) -> Preview:
    """Every problem of the import against ``plan`` and, when none, what it would change."""
    problems = list(parsed.problems)
    state = _load_state(plan)
    where: dict[tuple[str, str], Record] = {}
    changes: list[Change] = []

    def problem(record: Record, column: str, message: str) -> None:
        if column not in record.bad:
            problems.append(Problem(record.where, column, message))

    # Merge each record into the state, noting duplicates and what changes.
    tables: dict[str, dict[Any, dict[str, Any]]] = {
        "sites": state.sites,
        "techniques": state.techniques,
        "components": state.components,
        "groups": state.groups,
        "dependencies": state.dependencies,
    }
    for item in parsed.all_records():
        section = item.section
        if section == "dependencies":
            key: Any = (item.values["function"], item.values["needs"])
            label = f"{key[0]} → {key[1]}"
        else:
            key = item.key
            label = key
        if (section, str(key)) in where:
            first = where[(section, str(key))]
            problem(
                item,
                "name" if section != "techniques" else "key",
                f"“{label}” appears again (first at {first.where})",
            )
            continue
        where[(section, str(key))] = item
        table = tables[section]
        before = table.get(key)
        if before is None:
            merged = {**_NEW_DEFAULTS[section], **item.values}
            change = Change(section, label, "create")
        else:
            merged = {**before, **item.values}
            fields = [f for f in item.values if not _same(before.get(f), merged.get(f))]
            change = Change(section, label, "update" if fields else "unchanged", fields)
        table[key] = merged
        changes.append(change)

    for name in state.components:
        if name in state.groups:
            record = where.get(("components", name)) or where.get(("groups", name))
            if record is not None:
                problem(
                    record,
                    "name",
                    f"“{name}” is used by both a component and a group; names must differ",
                )

    def refers(
        record: Record | None, column: str, name: str, table: dict[str, Any], what: str
    ) -> None:
        if name and name not in table and record is not None:
            problem(record, column, f"no {what} named “{name}” in the plan or the file")

    for name, values in state.sites.items():
        record = where.get(("sites", name))
        if record is None:
            continue
        if values["kind"] is None:
            problem(record, "kind", "is required for a new site")
        for column, message in site_value_errors(values).items():
            if column != "kind":
                problem(record, column, message)
        if values["parent"] == name:
            problem(record, "parent", "a site cannot sit inside itself")
        else:
            refers(record, "parent", values["parent"], state.sites, "site")
    parents = {name: v["parent"] for name, v in state.sites.items() if v["parent"]}
    for name in parents:
        chain = [name]
        current = parents.get(name)
        while current and current in parents and current not in chain:
            chain.append(current)
            current = parents.get(current)
        if current == name:
            record = where.get(("sites", name))
            if record is not None:
                problem(
                    record,
                    "parent",
                    "sites cannot contain each other: " + " → ".join([*chain, name]),
                )

    for key, values in state.techniques.items():
        record = where.get(("techniques", key))
        if record is None:
            continue
        if not values["name"]:
            problem(record, "name", "is required")

    nodes = {**state.components, **state.groups}
    for name, values in state.components.items():
        record = where.get(("components", name))
        if record is None:
            continue
        if values["kind"] is None:
            problem(record, "kind", "is required for a new component")
        for column, message in component_value_errors(values).items():
            if column != "kind":
                problem(record, column, message)
        refers(record, "site", values["site"], state.sites, "site")
        refers(record, "technique", values["technique"], state.techniques, "HA technique")
        for target in values["runs_on"]:
            if target == name:
                problem(record, "runs_on", f"“{name}” cannot run on itself")
            else:
                refers(record, "runs_on", target, nodes, "component or group")

    for name, values in state.groups.items():
        record = where.get(("groups", name))
        if record is None:
            continue
        if values["mode"] is None:
            problem(record, "mode", "is required for a new group")
        members = values["members"]
        for column, message in group_value_errors(values, len(members)).items():
            if column != "mode" or values["mode"] is not None:
                problem(record, column, message)
        refers(record, "technique", values["technique"], state.techniques, "HA technique")
        if len(set(members)) != len(members):
            problem(record, "members", "lists a member twice")
        for member in members:
            if member == name:
                problem(record, "members", f"“{name}” cannot be a member of itself")
            else:
                refers(record, "members", member, nodes, "component or group")

    for (function, target), _values in state.dependencies.items():
        record = where.get(("dependencies", str((function, target))))
        if record is None:
            continue
        if function not in state.functions:
            problem(record, "function", f"no business function named “{function}” in this plan")
        refers(record, "needs", target, nodes, "component or group")

    if not problems:
        edges: dict[str, list[str]] = {n: list(v["runs_on"]) for n, v in state.components.items()}
        edges.update({n: list(v["members"]) for n, v in state.groups.items()})
        cycle = g.find_cycle(edges)
        if cycle:
            owner = next(
                (
                    where.get((s, n))
                    for n in cycle
                    for s in ("components", "groups")
                    if where.get((s, n))
                ),
                None,
            )
            column = "runs_on" if owner and owner.section == "components" else "members"
            problems.append(
                Problem(
                    owner.where if owner else "File",
                    column,
                    "dependency cycle: " + " → ".join(cycle),
                )
            )
    problems.sort(key=lambda p: (_natural(p.where), p.column))
    return Preview(problems=problems, changes=changes if not problems else [])


def _natural(text: str) -> tuple[Any, ...]:
    """Sort key that puts "row 10" after "row 9"."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text))


# --- applying ------------------------------------------------------------------------


class ImportRefused(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the import")
        self.problems = problems


@dataclass
class ImportResult:
    batch: uuid.UUID
    created: int
    updated: int
    unchanged: int


def _save(instance: Any, changes: dict[str, Any]) -> None:
    real = {k: v for k, v in changes.items() if not _same(getattr(instance, k), v)}
    if real:
        save_if_current(instance, expected_version=None, changes=real)


@transaction.atomic
def inventory_import_apply(
    *, plan: Plan, parsed: Parsed, user: Any, reason: str = "", ticket: str = ""
) -> ImportResult:
    """Apply a clean import in one transaction; raise :class:`ImportRefused` otherwise."""
    preview = check_import(plan, parsed)
    if not preview.is_clean:
        raise ImportRefused(preview.problems)
    batch = uuid.uuid4()
    why = reason or f"Imported from {parsed.source}"
    records = parsed.records
    with change_context(user=user, reason=why, ticket=ticket, batch=batch):
        techniques = {t.key: t for t in Technique.objects.filter(plan=plan)}
        for record in records.get("techniques", []):
            values = dict(record.values)
            technique = techniques.get(values["key"])
            if technique is None:
                techniques[values["key"]] = Technique.objects.create(
                    plan=plan, **{**_NEW_DEFAULTS["techniques"], **values}
                )
            else:
                _save(technique, values)

        sites = {s.name: s for s in Site.objects.filter(plan=plan)}
        for record in records.get("sites", []):
            values = {k: v for k, v in record.values.items() if k != "parent"}
            site = sites.get(values["name"])
            if site is None:
                defaults = {k: v for k, v in _NEW_DEFAULTS["sites"].items() if k != "parent"}
                sites[values["name"]] = Site.objects.create(plan=plan, **{**defaults, **values})
            else:
                _save(site, values)
        for record in records.get("sites", []):
            if "parent" in record.values:
                parent = record.values["parent"]
                _save(sites[record.values["name"]], {"parent": sites[parent] if parent else None})

        nodes: dict[str, Component | RedundancyGroup] = {
            c.name: c for c in Component.objects.filter(plan=plan)
        }
        nodes.update({x.name: x for x in RedundancyGroup.objects.filter(plan=plan)})

        def resolve(values: dict[str, Any]) -> dict[str, Any]:
            out = dict(values)
            if "site" in out:
                out["site"] = sites[out["site"]] if out["site"] else None
            if "technique" in out:
                out["technique"] = techniques[out["technique"]] if out["technique"] else None
            return out

        for record in records.get("components", []):
            values = resolve({k: v for k, v in record.values.items() if k != "runs_on"})
            component = nodes.get(values["name"])
            if component is None:
                defaults = resolve(
                    {k: v for k, v in _NEW_DEFAULTS["components"].items() if k != "runs_on"}
                )
                nodes[values["name"]] = Component.objects.create(
                    plan=plan, **{**defaults, **values}
                )
            else:
                assert isinstance(component, Component)
                _save(component, values)
        for record in records.get("groups", []):
            values = resolve({k: v for k, v in record.values.items() if k != "members"})
            group = nodes.get(values["name"])
            if group is None:
                defaults = resolve(
                    {k: v for k, v in _NEW_DEFAULTS["groups"].items() if k != "members"}
                )
                nodes[values["name"]] = RedundancyGroup.objects.create(
                    plan=plan, **{**defaults, **values}
                )
            else:
                assert isinstance(group, RedundancyGroup)
                _save(group, values)

        from inventory.services import _set_members, _set_runs_on

        for record in records.get("components", []):
            if "runs_on" in record.values:
                component = nodes[record.values["name"]]
                assert isinstance(component, Component)
                _set_runs_on(component, [nodes[n] for n in record.values["runs_on"]])
        for record in records.get("groups", []):
            if "members" in record.values:
                group = nodes[record.values["name"]]
                assert isinstance(group, RedundancyGroup)
                _set_members(group, [nodes[n] for n in record.values["members"]])

        if records.get("dependencies"):
            from bia.models import BusinessFunction

            functions = {f.name: f for f in BusinessFunction.objects.filter(plan=plan)}
            existing = {
                (d.function.name, d.target.name): d
                for d in Dependency.objects.filter(plan=plan).select_related(
                    "function", "component", "group"
                )
            }
            for record in records["dependencies"]:
                values = {**_NEW_DEFAULTS["dependencies"], **record.values}
                key = (values["function"], values["needs"])
                dependency = existing.get(key)
                if dependency is None:
                    target = nodes[values["needs"]]
                    Dependency.objects.create(
                        plan=plan,
                        function=functions[values["function"]],
                        component=target if isinstance(target, Component) else None,
                        group=target if isinstance(target, RedundancyGroup) else None,
                        need=values["need"],
                        notes=values["notes"],
                    )
                else:
                    _save(
                        dependency,
                        {k: record.values[k] for k in ("need", "notes") if k in record.values},
                    )
    return ImportResult(
        batch=batch,
        created=preview.count("create"),
        updated=preview.count("update"),
        unchanged=preview.count("unchanged"),
    )
