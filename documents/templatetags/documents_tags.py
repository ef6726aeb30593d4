"""Template tags other apps' pages can use to show the plan's document status."""

from __future__ import annotations

from typing import Any

from django import template

from bcp.models import Plan
from documents import selectors

register = template.Library()


@register.inclusion_tag("documents/_plan_status.html", takes_context=True)
def plan_document_status(context: template.Context, plan: Plan) -> dict[str, Any]:
    """Latest version, its sign-off state, whether later changes superseded it, and the
    sign-offs awaiting the viewer's decision (so an approver finds them from the overview).

    For the plan overview: ``{% load documents_tags %}{% plan_document_status plan %}``.
    """
    states = selectors.versions_with_state(plan)
    request = context.get("request")
    user = getattr(request, "user", None)
    awaiting = (
        list(selectors.signoffs_awaiting(user, plan))
        if user is not None and user.is_authenticated
        else []
    )
    return {"plan": plan, "latest": states[0] if states else None, "awaiting": awaiting}
