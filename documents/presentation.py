"""Turn a typed snapshot into what each section of the plan shows, in words and with units.

Nothing here touches the database or guesses: every value comes from a declared field
of :class:`documents.snapshot.PlanSnapshot` and is written with the formatter its
contract field names (:mod:`documents.formatting`). The template only lays it out.
The analysis tables' rows are built in :mod:`documents.analysis_tables`, the diagrams
cleaned and titled in :mod:`documents.svg`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from bcp import contract
from documents import formatting as fmt
from documents.analysis_tables import (
    NOT_ASSESSED,
    budget_rows,
    gap_rows,
    gaps_unknown,
    nines_rows,
    objective_rows,
    roadmap_rows,
)
from documents.changes import RecordChanges
from documents.snapshot import PlanSnapshot
from documents.svg import clean_svg, svg_is_wide, svg_with_title


def call_tree_order(entries: Sequence[Any]) -> list[tuple[str, Any]]:
    """Depth-first calling order with outline numbers ("1", "1.2", "1.2.1").

    Entries whose caller is not in the list start their own branch; a cycle is cut
    where it would repeat someone, and its members still appear.
    """
    ids = {e.pk for e in entries}
    children: dict[Any, list[Any]] = {}
    for entry in entries:
        parent = entry.parent_id if entry.parent_id in ids else None
        children.setdefault(parent, []).append(entry)
    ordered: list[tuple[str, Any]] = []
    seen: set[Any] = set()

    by_order = lambda e: (e.position, e.pk)  # noqa: E731
    roots = 0
    # Roots first; anyone left (only possible in a cycle) starts a branch of their own,
    # so nobody in the tree is ever left out of the document. Iterative: any depth.
    for root in [*sorted(children.get(None, []), key=by_order), *sorted(entries, key=by_order)]:
        if root.pk in seen:
            continue
        roots += 1
        stack = [(root, str(roots))]
        while stack:
            entry, outline = stack.pop()
            seen.add(entry.pk)
            ordered.append((outline, entry))
            kids = [c for c in sorted(children.get(entry.pk, []), key=by_order) if c.pk not in seen]
            for number, child in reversed(list(enumerate(kids, start=1))):
                stack.append((child, f"{outline}.{number}"))
    return ordered


@dataclass(frozen=True)
class Section:
    key: str
    title: str


SECTIONS = (
    Section("limitations", "Known limitations of this version"),
    Section("introduction", "Introduction, scope and assumptions"),
    Section("operations", "Concept of operations, roles and call tree"),
    Section("activation", "Activation and notification"),
    Section("recovery", "Recovery procedures"),
    Section("reconstitution", "Reconstitution"),
    Section("bia", "Business impact analysis summary"),
    Section("objectives", "Recovery objectives (RTO and RPO)"),
    Section("budgets", "Availability and downtime budgets"),
    Section("diagrams", "Dependency diagrams"),
    Section("gaps", "Single points of failure, gaps and roadmap"),
    Section("exercises", "Exercises and results"),
    Section("appendix", "Appendix: contacts, vendors and inventory"),
    Section("changes", "Appendix: changes since the previous version"),
    Section("signoff", "Sign-off"),
)


@dataclass(frozen=True)
class ProcedureView:
    procedure: contract.Procedure
    total: str
    check: str
    within_rto: bool | None


def procedure_check(
    total_minutes: int, rto_minutes: float | None, *, has_function: bool = True
) -> tuple[str, bool | None]:
    if not has_function:
        return ("Plan-wide procedure: not tied to one function's RTO.", None)
    if rto_minutes is None:
        return ("The function has no RTO yet, so these steps are not checked against one.", None)
    if total_minutes <= rto_minutes:
        return (
            f"Steps take {fmt.minutes(total_minutes)}, within the RTO of "
            f"{fmt.minutes(rto_minutes)}.",
            True,
        )
    return (
        f"Steps take {fmt.minutes(total_minutes)}, longer than the RTO of "
        f"{fmt.minutes(rto_minutes)} by {fmt.minutes(total_minutes - rto_minutes)}.",
        False,
    )


def _rto_minutes(analysis: contract.AnalysisPart) -> dict[str, float]:
    return {
        f.name: f.required.rto_hours * 60
        for f in analysis.functions
        if f.required is not None and f.required.rto_hours is not None
    }


def procedures(inputs: contract.PlanInputs, phase: str) -> list[ProcedureView]:
    rtos = _rto_minutes(inputs.analysis)
    views = []
    for p in inputs.documents.procedures:
        if p.phase != phase:
            continue
        total = sum(step.expected_minutes for step in p.steps)
        check, within = procedure_check(
            total, rtos.get(p.function) if p.function else None, has_function=bool(p.function)
        )
        views.append(ProcedureView(p, fmt.minutes(total), check, within))
    return views


@dataclass(frozen=True)
class HeatRow:
    function: str
    levels: tuple[int | None, ...]


@dataclass(frozen=True)
class ChangeRow(RecordChanges):
    """A row of the change table; the first row of a section starts it."""

    first_of_section: bool


@dataclass(frozen=True)
class DiagramView:
    function: str
    svg: str | None
    unavailable: str
    wide: bool  # laid out on a landscape page; a tall drawing keeps a portrait one


def build_context(snapshot: PlanSnapshot, *, draft: bool) -> dict[str, Any]:
    """Everything the plan template needs, section by section."""
    inputs = snapshot.inputs
    meta = snapshot.version
    analysis = inputs.analysis
    assessed = meta.analysis_run_on is not None
    number = meta.number
    label = str(number) if number else "draft"
    if draft and number:
        label = f"{number} draft"
    changes = snapshot.changes
    change_rows = []
    previous = ""
    for row in changes.rows:
        change_rows.append(
            ChangeRow(
                row.section,
                row.record,
                row.added,
                row.changed,
                row.removed,
                row.notable,
                row.section != previous,
            )
        )
        previous = row.section
    return {
        "plan": inputs.plan,
        "docs": inputs.documents,
        "bia": inputs.bia,
        "inventory": inputs.inventory,
        "analysis": analysis,
        "assessed": assessed,
        "draft": draft,
        "meta": meta,
        "version_label": label,
        "issued_on": fmt.date(meta.published_at),
        "analysis_run_on": fmt.date(meta.analysis_run_on),
        "inputs_sha256": snapshot.inputs_sha256,
        "paper": "letter" if inputs.documents.paper_size == "US Letter" else "A4",
        "owners": [m.name for m in inputs.plan.members if m.role == "Manager"],
        "approvers": inputs.documents.approvers,
        "sections": SECTIONS,
        "section_numbers": {s.key: i for i, s in enumerate(SECTIONS, start=1)},
        "checklist": snapshot.checklist,
        "recovery": procedures(inputs, "Recovery"),
        "reconstitution": procedures(inputs, "Reconstitution"),
        "horizons": [fmt.horizon(h) for h in inputs.bia.horizons_hours],
        "heat_rows": [
            HeatRow(f.name, f.review.worst_impact if f.review else ()) for f in inputs.bia.functions
        ],
        "objectives": objective_rows(analysis),
        "budgets": budget_rows(analysis),
        "nines": nines_rows(analysis),
        "nines_periods": ("a year", "a quarter", "a month", "a week"),
        "diagrams": [_diagram(d, index) for index, d in enumerate(snapshot.diagrams, start=1)],
        "gap_functions": [(f, gap_rows(f)) for f in analysis.functions if f.gaps],
        "gaps_unknown": gaps_unknown(analysis),
        "importance_functions": [f for f in analysis.functions if f.importance],
        "roadmap": roadmap_rows(analysis),
        # The milestones column only when a step has any (plans of action carry them).
        "roadmap_milestones": any(step.milestones for step in analysis.roadmap),
        "changes": changes,
        "change_rows": change_rows,
        "not_assessed": NOT_ASSESSED,
    }


def _diagram(diagram: contract.FunctionDiagram, index: int) -> DiagramView:
    svg = svg_with_title(clean_svg(diagram.svg, id_prefix=f"diagram{index}-"), diagram.function)
    return DiagramView(diagram.function, svg, diagram.unavailable, svg_is_wide(svg))


def iter_shown(value: Any, path: str = "") -> Iterable[tuple[str, contract.Shown, Any]]:
    """Every (path, display kind, value) of a contract value's fields that has a value."""

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            item = getattr(value, f.name)
            where = f"{path}.{f.name}" if path else f.name
            if dataclasses.is_dataclass(item) or (
                isinstance(item, tuple) and item and dataclasses.is_dataclass(item[0])
            ):
                yield from iter_shown(item, where)
            elif isinstance(item, tuple):
                for index, element in enumerate(item):
                    if element not in (None, ""):
                        yield f"{where}[{index}]", contract.shown_as(f), element
            elif item not in (None, ""):
                yield where, contract.shown_as(f), item
    elif isinstance(value, tuple):
        for index, item in enumerate(value):
            yield from iter_shown(item, f"{path}[{index}]")
