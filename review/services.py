"""Writes of continuous review: check a plan's figures after a change, open and confirm
review tasks.

A service that changes an input of the analysis calls :func:`review_check_request`; the
worker then runs :func:`review_check_execute`, which re-runs the engine for every
function of the plan (remedies not ranked) and compares each function's required and
achievable figures with the ones last checked. A function whose figures moved gets a
review task for its owner, naming the changes from history; a function with an open
task gets the new changes added to it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from analysis.compute import analyse_plan
from analysis.engine.structure import sub_topology
from analysis.inputs import input_watermark, load_inputs
from analysis.results import check_plan_results
from analysis.results_check import ResultsInvalid
from analysis.selectors import latest_run, stored_results
from bcp.history import change_context
from bcp.jobs import JobResult, ProgressFn, job_enqueue
from bcp.models import Job, Membership, Plan, Role
from bia.models import BusinessFunction
from inventory.graph import function_key
from review.changes import input_changes
from review.figures import FigureSet, Move, figures_of, moves, read_figure_set
from review.models import FunctionFigures, ReviewTask
from review.notify import review_task_notify

REVIEW_CHECK_TASK = "review.tasks.review_check_execute"
REVIEW_CHECK_KIND = "review_check"
# Changes kept on one task; older ones stay in history.
MAX_TASK_CHANGES = 50
PLEASE_CONFIRM = "please confirm your BIA still holds"


# Set while loading data that is itself the baseline (the demo): nothing has changed
# since it, so nothing is checked and no work is left queued behind the load.
_CHECKS_SUPPRESSED: ContextVar[bool] = ContextVar("review_checks_suppressed", default=False)


@contextmanager
def review_checks_suppressed() -> Iterator[None]:
    """Within the block, changes to analysis inputs queue no review check."""
    token = _CHECKS_SUPPRESSED.set(True)
    try:
        yield
    finally:
        _CHECKS_SUPPRESSED.reset(token)


def review_check_request(*, plan: Plan, user: User | None) -> Job | None:
    """Queue a check of the plan's figures after its inputs changed (once the change
    commits); None when a check that has not started yet is already waiting, or inside
    :func:`review_checks_suppressed`."""
    if _CHECKS_SUPPRESSED.get():
        return None
    with transaction.atomic():
        # Relying on a waiting check is only safe if it cannot start before this change
        # commits: otherwise a worker could claim it, read the inputs without this change
        # and never look again. Locking its row makes the worker's claim (an UPDATE of
        # that row) wait for this transaction to end.
        waiting = (
            Job.objects.select_for_update()
            .filter(plan=plan, kind=REVIEW_CHECK_KIND, status=Job.Status.QUEUED)
            .values_list("pk", flat=True)[:1]
        )
        if list(waiting):
            return None
    return job_enqueue(kind=REVIEW_CHECK_KIND, task_name=REVIEW_CHECK_TASK, user=user, plan=plan)


@dataclass(frozen=True)
class _Baseline:
    figures: FigureSet
    watermark: dict[str, int]


def _watermark(raw: object) -> dict[str, int] | None:
    if not isinstance(raw, dict):
        return None
    if not all(isinstance(k, str) and isinstance(v, int) for k, v in raw.items()):
        return None
    return dict(raw)


def _baselines(plan: Plan) -> dict[int, _Baseline]:
    """Each function's figures as last checked; where never checked, as the latest
    finished analysis run computed them (the run's own input watermark)."""

    found: dict[int, _Baseline] = {}
    run = latest_run(plan)
    if run is not None:
        mark = _watermark(run.inputs_watermark)
        try:
            results = check_plan_results(stored_results(run))
        except ResultsInvalid:
            results = None
        if mark is not None and results is not None:
            for entry in results["functions"]:
                found[entry["pk"]] = _Baseline(figures_of(entry), mark)
    for row in FunctionFigures.objects.filter(plan=plan):
        figures, mark = read_figure_set(row.figures), _watermark(row.watermark)
        if figures is not None and mark is not None:
            found[row.function_id] = _Baseline(figures, mark)
    return found


def review_check_execute(*, job: Job, progress: ProgressFn) -> JobResult:
    """Re-run the engine over the job's plan and open or extend review tasks.

    Checks of one plan run one at a time (the plan row is locked), so two changes saved
    together open one task, not two.
    """

    assert job.plan_id is not None
    with transaction.atomic():
        plan = Plan.objects.select_for_update().get(pk=job.plan_id)
        progress(5, "Reading the plan's inputs")
        watermark = input_watermark(plan)
        inputs = load_inputs(plan)
        progress(20, "Computing each function's figures")
        results = analyse_plan(inputs, rank_remedies=False).results
        baselines = _baselines(plan)
        functions = {f.pk: f for f in BusinessFunction.objects.filter(plan=plan)}
        now = timezone.now()
        opened = extended = 0
        for entry in results["functions"]:
            function = functions.get(entry["pk"])
            if function is None:
                continue
            after = figures_of(entry)
            before = baselines.get(function.pk)
            moved = [] if before is None else moves(before.figures, after)
            if job.created_by_id is not None and job.created_by_id == function.owner_id:
                moved = []  # the owner made the change: there is nothing to ask them
            if moved and before is not None:
                key = function_key(function.pk)
                try:
                    used = sub_topology(inputs.topology.topology, [key])
                    elements = {c.id for c in used.components} | {g.id for g in used.groups}
                    elements |= {s.id for s in used.sites}
                except Exception:
                    elements = set()
                sentences = [
                    c.sentence
                    for c in input_changes(
                        plan,
                        since=before.watermark,
                        until=watermark,
                        function_pk=function.pk,
                        elements=elements,
                    )
                ]
                created = _task_open_or_extend(
                    function=function, sentences=sentences, moved=moved, user=job.created_by
                )
                opened += created
                extended += not created
            FunctionFigures.objects.update_or_create(
                function=function,
                defaults={
                    "plan": plan,
                    "figures": after,
                    "watermark": watermark,
                    "checked_at": now,
                },
            )
    progress(100, "Figures checked")
    return {"functions": len(results["functions"]), "opened": opened, "extended": extended}


def task_message(sentences: list[str], moved: list[Move]) -> str:
    """One change in words: what changed, what it moved, and the request."""
    what = "; ".join(sentences) if sentences else "The plan's inputs changed"
    figures = ", ".join(m.words() for m in moved)
    return f"{what} ({figures}): {PLEASE_CONFIRM}."


def _task_open_or_extend(
    *, function: BusinessFunction, sentences: list[str], moved: list[Move], user: User | None
) -> bool:
    """Open the function's review task, or add the change to its open one; True if opened."""
    message = task_message(sentences, moved)
    change = {"at": timezone.now().isoformat(), "message": message}
    task = ReviewTask.objects.select_for_update().filter(function=function, status="open").first()
    created = task is None
    with change_context(user=user, reason=f"Review asked of the owner: {message}"[:500]):
        if task is None:
            task = ReviewTask.objects.create(
                plan_id=function.plan_id,
                function=function,
                owner_id=function.owner_id,
                changes=[change],
            )
        else:
            task.changes = [*task.changes, change][-MAX_TASK_CHANGES:]
            task.version += 1
            task.save()
    _notify_owner(task, message=message, opened=created)
    return created


def _notify_owner(task: ReviewTask, *, message: str, opened: bool) -> None:

    review_task_notify(task, message=message, opened=opened)


@transaction.atomic
def review_task_confirm(*, task: ReviewTask, user: User, comment: str = "") -> ReviewTask:
    """The owner (or a manager) confirms the BIA still holds; recorded in history."""
    locked = ReviewTask.objects.select_for_update().get(pk=task.pk)
    if not locked.is_open:
        raise ValidationError("This review was already confirmed; nothing to do.")
    if len(comment) > 2000:
        raise ValidationError({"comment": "Keep the comment under 2,000 characters."})
    if user.pk != locked.owner_id and not _is_manager(locked.plan_id, user):
        raise PermissionDenied("Only the function's owner or a plan manager can confirm.")
    reason = "Owner confirmed the BIA still holds"
    if comment.strip():
        reason += f": {comment.strip()}"
    with change_context(user=user, reason=reason):
        locked.status = ReviewTask.Status.CONFIRMED
        locked.confirmed_by = user
        locked.confirmed_at = timezone.now()
        locked.version += 1
        locked.save()
    return locked


def _is_manager(plan_id: int, user: User) -> bool:

    return Membership.objects.filter(plan_id=plan_id, user=user, role=Role.MANAGER).exists()
