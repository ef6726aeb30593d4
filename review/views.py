"""Pages of continuous review: a plan's review tasks and one task with its confirm button."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from bcp.http import PlanRequest
from bcp.permissions import Capability, plan_required
from review import selectors, services
from review.models import ReviewTask


@plan_required(Capability.VIEW)
def task_list(request: PlanRequest) -> HttpResponse:
    return render(request, "review/task_list.html", {"tasks": selectors.plan_tasks(request.plan)})


def _is_confirmer(request: PlanRequest, task: ReviewTask) -> bool:
    """The function's owner or a manager, on a plan that is not archived."""
    if request.plan.is_archived:
        return False
    return task.owner_id == request.user.pk or Capability.EDIT in request.capabilities


@plan_required(Capability.VIEW)
def task_detail(request: PlanRequest, task_pk: int) -> HttpResponse:
    task = get_object_or_404(selectors.plan_tasks(request.plan), pk=task_pk)
    context = {"task": task, "may_confirm": task.is_open and _is_confirmer(request, task)}
    return render(request, "review/task_detail.html", context)


@require_POST
@plan_required(Capability.VIEW)
def task_confirm(request: PlanRequest, task_pk: int) -> HttpResponse:
    task = get_object_or_404(selectors.plan_tasks(request.plan), pk=task_pk)
    if not _is_confirmer(request, task):
        raise PermissionDenied("Only the function's owner or a plan manager can confirm.")
    user = request.user
    assert isinstance(user, User)  # plan_required let only signed-in people through
    try:
        services.review_task_confirm(
            task=task, user=user, comment=request.POST.get("comment", "")[:2001]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(task.get_absolute_url())
    messages.success(request, f"Confirmed: the BIA of {task.function.name} still holds.")
    return redirect(task.get_absolute_url())
