"""The permission matrix's table: what each URL needs, and how to build its arguments.

Every named URL under ``/plans/<plan_pk>/`` must have a :class:`UrlCase` here or
in an app's ``tests/<app>/permission_cases.py`` (a ``CASES`` list); the matrix
test fails when a URL has none, so a new page cannot ship unguarded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bcp.jobs import job_enqueue
from bcp.models import Membership
from bcp.permissions import Capability

ROLES = ("manager", "stakeholder", "auditor")


@dataclass(frozen=True)
class UrlCase:
    name: str
    capability: Capability
    method: str = "get"
    # Builds the URL kwargs other than plan_pk from the fixture's PlanPeople.
    kwargs: Callable[[Any], dict[str, Any]] = field(default=lambda people: {})
    data: dict[str, Any] = field(default_factory=dict)
    # A stakeholder may only reach their own object (e.g. a BIA they own);
    # set when the case's object belongs to the fixture's stakeholder.
    stakeholder_allowed: bool | None = None


def record_pages(
    prefix: str,
    record: Callable[[Any], dict[str, Any]],
    *,
    listed: bool = True,
    detail: bool = False,
) -> list[UrlCase]:
    """The cases of one kind of plan record's pages (as ``bcp.record_views.RecordPages``
    names them ``<prefix>_list`` …): its list (when ``listed``) and detail page (when it
    has one) for anyone who views, create, edit and delete for editors. ``record`` builds
    the URL kwargs of one such record."""
    return [
        *([UrlCase(f"{prefix}_list", Capability.VIEW)] if listed else []),
        UrlCase(f"{prefix}_create", Capability.EDIT),
        *([UrlCase(f"{prefix}_detail", Capability.VIEW, kwargs=record)] if detail else []),
        UrlCase(f"{prefix}_edit", Capability.EDIT, kwargs=record),
        UrlCase(f"{prefix}_delete", Capability.EDIT, kwargs=record),
    ]


def _membership(people: Any) -> dict[str, Any]:
    membership = Membership.objects.get(plan=people.plan, user=people.stakeholder)
    return {"member_pk": membership.pk}


def _job(people: Any) -> dict[str, Any]:
    job = job_enqueue(
        kind="plan_statistics",
        task_name="bcp.tasks.plan_statistics_recompute",
        user=people.manager,
        plan=people.plan,
    )
    return {"job_pk": job.pk}


CASES = [
    UrlCase("plan_detail", Capability.VIEW),
    UrlCase("plan_edit", Capability.EDIT),
    UrlCase("plan_archive", Capability.EDIT),
    UrlCase("plan_restore", Capability.EDIT, method="post"),
    UrlCase("member_list", Capability.VIEW),
    UrlCase("member_add", Capability.EDIT, method="post"),
    UrlCase("member_edit", Capability.EDIT, kwargs=_membership),
    UrlCase("member_remove", Capability.EDIT, kwargs=_membership),
    UrlCase("plan_history", Capability.AUDIT),
    UrlCase("job_status", Capability.VIEW, kwargs=_job),
    UrlCase("job_retry", Capability.EDIT, method="post", kwargs=_job),
]
