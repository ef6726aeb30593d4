"""The Django admin: users and groups are administered there; planning records are only shown.

Every write to planning data goes through a service, which checks the rules (the BIA
lock, keep one manager, what may change when), asks for the reason and records who
changed what. The admin would bypass all of that, so every planning model is registered
with :class:`PlanningRecordAdmin`: no add, change or delete, no bulk actions, and no
"revert" from the history page (django-simple-history's history form saves the old
values with a plain ``save()`` when it receives a POST, whatever the change permission).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin

from bcp.models import Job, Membership, Plan, WorkerHeartbeat


class PlanningRecordAdmin(SimpleHistoryAdmin):
    """Read-only admin for planning records and operational rows: view and history only."""

    actions = None  # no "delete selected"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def revert_disabled(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied("Planning records change through the app's pages, not here.")
        response: HttpResponse = super().history_form_view(
            request, object_id, version_id, extra_context
        )
        return response


@admin.register(Plan)
class PlanAdmin(PlanningRecordAdmin):
    list_display = ("name", "organisation", "status", "version")
    search_fields = ("name", "organisation")


@admin.register(Membership)
class MembershipAdmin(PlanningRecordAdmin):
    list_display = ("plan", "user", "role")
    list_filter = ("role",)


@admin.register(Job)
class JobAdmin(PlanningRecordAdmin):
    list_display = ("kind", "plan", "status", "progress", "created_at", "finished_at")
    list_filter = ("kind", "status")


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(PlanningRecordAdmin):
    list_display = ("hostname", "pid", "last_seen")
