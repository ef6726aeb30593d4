"""The frozen data behind a plan document, and its hash.

A published version must be reproducible and provably unchanged, so everything the PDF
shows is first gathered into one :class:`PlanSnapshot`, built in the worker:

``inputs``
    :class:`bcp.contract.PlanInputs` — each app's declared part, from its producer
    (imported directly, never looked up by name) and checked against the contract, so
    a part that is missing or malformed stops the job with its path. Only ``inputs`` is
    hashed: its sha256 is the "data snapshot" hash printed on the cover, and comparing
    it with a fresh computation tells whether a version has been superseded.
``diagrams``
    each function's dependency diagram (derived from the inventory, which the hash
    covers, so not hashed itself).
``checklist``
    the publish checklist as it stood when frozen: printed as the known limitations.
``changes``
    the change appendix: changes since the previous published version.
``version``
    number, who published it and when, the history chain head at freezing.

Stored as canonical JSON, the document variant of :mod:`bcp.canonical` (floats rounded
to nine decimals, so ``0.1 + 0.2`` and ``0.3`` hash alike).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bcp import contract
from bcp.canonical import document_json, document_sha256
from bcp.models import Plan
from bcp.selectors import document_part as plan_part
from bcp.typecheck import ContractError, conform
from bia import document as bia_document
from documents.analysis_part import document_part as analysis_part
from documents.changes import ChangeSummary
from documents.checklist import Checklist
from inventory.document import document_part as inventory_part
from inventory.document import function_diagrams

SNAPSHOT_FORMAT = contract.CONTRACT_FORMAT


@dataclass(frozen=True)
class VersionMeta:
    number: int | None  # None for a draft
    previous_number: int | None
    published_by: str
    published_at: str
    note: str
    history_checkpoint: str  # "SEQ:HASH", as ``verify_history --checkpoint`` accepts it
    analysis_run_on: str | None
    limitations_reason: str


@dataclass(frozen=True)
class PlanSnapshot:
    format: str
    inputs: contract.PlanInputs
    inputs_sha256: str
    diagrams: tuple[contract.FunctionDiagram, ...]
    checklist: Checklist
    changes: ChangeSummary
    version: VersionMeta


def plan_inputs(plan: Plan) -> tuple[contract.PlanInputs, str | None]:
    """Every input of the plan document, checked part by part, and when the analysis ran.

    Raises :class:`bcp.contract.PartError` naming the first part that does not match
    the contract.
    """
    # documents.document imports documents.presentation, which imports this module.
    from documents.document import documents_part

    inventory = contract.check_part("inventory", contract.InventoryPart, inventory_part(plan))
    try:
        analysis, run_on = analysis_part(plan, inventory)
    except ContractError as error:
        raise contract.PartError(
            error.path,
            f"the analysis results part of the plan document is missing or malformed "
            f"({error.problem})",
        ) from error
    inputs = contract.PlanInputs(
        plan=contract.check_part("plan", contract.PlanPart, plan_part(plan)),
        documents=contract.check_part("documents", contract.DocumentsPart, documents_part(plan)),
        # Through its module, so a test can put a malformed BIA part in its place.
        bia=contract.check_part("bia", contract.BiaPart, bia_document.document_part(plan)),
        inventory=inventory,
        analysis=contract.check_part("analysis", contract.AnalysisPart, analysis),
    )
    return inputs, run_on


def inputs_sha256(plan: Plan) -> str:
    """Hash of the plan's inputs as they are now; differs from a version's → superseded."""
    inputs, _ = plan_inputs(plan)
    return document_sha256(inputs)


def plan_diagrams(plan: Plan) -> tuple[contract.FunctionDiagram, ...]:
    return tuple(
        contract.check_part("diagrams", contract.FunctionDiagram, diagram)
        for diagram in function_diagrams(plan)
    )


def build_snapshot(
    *,
    inputs: contract.PlanInputs,
    diagrams: tuple[contract.FunctionDiagram, ...],
    checklist: Checklist,
    changes: ChangeSummary,
    version: VersionMeta,
) -> PlanSnapshot:
    """The whole snapshot of a version (the caller gathers the parts first)."""
    return PlanSnapshot(
        format=SNAPSHOT_FORMAT,
        inputs=inputs,
        inputs_sha256=document_sha256(inputs),
        diagrams=diagrams,
        checklist=checklist,
        changes=changes,
        version=version,
    )


def snapshot_json(snapshot: PlanSnapshot) -> dict[str, Any]:
    """The snapshot as stored: plain JSON in canonical form."""
    loaded: dict[str, Any] = json.loads(document_json(snapshot))
    return loaded


def parse_snapshot(data: Any) -> PlanSnapshot:
    """A stored snapshot back as typed data; a stored value that does not fit is named."""
    if not isinstance(data, dict) or data.get("format") != SNAPSHOT_FORMAT:
        found = data.get("format") if isinstance(data, dict) else None
        raise ContractError("format", f"expected {SNAPSHOT_FORMAT!r}, found {found!r}")
    return conform(PlanSnapshot, data, "snapshot")
