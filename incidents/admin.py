"""Admin views of incidents: read-only, because every change belongs in services.

Incidents are evidence of what happened; the admin shows them with their history but
cannot add, change or delete them, so no write bypasses the change history.
"""

from __future__ import annotations

from django.contrib import admin

from bcp.admin import PlanningRecordAdmin
from incidents import models


@admin.register(models.Incident)
class IncidentAdmin(PlanningRecordAdmin):
    list_display = ("title", "kind", "plan", "status", "started_at", "closed_at")
    list_filter = ("kind", "status")
    search_fields = ("title",)


admin.site.register(
    (
        models.AfterActionReport,
        models.ExerciseSchedule,
        models.FollowUpAction,
        models.IncidentElement,
        models.IncidentFunction,
        models.IncidentStep,
        models.LogEntry,
        models.Notification,
        models.Scenario,
    ),
    PlanningRecordAdmin,
)
