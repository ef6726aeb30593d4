"""The one permission mechanism for every page and API endpoint.

A user's rights on a plan come from their single :class:`~bcp.models.Membership`
role there. Views declare the capability they need with :func:`plan_required`;
API views use :class:`PlanCapabilityPermission`. Both call :func:`plan_capabilities`.

Order of checks, so that answers never leak whether a plan exists:
1. anonymous users are sent to the login page (pages) or get 401/403 (API);
2. an unknown plan id is a 404;
3. a signed-in user who is not a member gets 403;
4. a member whose role lacks the capability gets 403.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404

from bcp.http import PlanRequest
from bcp.models import Membership, Plan, Role


class Capability(enum.StrEnum):
    VIEW = "view"  # see the plan and its pages
    EDIT = "edit"  # change planning data
    ANSWER = "answer"  # answer BIAs and sign off what is assigned to you
    AUDIT = "audit"  # read change history and evidence


ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.MANAGER: frozenset(
        {Capability.VIEW, Capability.EDIT, Capability.ANSWER, Capability.AUDIT}
    ),
    Role.STAKEHOLDER: frozenset({Capability.VIEW, Capability.ANSWER}),
    Role.AUDITOR: frozenset({Capability.VIEW, Capability.AUDIT}),
}

# Archived plans are read-only: editing requires restoring them first.
ARCHIVED_CAPABILITIES = frozenset({Capability.VIEW, Capability.AUDIT})


def membership_for(user: Any, plan: Plan) -> Membership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Membership.objects.filter(plan=plan, user=user).first()


def plan_capabilities(membership: Membership | None, plan: Plan) -> frozenset[Capability]:
    if membership is None:
        return frozenset()
    capabilities = ROLE_CAPABILITIES[membership.role]
    if plan.is_archived:
        capabilities = capabilities & ARCHIVED_CAPABILITIES
    return capabilities


def check_plan_capability(user: Any, plan: Plan, capability: Capability) -> Membership:
    """Return the user's membership or raise :class:`PermissionDenied`."""
    membership = membership_for(user, plan)
    if membership is None:
        raise PermissionDenied("You are not a member of this plan.")
    if capability not in plan_capabilities(membership, plan):
        if plan.is_archived and capability in ROLE_CAPABILITIES[membership.role]:
            raise PermissionDenied("This plan is archived; restore it before making changes.")
        raise PermissionDenied(
            f"Your role on this plan ({membership.get_role_display()}) does not allow this."
        )
    return membership


# What a plan's page returns: a page, or a stream (the audit exports).
Response = TypeVar("Response", bound=HttpResponseBase)


def plan_required(
    capability: Capability, *, allow_archived: bool = False
) -> Callable[[Callable[..., Response]], Callable[..., Response | HttpResponseRedirect]]:
    """Decorate a view taking ``plan_pk``; the view receives a :class:`~bcp.http.PlanRequest`
    (``request.plan``, ``request.membership``, ``request.capabilities``).

    ``allow_archived`` lets a manager reach the one view that restores an archived plan.
    """

    def decorator(
        view: Callable[..., Response],
    ) -> Callable[..., Response | HttpResponseRedirect]:
        @wraps(view)
        def wrapped(
            request: PlanRequest, *args: Any, plan_pk: int, **kwargs: Any
        ) -> Response | HttpResponseRedirect:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            plan = get_object_or_404(Plan, pk=plan_pk)
            if allow_archived:
                membership = membership_for(request.user, plan)
                if membership is None:
                    raise PermissionDenied("You are not a member of this plan.")
                if capability not in ROLE_CAPABILITIES[membership.role]:
                    raise PermissionDenied("Your role on this plan does not allow this.")
            else:
                membership = check_plan_capability(request.user, plan, capability)
            request.plan = plan
            request.membership = membership
            request.capabilities = plan_capabilities(membership, plan)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


# Roles whose members may own a business function (answer its BIA, confirm its reviews).
FUNCTION_OWNER_ROLES = (Role.MANAGER, Role.STAKEHOLDER)
# The Django permission that lets someone who is not staff create plans ("coordinator").
COORDINATOR_PERMISSION = "bcp.add_plan"


def can_create_plans(user: Any) -> bool:
    """Staff and coordinators (granted ``bcp.add_plan`` in the admin) may create plans."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and (user.is_staff or user.has_perm(COORDINATOR_PERMISSION))
    )


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Pages for administering users: staff only."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_staff:
            raise PermissionDenied("Only staff can administer users.")
        return view(request, *args, **kwargs)

    return wrapped
