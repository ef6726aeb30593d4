"""Inventory API routes; included by bcp/api_urls.py under plans/<int:plan_pk>/inventory/."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from inventory import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("", api.InventoryDocumentView.as_view(), name="api_inventory_document"),
    path("topology/", api.InventoryTopologyView.as_view(), name="api_inventory_topology"),
]
