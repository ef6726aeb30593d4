"""Reads for plans, members and jobs, shaped for the pages that show them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Count, Model, OuterRef, Q, QuerySet, Subquery

from bcp.contract import Member, PlanPart
from bcp.models import Job, Membership, Plan

M = TypeVar("M", bound=Model)


def _own_memberships(user: Any) -> QuerySet[Membership]:
    return Membership.objects.filter(user_id=getattr(user, "pk", None) or 0)


def plans_for_user(user: Any, *, include_archived: bool = False) -> QuerySet[Plan]:
    """The plans ``user`` is a member of (tested with a subquery, so no row is multiplied)."""
    plans = Plan.objects.filter(pk__in=_own_memberships(user).values("plan_id"))
    if not include_archived:
        plans = plans.filter(status=Plan.Status.ACTIVE)
    return plans.order_by("status", "name", "pk")


def plan_list(user: Any, *, include_archived: bool = False) -> QuerySet[Plan]:
    """:func:`plans_for_user` with every plan's ``member_count`` and the user's ``user_role``.

    The count runs over all of a plan's memberships: filtering on the joined
    ``memberships`` instead would leave only the user's own row for it to see.
    """
    own_role = _own_memberships(user).filter(plan_id=OuterRef("pk")).values("role")[:1]
    return plans_for_user(user, include_archived=include_archived).annotate(
        member_count=Count("memberships"), user_role=Subquery(own_role)
    )


def plan_members(plan: Plan) -> QuerySet[Membership]:
    return plan.memberships.select_related("user").order_by("role", "user__username")


def plan_history(plan: Plan, *, limit: int = 50) -> list[Any]:
    """The plan's own history and its memberships' history, newest first."""
    plan_records = list(
        Plan.history.filter(id=plan.pk)
        .select_related("history_user")
        .order_by("-history_id")[:limit]
    )
    member_records = list(
        Membership.history.filter(plan_id=plan.pk)
        .select_related("history_user")
        .order_by("-history_id")[:limit]
    )
    records = sorted(plan_records + member_records, key=lambda r: r.history_date, reverse=True)[
        :limit
    ]
    user_model = get_user_model()
    user_ids = {r.user_id for r in member_records}
    names = {
        u.pk: u.get_full_name() or u.get_username()
        for u in user_model.objects.filter(pk__in=user_ids)
    }
    for record in records:
        if isinstance(record, Membership.history.model):
            who = names.get(record.user_id, f"user #{record.user_id}")
            record.label = f"Member {who} ({record.role})"
        else:
            record.label = f"Plan “{record.name}”"
    return records


def counts_per_plan(records: QuerySet[M], plan_ids: Iterable[int]) -> dict[int, int]:
    """How many of ``records`` each plan of ``plan_ids`` has (0 for none), in one query
    however many plans: the portfolio's columns count this way."""
    ids = list(plan_ids)
    counts = dict.fromkeys(ids, 0)
    rows = records.filter(plan_id__in=ids).values("plan_id").annotate(n=Count("pk")).order_by()
    for row in rows:
        counts[row["plan_id"]] = row["n"]
    return counts


def latest_job(plan: Plan, kind: str) -> Job | None:
    return Job.objects.filter(plan=plan, kind=kind).order_by("-created_at").first()


def plan_statistics(plan: Plan, progress: Any = None) -> dict[str, Any]:
    """Count the plan's members by role and its records in every app.

    Any model with a ``plan`` foreign key counts, so new planning data shows up
    here without this function changing.
    """

    members = plan.memberships.aggregate(
        managers=Count("pk", filter=Q(role="manager")),
        stakeholders=Count("pk", filter=Q(role="stakeholder")),
        auditors=Count("pk", filter=Q(role="auditor")),
    )
    counted = [
        model
        for model in apps.get_models()
        if model._meta.app_label in PLANNING_APPS
        and not model.__name__.startswith("Historical")
        and any(f.name == "plan" and f.is_relation for f in model._meta.get_fields())
        and model not in (Membership, Job)
    ]
    records: dict[str, int] = {}
    for index, model in enumerate(sorted(counted, key=lambda m: m._meta.label)):
        records[str(model._meta.verbose_name_plural)] = model._default_manager.filter(
            plan=plan
        ).count()
        if progress is not None:
            progress(
                10 + int(85 * (index + 1) / len(counted)),
                f"Counted {model._meta.verbose_name_plural}",
            )
    return {"members": members, "records": records}


PLANNING_APPS = ("bcp", "bia", "inventory", "analysis", "documents", "incidents", "audit")


def document_part(plan: Plan) -> PlanPart:
    """The plan's own part of its document, members by role then name."""
    members = sorted(
        plan.memberships.select_related("user"),
        key=lambda m: (m.role, m.user.get_full_name() or m.user.get_username(), m.pk),
    )
    return PlanPart(
        name=plan.name,
        organisation=plan.organisation,
        scope=plan.scope,
        classification=plan.classification,
        members=tuple(
            Member(name=m.user.get_full_name() or m.user.get_username(), role=m.get_role_display())
            for m in members
        ),
    )
