"""The frozen data behind a plan document, and its hash.

A published version must be reproducible and provably unchanged, so everything
the PDF shows is first gathered into one JSON-serialisable dict:

``inputs``
    the planning data: the plan itself and its members, this app's contacts,
    call tree, vendors, procedures and exercises, and each other app's
    ``plan_snapshot(plan)`` (``None`` when that app has nothing to offer yet —
    the PDF then says "Not yet assessed"). Only ``inputs`` is hashed: its
    sha256 is the "data snapshot" hash printed on the cover, and comparing it
    with a fresh computation tells whether a version has been superseded.
``diagrams``
    SVG dependency diagrams per function, frozen with the version but not part
    of the hash (they are drawn from the inventory, which the hash covers).
``change_log``
    changes since the previous version, with who, when and why.

Canonical form: keys sorted, no insignificant whitespace, UTF-8, floats rounded
to nine decimals (``0.1 + 0.2`` and ``0.3`` hash alike), non-finite floats,
decimals, dates and UUIDs as strings.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import importlib
import json
import logging
import math
import uuid
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.db import models

from bcp.models import Plan

logger = logging.getLogger(__name__)

SNAPSHOT_FORMAT = "continuity-plan-snapshot/1"
# Apps whose selectors contribute a section; order is the order in the snapshot.
CONTRIBUTING_APPS = ("bia", "inventory", "analysis")
CHANGE_LOG_LIMIT = 500


def normalise(value: Any) -> Any:
    """Turn ``value`` into plain JSON types with one spelling per value."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        rounded = round(value, 9)
        # 2.0 and 2 are the same number; hash them alike.
        return int(rounded) if rounded.is_integer() else rounded
    if isinstance(value, decimal.Decimal):
        return normalise(float(value))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return normalise(value.total_seconds())
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(key): normalise(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [normalise(item) for item in value]
    if isinstance(value, set | frozenset):
        return sorted((normalise(item) for item in value), key=canonical_json)
    return str(value)


def canonical_json(value: Any) -> str:
    return json.dumps(normalise(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_of(value: Any) -> str:
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


def _display_name(user: Any) -> str:
    if user is None:
        return "the system"
    return str(user.get_full_name() or user.get_username())


def _plan_core(plan: Plan) -> dict[str, Any]:
    members = [
        {"username": m.user.get_username(), "name": _display_name(m.user), "role": m.role}
        for m in plan.memberships.select_related("user").order_by("role", "user__username")
    ]
    return {
        "id": plan.pk,
        "name": plan.name,
        "organisation": plan.organisation,
        "scope": plan.scope,
        "classification": plan.classification,
        "members": members,
    }


def documents_snapshot(plan: Plan) -> dict[str, Any]:
    """This app's own planning data, in a stable order."""
    from documents.models import (
        CallTreeEntry,
        Contact,
        Exercise,
        ProcedureStep,
        RecoveryProcedure,
        Vendor,
    )

    contacts = [
        {
            "id": c.pk,
            "name": c.name,
            "role": c.role,
            "organisation": c.organisation,
            "phone": c.phone,
            "alternate_phone": c.alternate_phone,
            "email": c.email,
            "notes": c.notes,
        }
        for c in Contact.objects.filter(plan=plan).order_by("name", "pk")
    ]
    call_tree = [
        {
            "id": e.pk,
            "contact_id": e.contact_id,
            "contact": e.contact.name,
            "parent_id": e.parent_id,
            "position": e.position,
            "responsibility": e.responsibility,
        }
        for e in CallTreeEntry.objects.filter(plan=plan)
        .select_related("contact")
        .order_by("position", "pk")
    ]
    vendors = [
        {
            "name": v.name,
            "service": v.service,
            "contract_reference": v.contract_reference,
            "support_phone": v.support_phone,
            "support_email": v.support_email,
            "support_hours": v.support_hours,
            "response_time": v.response_time,
            "notes": v.notes,
        }
        for v in Vendor.objects.filter(plan=plan).order_by("name", "pk")
    ]
    steps_by_procedure: dict[int, list[dict[str, Any]]] = {}
    for step in ProcedureStep.objects.filter(procedure__plan=plan).order_by(
        "procedure_id", "position", "pk"
    ):
        steps_by_procedure.setdefault(step.procedure_id, []).append(
            {
                "position": step.position,
                "instruction": step.instruction,
                "owner": step.owner,
                "expected_minutes": step.expected_minutes,
            }
        )
    procedures = [
        {
            "id": p.pk,
            "title": p.title,
            "phase": p.phase,
            "function": p.function.name if p.function else None,
            "position": p.position,
            "summary": p.summary,
            "steps": steps_by_procedure.get(p.pk, []),
        }
        for p in RecoveryProcedure.objects.filter(plan=plan)
        .select_related("function")
        .order_by("phase", "function__name", "position", "pk")
    ]
    exercises = [
        {
            "title": e.title,
            "kind": e.kind,
            "function": e.function.name if e.function else None,
            "scheduled_for": e.scheduled_for,
            "scope": e.scope,
            "outcome": e.outcome,
            "held_on": e.held_on,
            "objective_minutes": e.objective_minutes,
            "actual_minutes": e.actual_minutes,
            "findings": e.findings,
        }
        for e in Exercise.objects.filter(plan=plan)
        .select_related("function")
        .order_by("scheduled_for", "pk")
    ]
    return {
        "contacts": contacts,
        "call_tree": call_tree,
        "vendors": vendors,
        "procedures": procedures,
        "exercises": exercises,
    }


def _app_function(app: str, module: str, name: str) -> Callable[..., Any] | None:
    """The app's function if the app has written it yet; imported late on purpose."""
    try:
        imported = importlib.import_module(f"{app}.{module}")
    except ModuleNotFoundError as exc:
        if exc.name == f"{app}.{module}":
            return None
        raise
    function = getattr(imported, name, None)
    return function if callable(function) else None


# Keys that change when work is merely redone (re-running an unchanged analysis) and
# so must not make a published version look superseded.
VOLATILE_KEYS: dict[str, tuple[str, ...]] = {"analysis": ("run_at",)}


def app_snapshot(app: str, plan: Plan) -> dict[str, Any] | None:
    function = _app_function(app, "selectors", "plan_snapshot")
    if function is None:
        return None
    result = function(plan)
    if not result:
        return None
    result = {k: v for k, v in result.items() if k not in VOLATILE_KEYS.get(app, ())}
    return normalise(result)


def plan_inputs(plan: Plan) -> dict[str, Any]:
    """Every input of the plan document; its hash decides "superseded"."""
    inputs: dict[str, Any] = {
        "plan": _plan_core(plan),
        "documents": documents_snapshot(plan),
    }
    for app in CONTRIBUTING_APPS:
        inputs[app] = app_snapshot(app, plan)
    return normalise(inputs)


def plan_diagrams(plan: Plan) -> list[dict[str, Any]]:
    """One SVG per business function, drawn by the inventory app when it can."""
    draw = _app_function("inventory", "selectors", "function_diagram_svg") or _app_function(
        "inventory", "diagrams", "function_diagram_svg"
    )
    if draw is None or not apps.is_installed("bia"):
        return []
    from bia.models import BusinessFunction

    diagrams = []
    for function in BusinessFunction.objects.filter(plan=plan).order_by("name", "pk"):
        try:
            svg = draw(function)
        except Exception:  # a diagram that cannot be drawn must not stop the plan
            logger.exception("Diagram for function %s could not be drawn", function.pk)
            svg = None
        diagrams.append({"function": function.name, "svg": svg or None})
    return diagrams


# Records of these models describe the publishing itself, not the plan's inputs.
_NOT_INPUTS = {("documents", "planversion"), ("documents", "signoffrequest")}


def _history_models_with_plan() -> list[tuple[type[models.Model], str]]:
    """Historical models of planning data and how to find a plan's rows in them."""
    found: list[tuple[type[models.Model], str]] = []
    from bcp.selectors import PLANNING_APPS

    for model in apps.get_models():
        label = (model._meta.app_label, model._meta.model_name)
        if model._meta.app_label not in PLANNING_APPS or label in _NOT_INPUTS:
            continue
        manager = getattr(model, "history", None)
        if manager is None or not hasattr(manager, "model"):
            continue
        field_names = {f.name for f in model._meta.get_fields()}
        if model is Plan:
            found.append((manager.model, "id"))
        elif "plan" in field_names:
            found.append((manager.model, "plan_id"))
        elif model._meta.label == "documents.ProcedureStep":
            found.append((manager.model, "procedure__plan_id"))
    return found


def _record_label(record: Any) -> str:
    """The record as it was, without simple-history's "as of <timestamp>" suffix."""
    try:
        return str(record.history_object)
    except Exception:  # a label that cannot be built must not stop publishing
        return f"#{getattr(record, 'id', '?')}"


def change_log(plan: Plan, since: dt.datetime | None) -> dict[str, Any]:
    """Changes to the plan's inputs after ``since``: who, when, what and why."""
    from documents.models import RecoveryProcedure

    entries: list[dict[str, Any]] = []
    procedure_ids = list(RecoveryProcedure.objects.filter(plan=plan).values_list("pk", flat=True))
    for history_model, plan_lookup in _history_models_with_plan():
        if plan_lookup == "procedure__plan_id":
            records = history_model._default_manager.filter(procedure_id__in=procedure_ids)
        else:
            records = history_model._default_manager.filter(**{plan_lookup: plan.pk})
        if since is not None:
            records = records.filter(history_date__gt=since)
        records = records.select_related("history_user").order_by("-history_date")
        record: Any
        for record in records[:CHANGE_LOG_LIMIT]:
            instance_model = history_model.instance_type  # type: ignore[attr-defined]
            entries.append(
                {
                    "history": (instance_model._meta.label, record.history_id),
                    "when": record.history_date,
                    "who": _display_name(record.history_user),
                    "action": {"+": "created", "~": "changed", "-": "deleted"}.get(
                        record.history_type, record.history_type
                    ),
                    "what": f"{instance_model._meta.verbose_name}: {_record_label(record)}"[:200],
                    "why": record.history_change_reason or "",
                    "ticket": getattr(record, "history_ticket", "") or "",
                }
            )
    entries.sort(key=lambda e: (e["when"], e["what"]), reverse=True)
    truncated = len(entries) > CHANGE_LOG_LIMIT
    entries = entries[:CHANGE_LOG_LIMIT]
    # Each line names its hash-chain entry, so an auditor can open the evidence.
    from audit.selectors import entry_seqs

    keys = [entry.pop("history") for entry in entries]
    seqs = entry_seqs(keys)
    for entry, key in zip(entries, keys, strict=True):
        entry["audit_entry"] = seqs.get(key)
    return {
        "since": since,
        "entries": normalise(entries),
        "truncated": truncated,
    }


def build_snapshot(
    plan: Plan,
    *,
    previous_published_at: dt.datetime | None,
    version_meta: dict[str, Any],
) -> dict[str, Any]:
    """Everything a published version freezes, with the hash of its inputs."""
    inputs = plan_inputs(plan)
    snapshot = {
        "format": SNAPSHOT_FORMAT,
        "inputs": inputs,
        "inputs_sha256": sha256_of(inputs),
        "diagrams": plan_diagrams(plan),
        "change_log": change_log(plan, previous_published_at),
        "version": version_meta,
    }
    return normalise(snapshot)
