"""Read-only admin views of the inventory: changes go through the pages and services,
which validate and record who changed what and why."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from inventory.models import Component, Dependency, RedundancyGroup, Site, Technique


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Site)
class SiteAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "parent", "plan")
    list_filter = ("kind",)
    search_fields = ("name",)


@admin.register(Component)
class ComponentAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "site", "owner", "plan")
    list_filter = ("kind", "replication")
    list_select_related = ("site", "plan")
    search_fields = ("name", "owner")


@admin.register(RedundancyGroup)
class RedundancyGroupAdmin(ReadOnlyAdmin):
    list_display = ("name", "mode", "k", "plan")


@admin.register(Dependency)
class DependencyAdmin(ReadOnlyAdmin):
    list_display = ("function", "component", "group", "need")
    list_select_related = ("function", "component", "group")


@admin.register(Technique)
class TechniqueAdmin(ReadOnlyAdmin):
    list_display = ("name", "key", "cost_class", "complexity", "plan")
