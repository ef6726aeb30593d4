"""Helpers shared by the BIA pages: who sees what, and the BIA form pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpResponse

from bcp.concurrency import EditConflict
from bcp.editing import edit_page, form_page
from bcp.http import PlanRequest
from bcp.permissions import Capability
from bia.models import BusinessFunction

OWNER_ONLY = "Stakeholders see only the BIAs of the functions they own."


def sees_all(request: PlanRequest) -> bool:
    capabilities = request.capabilities
    return Capability.EDIT in capabilities or Capability.AUDIT in capabilities


def require_sees_all(request: PlanRequest) -> None:
    if not sees_all(request):
        raise PermissionDenied(OWNER_ONLY)


def check_owner(request: PlanRequest, function: BusinessFunction) -> None:
    if not sees_all(request) and function.owner_id != request.user.pk:
        raise PermissionDenied("This BIA belongs to another owner. " + OWNER_ONLY)


def can(request: PlanRequest, capability: Capability) -> bool:
    return capability in request.capabilities


def base_url(request: PlanRequest) -> str:
    return request.build_absolute_uri("/")


def bia_form_page(
    request: PlanRequest,
    form: Any,
    title: str,
    *,
    conflict: EditConflict | None = None,
    **extra: Any,
) -> HttpResponse:
    return form_page(request, "bia/form.html", form, {"title": title, **extra}, conflict=conflict)


def bia_edit_page(
    request: PlanRequest,
    form: Any,
    title: str,
    *,
    save: Callable[[dict[str, Any]], Any],
    saved_message: str | Callable[[Any], str],
    success_url: Callable[[Any], Any] | str | Model | None = None,
    conflict_hint: str = "",
    **extra: Any,
) -> HttpResponse:
    """The BIA form page of ``edit_page``; ``success_url`` is a callable of the saved
    object, or where the browser goes whatever was saved (a URL or a record)."""
    target = success_url
    return edit_page(
        request,
        form,
        save=save,
        saved_message=saved_message,
        template="bia/form.html",
        context={"title": title, **extra},
        success_url=target if target is None or callable(target) else lambda _saved: target,
        conflict_hint=conflict_hint,
    )
