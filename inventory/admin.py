"""Read-only admin views of the inventory: changes go through the pages and services,
which validate and record who changed what and why."""

from __future__ import annotations

from django.contrib import admin

from bcp.admin import PlanningRecordAdmin
from inventory.models import Component, Dependency, RedundancyGroup, Site, Technique


@admin.register(Site)
class SiteAdmin(PlanningRecordAdmin):
    list_display = ("name", "kind", "parent", "plan")
    list_filter = ("kind",)
    search_fields = ("name",)


@admin.register(Component)
class ComponentAdmin(PlanningRecordAdmin):
    list_display = ("name", "kind", "site", "owner", "plan")
    list_filter = ("kind", "replication")
    list_select_related = ("site", "plan")
    search_fields = ("name", "owner")


@admin.register(RedundancyGroup)
class RedundancyGroupAdmin(PlanningRecordAdmin):
    list_display = ("name", "mode", "k", "plan")


@admin.register(Dependency)
class DependencyAdmin(PlanningRecordAdmin):
    list_display = ("function", "component", "group", "need")
    list_select_related = ("function", "component", "group")


@admin.register(Technique)
class TechniqueAdmin(PlanningRecordAdmin):
    list_display = ("name", "key", "cost_class", "complexity", "plan")
