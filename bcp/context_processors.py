from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from bcp.selectors import plans_for_user


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The plan switcher: the user's active plans, and the plan being viewed."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    return {
        "nav_plans": list(plans_for_user(user).only("pk", "name")[:50]),
        "plan": getattr(request, "plan", None),
        "membership": getattr(request, "membership", None),
        "capabilities": {c.value for c in getattr(request, "capabilities", ())},
    }
