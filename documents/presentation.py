"""Turn a typed snapshot into what each section of the plan shows, in words and with units.

Nothing here touches the database or guesses: every value comes from a declared field
of :class:`documents.snapshot.PlanSnapshot` and is written with the formatter its
contract field names (:mod:`documents.formatting`). The template only lays it out.
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

from analysis.engine.budgets import Period, allowed_downtime
from bcp import contract
from documents import formatting as fmt
from documents.snapshot import PlanSnapshot

NOT_ASSESSED = "Not yet assessed"
NINES_PERIODS: tuple[Period, ...] = ("year", "quarter", "month", "week")


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
class ObjectiveRow:
    function: str
    status: str
    mtpd: str
    rto: str
    rpo: str
    availability: str
    steps: tuple[str, ...]
    agreed: str
    missing: tuple[str, ...]


def objective_rows(analysis: contract.AnalysisPart) -> list[ObjectiveRow]:
    rows = []
    for f in analysis.functions:
        r = f.required
        rows.append(
            ObjectiveRow(
                function=f.name,
                status=f.status,
                mtpd=fmt.hours(r.mtpd_hours) if r else NOT_ASSESSED,
                rto=fmt.hours(r.rto_hours) if r else NOT_ASSESSED,
                rpo=fmt.hours(r.rpo_hours) if r else NOT_ASSESSED,
                availability=fmt.fraction(r.availability) if r else NOT_ASSESSED,
                steps=r.reasoning if r else (),
                agreed=r.agreed if r else "",
                missing=f.missing,
            )
        )
    return rows


@dataclass(frozen=True)
class BudgetRow:
    function: str
    required: str
    tier: str
    allowed: str
    achieved: str
    expected: str
    method: str
    within: bool | None


def budget_rows(analysis: contract.AnalysisPart) -> list[BudgetRow]:
    rows = []
    for f in analysis.functions:
        required = f.required.availability if f.required else None
        allowed = (
            allowed_downtime(required, year_days=analysis.year_days).seconds("year")
            if required is not None
            else None
        )
        achieved = f.achieved
        rows.append(
            BudgetRow(
                function=f.name,
                required=fmt.fraction(required) if required is not None else NOT_ASSESSED,
                tier=f.required.tier if f.required and f.required.tier else "—",
                allowed=fmt.seconds(allowed),
                achieved=fmt.fraction(achieved.availability) if achieved else NOT_ASSESSED,
                expected=fmt.seconds(achieved.downtime_seconds_per_year) if achieved else "—",
                method=achieved.method if achieved else "—",
                within=None
                if required is None or achieved is None
                else achieved.availability >= required,
            )
        )
    return rows


@dataclass(frozen=True)
class NinesRow:
    availability: str
    allowed: tuple[str, ...]  # per NINES_PERIODS


def nines_rows(analysis: contract.AnalysisPart) -> list[NinesRow]:
    """Allowed downtime of each availability tier the plan requires, per period."""
    tiers = sorted(
        {
            f.required.availability
            for f in analysis.functions
            if f.required is not None and f.required.availability is not None
        }
    )
    rows = []
    for tier in tiers:
        budget = allowed_downtime(tier, year_days=analysis.year_days)
        rows.append(
            NinesRow(
                availability=fmt.fraction(tier),
                allowed=tuple(fmt.seconds(budget.seconds(p)) for p in NINES_PERIODS),
            )
        )
    return rows


@dataclass(frozen=True)
class GapRow:
    gap: contract.Gap
    required: str
    achievable: str


SPOF = "Single point of failure"
ASSESSED = "Assessed"


def _gap_figure(hours: float | None, availability: float | None) -> str:
    if hours is not None:
        return fmt.hours(hours)
    if availability is not None:
        return fmt.fraction(availability)
    return "—"


def gap_rows(function: contract.FunctionAnalysis) -> list[GapRow]:
    """A function's gaps with required and achievable written with their units.

    A single point of failure has no figure: what is required is that the function keeps
    running when the element is lost, and what it achieves is that it stops.
    """
    rows = []
    for gap in function.gaps:
        if gap.kind == SPOF:
            required, achievable = "Keeps running without it", "Stops without it"
        else:
            required = _gap_figure(gap.required_hours, gap.required_availability)
            achievable = _gap_figure(gap.achievable_hours, gap.achievable_availability)
        rows.append(GapRow(gap=gap, required=required, achievable=achievable))
    return rows


def gaps_unknown(analysis: contract.AnalysisPart) -> list[tuple[str, str]]:
    """Functions whose gaps the analysis could not grade, each with its status in words.

    Gaps are measured against required objectives, so a function without them (no
    reviewed BIA, no dependencies recorded, an inventory with errors) has no gap rows:
    the document says their gaps are unknown rather than letting silence read as none.
    """
    return [(f.name, f.status) for f in analysis.functions if f.status != ASSESSED]


@dataclass(frozen=True)
class RoadmapRow:
    step: contract.RoadmapStep
    before: str
    after: str


def roadmap_rows(analysis: contract.AnalysisPart) -> list[RoadmapRow]:
    """The roadmap in the analysis's order, each step's effect before → after with units."""
    rows = []
    for step in analysis.roadmap:
        if step.before_hours is not None or step.after_hours is not None:
            before, after = fmt.hours(step.before_hours), fmt.hours(step.after_hours)
        else:
            before = fmt.fraction(step.before_availability)
            after = fmt.fraction(step.after_availability)
        rows.append(RoadmapRow(step, before, after))
    return rows


@dataclass(frozen=True)
class ChangeRow:
    section: str
    record: str
    added: int
    changed: int
    removed: int
    notable: tuple[str, ...]
    first_of_section: bool


@dataclass(frozen=True)
class DiagramView:
    function: str
    svg: str | None
    unavailable: str
    wide: bool  # laid out on a landscape page; a tall drawing keeps a portrait one


_LENGTH = re.compile(r"^\s*([0-9.]+)")


def svg_is_wide(svg: str | None) -> bool:
    """Whether a drawing is wider than tall, from its root ``width``/``height``/``viewBox``."""
    if not svg:
        return False
    try:
        root = ElementTree.fromstring(svg)  # noqa: S314  (cleaned by clean_svg already)
    except ElementTree.ParseError:
        return False
    width, height = root.attrib.get("width", ""), root.attrib.get("height", "")
    w, h = _LENGTH.match(width), _LENGTH.match(height)
    if w and h:
        return float(w.group(1)) >= float(h.group(1))
    box = root.attrib.get("viewBox", "").split()
    return len(box) == 4 and float(box[2]) >= float(box[3])


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


def svg_with_title(svg: str | None, function: str) -> str | None:
    """``svg`` with a ``<title>`` naming what it shows, every label in it in drawing order.

    WeasyPrint tags an inline SVG as a Figure and takes its alternative text from the
    title, so a screen reader reads the same names the drawing shows.
    """
    if not svg:
        return svg
    root = ElementTree.fromstring(svg)  # noqa: S314  (cleaned by clean_svg already)
    labels: list[str] = []
    for element in root.iter(f"{{{SVG_NS}}}text"):
        label = " ".join("".join(element.itertext()).split())
        if label and label not in labels:
            labels.append(label)
    text = f"Dependency diagram of {function}"
    text += f": {', '.join(labels)}." if labels else "."
    title = f"<title>{html.escape(text[:2000], quote=False)}</title>"
    opening = re.match(r"<svg\b[^>]*>", svg)
    assert opening is not None  # clean_svg returns a serialised <svg> root
    return svg[: opening.end()] + title + svg[opening.end() :]


SVG_NS = "http://www.w3.org/2000/svg"
_SVG_DROP = {"script", "foreignObject", "iframe", "object", "embed", "audio", "video"}


def clean_svg(svg: Any, *, id_prefix: str = "") -> str | None:
    """Keep a diagram's drawing; drop scripts, event handlers and links to other documents.

    Diagrams come from our own inventory code, but they carry user-typed names;
    this is the second line of defence behind that code's escaping and the fetcher.
    ``id_prefix`` goes in front of every id and every reference to one, so several
    drawings in one document never share an id (each is drawn with "node1", "edge1"…).
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
            elif id_prefix and local == "id":
                parent.attrib[name] = id_prefix + parent.attrib[name]
            elif id_prefix and local == "href":
                parent.attrib[name] = "#" + id_prefix + parent.attrib[name].strip()[1:]
            elif id_prefix and "url(#" in value:
                parent.attrib[name] = parent.attrib[name].replace("url(#", f"url(#{id_prefix}")
    text = ElementTree.tostring(root, encoding="unicode")
    # ElementTree names the SVG namespace with a prefix (ns0:svg); the HTML parser only
    # recognises bare <svg>, so drop the prefix again.
    prefixed = re.search(r'xmlns:(\w+)="' + re.escape(SVG_NS) + '"', text)
    if prefixed:
        prefix = prefixed.group(1)
        text = text.replace(f"xmlns:{prefix}=", "xmlns=", 1)
        text = re.sub(rf"<(/?){prefix}:", r"<\1", text)
    return text


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
