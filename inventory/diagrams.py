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

from django.utils.html import escape as html_escape

from bia.models import BusinessFunction
from inventory import graph as g
from inventory.dot import GROUP_PREFIXES, HEADER, Drawing, attrs, escape, legend, node_id
from inventory.models import Site
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


class DiagramUnavailable(RuntimeError):
    """Graphviz is missing or failed, or the diagram is too large; the message says which."""


def _check_size(count: int) -> None:
    if count > MAX_DIAGRAM_ELEMENTS:
        raise DiagramUnavailable(
            f"{count} elements are involved, too many for a readable diagram (the limit is "
            f"{MAX_DIAGRAM_ELEMENTS}); the lists on this page name them all."
        )


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


def _draw(drawing: Drawing, keep: list[str], members: dict[str, list[str]]) -> None:
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


def function_dot(function: BusinessFunction, pt: PlanTopology | None = None) -> str | None:
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
    drawing = Drawing(
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
        f"  {node_id(service_id)} "
        + attrs(
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
    legend(lines, degraded=bool(degraded), recover=bool(recover), keys=keep)
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
    drawing = Drawing(
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
            f"  {node_id(function_key)} "
            + attrs(
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
    legend(
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


def function_diagram_svg(function: BusinessFunction, pt: PlanTopology | None = None) -> str | None:
    """SVG of a function's dependencies; None when it has none (the caller says so)."""
    dot = function_dot(function, pt)
    return None if dot is None else render_svg(dot, name=f"Dependency diagram of {function.name}")


def site_diagram_svg(site: Site, pt: PlanTopology | None = None) -> str | None:
    """SVG of what fails with a site; None when nothing does."""
    dot = site_dot(site, pt)
    return None if dot is None else render_svg(dot, name=f"What fails with the site {site.name}")
