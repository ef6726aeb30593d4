"""Admin views of incidents: read-only, because every change belongs in services.

Incidents are evidence of what happened; the admin shows them with their history but
cannot add, change or delete them, so no write bypasses the change history.
"""

from __future__ import annotations

from django.contrib import admin

from bcp.admin import PlanningRecordAdmin
from incidents.models import (
    AfterActionReport,
    ExerciseSchedule,
    FollowUpAction,
    Incident,
    IncidentElement,
    IncidentFunction,
    IncidentStep,
    LogEntry,
    Notification,
    Scenario,
)

ReadOnlyAdmin = PlanningRecordAdmin


@admin.register(Incident)
class IncidentAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "plan", "status", "started_at", "closed_at")
    list_filter = ("kind", "status")
    search_fields = ("title",)


for model in (
    AfterActionReport,
    ExerciseSchedule,
    FollowUpAction,
    IncidentElement,
    IncidentFunction,
    IncidentStep,
    LogEntry,
    Notification,
    Scenario,
):
    admin.site.register(model, ReadOnlyAdmin)
