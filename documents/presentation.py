"""Turn a frozen snapshot into what the plan template shows, section by section.

The other apps' snapshots are read defensively: a section whose data is missing
says "Not yet assessed" rather than failing, and a key spelled a little
differently (``rto_hours`` or ``rto_minutes``) is still understood. Nothing here
touches the database: a published version re-renders from its snapshot alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree

NOT_ASSESSED = "Not yet assessed"

# Units a duration may be given in, by key suffix, in minutes.
_DURATION_UNITS = {
    "_seconds": 1 / 60,
    "_minutes": 1.0,
    "_mins": 1.0,
    "_hours": 60.0,
    "_days": 1440.0,
}


@dataclass
class Table:
    columns: list[str]
    rows: list[list[str]]


@dataclass
class HeatMap:
    horizons: list[str]
    rows: list[tuple[str, list[int | None]]]
    max_level: int = 4


@dataclass
class ObjectiveRow:
    function: str
    mtpd: str
    rto: str
    rpo: str
    reasoning: str


@dataclass
class ProcedureView:
    title: str
    function: str
    phase: str
    summary: str
    steps: list[dict[str, Any]]
    total_minutes: int
    rto_minutes: float | None
    check: str
    within_rto: bool | None


@dataclass
class Section:
    key: str
    title: str
    assessed: bool = True
    data: dict[str, Any] = field(default_factory=dict)


def first(mapping: Any, *keys: str, default: Any = None) -> Any:
    if not isinstance(mapping, dict):
        return default
    for key in keys:
        value = mapping.get(key)
        if value not in (None, "", [], {}):
            return value
    return default


def duration_minutes(mapping: Any, stem: str) -> float | None:
    """Read ``stem`` in whatever unit the snapshot used (``rto_hours``, ``rto_minutes``…)."""
    if not isinstance(mapping, dict):
        return None
    for suffix, factor in _DURATION_UNITS.items():
        value = mapping.get(stem + suffix)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value) * factor
    value = mapping.get(stem)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value) * 60.0  # bare numbers are hours, the BIA's unit
    if isinstance(value, dict):
        return duration_minutes(value, "value") or duration_minutes(value, "recommended")
    return None


def format_minutes(minutes: float | None) -> str:
    if minutes is None:
        return NOT_ASSESSED
    total = round(minutes)
    if total < 60:
        return f"{total} min"
    days, rest = divmod(total, 1440)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days} d")
    if hours:
        parts.append(f"{hours} h")
    if mins:
        parts.append(f"{mins} min")
    return " ".join(parts)


def cell(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, list):
        return ", ".join(cell(item) for item in value) or "—"
    if isinstance(value, dict):
        name = first(value, "name", "title", "label")
        if name:
            return str(name)
        return "; ".join(f"{key}: {cell(item)}" for key, item in sorted(value.items()))
    return str(value)


def humanise(key: str) -> str:
    text = key.replace("_", " ").strip()
    for short in ("rto", "rpo", "mtpd", "mbco", "spof", "sla", "id"):
        text = " ".join(w.upper() if w == short else w for w in text.split(" "))
    return text[:1].upper() + text[1:]


def table_from(rows: Any, preferred: Iterable[str] = (), *, limit_columns: int = 7) -> Table | None:
    """A table from a list of dicts, preferring the named columns when present."""
    if not isinstance(rows, list) or not rows:
        return None
    dict_rows = [r for r in rows if isinstance(r, dict)]
    if not dict_rows:
        return Table(columns=["Item"], rows=[[cell(r)] for r in rows])
    present: list[str] = []
    for row in dict_rows:
        for key in row:
            if key not in present:
                present.append(key)
    preferred = list(preferred)
    columns = [k for k in preferred if k in present]
    if not columns:
        columns = [
            k
            for k in present
            if not k.endswith("_id") and k != "id" and not isinstance(dict_rows[0].get(k), dict)
        ][:limit_columns]
    return Table(
        columns=[humanise(c) for c in columns],
        rows=[[cell(row.get(c)) for c in columns] for row in dict_rows],
    )


def _functions(bia: Any) -> list[dict[str, Any]]:
    functions = first(bia, "functions", "business_functions", default=[])
    return [f for f in functions if isinstance(f, dict)] if isinstance(functions, list) else []


def analysis_functions(inputs: dict[str, Any]) -> list[dict[str, Any]]:
    """Per-function analysis results (required/achievable objectives, gaps), by name."""
    results = first(inputs.get("analysis"), "results", default={})
    functions = first(results, "functions", default={})
    if isinstance(functions, dict):
        functions = list(functions.values())
    rows = [f for f in functions if isinstance(f, dict)] if isinstance(functions, list) else []
    return sorted(rows, key=lambda f: cell(f.get("name")))


def _hours_label(hours: float) -> str:
    return format_minutes(hours * 60)


def heat_map(inputs: dict[str, Any]) -> HeatMap | None:
    """Function × time horizon, each cell the worst impact level over all categories.

    The analysis computes this already; without an analysis run it is derived
    from the BIA's answers (cells are keyed ``category@horizon``).
    """
    results = first(inputs.get("analysis"), "results", default={})
    ready = first(results, "heatmap", default=None)
    if isinstance(ready, dict) and ready.get("rows"):
        horizons = [cell(h) for h in ready.get("horizons") or []]
        rows = []
        for row in ready["rows"]:
            levels = row.get("levels") or []
            padded = [_level(v) for v in levels] + [None] * (len(horizons) - len(levels))
            rows.append((cell(row.get("name")), padded[: len(horizons)]))
        if any(any(v is not None for v in levels) for _, levels in rows):
            return HeatMap(horizons=horizons, rows=rows, max_level=_max_level(inputs))
    bia = inputs.get("bia")
    settings = first(bia, "impact_settings", default={})
    hours = [float(h) for h in (first(settings, "horizons_hours", default=[]) or [])]
    labels = [cell(h) for h in (first(settings, "horizons", default=[]) or [])]
    if len(labels) != len(hours):
        labels = [_hours_label(h) for h in hours]
    grid_rows = []
    for function in _functions(bia):
        impacts = first(function.get("bia"), "impacts", default=None) or first(
            function, "impacts", default=None
        )
        worst: dict[int, int] = {}
        if isinstance(impacts, dict):
            for cells in impacts.values():
                if not isinstance(cells, dict):
                    continue
                for key, level in cells.items():
                    horizon = str(key).rsplit("@", 1)[-1]
                    try:
                        index = hours.index(float(horizon))
                    except ValueError:
                        continue
                    value = _level(level)
                    if value is not None:
                        worst[index] = max(worst.get(index, value), value)
        grid_rows.append((cell(function.get("name")), [worst.get(i) for i in range(len(hours))]))
    if not any(any(v is not None for v in levels) for _, levels in grid_rows):
        return None
    return HeatMap(horizons=labels, rows=grid_rows, max_level=_max_level(inputs))


def _max_level(inputs: dict[str, Any]) -> int:
    categories = first(inputs.get("bia"), "impact_categories", default=[]) or []
    sizes = [len(c.get("levels") or []) for c in categories if isinstance(c, dict)]
    return max(sizes) - 1 if sizes and max(sizes) > 1 else 4


def _level(value: Any) -> int | None:
    if isinstance(value, dict):
        value = first(value, "level", "impact", "score", "value")
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value)
    return None


def _reasoning(value: Any) -> str:
    if isinstance(value, list):
        return " ".join(cell(item) for item in value if item)
    return cell(value) if value else ""


def objective_rows(inputs: dict[str, Any]) -> list[ObjectiveRow]:
    """RTO/RPO per function: the analysis's recommendation, else the BIA's derivation."""
    rows = []
    for entry in analysis_functions(inputs):
        required = entry.get("required")
        if not isinstance(required, dict):
            missing = entry.get("missing") or []
            rows.append(
                ObjectiveRow(
                    function=cell(entry.get("name")),
                    mtpd=NOT_ASSESSED,
                    rto=NOT_ASSESSED,
                    rpo=NOT_ASSESSED,
                    reasoning=("Missing: " + cell(missing)) if missing else "",
                )
            )
            continue
        rows.append(
            ObjectiveRow(
                function=cell(entry.get("name")),
                mtpd=format_minutes(duration_minutes(required, "mtpd")),
                rto=format_minutes(duration_minutes(required, "rto")),
                rpo=format_minutes(duration_minutes(required, "rpo")),
                reasoning=_reasoning(required.get("reasoning")),
            )
        )
    if rows:
        return rows
    for function in _functions(inputs.get("bia")):
        derived = function.get("bia") if isinstance(function.get("bia"), dict) else function
        if not isinstance(derived, dict) or duration_minutes(derived, "mtpd") is None:
            continue
        reasons = [derived.get("mtpd_reasoning"), derived.get("rpo_reasoning")]
        rows.append(
            ObjectiveRow(
                function=cell(function.get("name")),
                mtpd=format_minutes(duration_minutes(derived, "mtpd")),
                rto=format_minutes(duration_minutes(derived, "rto")),
                rpo=format_minutes(duration_minutes(derived, "rpo")),
                reasoning=" ".join(_reasoning(r) for r in reasons if r),
            )
        )
    return rows


def rto_minutes_by_function(inputs: dict[str, Any]) -> dict[str, float]:
    """The recommended RTO of each function that has one (from the analysis)."""
    found: dict[str, float] = {}
    for entry in analysis_functions(inputs):
        minutes = duration_minutes(entry.get("required"), "rto")
        if minutes is not None:
            found[cell(entry.get("name"))] = minutes
    return found


def availability_rows(inputs: dict[str, Any]) -> Table | None:
    analysis = inputs.get("analysis") or {}
    budgets = first(analysis, "budgets_year", default={}) or {}
    rows = []
    for entry in analysis_functions(inputs):
        required: dict[str, Any] = entry.get("required") or {}
        achieved: dict[str, Any] = entry.get("availability") or {}
        if not required and not achieved:
            continue
        allowed = budgets.get(entry.get("name")) if isinstance(budgets, dict) else None
        rows.append(
            [
                cell(entry.get("name")),
                _percent(required.get("availability")),
                cell(required.get("tier")),
                format_minutes(allowed / 60) if isinstance(allowed, int | float) else "—",
                _percent(achieved.get("availability")),
                cell(achieved.get("downtime_per_year")),
                cell(achieved.get("method")),
            ]
        )
    if not rows:
        return None
    return Table(
        columns=[
            "Function",
            "Required",
            "Tier",
            "Downtime budget per year",
            "Achievable",
            "Expected downtime per year",
            "Method",
        ],
        rows=rows,
    )


def _percent(value: Any) -> str:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return "—"
    return f"{value * 100:.4g} %" if value <= 1 else f"{value:.4g} %"


def spof_table(inputs: dict[str, Any]) -> Table | None:
    results = first(inputs.get("analysis"), "results", default={})
    ranking = first(results, "spof_ranking", default=[]) or []
    rows = [
        [
            cell(r.get("name")),
            # A SPOF that a redundancy group hides is the one people overlook.
            f"hidden behind {r['hidden_behind']}" if r.get("hidden_behind") else "",
            cell(r.get("functions")),
            str(len(r.get("functions") or [])),
        ]
        for r in ranking
        if isinstance(r, dict)
    ]
    if not rows:
        return None
    return Table(columns=["Component or site", "Hidden?", "Stops", "Functions stopped"], rows=rows)


def gap_table(inputs: dict[str, Any]) -> Table | None:
    rows = []
    for entry in analysis_functions(inputs):
        for gap in entry.get("gaps") or []:
            if not isinstance(gap, dict):
                continue
            options = [o for o in gap.get("options") or [] if isinstance(o, dict)]
            best = cell(options[0].get("technique")) if options else "—"
            kind = cell(gap.get("kind"))
            rows.append(
                [
                    cell(entry.get("name")),
                    kind,
                    cell(gap.get("severity")),
                    _gap_value(kind, gap.get("required")),
                    _gap_value(kind, gap.get("achievable")),
                    cell(gap.get("evidence")),
                    best,
                ]
            )
    if not rows:
        return None
    return Table(
        columns=[
            "Function",
            "Gap",
            "Severity",
            "Required",
            "Achievable",
            "Evidence",
            "First option",
        ],
        rows=rows,
    )


def _gap_value(kind: str, value: Any) -> str:
    """Gap figures are hours for RTO/RPO and fractions for availability."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if kind in ("rto", "rpo"):
            return format_minutes(value * 60)
        if kind == "availability":
            return _percent(value)
    return cell(value)


def roadmap_table(inputs: dict[str, Any]) -> Table | None:
    rows = []
    for entry in analysis_functions(inputs):
        for action in entry.get("action_plan") or []:
            if not isinstance(action, dict):
                continue
            milestones = [
                f"{cell(m.get('name'))} (week {cell(m.get('due_week'))})"
                for m in action.get("milestones") or []
                if isinstance(m, dict)
            ]
            rows.append(
                [
                    cell(entry.get("name")),
                    cell(action.get("title")),
                    cell(action.get("severity")),
                    cell(action.get("best_option")),
                    "; ".join(milestones) or "—",
                ]
            )
    if not rows:
        return None
    return Table(columns=["Function", "Action", "Severity", "Technique", "Milestones"], rows=rows)


def procedure_check(
    total_minutes: int, rto_minutes: float | None, *, has_function: bool = True
) -> tuple[str, bool | None]:
    if not has_function:
        return ("Plan-wide procedure: not tied to one function's RTO.", None)
    if rto_minutes is None:
        return (
            "No RTO from the analysis yet, so these steps are not checked against one.",
            None,
        )
    if total_minutes <= rto_minutes:
        return (
            f"Steps take {format_minutes(total_minutes)}, within the RTO of "
            f"{format_minutes(rto_minutes)}.",
            True,
        )
    return (
        f"Steps take {format_minutes(total_minutes)}, longer than the RTO of "
        f"{format_minutes(rto_minutes)} by {format_minutes(total_minutes - rto_minutes)}.",
        False,
    )


def procedures(inputs: dict[str, Any], phase: str) -> list[ProcedureView]:
    rtos = rto_minutes_by_function(inputs)
    views = []
    for p in (inputs.get("documents") or {}).get("procedures", []):
        if p.get("phase") != phase:
            continue
        steps = p.get("steps") or []
        total = sum(int(s.get("expected_minutes") or 0) for s in steps)
        rto = rtos.get(p["function"]) if p.get("function") else None
        check, within = procedure_check(total, rto, has_function=bool(p.get("function")))
        views.append(
            ProcedureView(
                title=p.get("title", ""),
                function=p.get("function") or "All functions",
                phase=phase,
                summary=p.get("summary", ""),
                steps=steps,
                total_minutes=total,
                rto_minutes=rto,
                check=check,
                within_rto=within,
            )
        )
    return views


def call_tree(entries: list[dict[str, Any]]) -> list[tuple[int, dict[str, Any]]]:
    """Depth-first order with depth, so the template can indent without recursion."""
    children: dict[Any, list[dict[str, Any]]] = {}
    ids = {e["id"] for e in entries}
    for entry in entries:
        parent = entry.get("parent_id") if entry.get("parent_id") in ids else None
        children.setdefault(parent, []).append(entry)
    ordered: list[tuple[int, dict[str, Any]]] = []
    seen: set[Any] = set()

    def walk(parent: Any, depth: int) -> None:
        for entry in sorted(children.get(parent, []), key=lambda e: (e["position"], e["id"])):
            if entry["id"] in seen:
                continue
            seen.add(entry["id"])
            ordered.append((depth, entry))
            walk(entry["id"], depth + 1)

    walk(None, 0)
    return ordered


def _list(mapping: Any, *keys: str) -> list[Any]:
    value = first(mapping, *keys, default=[])
    return value if isinstance(value, list) else []


def build_sections(snapshot: dict[str, Any]) -> list[Section]:
    """The plan's sections in NIST SP 800-34 order, each with what it needs to show."""
    inputs = snapshot.get("inputs") or {}
    docs = inputs.get("documents") or {}
    bia = inputs.get("bia")
    inventory = inputs.get("inventory")
    analysis = inputs.get("analysis")
    contacts = docs.get("contacts") or []
    tree = call_tree(docs.get("call_tree") or [])

    def section(key: str, title: str, assessed: bool = True, **data: Any) -> Section:
        return Section(key=key, title=title, assessed=assessed, data=data)

    functions_table = table_from(
        _functions(bia), ("name", "criticality", "owner", "peak_periods", "workaround")
    )
    objectives = objective_rows(inputs)
    availability = availability_rows(inputs)
    spofs = spof_table(inputs)
    gaps = gap_table(inputs)
    roadmap = roadmap_table(inputs)
    analysed = first(analysis, "status", default="") == "assessed"
    diagrams = [
        {"function": cell(d.get("function")), "svg": clean_svg(d.get("svg"))}
        for d in snapshot.get("diagrams") or []
        if isinstance(d, dict)
    ]
    exercises = docs.get("exercises") or []
    sites = table_from(
        _list(inventory, "sites"), ("name", "kind", "parent", "availability_percent")
    )
    components = table_from(
        _list(inventory, "components"),
        ("name", "kind", "site", "owner", "availability_percent", "technique", "runs_on"),
    )
    groups = table_from(
        _list(inventory, "groups", "redundancy_groups"), ("name", "mode", "k", "members")
    )
    change_log = snapshot.get("change_log") or {}
    return [
        section("introduction", "Introduction, scope and assumptions"),
        section(
            "operations",
            "Concept of operations, roles and call tree",
            members=(inputs.get("plan") or {}).get("members", []),
            call_tree=tree,
        ),
        section("activation", "Activation and notification", call_tree=tree),
        section("recovery", "Recovery procedures", procedures=procedures(inputs, "recovery")),
        section(
            "reconstitution", "Reconstitution", procedures=procedures(inputs, "reconstitution")
        ),
        section(
            "bia",
            "Business impact analysis summary",
            assessed=bool(bia),
            functions=functions_table,
            heat_map=heat_map(inputs),
        ),
        section(
            "objectives",
            "Recovery objectives (RTO and RPO)",
            assessed=bool(objectives),
            rows=objectives,
        ),
        section(
            "budgets",
            "Availability and budgets",
            assessed=bool(availability),
            availability=availability,
        ),
        section(
            "diagrams",
            "Dependency diagrams",
            assessed=any(d.get("svg") for d in diagrams),
            diagrams=diagrams,
        ),
        section(
            "gaps",
            "Single points of failure, gaps and roadmap",
            assessed=bool(spofs or gaps or roadmap),
            spofs=spofs,
            gaps=gaps,
            roadmap=roadmap,
            analysed=analysed,
        ),
        section(
            "exercises", "Exercises and results", assessed=bool(exercises), exercises=exercises
        ),
        section(
            "appendix",
            "Appendix: contacts, vendors and inventory",
            contacts=contacts,
            vendors=docs.get("vendors") or [],
            inventory_assessed=bool(inventory),
            sites=sites,
            components=components,
            groups=groups,
        ),
        section(
            "changes",
            "Appendix: changes since the previous version",
            entries=change_log.get("entries") or [],
            since=change_log.get("since"),
            truncated=bool(change_log.get("truncated")),
        ),
        section("signoff", "Sign-off"),
    ]


SVG_NS = "http://www.w3.org/2000/svg"
_SVG_DROP = {"script", "foreignObject", "iframe", "object", "embed", "audio", "video"}


def clean_svg(svg: Any) -> str | None:
    """Keep a diagram's drawing; drop scripts, event handlers and links to other documents.

    Diagrams come from our own inventory code, but they carry user-typed names;
    this is the second line of defence behind that code's escaping and the fetcher.
    """
    if not isinstance(svg, str) or not svg.strip():
        return None
    start = svg.find("<svg")
    if start < 0:
        return None
    try:
        root = ElementTree.fromstring(svg[start:])  # noqa: S314  (our own SVG, no DTD)
    except ElementTree.ParseError:
        return None
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag.rsplit("}", 1)[-1] in _SVG_DROP:
                parent.remove(child)
        for name in list(parent.attrib):
            local = name.rsplit("}", 1)[-1].lower()
            value = parent.attrib[name].strip().lower()
            external_link = local == "href" and not value.startswith("#")
            external_url = "url(" in value and "url(#" not in value
            if local.startswith("on") or external_link or external_url:
                del parent.attrib[name]
    text = ElementTree.tostring(root, encoding="unicode")
    # ElementTree names the SVG namespace with a prefix (ns0:svg); the HTML parser only
    # recognises bare <svg>, so drop the prefix again.
    prefixed = re.search(r'xmlns:(\w+)="' + re.escape(SVG_NS) + '"', text)
    if prefixed:
        prefix = prefixed.group(1)
        text = text.replace(f"xmlns:{prefix}=", "xmlns=", 1)
        text = re.sub(rf"<(/?){prefix}:", r"<\1", text)
    return text
