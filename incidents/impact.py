"""The blast radius of failures on a plan, in the plan's own names.

The plan is loaded once through the analysis loader (:func:`analysis.inputs.load_inputs`,
which builds the engine topology with :func:`inventory.topology.plan_topology`); the
engine's :func:`~analysis.engine.impact.assess_impact` decides which functions are down or
degraded and why; this module turns engine ids back into names and adds each function's
recovery objectives (recommended from its reviewed BIA by the engine). Nothing is saved.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from analysis.engine.impact import ImpactError, assess_impact
from analysis.engine.objectives import recommend_objectives
from analysis.inputs import AnalysisInputs, load_inputs
from bcp.models import Plan
from inventory.topology import PlanTopology

State = Literal["down", "degraded", "up"]
ElementKindCode = Literal["site", "component", "group"]

# A request names at most this many failed elements (every element of a large estate
# fits; anything longer is not a declaration but a mistake or an attack).
MAX_FAILED = 5_000
MAX_NAME_LENGTH = 200
STATE_ORDER: dict[str, int] = {"down": 0, "degraded": 1, "up": 2}


@dataclass(frozen=True)
class Element:
    """A site, component or redundancy group that can be declared failed."""

    key: str
    kind: ElementKindCode
    name: str


@dataclass(frozen=True)
class StrainedGroup:
    """A redundancy group running on fewer members than it has: the engine's
    :class:`~analysis.engine.impact.GroupStrain` in the plan's names."""

    name: str
    members_up: int
    members: int
    k: int
    down_members: tuple[str, ...]


@dataclass(frozen=True)
class Objectives:
    rto_hours: float | None
    mtpd_hours: float | None
    rpo_hours: float | None


@dataclass(frozen=True)
class FunctionImpact:
    """One business function's state under the failures, why, and its objectives."""

    function_id: int
    name: str
    state: State
    because: tuple[str, ...]
    causes: tuple[str, ...]
    strained: tuple[StrainedGroup, ...]
    degraded_needs_down: tuple[str, ...]
    objectives: Objectives
    has_dependencies: bool

    @property
    def affected(self) -> bool:
        return self.state != "up"


@dataclass(frozen=True)
class PlanImpact:
    failed: tuple[Element, ...]
    functions: tuple[FunctionImpact, ...]

    def in_state(self, state: State) -> tuple[FunctionImpact, ...]:
        return tuple(f for f in self.functions if f.state == state)

    @property
    def down(self) -> tuple[FunctionImpact, ...]:
        return self.in_state("down")

    @property
    def degraded(self) -> tuple[FunctionImpact, ...]:
        return self.in_state("degraded")

    @property
    def up(self) -> tuple[FunctionImpact, ...]:
        return self.in_state("up")

    @property
    def affected(self) -> tuple[FunctionImpact, ...]:
        return tuple(f for f in self.functions if f.affected)

    def function(self, function_id: int) -> FunctionImpact:
        for impact in self.functions:
            if impact.function_id == function_id:
                return impact
        raise KeyError(function_id)


class UnknownElements(ValueError):
    """Names that match no site, component or group (or more than one) of the plan."""

    def __init__(self, *, unknown: tuple[str, ...], ambiguous: tuple[str, ...] = ()) -> None:
        parts = []
        if unknown:
            parts.append("no site, component or group is called " + _quoted(unknown))
        if ambiguous:
            parts.append(
                _quoted(ambiguous) + " name more than one element; write kind:name, "
                "e.g. site:Head office"
            )
        text = "; ".join(parts)
        super().__init__(text[:1].upper() + text[1:] + ".")
        self.unknown = unknown
        self.ambiguous = ambiguous


class ImpactUnavailable(ValueError):
    """The plan's inventory cannot be evaluated (e.g. a dependency cycle)."""

    def __init__(self, problems: tuple[str, ...]) -> None:
        super().__init__(
            "The inventory cannot be evaluated until these are fixed: " + "; ".join(problems)
        )
        self.problems = problems


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(f"“{n}”" for n in names)


def elements(pt: PlanTopology) -> tuple[Element, ...]:
    """Every element of the plan that can be declared failed: sites, components, groups."""
    found = [
        *(Element(key=key, kind="site", name=str(obj)) for key, obj in pt.sites.items()),
        *(Element(key=key, kind="component", name=str(obj)) for key, obj in pt.components.items()),
        *(Element(key=key, kind="group", name=str(obj)) for key, obj in pt.groups.items()),
    ]
    return tuple(sorted(found, key=lambda e: (e.kind, e.name.casefold(), e.key)))


def resolve_names(pt: PlanTopology, names: Iterable[str]) -> tuple[str, ...]:
    """Engine keys for element names; ``kind:name`` picks one kind when names collide.

    Raises :class:`UnknownElements` naming every name that matches nothing or more than
    one element. Linear in the number of elements plus names.
    """
    by_name: dict[str, list[Element]] = {}
    for element in elements(pt):
        by_name.setdefault(element.name, []).append(element)
        by_name.setdefault(f"{element.kind}:{element.name}", []).append(element)
    keys: list[str] = []
    unknown: list[str] = []
    ambiguous: list[str] = []
    for raw in names:
        name = raw.strip()
        matches = by_name.get(name, [])
        if not matches:
            unknown.append(name)
        elif len(matches) > 1:
            ambiguous.append(name)
        elif matches[0].key not in keys:
            keys.append(matches[0].key)
    if unknown or ambiguous:
        raise UnknownElements(unknown=tuple(unknown), ambiguous=tuple(ambiguous))
    return tuple(keys)


def function_objectives(inputs: AnalysisInputs) -> dict[str, Objectives]:
    """RTO, MTPD and RPO per function key, as the engine recommends them from the BIA.

    A function without a reviewed BIA has no objectives (all ``None``): its clock runs
    without deadlines and the pages say so.
    """
    found: dict[str, Objectives] = {}
    for key, assessment in inputs.assessments.items():
        if assessment is None:
            found[key] = Objectives(None, None, None)
            continue
        recommendation = recommend_objectives(assessment, year_days=inputs.settings.year_days)
        found[key] = Objectives(
            rto_hours=recommendation.recommended_rto_hours,
            mtpd_hours=recommendation.mtpd_hours,
            rpo_hours=recommendation.recommended_rpo_hours,
        )
    return found


def plan_impact(
    plan: Plan, failed_keys: Iterable[str], *, inputs: AnalysisInputs | None = None
) -> PlanImpact:
    """Every function of ``plan`` with the given elements failed, most affected first.

    Raises :class:`UnknownElements` for keys that are not the plan's sites, components or
    groups, and :class:`ImpactUnavailable` when the inventory cannot be evaluated.
    """
    inputs = inputs or load_inputs(plan)
    pt = inputs.topology
    keys = tuple(dict.fromkeys(failed_keys))
    known = {e.key: e for e in elements(pt)}
    missing = tuple(k for k in keys if k not in known)
    if missing:
        raise UnknownElements(unknown=missing)
    try:
        report = assess_impact(pt.topology, keys, degraded_requires=pt.degraded_requires)
    except ImpactError as error:
        raise ImpactUnavailable(
            tuple(_named(pt, p) for p in error.problems) or (error.message,)
        ) from error
    objectives = function_objectives(inputs)
    requires = {s.id: s.requires for s in pt.topology.services}
    functions: list[FunctionImpact] = []
    for service in report.services:
        function = pt.functions[service.service_id]
        functions.append(
            FunctionImpact(
                function_id=function.pk,
                name=function.name,
                state=service.state,
                because=tuple(pt.name(x) for x in service.because),
                causes=tuple(pt.name(x) for x in service.causes),
                strained=tuple(
                    StrainedGroup(
                        name=pt.name(g.group_id),
                        members_up=g.members_up,
                        members=g.members,
                        k=g.k,
                        down_members=tuple(pt.name(m) for m in g.down_members),
                    )
                    for g in service.strained
                ),
                degraded_needs_down=tuple(pt.name(x) for x in service.degraded_needs_down),
                objectives=objectives.get(service.service_id, Objectives(None, None, None)),
                has_dependencies=bool(
                    requires.get(service.service_id) or pt.degraded_requires.get(service.service_id)
                ),
            )
        )
    functions.sort(key=lambda f: (STATE_ORDER[f.state], f.name.casefold()))
    return PlanImpact(failed=tuple(known[k] for k in keys), functions=tuple(functions))


def _named(pt: PlanTopology, text: str) -> str:
    for key in sorted(pt.all_ids(), key=len, reverse=True):
        if key in text:
            text = text.replace(f"'{key}'", f"“{pt.name(key)}”")
    return text
