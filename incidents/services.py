"""Writes of an incident's life: declare, work the steps, log, recover, restore, close.

Every write runs inside :func:`bcp.history.change_context`, so each record, step change
and note is in the hash-chained history with who and when. State changes are checked
against the row as it is under a lock (``select_for_update``), so two people completing
the same step at once get one success and one clear message, never two completions.

Who may do what is decided here, not in templates: managers (the plan's *edit*
capability) declare, close, edit, mark elements recovered and work any step;
stakeholders work the steps of the functions they own (see :func:`can_work_function`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from analysis.inputs import AnalysisInputs, load_inputs
from analysis.services import incident_record
from bcp.concurrency import save_if_current, save_locked
from bcp.history import change_context
from bcp.models import Membership, Plan, Role
from bcp.permissions import Capability, membership_for, plan_capabilities
from bcp.words import counted
from documents.models import Phase, ProcedureStep
from incidents.exercises import schedules_after_exercise
from incidents.impact import (
    ImpactUnavailable,
    PlanImpact,
    UnknownElements,
    elements,
    plan_impact,
)
from incidents.models import (
    FollowUpAction,
    FunctionState,
    Incident,
    IncidentElement,
    IncidentFunction,
    IncidentStep,
    Kind,
    LogEntry,
    Scenario,
    ScenarioElement,
)
from incidents.reports import report_request
from inventory.graph import component_key, group_key, site_key
from inventory.models import Component, RedundancyGroup, Site
from notifications.models import Kind as NoticeKind
from notifications.services import plan_members_notify

# A start a little ahead of the server's clock is a clock difference, not the future.
CLOCK_TOLERANCE = dt.timedelta(minutes=2)
MAX_TEXT = 4_000


def _label(kind: str) -> str:
    return "Exercise" if kind == Kind.EXERCISE else "Incident"


def _actor_can_edit(incident: Incident, user: User) -> bool:

    membership = membership_for(user, incident.plan)
    return Capability.EDIT in plan_capabilities(membership, incident.plan)


def can_work_function(
    user: User,
    incident_function: IncidentFunction,
    *,
    capabilities: frozenset[Capability] | None = None,
) -> bool:
    """Managers work every step; a stakeholder works the steps of functions they own.

    Pass the user's ``capabilities`` on the plan when checking many functions at once.
    """

    if capabilities is None:
        plan = incident_function.incident.plan
        capabilities = plan_capabilities(membership_for(user, plan), plan)
    if Capability.EDIT in capabilities:
        return True
    return (
        Capability.ANSWER in capabilities
        and incident_function.function.owner_id is not None
        and incident_function.function.owner_id == getattr(user, "pk", None)
    )


def _require_open(incident: Incident) -> None:
    if not incident.is_open:
        raise ValidationError(
            f"This {_label(incident.kind).lower()} was closed on "
            f"{timezone.localtime(incident.closed_at):%Y-%m-%d %H:%M}; nothing more can be "
            "changed."
        )


# --- declaring ------------------------------------------------------------------------


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
    label = _label(d.kind)
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

    label = _label(incident.kind)
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
    _require_open(incident)
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


# --- steps ----------------------------------------------------------------------------


def _locked_step(step: IncidentStep) -> IncidentStep:
    """The step as it is now, locked until the transaction ends (only the step's row)."""
    return (
        IncidentStep.objects.select_for_update(of=("self",))
        .select_related("incident_function__incident__plan", "incident_function__function")
        .get(pk=step.pk)
    )


def _check_worker(user: User, step: IncidentStep) -> None:
    _require_open(step.incident_function.incident)
    if not can_work_function(user, step.incident_function):
        raise PermissionDenied(
            f"Only managers and the owner of “{step.incident_function.name}” work its steps."
        )


def _who(user: User | None) -> str:
    if user is None:
        return "someone"
    return str(user.get_full_name() or user.get_username())


def _when(value: dt.datetime | None) -> str:
    return f"{timezone.localtime(value):%H:%M}" if value else ""


@transaction.atomic
def step_assign(*, step: IncidentStep, user: User, assignee: User | None) -> IncidentStep:
    current = _locked_step(step)
    _check_worker(user, current)
    if current.completed_at is not None:
        raise ValidationError(
            f"Step {current.position} was completed by {_who(current.completed_by)} at "
            f"{_when(current.completed_at)}; it cannot be reassigned."
        )
    if (
        assignee is not None
        and assignee.pk != user.pk
        and not _actor_can_edit(current.incident_function.incident, user)
    ):
        raise PermissionDenied("Stakeholders can take a step themselves, not assign others.")
    with change_context(user=user, reason=f"Step {current.position} assigned"):
        updated = save_locked(current, changes={"assignee": assignee})
    assert isinstance(updated, IncidentStep)
    return updated


@transaction.atomic
def step_start(*, step: IncidentStep, user: User, now: dt.datetime | None = None) -> IncidentStep:
    current = _locked_step(step)
    _check_worker(user, current)
    if current.completed_at is not None:
        raise ValidationError(
            f"Step {current.position} was already completed by {_who(current.completed_by)} "
            f"at {_when(current.completed_at)}."
        )
    if current.started_at is not None:
        raise ValidationError(
            f"Step {current.position} was already started by {_who(current.started_by)} at "
            f"{_when(current.started_at)}."
        )
    changes = {"started_at": now or timezone.now(), "started_by": user}
    return _step_mark(current, user=user, changes=changes, reason="started")


@transaction.atomic
def step_complete(
    *, step: IncidentStep, user: User, now: dt.datetime | None = None
) -> IncidentStep:
    """Mark a step done; a second completion is refused with who completed it and when."""
    current = _locked_step(step)
    _check_worker(user, current)
    if current.completed_at is not None:
        raise ValidationError(
            f"Step {current.position} was already completed by {_who(current.completed_by)} "
            f"at {_when(current.completed_at)}; nothing was changed."
        )
    changes = {"completed_at": now or timezone.now(), "completed_by": user}
    return _step_mark(current, user=user, changes=changes, reason="completed")


def _step_mark(
    current: IncidentStep, *, user: User, changes: dict[str, object], reason: str
) -> IncidentStep:
    """Save a start or completion on the locked step; whoever marks an unassigned step
    takes it on."""
    if current.assignee_id is None:
        changes = {**changes, "assignee": user}
    with change_context(user=user, reason=f"Step {current.position} {reason}"):
        updated = save_locked(current, changes=changes)
    assert isinstance(updated, IncidentStep)
    return updated


@transaction.atomic
def step_add(
    *,
    incident_function: IncidentFunction,
    user: User,
    instruction: str,
    owner_label: str = "",
    expected_minutes: int | None = None,
) -> IncidentStep:
    """A step nobody planned for, added while the incident runs."""
    _require_open(incident_function.incident)
    if not can_work_function(user, incident_function):
        raise PermissionDenied(
            f"Only managers and the owner of “{incident_function.name}” add steps to it."
        )
    if not instruction.strip():
        raise ValidationError({"instruction": "Say what has to be done."})
    last = incident_function.steps.order_by("-position").first()
    with change_context(user=user, reason="Step added during the incident"):
        return IncidentStep.objects.create(
            incident_function=incident_function,
            position=(last.position + 1) if last else 1,
            instruction=instruction.strip()[:MAX_TEXT],
            owner_label=owner_label.strip()[:200],
            expected_minutes=expected_minutes,
            added_during_incident=True,
        )


# --- log, recovery, restoration ------------------------------------------------------------


@transaction.atomic
def log_add(
    *, incident: Incident, user: User, kind: str, text: str, now: dt.datetime | None = None
) -> LogEntry:
    _require_open(incident)
    if kind not in LogEntry.Kind.values:
        raise ValidationError({"kind": "Choose note, decision or status update."})
    if not text.strip():
        raise ValidationError({"text": "Write something to log."})
    with change_context(user=user, reason=f"Incident log: {LogEntry.Kind(kind).label}"):
        return LogEntry.objects.create(
            incident=incident,
            kind=kind,
            text=text.strip()[:MAX_TEXT],
            author=user,
            at=now or timezone.now(),
        )


@dataclass(frozen=True)
class Reassessment:
    """Functions whose state the engine changed, and failed elements it could not use."""

    changed: list[IncidentFunction]
    left_out: list[str]


@transaction.atomic
def incident_reassess(
    *, incident: Incident, user: User, now: dt.datetime | None = None
) -> Reassessment:
    """Ask the engine again with the elements still failed; record each function's state.

    A function the engine finds running again gets ``back_at`` (the first time). A failed
    element that has since been removed from the inventory cannot be evaluated: it is
    left out and named in ``left_out`` so the page can say so.
    """
    now = now or timezone.now()
    inputs = load_inputs(incident.plan)
    known = {e.key for e in elements(inputs.topology)}
    still = IncidentElement.objects.filter(incident=incident, recovered_at__isnull=True)
    left_out = [e.name for e in still if e.key not in known]
    impact = plan_impact(incident.plan, [e.key for e in still if e.key in known], inputs=inputs)
    changed: list[IncidentFunction] = []
    by_function = {f.function_id: f for f in impact.functions}
    for entry in IncidentFunction.objects.select_for_update().filter(incident=incident):
        current = by_function.get(entry.function_id)
        state = current.state if current is not None else FunctionState.UP
        because = list(current.because) if current is not None else []
        if state == entry.state and because == entry.because:
            continue
        changes: dict[str, Any] = {"state": state, "because": because}
        if state == FunctionState.UP and entry.back_at is None:
            changes["back_at"] = now
        with change_context(user=user, reason=f"Engine re-assessed: {entry.name} {state}"):
            changed.append(save_locked(entry, changes=changes))  # type: ignore[arg-type]
    return Reassessment(changed=changed, left_out=left_out)


@transaction.atomic
def element_recover(
    *, element: IncidentElement, user: User, now: dt.datetime | None = None
) -> Reassessment:
    """Mark one failed element recovered and re-assess which functions are back."""
    current = (
        IncidentElement.objects.select_for_update(of=("self",))
        .select_related("incident__plan")
        .get(pk=element.pk)
    )
    _require_open(current.incident)
    if current.recovered_at is not None:
        raise ValidationError(
            f"{current.name} was already marked recovered by {_who(current.recovered_by)} at "
            f"{_when(current.recovered_at)}."
        )
    now = now or timezone.now()
    with change_context(user=user, reason=f"{current.name} recovered"):
        save_locked(current, changes={"recovered_at": now, "recovered_by": user})
    return incident_reassess(incident=current.incident, user=user, now=now)


@transaction.atomic
def function_restore(
    *,
    incident_function: IncidentFunction,
    user: User,
    restored_at: dt.datetime,
    data_lost_minutes: float | None,
    now: dt.datetime | None = None,
) -> IncidentFunction:
    """Record when a function was back in service and how much data it lost (RTA, RPA)."""
    current = (
        IncidentFunction.objects.select_for_update(of=("self",))
        .select_related("incident")
        .get(pk=incident_function.pk)
    )
    _require_open(current.incident)
    now = now or timezone.now()
    errors: dict[str, str] = {}
    if restored_at < current.incident.started_at:
        errors["restored_at"] = "A function cannot be restored before the incident started."
    elif restored_at > now + CLOCK_TOLERANCE:
        errors["restored_at"] = "The restoration time cannot be in the future."
    if data_lost_minutes is not None and data_lost_minutes < 0:
        errors["data_lost_minutes"] = "Data lost is zero or more minutes."
    if errors:
        raise ValidationError(errors)
    with change_context(user=user, reason=f"{current.name} restored"):
        updated = save_locked(
            current,
            changes={
                "restored_at": restored_at,
                "restored_by": user,
                "data_lost_minutes": data_lost_minutes,
            },
        )
    assert isinstance(updated, IncidentFunction)
    return updated


# --- closing --------------------------------------------------------------------------------


@transaction.atomic
def action_add(
    *, incident: Incident, user: User, description: str, owner: User, due_on: dt.date
) -> FollowUpAction:
    if not description.strip():
        raise ValidationError({"description": "Say what has to change."})

    if not Membership.objects.filter(plan=incident.plan, user=owner).exists():
        raise ValidationError({"owner": "The owner must be a member of this plan."})
    with change_context(user=user, reason="Follow-up action recorded"):
        return FollowUpAction.objects.create(
            incident=incident,
            description=description.strip()[:MAX_TEXT],
            owner=owner,
            due_on=due_on,
        )


@transaction.atomic
def incident_close(
    *,
    incident: Incident,
    user: User,
    expected_version: int | None,
    summary: str,
    lessons: str,
    now: dt.datetime | None = None,
    render_report: bool = True,
) -> Incident:
    """Close the incident once every affected function has a restoration time.

    A real incident's downtime (start → restoration of each function that was down) is
    charged to the downtime budgets through the analysis app; an exercise's is not, and
    an exercise moves the exercised functions' schedules on. Refused, changing nothing,
    while any function is not yet restored. The final after-action report is queued for
    the worker unless ``render_report`` is false (demo data, which leaves no work queued).
    """
    current = Incident.objects.select_for_update().get(pk=incident.pk)
    _require_open(current)
    now = now or timezone.now()
    functions = list(IncidentFunction.objects.filter(incident=current).select_related("function"))
    pending = [f.name for f in functions if f.restored_at is None]
    if pending:
        raise ValidationError(
            "Record when each function was restored before closing; not yet restored: "
            + ", ".join(pending)
            + "."
        )
    label = _label(current.kind)
    with change_context(user=user, reason=f"{label} closed"):
        closed = save_if_current(
            current,
            expected_version=expected_version,
            changes={
                "status": Incident.Status.CLOSED,
                "closed_at": now,
                "closed_by": user,
                "summary": summary.strip()[: MAX_TEXT * 4],
                "lessons": lessons.strip()[: MAX_TEXT * 4],
            },
        )
    assert isinstance(closed, Incident)
    if closed.kind == Kind.INCIDENT:
        closed = _charge_budgets(closed, functions, user=user)
    else:
        schedules_after_exercise(incident=closed, user=user, functions=functions)
    if render_report:
        report_request(incident=closed, user=user)
    return closed


def _charge_budgets(
    incident: Incident, functions: list[IncidentFunction], *, user: User
) -> Incident:
    """One analysis incident record per function that was down, so budgets spend it."""

    for entry in functions:
        if entry.state_at_start != FunctionState.DOWN or entry.restored_at is None:
            continue
        incident_record(
            plan=incident.plan,
            user=user,
            reason=f"Downtime of incident #{incident.pk} charged",
            function=entry.function,
            kind="incident",
            title=incident.title[:200],
            started_at=incident.started_at,
            ended_at=max(entry.restored_at, incident.started_at),
            data_lost_minutes=entry.data_lost_minutes,
            counts_against_budget=True,
            notes=f"Recorded from incident #{incident.pk}: {', '.join(entry.because_at_start)}",
        )
    with change_context(user=user, reason="Downtime charged to the budgets"):
        charged = save_locked(incident, changes={"budget_charged": True})
    assert isinstance(charged, Incident)
    return charged


# --- scenarios ----------------------------------------------------------------------------


def scenario_keys(scenario: Scenario) -> list[str]:

    keys = []
    for element in scenario.elements.all().order_by("pk"):
        if element.site_id:
            keys.append(site_key(element.site_id))
        elif element.component_id:
            keys.append(component_key(element.component_id))
        elif element.group_id:
            keys.append(group_key(element.group_id))
    return keys


@transaction.atomic
def scenario_create(
    *, plan: Plan, user: User, name: str, description: str, failed_keys: Iterable[str]
) -> Scenario:

    keys = list(dict.fromkeys(failed_keys))
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "Name the scenario."
    elif Scenario.objects.filter(plan=plan, name=name.strip()).exists():
        errors["name"] = "A scenario with this name exists already."
    if not keys:
        errors["failed"] = "Choose at least one site, component or group that fails."
    if errors:
        raise ValidationError(errors)
    models: dict[str, Any] = {"site": Site, "component": Component, "group": RedundancyGroup}
    targets: list[tuple[str, Any]] = []
    for key in keys:
        kind, _, pk = key.partition(":")
        model = models.get(kind)
        target = model.objects.filter(plan=plan, pk=pk).first() if model and pk.isdigit() else None
        if target is None:
            raise ValidationError({"failed": f"{key} is not an element of this plan."})
        targets.append((kind, target))
    with change_context(user=user, reason="Scenario saved"):
        scenario = Scenario.objects.create(
            plan=plan, name=name.strip()[:200], description=description.strip()
        )
        for kind, target in targets:
            ScenarioElement.objects.create(scenario=scenario, **{kind: target})
    return scenario


@transaction.atomic
def scenario_delete(*, scenario: Scenario, user: User) -> None:
    with change_context(user=user, reason="Scenario removed"):
        for element in scenario.elements.all():
            element.delete()
        scenario.delete()


# --- rules on every write path --------------------------------------------------------------


def closed_incident_write_rule(instance: Any) -> None:
    """A closed incident is evidence: neither it nor its records may be changed afterwards.

    Registered for every incident model (see ``IncidentsConfig.ready``), so restoring an
    earlier version from the audit trail is refused as the services refuse edits. The
    incident's status is read as stored, not as the instance would write it.
    """
    if isinstance(instance, Incident):
        incident_id: int | None = instance.pk
    elif isinstance(instance, IncidentStep):
        incident_id = (
            IncidentFunction.objects.filter(pk=instance.incident_function_id)
            .values_list("incident_id", flat=True)
            .first()
        )
    else:
        incident_id = getattr(instance, "incident_id", None)
    if incident_id is None:
        return
    status = Incident.objects.filter(pk=incident_id).values_list("status", flat=True).first()
    if status == Incident.Status.CLOSED:
        raise ValidationError(
            "This incident is closed; its records are evidence and cannot be changed."
        )
