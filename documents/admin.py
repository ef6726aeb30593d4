"""Admin views of the documents app: read-mostly, because edits belong in services.

Published versions and sign-offs are evidence: the admin shows them but cannot
change or delete them, so no write bypasses the history and hashing.
"""

from __future__ import annotations

from django.contrib import admin

from bcp.admin import PlanningRecordAdmin
from documents import models


@admin.register(models.PlanVersion)
class PlanVersionAdmin(PlanningRecordAdmin):
    list_display = ("plan", "number", "status", "published_by", "published_at", "pdf_sha256")
    list_filter = ("status",)
    search_fields = ("pdf_sha256", "pdfa_sha256", "snapshot_sha256", "plan__name")
    exclude = ("snapshot",)


@admin.register(models.SignOffRequest)
class SignOffRequestAdmin(PlanningRecordAdmin):
    list_display = ("plan_version", "stakeholder", "status", "due_date", "decided_at")
    list_filter = ("status",)


@admin.register(
    models.Contact,
    models.Vendor,
    models.Exercise,
    models.RecoveryProcedure,
    models.ProcedureStep,
    models.CallTreeEntry,
)
class PlanDataAdmin(PlanningRecordAdmin):
    """Edit these on the plan's pages, where the reason for the change is asked."""
