"""Filters of the plan document's templates: write a value the way its contract field says.

``{{ step.expected_minutes|shown:"minutes" }}`` → "45 m"; the kinds are
:data:`bcp.contract.Shown`, so the PDF and the "every field appears" test agree.
"""

from __future__ import annotations

from typing import Any

from django import template

from documents.formatting import display, is_shown

register = template.Library()


@register.filter
def shown(value: Any, kind: str) -> str:
    if not is_shown(kind):
        raise template.TemplateSyntaxError(f"{kind!r} is not a kind of bcp.contract.Shown.")
    return display(kind, value)
