"""Writing Graphviz DOT for the inventory diagrams: escaped labels and attributes, the
nodes (components, people, suppliers), redundancy groups as nested clusters, and the
legend. :mod:`inventory.diagrams` decides what to draw and renders it to SVG.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from inventory import graph as g
from inventory.models import Component, ComponentKind, RedundancyGroup
from inventory.topology import PlanTopology

SPOF_COLOUR = "#c0392b"
# Redundancy groups, and the cover of a person by their deputies (``inventory.people``).
GROUP_PREFIXES = ("group:", "cover:", "role:")
PERSON_FILL = "#eef7ee"
SUPPLIER_FILL = "#fdf6e3"
KIND_LABELS = dict(ComponentKind.choices)


def escape(text: str) -> str:
    """Make ``text`` safe inside a double-quoted DOT string (no escape sequences survive)."""
    return (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\n", "\\n")
    )


def attrs(**values: Any) -> str:
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


def node_id(key: str) -> str:
    return key.replace(":", "_")


@dataclass
class Drawing:
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
        label = ("SPOF · " if spof else "") + label
        self._node(key, indent, label=label, tooltip=c.name, spof=spof, fill="#ffffff")

    def people_node(self, key: str, indent: str) -> None:
        """A person (an ellipse) or a supplier (a folder), so they stand apart from IT."""
        label, shape, fill = people_label(self.pt, key)
        spof = key in self.spofs or key in self.recovery_spofs
        mark = "SPOF · " if key in self.spofs else "SPOF for recovery · " if spof else ""
        self._node(
            key,
            indent,
            label=mark + label,
            shape=shape,
            tooltip=self.pt.name(key),
            spof=spof,
            fill=fill,
        )

    def _node(
        self,
        key: str,
        indent: str,
        *,
        label: str,
        tooltip: str,
        spof: bool,
        fill: str,
        shape: str | None = None,
    ) -> None:
        """One linked node; a SPOF gets the thick red border; a highlight overrides ``fill``."""
        self.lines.append(
            indent
            + node_id(key)
            + " "
            + attrs(
                label=label,
                shape=shape,
                URL=self.url(key),
                target="_top",
                tooltip=tooltip,
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
        self.lines.append(f"{indent}subgraph cluster_{node_id(key)} {{")
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
                f"{indent}  {node_id(key)}_empty "
                + attrs(label="no members", shape="plaintext", fontcolor="#888888")
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
            ids = "; ".join(node_id(m) for m in placed_here)
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
                return f"{node_id(current)}_empty"
            current = inner[0]
        return node_id(current)

    def edge(self, source: str, target: str, members: dict[str, list[str]], **extra: Any) -> None:
        head = (
            self.anchor(target, members) if target.startswith(GROUP_PREFIXES) else node_id(target)
        )
        tail = (
            self.anchor(source, members) if source.startswith(GROUP_PREFIXES) else node_id(source)
        )
        edge_attrs: dict[str, Any] = dict(extra)
        if target.startswith(GROUP_PREFIXES):
            edge_attrs["lhead"] = f"cluster_{node_id(target)}"
        if source.startswith(GROUP_PREFIXES):
            edge_attrs["ltail"] = f"cluster_{node_id(source)}"
        self.lines.append(f"  {tail} -> {head} {attrs(**edge_attrs)};")


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


def legend(
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
        + attrs(label="SPOF candidate", color=SPOF_COLOUR, penwidth="3", fillcolor="#ffffff")
        + ";"
    )
    lines.append(
        "    legend_group "
        + attrs(
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
            + attrs(label="dashed arrow: degraded need", shape="plaintext", style="")
            + ";"
        )
    if recover:
        lines.append(
            "    legend_recover "
            + attrs(
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
            + attrs(label="ellipse: key person", shape="ellipse", fillcolor=PERSON_FILL)
            + ";"
        )
    if "supplier" in prefixes:
        lines.append(
            "    legend_supplier "
            + attrs(label="folder: supplier (contract)", shape="folder", fillcolor=SUPPLIER_FILL)
            + ";"
        )
    for index, (label, colour) in enumerate(highlight):
        lines.append(f"    legend_h{index} " + attrs(label=label, fillcolor=colour) + ";")
    lines.append("  }")
