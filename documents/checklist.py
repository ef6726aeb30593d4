"""The publish checklist: what a version would be missing, said before it is published.

The same checks run twice: on the documents page before publishing (the manager must
confirm any open item with a reason) and in the worker when the version is frozen,
where the open items are printed in the document as "Known limitations of this
version". Each check is a few queries whatever the size of the plan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils import timezone

from analysis.models import AnalysisRun
from analysis.selectors import latest_run, run_is_stale
from bcp.models import Plan, Role
from bcp.words import counted
from bia.models import Assessment, AssessmentState, BusinessFunction
from documents.analysis_part import run_rto_hours
from documents.formatting import minutes
from documents.models import CallTreeEntry, Contact, Exercise, Phase, RecoveryProcedure
from documents.signoff import required_approvers

# Long lists are cut here in a check's sentence; the count stays exact.
NAMES_SHOWN = 12

CHECKS = (
    "Business impact analysis",
    "Analysis",
    "Recovery procedures",
    "Procedure times",
    "Call tree and contacts",
    "Exercises",
    "Approvers",
)


@dataclass(frozen=True)
class CheckItem:
    """One open item: which check found it and what is missing, in a sentence."""

    check: str
    problem: str


@dataclass(frozen=True)
class Checklist:
    checks: tuple[str, ...]
    open_items: tuple[CheckItem, ...]

    @property
    def passed(self) -> tuple[str, ...]:
        failing = {item.check for item in self.open_items}
        return tuple(check for check in self.checks if check not in failing)

    def keys(self) -> list[str]:
        return [f"{item.check}: {item.problem}" for item in self.open_items]


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:NAMES_SHOWN])
    rest = len(names) - NAMES_SHOWN
    return f"{shown} and {rest} more" if rest > 0 else shown


def _open_if(found: Sequence[object], check: str, problem: str) -> list[CheckItem]:
    """The open item ``check`` saying ``problem`` when anything was ``found``; none otherwise."""
    return [CheckItem(check, problem)] if found else []


@dataclass(frozen=True)
class _Function:
    name: str
    reviewed: bool
    has_procedure: bool


def _functions(plan: Plan) -> list[_Function]:
    """Each function with whether it has a reviewed BIA and a recovery procedure (1 query)."""

    reviewed = Assessment.objects.filter(
        function=OuterRef("pk"),
        state__in=[AssessmentState.APPROVED, AssessmentState.SUBMITTED],
    )
    procedures = RecoveryProcedure.objects.filter(function=OuterRef("pk"), phase=Phase.RECOVERY)
    return [
        _Function(name, has_review, has_procedure)
        for name, has_review, has_procedure in BusinessFunction.objects.filter(plan=plan)
        .annotate(has_review=Exists(reviewed), has_procedure=Exists(procedures))
        .order_by("name", "pk")
        .values_list("name", "has_review", "has_procedure")
    ]


def _functions_lacking(
    check: str, functions: list[_Function], missing: list[str], lacking: str
) -> list[CheckItem]:
    """The open item ``check`` naming the ``missing`` ones of ``functions``, which have no
    ``lacking``; none when no function is missing."""
    verb = "has" if len(missing) == 1 else "have"
    return _open_if(
        missing,
        check,
        f"{len(missing)} of {counted(len(functions), 'function')} {verb} no {lacking}: "
        f"{_names(missing)}.",
    )


def _bia(functions: list[_Function]) -> list[CheckItem]:
    if not functions:
        return [CheckItem("Business impact analysis", "The plan has no business functions.")]
    return _functions_lacking(
        "Business impact analysis",
        functions,
        [f.name for f in functions if not f.reviewed],
        "reviewed BIA (submitted or approved), so they have no recovery objectives",
    )


def _analysis(run: AnalysisRun | None) -> list[CheckItem]:
    if run is None:
        return [CheckItem("Analysis", "No analysis has been run, so there are no gaps or budgets.")]
    if run_is_stale(run):
        when = timezone.localtime(run.created_at).strftime("%Y-%m-%d %H:%M")
        return [
            CheckItem(
                "Analysis",
                f"The analysis of {when} is older than the last change to its inputs; its "
                "figures may no longer hold.",
            )
        ]
    return []


def _procedures(functions: list[_Function]) -> list[CheckItem]:
    return _functions_lacking(
        "Recovery procedures",
        functions,
        [f.name for f in functions if not f.has_procedure],
        "recovery procedure",
    )


def _procedure_times(plan: Plan, run: AnalysisRun | None) -> list[CheckItem]:
    rtos = run_rto_hours(run) if run is not None else {}
    if not rtos:
        return []
    late = []
    for procedure in (
        RecoveryProcedure.objects.filter(plan=plan, phase=Phase.RECOVERY, function__isnull=False)
        .select_related("function")
        .prefetch_related("steps")
        .order_by("function__name", "position", "pk")
    ):
        assert procedure.function is not None
        rto = rtos.get(procedure.function.name)
        total = sum(step.expected_minutes for step in procedure.steps.all())
        if rto is not None and total > rto * 60:
            late.append(
                f"“{procedure.title}” ({procedure.function.name}) takes {minutes(total)}, "
                f"longer than its RTO of {minutes(rto * 60)}"
            )
    return _open_if(
        late,
        "Procedure times",
        f"{counted(len(late), 'recovery procedure')} {'takes' if len(late) == 1 else 'take'} "
        f"longer than the function's RTO: {'; '.join(late[:NAMES_SHOWN])}.",
    )


def _people(plan: Plan) -> list[CheckItem]:
    items = []
    if not Contact.objects.filter(plan=plan).exists():
        items.append(CheckItem("Call tree and contacts", "No contacts are recorded."))
    if not CallTreeEntry.objects.filter(plan=plan).exists():
        items.append(
            CheckItem(
                "Call tree and contacts", "No call tree is recorded: nobody knows whom to call."
            )
        )
    return items


def _exercises(plan: Plan, today: dt.date) -> list[CheckItem]:
    exercises = Exercise.objects.filter(plan=plan)
    if not exercises.exists():
        return [CheckItem("Exercises", "No exercise of the plan is scheduled or recorded.")]
    overdue = list(
        exercises.filter(outcome=Exercise.Outcome.PLANNED, scheduled_for__lt=today)
        .order_by("scheduled_for", "pk")
        .values_list("title", "scheduled_for")
    )
    listed = _names([f"{title} (due {day.isoformat()})" for title, day in overdue])
    return _open_if(
        overdue,
        "Exercises",
        f"{counted(len(overdue), 'exercise')} overdue with no result recorded: {listed}.",
    )


def _approvers(plan: Plan) -> list[CheckItem]:

    approvers = required_approvers(plan)
    if not approvers.people:
        return [
            CheckItem(
                "Approvers",
                f"Nobody is named to approve the plan (policy: {approvers.policy.lower()}).",
            )
        ]
    members = set(
        plan.memberships.filter(role__in=(Role.STAKEHOLDER, Role.MANAGER)).values_list(
            "user_id", flat=True
        )
    )
    outside = [approvers.names[i] for i, user in enumerate(approvers.people) if user not in members]
    return _open_if(
        outside,
        "Approvers",
        f"{_names(outside)} must approve but {'is' if len(outside) == 1 else 'are'} not a "
        "stakeholder or manager of this plan, so cannot sign.",
    )


def publish_checklist(plan: Plan, *, today: dt.date | None = None) -> Checklist:
    """Every check, and the open items they found, for the plan as it is now."""
    today = today or timezone.localdate()
    functions = _functions(plan)
    run = latest_run(plan)
    items = [
        *_bia(functions),
        *_analysis(run),
        *_procedures(functions),
        *_procedure_times(plan, run),
        *_people(plan),
        *_exercises(plan, today),
        *_approvers(plan),
    ]
    return Checklist(checks=CHECKS, open_items=tuple(items))
