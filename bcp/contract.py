"""The contract between the apps and the plan document: what each app contributes.

Data flows one way — capture (``bcp``, ``bia``, ``inventory``) → ``analysis`` →
``documents`` — and each producer hands the document one declared part:

=====================  ==========================================  =================
part                   producer                                    type
=====================  ==========================================  =================
``plan``               ``bcp.selectors.document_part``             :class:`PlanPart`
``documents``          ``documents.document.documents_part``       :class:`DocumentsPart`
                       (its exercises include ``incidents.document.exercise_results``)
``bia``                ``bia.document.document_part``              :class:`BiaPart`
``inventory``          ``inventory.document.document_part``        :class:`InventoryPart`
``analysis``           ``documents.analysis_part.document_part``   :class:`AnalysisPart`
diagrams               ``inventory.document.function_diagrams``    :class:`FunctionDiagram`
=====================  ==========================================  =================

The document imports each producer directly (no lookup by name) and checks every part
with :func:`bcp.typecheck.conform` when the snapshot is built, so a part that is
missing or malformed stops the render job with its path (``bia.functions[2].owner:
expected text, found nothing``) instead of printing "Not yet assessed" in a signed
document. Values carry what the document prints, in words: labels, not codes.

Each field says in its metadata how the document shows it (``field(metadata=HOURS)``).
The document test walks every field that has a value and finds it, formatted that way,
in the rendered PDF.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from bcp.typecheck import ContractError, conform, to_plain

CONTRACT_FORMAT = "continuity-plan-snapshot/2"

# How a value appears in the document:
#   text     as written
#   level    an impact level, as a digit
#   count    a whole number
#   percent  a percentage given as a number of percent (99.95 → "99.95 %")
#   fraction an availability given as a fraction (0.9995 → "99.95 %")
#   hours    a duration in hours, in days/hours/minutes ("2 d 12 h 48 min")
#   minutes  a duration in minutes, the same way
#   seconds  a duration in seconds, the same way
#   horizon  a duration given in the BIA, in hours, as the BIA pages write it ("4 h",
#            "1 d", "1 w")
#   plain_hours  a figure in hours kept in hours (MTBF 4380 h)
#   number   a plain number ("365.2425")
#   date     an ISO date or date-time, as its date (YYYY-MM-DD)
#   svg      a drawing; the document shows it as a figure
Shown = Literal[
    "text",
    "level",
    "count",
    "percent",
    "fraction",
    "hours",
    "minutes",
    "seconds",
    "seconds_to_minute",
    "horizon",
    "plain_hours",
    "number",
    "date",
    "svg",
]


def _shown(kind: Shown) -> Mapping[str, Shown]:
    return MappingProxyType({"shown": kind})


# Field metadata, one per kind: ``name: str = field(metadata=TEXT)``.
TEXT = _shown("text")
LEVEL = _shown("level")
COUNT = _shown("count")
PERCENT = _shown("percent")
FRACTION = _shown("fraction")
HOURS = _shown("hours")
MINUTES = _shown("minutes")
SECONDS = _shown("seconds")
SECONDS_TO_MINUTE = _shown("seconds_to_minute")
HORIZON = _shown("horizon")
PLAIN_HOURS = _shown("plain_hours")
NUMBER = _shown("number")
DATE = _shown("date")
SVG = _shown("svg")


def shown_as(dataclass_field: Any) -> Shown:
    """How the document prints a field (text unless its metadata says otherwise)."""
    kind: Shown = dataclass_field.metadata.get("shown", "text")
    return kind


# --- plan ---------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    name: str = field(metadata=TEXT)
    role: str = field(metadata=TEXT)  # "Manager", "Stakeholder", "Auditor"


@dataclass(frozen=True)
class PlanPart:
    name: str = field(metadata=TEXT)
    organisation: str = field(metadata=TEXT)
    scope: str = field(metadata=TEXT)
    classification: str = field(metadata=TEXT)
    members: tuple[Member, ...] = field(metadata=TEXT)


# --- documents: this app's own planning data ---------------------------------------


@dataclass(frozen=True)
class Contact:
    name: str = field(metadata=TEXT)
    role: str = field(metadata=TEXT)
    organisation: str = field(metadata=TEXT)
    phone: str = field(metadata=TEXT)
    alternate_phone: str = field(metadata=TEXT)
    email: str = field(metadata=TEXT)


@dataclass(frozen=True)
class CallTreeLine:
    """One person in the call tree, in calling order; ``position`` is "1", "1.2", "1.2.1"."""

    position: str = field(metadata=TEXT)
    contact: str = field(metadata=TEXT)
    called_by: str = field(metadata=TEXT)
    responsibility: str = field(metadata=TEXT)


@dataclass(frozen=True)
class Vendor:
    name: str = field(metadata=TEXT)
    service: str = field(metadata=TEXT)
    contract_reference: str = field(metadata=TEXT)
    support_phone: str = field(metadata=TEXT)
    support_email: str = field(metadata=TEXT)
    support_hours: str = field(metadata=TEXT)
    response_time: str = field(metadata=TEXT)


@dataclass(frozen=True)
class ProcedureStep:
    instruction: str = field(metadata=TEXT)
    owner: str = field(metadata=TEXT)
    expected_minutes: int = field(metadata=MINUTES)


@dataclass(frozen=True)
class Procedure:
    title: str = field(metadata=TEXT)
    phase: str = field(metadata=TEXT)  # "Recovery" or "Reconstitution"
    function: str = field(metadata=TEXT)  # "" for a plan-wide procedure
    summary: str = field(metadata=TEXT)
    steps: tuple[ProcedureStep, ...] = field(metadata=TEXT)


@dataclass(frozen=True)
class Exercise:
    title: str = field(metadata=TEXT)
    kind: str = field(metadata=TEXT)  # "Tabletop", "Live failover test", …
    function: str = field(metadata=TEXT)
    scheduled_for: str = field(metadata=DATE)
    scope: str = field(metadata=TEXT)
    outcome: str = field(metadata=TEXT)  # "Planned", "Passed with findings", …
    held_on: str | None = field(metadata=DATE)
    objective_minutes: int | None = field(metadata=MINUTES)
    actual_minutes: int | None = field(metadata=MINUTES)
    findings: str = field(metadata=TEXT)


@dataclass(frozen=True)
class Approvers:
    """Who must approve the version: named people, or every function owner."""

    policy: str = field(metadata=TEXT)  # in words, e.g. "Every business function's owner"
    people: tuple[str, ...] = field(metadata=TEXT)


@dataclass(frozen=True)
class DocumentsPart:
    contacts: tuple[Contact, ...] = field(metadata=TEXT)
    call_tree: tuple[CallTreeLine, ...] = field(metadata=TEXT)
    vendors: tuple[Vendor, ...] = field(metadata=TEXT)
    procedures: tuple[Procedure, ...] = field(metadata=TEXT)
    exercises: tuple[Exercise, ...] = field(metadata=TEXT)
    approvers: Approvers
    paper_size: str = field(metadata=TEXT)  # "A4" or "US Letter"


# --- business impact analysis -----------------------------------------------------------


@dataclass(frozen=True)
class BiaReview:
    """What a function's reviewed BIA (approved, else submitted) says."""

    state: str = field(metadata=TEXT)  # "Approved" or "Submitted"
    revision: int = field(metadata=COUNT)
    reviewed_on: str | None = field(metadata=DATE)
    mtpd_hours: float | None = field(metadata=HORIZON)
    data_loss_tolerance_hours: float | None = field(metadata=HORIZON)
    minimum_service_level_percent: float | None = field(metadata=PERCENT)
    worst_impact: tuple[int | None, ...] = field(metadata=LEVEL)  # per horizon, over all categories
    it_services: tuple[str, ...] = field(metadata=TEXT)


@dataclass(frozen=True)
class BiaFunction:
    name: str = field(metadata=TEXT)
    owner: str = field(metadata=TEXT)
    criticality: str = field(metadata=TEXT)  # "Critical", "High", …
    peak_periods: str = field(
        metadata=TEXT
    )  # from the reviewed BIA when it says, else the function's own
    workaround: str = field(metadata=TEXT)
    workaround_hours: float | None = field(metadata=HORIZON)
    review: BiaReview | None


@dataclass(frozen=True)
class BiaPart:
    horizons_hours: tuple[float, ...] = field(metadata=HORIZON)
    threshold: int | None = field(metadata=LEVEL)  # None until impact scales are set
    top_level: int = field(metadata=LEVEL)
    categories: tuple[str, ...] = field(metadata=TEXT)
    functions: tuple[BiaFunction, ...] = field(metadata=TEXT)


# --- inventory ---------------------------------------------------------------------


@dataclass(frozen=True)
class Site:
    name: str = field(metadata=TEXT)
    kind: str = field(metadata=TEXT)
    parent: str = field(metadata=TEXT)
    availability_percent: float | None = field(metadata=PERCENT)
    restore_hours: float | None = field(metadata=HOURS)


@dataclass(frozen=True)
class Component:
    name: str = field(metadata=TEXT)
    kind: str = field(metadata=TEXT)
    site: str = field(metadata=TEXT)
    owner: str = field(metadata=TEXT)
    availability_percent: float | None = field(metadata=PERCENT)
    mtbf_hours: float | None = field(metadata=PLAIN_HOURS)
    mttr_hours: float | None = field(metadata=PLAIN_HOURS)
    restore_hours: float | None = field(metadata=HOURS)
    backup_interval_hours: float | None = field(metadata=HOURS)
    technique: str = field(metadata=TEXT)
    runs_on: tuple[str, ...] = field(metadata=TEXT)


@dataclass(frozen=True)
class RedundancyGroup:
    name: str = field(metadata=TEXT)
    mode: str = field(metadata=TEXT)
    needed: int = field(metadata=COUNT)
    members: tuple[str, ...] = field(metadata=TEXT)
    failover_seconds: float = field(metadata=SECONDS)


@dataclass(frozen=True)
class KeyPerson:
    """A key person (or role holder), who stands in for them, and who needs them."""

    name: str = field(metadata=TEXT)
    role: str = field(metadata=TEXT)
    absence_days_per_year: float = field(metadata=NUMBER)
    handover_hours: float = field(metadata=HOURS)
    recall_hours: float = field(metadata=HOURS)
    deputies: tuple[str, ...] = field(metadata=TEXT)
    needed_by: tuple[str, ...] = field(metadata=TEXT)
    # False when every function needs them only to recover (absent from older snapshots).
    needed_to_operate: bool = field(default=True, metadata=TEXT)


@dataclass(frozen=True)
class Supplier:
    """A supplier's contract and the restore time the analysis takes from it."""

    name: str = field(metadata=TEXT)
    service: str = field(metadata=TEXT)
    contract_reference: str = field(metadata=TEXT)
    service_availability_percent: float = field(metadata=PERCENT)
    contract_rto_hours: float = field(metadata=HOURS)
    contract_rpo_hours: float | None = field(metadata=HOURS)
    support_hours: str = field(metadata=TEXT)
    restore_hours: float = field(metadata=HOURS)
    needed_by: tuple[str, ...] = field(metadata=TEXT)


@dataclass(frozen=True)
class KeyRole:
    """A role held by several people: how many must be reachable, and who needs it."""

    name: str = field(metadata=TEXT)
    holders: tuple[str, ...] = field(metadata=TEXT)
    holders_needed: int = field(metadata=COUNT)
    single_point_of_failure: bool = field(metadata=TEXT)
    needed_by: tuple[str, ...] = field(metadata=TEXT)


@dataclass(frozen=True)
class InventoryPart:
    sites: tuple[Site, ...] = field(metadata=TEXT)
    components: tuple[Component, ...] = field(metadata=TEXT)
    groups: tuple[RedundancyGroup, ...] = field(metadata=TEXT)
    # Added after the first published versions: absent from their snapshots.
    people: tuple[KeyPerson, ...] = field(default=(), metadata=TEXT)
    suppliers: tuple[Supplier, ...] = field(default=(), metadata=TEXT)
    roles: tuple[KeyRole, ...] = field(default=(), metadata=TEXT)


@dataclass(frozen=True)
class FunctionDiagram:
    """A function's dependency diagram, or in ``unavailable`` why it was not drawn."""

    function: str = field(metadata=TEXT)
    svg: str | None = field(metadata=SVG)
    unavailable: str = field(metadata=TEXT)


# --- analysis ----------------------------------------------------------------------


@dataclass(frozen=True)
class RequiredObjectives:
    """The objectives gaps are measured against, with how they were reached."""

    mtpd_hours: float | None = field(metadata=HOURS)
    rto_hours: float | None = field(metadata=HOURS)
    rpo_hours: float | None = field(metadata=HOURS)
    availability: float | None = field(metadata=FRACTION)
    tier: str = field(metadata=TEXT)
    reasoning: tuple[str, ...] = field(metadata=TEXT)
    agreed: str = field(metadata=TEXT)  # "" when derived from the BIA, else who agreed and why


@dataclass(frozen=True)
class Achieved:
    availability: float = field(metadata=FRACTION)
    downtime_seconds_per_year: float = field(metadata=SECONDS)
    method: str = field(metadata=TEXT)  # in words


@dataclass(frozen=True)
class Importance:
    """What a weak element costs a function: the downtime a year it would save never failing."""

    element: str = field(metadata=TEXT)
    role: str = field(metadata=TEXT)  # "Single point of failure" or "Weak element"
    downtime_saved_seconds_per_year: float = field(metadata=SECONDS_TO_MINUTE)


@dataclass(frozen=True)
class Gap:
    """Required versus achievable for one kind of objective; figures in hours or as fractions."""

    kind: str = field(metadata=TEXT)  # "Recovery time", "Single point of failure", …
    severity: str = field(metadata=TEXT)
    element: str = field(metadata=TEXT)
    required_hours: float | None = field(metadata=HOURS)
    achievable_hours: float | None = field(metadata=HOURS)
    required_availability: float | None = field(metadata=FRACTION)
    achievable_availability: float | None = field(metadata=FRACTION)
    evidence: str = field(metadata=TEXT)
    first_option: str = field(metadata=TEXT)


@dataclass(frozen=True)
class RoadmapStep:
    """One step of the roadmap with its effect as the engine computed it with the change made."""

    function: str = field(metadata=TEXT)
    title: str = field(metadata=TEXT)
    severity: str = field(metadata=TEXT)
    change: str = field(metadata=TEXT)
    before_hours: float | None = field(metadata=HOURS)
    after_hours: float | None = field(metadata=HOURS)
    before_availability: float | None = field(metadata=FRACTION)
    after_availability: float | None = field(metadata=FRACTION)
    outcome: str = field(metadata=TEXT)  # "Closes the gap", "Closes 53 % of the gap", …
    milestones: tuple[str, ...] = field(metadata=TEXT)


@dataclass(frozen=True)
class FunctionAnalysis:
    name: str = field(metadata=TEXT)
    status: str = field(metadata=TEXT)  # "Assessed", "Not assessed", …
    required: RequiredObjectives | None
    achieved: Achieved | None
    missing: tuple[str, ...] = field(metadata=TEXT)
    gaps: tuple[Gap, ...] = field(metadata=TEXT)
    importance: tuple[Importance, ...] = field(metadata=TEXT)


@dataclass(frozen=True)
class SinglePoint:
    element: str = field(metadata=TEXT)
    hidden_behind: str = field(metadata=TEXT)
    functions: tuple[str, ...] = field(metadata=TEXT)


@dataclass(frozen=True)
class AnalysisPart:
    """The latest finished whole-plan analysis; no functions when none has run.

    When it ran is kept beside the inputs (re-running an unchanged analysis must not
    make a published version look superseded).
    """

    year_convention: str = field(metadata=TEXT)
    year_days: float = field(metadata=NUMBER)
    functions: tuple[FunctionAnalysis, ...] = field(metadata=TEXT)
    roadmap: tuple[RoadmapStep, ...] = field(metadata=TEXT)
    single_points: tuple[SinglePoint, ...] = field(metadata=TEXT)
    inventory_errors: tuple[str, ...] = field(metadata=TEXT)


# --- the whole ------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanInputs:
    """Every input of the plan document; its canonical hash decides "superseded"."""

    plan: PlanPart
    documents: DocumentsPart
    bia: BiaPart
    inventory: InventoryPart
    analysis: AnalysisPart


PART_NAMES = {
    "plan": "plan details",
    "documents": "contacts, procedures and exercises",
    "bia": "business impact analysis",
    "inventory": "inventory",
    "analysis": "analysis results",
    "diagrams": "dependency diagrams",
}


class PartError(ContractError):
    """A producer's part does not match the contract; the message names the part."""


def check_part(name: str, part_type: type[Any], value: Any) -> Any:
    """``value`` checked as ``part_type``; a mismatch raises :class:`PartError` naming it."""
    try:
        return conform(part_type, value, name)
    except ContractError as error:
        words = PART_NAMES.get(name, name)
        raise PartError(
            error.path,
            f"the {words} part of the plan document is missing or malformed ({error.problem})",
        ) from error


def plain(value: Any) -> Any:
    return to_plain(value)
