"""Permission-matrix cases for the review pages: the task belongs to the stakeholder."""

from __future__ import annotations

from typing import Any

from bcp.history import change_context
from bcp.permissions import Capability
from bia.models import BusinessFunction
from review.models import ReviewTask
from tests.permission_cases import UrlCase


def _task(people: Any) -> dict[str, Any]:
    function, _ = BusinessFunction.objects.get_or_create(
        plan=people.plan, name="Printing", defaults={"owner": people.stakeholder}
    )
    with change_context(user=people.manager, reason="Test review"):
        task = ReviewTask.objects.create(
            plan=people.plan,
            function=function,
            owner=people.stakeholder,
            changes=[{"at": "2026-01-01T00:00:00+00:00", "message": "A change."}],
        )
    return {"task_pk": task.pk}


CASES = [
    UrlCase("review_task_list", Capability.VIEW),
    UrlCase("review_task", Capability.VIEW, kwargs=_task),
    UrlCase("review_task_confirm", Capability.ANSWER, method="post", kwargs=_task),
]
