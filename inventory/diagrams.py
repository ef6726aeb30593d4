"""Dependency diagrams as SVG, laid out by Graphviz ``dot``.

We write the DOT text ourselves (every label escaped), run ``dot -Tsvg`` with a time
limit, and strip the result down to the ``<svg>`` element so pages can inline it.
Redundancy groups are clusters (nested groups nest), and SPOF candidates — the
components and sites whose loss alone stops the function, found by the analysis
engine — have a thick red border. Edges needed only for degraded service are dashed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.html import escape as html_escape

from inventory import graph as g
from inventory.models import Component, ComponentKind, RedundancyGroup, Site
from inventory.topology import (
    PlanTopology,
    fails_with,
    plan_topology,
    recovery_single_points_of_failure,
    single_points_of_failure,
)

DOT_TIMEOUT_SECONDS = 20
# Beyond this many boxes a layered drawing is no longer readable; pages list them instead.
MAX_DIAGRAM_ELEMENTS = 250
SPOF_COLOUR = "#c0392b"
# Redundancy groups, and the cover of a person by their deputies (``inventory.people``).
GROUP_PREFIXES = ("group:", "cover:", "role:")
PERSON_FILL = "#eef7ee"
SUPPLIER_FILL = "#fdf6e3"
KIND_LABELS = dict(ComponentKind.choices)


class DiagramUnavailable(RuntimeError):
    """Graphviz is missing or failed, or the diagram is too large; the message says which."""


def _check_size(count: int) -> None:
    if count > MAX_DIAGRAM_ELEMENTS:
        raise DiagramUnavailable(
            f"{count} elements are involved, too many for a readable diagram (the limit is "
            f"{MAX_DIAGRAM_ELEMENTS}); the lists on this page name them all."
        )


def escape(text: str) -> str:
    """Make ``text`` safe inside a double-quoted DOT string (no escape sequences survive)."""
    return (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\n", "\\n")
    )


def _attrs(**values: Any) -> str:
    parts = []
    for key, value in values.items():
        if value is None:
            continue
        parts.append(f'{key}="{escape(str(value))}"')
    return "[" + ", ".join(parts) + "]"


def _figure(component: Component) -> str:
    if component.availability_percent is not None:
        return f"{component.availability_percent:g} %"
    if component.mtbf_hours is not None and component.mttr_hours is not None:
        return f"MTBF {component.mtbf_hours:g} h · MTTR {component.mttr_hours:g} h"
    return "no figure"


def _node_id(key: str) -> str:
    return key.replace(":", "_")


@dataclass
class _Drawing:
    pt: PlanTopology
    plan_pk: int
    spofs: set[str]
    highlight: dict[str, str] = field(default_factory=dict)  # key → fill colour
    # Needed only to recover, with nobody to stand in: drawn like a SPOF, labelled apart.
    recovery_spofs: set[str] = field(default_factory=set)
    lines: list[str] = field(default_factory=list)
    placed: set[str] = field(default_factory=set)

    def url(self, key: str) -> str:
        kind, _, pk = key.partition(":")
        name, arg = {
            "component": ("inventory_component_detail", "component_pk"),
            "group": ("inventory_group_detail", "group_pk"),
            "site": ("inventory_site_detail", "site_pk"),
            "function": ("inventory_function_detail", "function_pk"),
            "person": ("inventory_person_detail", "person_pk"),
            "cover": ("inventory_person_detail", "person_pk"),
            "supplier": ("inventory_supplier_detail", "supplier_pk"),
            "role": ("inventory_role_detail", "role_pk"),
        }[kind]
        return reverse(name, kwargs={"plan_pk": self.plan_pk, arg: int(pk)})

    def component_node(self, key: str, indent: str) -> None:
        if key in self.placed:
            return
        self.placed.add(key)
        if key.startswith(("person:", "supplier:")):
            self.people_node(key, indent)
            return
        c: Component = self.pt.components[key]
        site = self.pt.sites.get(g.site_key(c.site_id)) if c.site_id else None
        label = f"{c.name}\n{KIND_LABELS.get(c.kind, c.kind)}"
        label += f" · {site.name}" if site else ""
        label += f"\n{_figure(c)}"
        spof = key in self.spofs
        self.lines.append(
            indent
            + _node_id(key)
            + " "
            + _attrs(
                label=("SPOF · " if spof else "") + label,
                URL=self.url(key),
                target="_top",
                tooltip=c.name,
                color=SPOF_COLOUR if spof else "#555555",
                penwidth="3" if spof else "1",
                fillcolor=self.highlight.get(key, "#ffffff"),
            )
            + ";"
        )

    def people_node(self, key: str, indent: str) -> None:
        """A person (an ellipse) or a supplier (a folder), so they stand apart from IT."""
        label, shape, fill = people_label(self.pt, key)
        spof = key in self.spofs or key in self.recovery_spofs
        mark = "SPOF · " if key in self.spofs else "SPOF for recovery · " if spof else ""
        self.lines.append(
            indent
            + _node_id(key)
            + " "
            + _attrs(
                label=mark + label,
                shape=shape,
                URL=self.url(key),
                target="_top",
                tooltip=self.pt.name(key),
                color=SPOF_COLOUR if spof else "#555555",
                penwidth="3" if spof else "1",
                fillcolor=self.highlight.get(key, fill),
            )
            + ";"
        )

    def group_cluster(self, key: str, members: dict[str, list[str]], indent: str) -> None:
        if key in self.placed:
            return
        self.placed.add(key)
        inner = members.get(key, [])
        group_name, how = group_words(self.pt, key, len(inner))
        self.lines.append(f"{indent}subgraph cluster_{_node_id(key)} {{")
        self.lines.append(
            f"{indent}  "
            + " ".join(
                f"{k}={v};"
                for k, v in (
                    ("label", f'"{escape(group_name)}\\n{escape(how)}"'),
                    ("URL", f'"{escape(self.url(key))}"'),
                    ("target", '"_top"'),
                    ("style", '"rounded,dashed"'),
                    ("color", '"#2c6fbb"'),
                    ("fontcolor", '"#2c6fbb"'),
                    ("bgcolor", f'"{self.highlight.get(key, "#f4f8fd")}"'),
                )
            )
        )
        if not inner:
            self.lines.append(
                f"{indent}  {_node_id(key)}_empty "
                + _attrs(label="no members", shape="plaintext", fontcolor="#888888")
                + ";"
            )
        placed_here = []
        for member in inner:
            if member.startswith(GROUP_PREFIXES):
                self.group_cluster(member, members, indent + "  ")
            elif member not in self.placed:
                self.component_node(member, indent + "  ")
                placed_here.append(member)
        if len(placed_here) > 1:
            # Members side by side, so the frame reads as one block of alternatives.
            ids = "; ".join(_node_id(m) for m in placed_here)
            self.lines.append(f"{indent}  {{rank=same; {ids};}}")
        self.lines.append(f"{indent}}}")

    def anchor(self, key: str, members: dict[str, list[str]]) -> str | None:
        """A node inside group ``key``'s cluster that edges can aim at."""
        seen: set[str] = set()
        current = key
        while current.startswith(GROUP_PREFIXES) and current not in seen:
            seen.add(current)
            inner = members.get(current, [])
            if not inner:
                return f"{_node_id(current)}_empty"
            current = inner[0]
        return _node_id(current)

    def edge(self, source: str, target: str, members: dict[str, list[str]], **extra: Any) -> None:
        head = (
            self.anchor(target, members) if target.startswith(GROUP_PREFIXES) else _node_id(target)
        )
        tail = (
            self.anchor(source, members) if source.startswith(GROUP_PREFIXES) else _node_id(source)
        )
        attrs: dict[str, Any] = dict(extra)
        if target.startswith(GROUP_PREFIXES):
            attrs["lhead"] = f"cluster_{_node_id(target)}"
        if source.startswith(GROUP_PREFIXES):
            attrs["ltail"] = f"cluster_{_node_id(source)}"
        self.lines.append(f"  {tail} -> {head} {_attrs(**attrs)};")


def group_words(pt: PlanTopology, key: str, size: int) -> tuple[str, str]:
    """A group's frame title and how it works, for redundancy groups and deputy cover."""
    if key.startswith("cover:"):
        person = pt.extra.covers[key]
        return f"{person.name} or a deputy", f"stands in after {person.handover_hours:g} h handover"
    if key.startswith("role:"):
        role = pt.extra.roles[key]
        return f"{role.name} (role)", f"{role.holders_needed} of {size} holders needed"
    group: RedundancyGroup = pt.groups[key]
    if group.mode == "active_passive":
        return group.name, f"active/passive · failover {group.failover_seconds:g} s"
    return group.name, f"active/active · {group.k} of {size} needed"


def people_label(pt: PlanTopology, key: str) -> tuple[str, str, str]:
    """(label, shape, fill) of a person or supplier node."""
    if key.startswith("person:"):
        person = pt.extra.people[key]
        label = f"{person.name}\n{person.role or 'key person'}"
        label += f"\nperson · away {person.absence_days_per_year:g} d a year"
        return label, "ellipse", PERSON_FILL
    supplier = pt.extra.suppliers[key]
    label = f"{supplier.name}\nsupplier · contract {supplier.contract_reference}"
    label += (
        f"\n{supplier.service_availability_percent:g} % · RTO {supplier.contract_rto_hours:g} h"
    )
    label += f" ({supplier.get_support_hours_display().split(' (')[0].lower()})"
    return label, "folder", SUPPLIER_FILL


HEADER = (
    "digraph inventory {\n"
    '  graph [compound=true, rankdir=LR, fontname="Helvetica", fontsize=11, nodesep=0.3, '
    "ranksep=0.55, newrank=true, labelloc=t];\n"
    '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10, '
    'margin="0.12,0.06"];\n'
    '  edge [fontname="Helvetica", fontsize=9, color="#555555", arrowsize=0.7];\n'
)


def _legend(
    lines: list[str],
    *,
    degraded: bool,
    recover: bool = False,
    highlight: Iterable[tuple[str, str]] = (),
    keys: Iterable[str] = (),
) -> None:
    lines.append("  subgraph cluster_legend {")
    lines.append('    label="Legend"; style="rounded"; color="#bbbbbb"; fontcolor="#555555";')
    lines.append(
        "    legend_spof "
        + _attrs(label="SPOF candidate", color=SPOF_COLOUR, penwidth="3", fillcolor="#ffffff")
        + ";"
    )
    lines.append(
        "    legend_group "
        + _attrs(
            label="dashed frame: redundancy group",
            shape="plaintext",
            fontcolor="#2c6fbb",
            style="",
        )
        + ";"
    )
    if degraded:
        lines.append(
            "    legend_degraded "
            + _attrs(label="dashed arrow: degraded need", shape="plaintext", style="")
            + ";"
        )
    if recover:
        lines.append(
            "    legend_recover "
            + _attrs(
                label="dotted arrow: needed to recover, not to run",
                shape="plaintext",
                style="",
            )
            + ";"
        )
    prefixes = {key.partition(":")[0] for key in keys}
    if "person" in prefixes:
        lines.append(
            "    legend_person "
            + _attrs(label="ellipse: key person", shape="ellipse", fillcolor=PERSON_FILL)
            + ";"
        )
    if "supplier" in prefixes:
        lines.append(
            "    legend_supplier "
            + _attrs(label="folder: supplier (contract)", shape="folder", fillcolor=SUPPLIER_FILL)
            + ";"
        )
    for index, (label, colour) in enumerate(highlight):
        lines.append(f"    legend_h{index} " + _attrs(label=label, fillcolor=colour) + ";")
    lines.append("  }")


def _closure(pt: PlanTopology, roots: Iterable[str]) -> tuple[list[str], dict[str, list[str]]]:
    plan_graph_edges: dict[str, list[str]] = {}
    for component in pt.topology.components:
        plan_graph_edges[component.id] = list(component.runs_on)
    for group in pt.topology.groups:
        plan_graph_edges[group.id] = list(group.members)
    keep: list[str] = []
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        node = stack.pop()
        if node in seen or node not in plan_graph_edges:
            continue
        seen.add(node)
        keep.append(node)
        stack.extend(plan_graph_edges[node])
    members = {key: plan_graph_edges[key] for key in keep if key.startswith(GROUP_PREFIXES)}
    return keep, members


def _draw(drawing: _Drawing, keep: list[str], members: dict[str, list[str]]) -> None:
    inside_groups = {m for inner in members.values() for m in inner}
    for key in sorted(keep, key=drawing.pt.name):
        if key in inside_groups:
            continue
        if key.startswith(GROUP_PREFIXES):
            drawing.group_cluster(key, members, "  ")
        else:
            drawing.component_node(key, "  ")
    for key in keep:
        if key.startswith(GROUP_PREFIXES):
            drawing.group_cluster(key, members, "  ")
        else:
            drawing.component_node(key, "  ")
    engine_components = {c.id: c for c in drawing.pt.topology.components}
    for key in sorted(keep):
        if key.startswith("component:"):
            for target in engine_components[key].runs_on:
                drawing.edge(key, target, members, label="runs on")


def function_dot(function: Any, pt: PlanTopology | None = None) -> str | None:
    """DOT for one business function, or None when it has no dependencies."""
    pt = pt or plan_topology(function.plan)
    service_id = g.function_key(function.pk)
    service = next((s for s in pt.topology.services if s.id == service_id), None)
    full = list(service.requires) if service else []
    degraded = list(pt.degraded_requires.get(service_id, ()))
    recover = list(pt.recovery_requires.get(service_id, ()))
    if not full and not degraded and not recover:
        return None
    spofs = set(single_points_of_failure(pt, service_id))
    drawing = _Drawing(
        pt=pt,
        plan_pk=function.plan_id,
        spofs=spofs,
        recovery_spofs=set(recovery_single_points_of_failure(pt, service_id)),
    )
    keep, members = _closure(pt, [*full, *degraded, *recover])
    _check_size(len(keep))
    lines = drawing.lines
    spof_sites = sorted(pt.name(s) for s in spofs if s.startswith("site:"))
    title = f"{function.name}: what it runs on"
    if spof_sites:
        title += "\nSites whose loss alone stops it: " + ", ".join(spof_sites)
    lines.append(f'  label="{escape(title)}"; fontsize=13;')
    lines.append(
        f"  {_node_id(service_id)} "
        + _attrs(
            label=f"{function.name}\nbusiness function",
            shape="box",
            style="rounded,filled,bold",
            fillcolor="#dbe9f8",
            URL=drawing.url(service_id),
            target="_top",
        )
        + ";"
    )
    _draw(drawing, keep, members)
    for target in full:
        drawing.edge(service_id, target, members, label="needs", penwidth="1.4")
    for target in degraded:
        drawing.edge(service_id, target, members, label="degraded", style="dashed")
    for target in recover:
        drawing.edge(service_id, target, members, label="to recover", style="dotted")
    _legend(lines, degraded=bool(degraded), recover=bool(recover), keys=keep)
    return HEADER + "\n".join(lines) + "\n}\n"


def site_dot(site: Site, pt: PlanTopology | None = None) -> str | None:
    """DOT for everything that fails with ``site``; None when nothing does."""
    pt = pt or plan_topology(site.plan)
    site_id = g.site_key(site.pk)
    down = fails_with(pt, site_id)
    inside = {
        key
        for key, c in pt.components.items()
        if c.site_id and _within(pt, g.site_key(c.site_id), site_id)
    }
    affected = (down | inside) - set(pt.sites)
    if not affected:
        return None
    spofs: set[str] = set()
    for service_id in (key for key in affected if key.startswith("function:")):
        spofs.update(single_points_of_failure(pt, service_id))
    drawing = _Drawing(
        pt=pt,
        plan_pk=site.plan_id,
        spofs=spofs,
        highlight={
            **{key: "#fde2cf" for key in affected if not key.startswith("function:")},
            **{key: "#f8d0cc" for key in inside},
        },
    )
    element_ids = [k for k in affected if not k.startswith("function:")]
    keep, members = _closure(pt, element_ids)
    _check_size(len(keep) + len(affected) - len(element_ids))
    lines = drawing.lines
    title = f"Lost with {site.name} ({site.get_kind_display().lower()})"
    lines.append(f'  label="{escape(title)}"; fontsize=13;')
    _draw(drawing, keep, members)
    for function_key in sorted(k for k in affected if k.startswith("function:")):
        function = pt.functions[function_key]
        lines.append(
            f"  {_node_id(function_key)} "
            + _attrs(
                label=f"{function.name}\nbusiness function · stops",
                style="rounded,filled,bold",
                fillcolor="#dbe9f8",
                URL=drawing.url(function_key),
                target="_top",
            )
            + ";"
        )
        service = next(s for s in pt.topology.services if s.id == function_key)
        for target in service.requires:
            if target in keep:
                drawing.edge(function_key, target, members, label="needs")
    _legend(
        lines,
        degraded=False,
        highlight=(("in this site", "#f8d0cc"), ("fails with the site", "#fde2cf")),
    )
    return HEADER + "\n".join(lines) + "\n}\n"


def _within(pt: PlanTopology, site_key: str, ancestor: str) -> bool:
    current: str | None = site_key
    seen: set[str] = set()
    while current is not None and current not in seen:
        if current == ancestor:
            return True
        seen.add(current)
        site = pt.sites.get(current)
        current = g.site_key(site.parent_id) if site and site.parent_id else None
    return False


_PROLOGUE = re.compile(r"^.*?(?=<svg\b)", re.DOTALL)
_COMMENTS = re.compile(r"<!--.*?-->", re.DOTALL)
_UNSAFE = re.compile(r"<\s*(script|foreignObject)\b.*?</\s*\1\s*>", re.DOTALL | re.IGNORECASE)
_EVENT_ATTRIBUTES = re.compile(r"\s+on[a-z]+\s*=\s*(\"[^\"]*\"|'[^']*')", re.IGNORECASE)


def sanitise_svg(svg: str, *, name: str) -> str:
    """Keep only the ``<svg>`` element, without comments, scripts or event handlers.

    The SVG comes from our own DOT with escaped labels, so this is a second line of
    defence before the markup is inlined in a page. ``name`` is what assistive
    technology announces for the image (the page lists the same dependencies as text).
    """
    svg = _PROLOGUE.sub("", svg, count=1)
    svg = _COMMENTS.sub("", svg)
    svg = _UNSAFE.sub("", svg)
    svg = _EVENT_ATTRIBUTES.sub("", svg)
    svg = re.sub(r'xlink:href="(?!/)[^"]*"', 'xlink:href="#"', svg)
    svg = svg.replace(
        "<svg ", f'<svg role="img" aria-label="{html_escape(name)}" class="inventory-diagram" ', 1
    )
    return svg.strip()


def render_svg(dot: str, *, name: str) -> str:
    executable = shutil.which("dot")
    if executable is None:
        raise DiagramUnavailable(
            "Graphviz is not installed on the server (the “dot” program is missing)."
        )
    try:
        result = subprocess.run(  # noqa: S603 - fixed executable, DOT on stdin
            [executable, "-Tsvg"],
            input=dot.encode("utf-8"),
            capture_output=True,
            timeout=DOT_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise DiagramUnavailable(
            f"Graphviz took longer than {DOT_TIMEOUT_SECONDS} s to lay out this diagram."
        ) from None
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()[:1]
        raise DiagramUnavailable("Graphviz could not draw this diagram: " + " ".join(message))
    return sanitise_svg(result.stdout.decode("utf-8"), name=name)


def function_diagram_svg(function: Any, pt: PlanTopology | None = None) -> str | None:
    """SVG of a function's dependencies; None when it has none (the caller says so)."""
    dot = function_dot(function, pt)
    return None if dot is None else render_svg(dot, name=f"Dependency diagram of {function.name}")


def site_diagram_svg(site: Site, pt: PlanTopology | None = None) -> str | None:
    """SVG of what fails with a site; None when nothing does."""
    dot = site_dot(site, pt)
    return None if dot is None else render_svg(dot, name=f"What fails with the site {site.name}")
