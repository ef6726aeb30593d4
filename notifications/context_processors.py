from __future__ import annotations

from django.http import HttpRequest

from notifications.selectors import unread_count


def inbox(request: HttpRequest) -> dict[str, int]:
    """The unread count for the top bar (one query, signed-in pages only)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    return {"inbox_unread": unread_count(user)}
