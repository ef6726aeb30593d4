"""The chain in the admin: read-only, since history is never edited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from audit.models import ChainEntry


@admin.register(ChainEntry)
class ChainEntryAdmin(admin.ModelAdmin):
    list_display = ("seq", "history_date", "model_label", "object_repr", "user", "history_type")
    list_filter = ("history_type", "model_label")
    search_fields = ("object_repr", "reason", "ticket")
    readonly_fields = [f.name for f in ChainEntry._meta.fields]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
