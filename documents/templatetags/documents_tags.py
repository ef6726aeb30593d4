"""Template tags other apps' pages can use to show the plan's document status."""

from __future__ import annotations

from typing import Any

from django import template

from bcp.models import Plan
from documents import selectors

register = template.Library()


@register.inclusion_tag("documents/_plan_status.html")
def plan_document_status(plan: Plan) -> dict[str, Any]:
    """Latest version, its sign-off state and whether later changes superseded it.

    For the plan overview: ``{% load documents_tags %}{% plan_document_status plan %}``.
    """
    states = selectors.versions_with_state(plan)
    return {"plan": plan, "latest": states[0] if states else None}
