"""Typed requests: what the middleware and the plan decorators put on a request.

Views declare the request they receive instead of reaching for attributes that the
type checker cannot see:

- :class:`HtmxHttpRequest` — every request passes django-htmx's middleware, which sets
  ``request.htmx``;
- :class:`SignedInRequest` — a page behind ``login_required``, whose ``user`` is a ``User``;
- :class:`PlanRequest` — a page decorated with :func:`bcp.permissions.plan_required`
  also carries the plan, the user's membership and the capabilities it grants, and its
  ``user`` is signed in (the decorator turns everyone else away), so it is a ``User``;
- :class:`PlanAPIRequest` — the same for API views guarded by
  :class:`bcp.api.PlanCapabilityPermission`.

:func:`stored_pdf` is the one way a page sends a PDF the workers rendered into storage.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest
from django_htmx.middleware import HtmxDetails
from rest_framework.request import Request

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from bcp.models import Membership, Plan
    from bcp.permissions import Capability


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


class SignedInRequest(HtmxHttpRequest):
    user: User


class PlanRequest(HtmxHttpRequest):
    user: User
    plan: Plan
    membership: Membership
    capabilities: frozenset[Capability]


class PlanAPIRequest(Request):
    user: User
    plan: Plan
    membership: Membership
    capabilities: frozenset[Capability]


def stored_pdf(name: str, filename: str) -> FileResponse:
    """The PDF kept in the default storage under ``name``, as a download called ``filename``."""
    return FileResponse(
        default_storage.open(name, "rb"),
        as_attachment=True,
        filename=filename,
        content_type="application/pdf",
    )
