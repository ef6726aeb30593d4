"""The documents app's part of the plan document: its own planning data, in words.

Produced by :func:`documents_part` (see :mod:`bcp.contract`), checked against
:class:`bcp.contract.DocumentsPart` when a version is frozen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields
from typing import TYPE_CHECKING, TypeVar

from django.db import models

from bcp import contract
from bcp.models import Plan
from documents.models import (
    CallTreeEntry,
    Contact,
    DocumentSettings,
    Exercise,
    PaperSize,
    ProcedureStep,
    RecoveryProcedure,
    Vendor,
)
from documents.presentation import call_tree_order
from documents.signoff import required_approvers
from incidents.document import exercise_results

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

Part = TypeVar("Part", bound="DataclassInstance")


def documents_part(plan: Plan) -> contract.DocumentsPart:
    """This app's own planning data, in a stable order and in words."""
    settings = DocumentSettings.objects.filter(plan=plan).first()
    approvers = required_approvers(plan)
    return contract.DocumentsPart(
        contacts=_contacts(plan),
        call_tree=_call_tree(plan),
        vendors=_vendors(plan),
        procedures=_procedures(plan),
        # the exercises planned, then those run on the live incident page, with results
        exercises=_exercises(plan) + exercise_results(plan),
        approvers=contract.Approvers(policy=approvers.policy, people=approvers.names),
        paper_size=str(PaperSize(settings.paper_size if settings else PaperSize.A4).label),
    )


def _copied(part: type[Part], records: Iterable[models.Model]) -> tuple[Part, ...]:
    """A ``part`` per record, each field the record's value of the same name: the parts that
    print a record as it is stored."""
    names = [f.name for f in fields(part)]
    return tuple(part(**{name: getattr(r, name) for name in names}) for r in records)


def _contacts(plan: Plan) -> tuple[contract.Contact, ...]:
    return _copied(contract.Contact, Contact.objects.filter(plan=plan).order_by("name", "pk"))


def _call_tree(plan: Plan) -> tuple[contract.CallTreeLine, ...]:
    entries = list(CallTreeEntry.objects.filter(plan=plan).select_related("contact"))
    names = {e.pk: e.contact.name for e in entries}
    return tuple(
        contract.CallTreeLine(
            position=position,
            contact=entry.contact.name,
            called_by=names.get(entry.parent_id, "") if entry.parent_id else "",
            responsibility=entry.responsibility,
        )
        for position, entry in call_tree_order(entries)
    )


def _vendors(plan: Plan) -> tuple[contract.Vendor, ...]:
    return _copied(contract.Vendor, Vendor.objects.filter(plan=plan).order_by("name", "pk"))


def _procedures(plan: Plan) -> tuple[contract.Procedure, ...]:
    steps: dict[int, list[contract.ProcedureStep]] = {}
    for step in ProcedureStep.objects.filter(procedure__plan=plan).order_by(
        "procedure_id", "position", "pk"
    ):
        steps.setdefault(step.procedure_id, []).append(
            contract.ProcedureStep(
                instruction=step.instruction,
                owner=step.owner,
                expected_minutes=step.expected_minutes,
            )
        )
    return tuple(
        contract.Procedure(
            title=p.title,
            phase=p.get_phase_display(),
            function=p.function.name if p.function else "",
            summary=p.summary,
            steps=tuple(steps.get(p.pk, [])),
        )
        for p in RecoveryProcedure.objects.filter(plan=plan)
        .select_related("function")
        .order_by("phase", "function__name", "position", "pk")
    )


def _exercises(plan: Plan) -> tuple[contract.Exercise, ...]:
    return tuple(
        contract.Exercise(
            title=e.title,
            kind=e.get_kind_display(),
            function=e.function.name if e.function else "",
            scheduled_for=e.scheduled_for.isoformat(),
            scope=e.scope,
            outcome=e.get_outcome_display(),
            held_on=e.held_on.isoformat() if e.held_on else None,
            objective_minutes=e.objective_minutes,
            actual_minutes=e.actual_minutes,
            findings=e.findings,
        )
        for e in Exercise.objects.filter(plan=plan)
        .select_related("function")
        .order_by("scheduled_for", "pk")
    )
