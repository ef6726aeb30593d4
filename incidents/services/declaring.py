"""Declaring an incident or exercise: check it, compute its blast radius, record it.

Every write runs inside :func:`bcp.history.change_context`, so each record is in the
hash-chained history with who and when.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from analysis.inputs import AnalysisInputs
from bcp.concurrency import save_if_current
from bcp.history import change_context
from bcp.models import Plan, Role
from bcp.words import counted
from documents.models import Phase, ProcedureStep
from incidents.impact import ImpactUnavailable, PlanImpact, UnknownElements, plan_impact
from incidents.models import (
    Incident,
    IncidentElement,
    IncidentFunction,
    IncidentStep,
    Kind,
    Scenario,
)
from incidents.services.rules import CLOCK_TOLERANCE, kind_label, require_open
from incidents.services.scenarios import scenario_keys
from notifications.models import Kind as NoticeKind
from notifications.services import plan_members_notify


@dataclass(frozen=True)
class Declaration:
    """What the person declaring asked for, checked, with the blast radius computed."""

    plan: Plan
    kind: str
    title: str
    started_at: dt.datetime
    failed_keys: tuple[str, ...]
    scenario_name: str
    impact: PlanImpact


def declaration_check(
    *,
    plan: Plan,
    kind: str,
    title: str,
    started_at: dt.datetime | None,
    failed_keys: Iterable[str],
    scenario: Scenario | None = None,
    now: dt.datetime | None = None,
    inputs: AnalysisInputs | None = None,
) -> Declaration:
    """Validate a declaration and compute its blast radius; saves nothing.

    Raises ``ValidationError`` (by field: ``title``, ``started_at``, ``failed``) with every
    problem at once: nothing failed, a start in the future, unknown elements, an inventory
    the engine cannot evaluate.
    """
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    keys = list(dict.fromkeys(failed_keys))
    if scenario is not None:
        if scenario.plan_id != plan.pk:
            errors.setdefault("failed", []).append("That scenario belongs to another plan.")
        else:
            keys.extend(k for k in scenario_keys(scenario) if k not in keys)
    if kind not in Kind.values:
        errors.setdefault("kind", []).append("Choose incident or exercise.")
    if not title.strip():
        errors.setdefault("title", []).append("Give it a short title people will recognise.")
    if started_at is None:
        errors.setdefault("started_at", []).append("Say when it started.")
    elif started_at > now + CLOCK_TOLERANCE:
        errors.setdefault("started_at", []).append(
            f"The start cannot be in the future (it is now "
            f"{timezone.localtime(now):%Y-%m-%d %H:%M})."
        )
    if not keys and "failed" not in errors:
        errors.setdefault("failed", []).append(
            "Say what has failed: at least one site, component or redundancy group, or a "
            "saved scenario."
        )
    impact = None
    if keys:
        try:
            impact = plan_impact(plan, keys, inputs=inputs)
        except (UnknownElements, ImpactUnavailable) as error:
            errors.setdefault("failed", []).append(str(error))
    if errors or impact is None or started_at is None:
        raise ValidationError(errors)
    return Declaration(
        plan=plan,
        kind=kind,
        title=title.strip(),
        started_at=started_at,
        failed_keys=tuple(keys),
        scenario_name=scenario.name if scenario is not None else "",
        impact=impact,
    )


@dataclass(frozen=True)
class RunbookStep:
    procedure_title: str
    instruction: str
    owner: str
    expected_minutes: int


def runbooks(plan: Plan, function_ids: Iterable[int]) -> dict[int, list[RunbookStep]]:
    """The recovery-phase runbook steps of each function, in runbook order (one query)."""

    found: dict[int, list[RunbookStep]] = {}
    for step in (
        ProcedureStep.objects.filter(
            procedure__plan=plan,
            procedure__function_id__in=list(function_ids),
            procedure__phase=Phase.RECOVERY,
        )
        .select_related("procedure")
        .order_by("procedure__position", "procedure_id", "position", "pk")
    ):
        assert step.procedure.function_id is not None
        found.setdefault(step.procedure.function_id, []).append(
            RunbookStep(
                procedure_title=step.procedure.title,
                instruction=step.instruction,
                owner=step.owner,
                expected_minutes=step.expected_minutes,
            )
        )
    return found


@transaction.atomic
def incident_declare(*, declaration: Declaration, user: User) -> Incident:
    """Create the incident (or exercise) with its failed elements, affected functions and
    their recovery steps copied from the runbooks, as one recorded change."""
    d = declaration
    label = kind_label(d.kind)
    with change_context(user=user, reason=f"{label} declared: {d.title}"[:500]):
        incident = Incident.objects.create(
            plan=d.plan,
            kind=d.kind,
            title=d.title[:200],
            started_at=d.started_at,
            declared_by=user,
            scenario_name=d.scenario_name,
        )
        for element in d.impact.failed:
            IncidentElement.objects.create(
                incident=incident, key=element.key, kind=element.kind, name=element.name
            )
        affected = d.impact.affected
        steps = runbooks(d.plan, [f.function_id for f in affected])
        for impact in affected:
            entry = IncidentFunction.objects.create(
                incident=incident,
                function_id=impact.function_id,
                name=impact.name,
                state_at_start=impact.state,
                because_at_start=list(impact.because),
                state=impact.state,
                because=list(impact.because),
                rto_hours=impact.objectives.rto_hours,
                mtpd_hours=impact.objectives.mtpd_hours,
                rpo_hours=impact.objectives.rpo_hours,
            )
            for position, step in enumerate(steps.get(impact.function_id, []), start=1):
                IncidentStep.objects.create(
                    incident_function=entry,
                    position=position,
                    instruction=step.instruction,
                    owner_label=step.owner,
                    expected_minutes=step.expected_minutes,
                    procedure_title=step.procedure_title,
                )
    _notify_declared(incident, user=user, affected=len(affected))
    return incident


def _notify_declared(incident: Incident, *, user: User, affected: int) -> None:
    """Tell everyone on the plan (but the declarer) that an incident or exercise began."""

    label = kind_label(incident.kind)
    who = (user.get_full_name() or user.get_username()) if user is not None else "Someone"
    plan_members_notify(
        plan=incident.plan,
        roles=list(Role),
        kind=NoticeKind.INCIDENT_DECLARED,
        title=f"{label} declared: {incident.title}"[:200],
        body=(
            f"{who} declared {label.lower()} “{incident.title}” at "
            f"{timezone.localtime(incident.started_at):%d %b %Y %H:%M}. "
            f"{counted(affected, 'business function')} "
            f"{'is' if affected == 1 else 'are'} affected."
        ),
        link=incident.get_absolute_url(),
        actor=user,
    )


@transaction.atomic
def incident_edit(
    *,
    incident: Incident,
    user: User,
    expected_version: int | None,
    title: str,
    started_at: dt.datetime,
    reason: str = "",
    ticket: str = "",
    now: dt.datetime | None = None,
) -> Incident:
    require_open(incident)
    now = now or timezone.now()
    if started_at > now + CLOCK_TOLERANCE:
        raise ValidationError({"started_at": "The start cannot be in the future."})
    if not title.strip():
        raise ValidationError({"title": "Give it a short title people will recognise."})
    with change_context(user=user, reason=reason or "Incident details corrected", ticket=ticket):
        updated = save_if_current(
            incident,
            expected_version=expected_version,
            changes={"title": title.strip()[:200], "started_at": started_at},
        )
    assert isinstance(updated, Incident)
    return updated
