from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from bcp.models import Job, Membership, Plan, WorkerHeartbeat


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ("name", "organisation", "status", "version")
    search_fields = ("name", "organisation")


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ("plan", "user", "role")
    list_filter = ("role",)


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("kind", "plan", "status", "progress", "created_at", "finished_at")
    list_filter = ("kind", "status")
    readonly_fields = [f.name for f in Job._meta.fields]


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ("hostname", "pid", "last_seen")
