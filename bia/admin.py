"""Read-only admin for BIA records; changes belong in the app's pages, which record why."""

from __future__ import annotations

from django.contrib import admin

from bcp.admin import PlanningRecordAdmin
from bia import models


@admin.register(models.BusinessFunction)
class BusinessFunctionAdmin(PlanningRecordAdmin):
    list_display = ("name", "plan", "owner", "criticality")
    list_filter = ("plan", "criticality")
    search_fields = ("name",)


@admin.register(models.Assessment)
class AssessmentAdmin(PlanningRecordAdmin):
    list_display = ("function", "revision", "state", "is_current", "campaign", "due_date")
    list_filter = ("plan", "state", "is_current")


@admin.register(models.Answer)
class AnswerAdmin(PlanningRecordAdmin):
    list_display = ("assessment", "question", "cell", "value")
    list_filter = ("assessment__plan",)


admin.site.register(
    (
        models.FunctionDependency,
        models.ImpactSettings,
        models.ImpactCategory,
        models.QuestionnaireTemplate,
        models.QuestionnaireSection,
        models.Question,
        models.Campaign,
        models.Interview,
        models.Workshop,
        models.WorkshopFunction,
        models.ActionItem,
    ),
    PlanningRecordAdmin,
)
