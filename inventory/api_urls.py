"""Inventory API routes; included by bcp/api_urls.py under plans/<int:plan_pk>/inventory/."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from inventory import api, api_people, api_records

urlpatterns: list[URLPattern | URLResolver] = [
    path("", api.InventoryDocumentView.as_view(), name="api_inventory_document"),
    path("topology/", api.InventoryTopologyView.as_view(), name="api_inventory_topology"),
    *api_records.SITES.urls("sites/", name="api_site", plural="api_sites"),
    *api_records.COMPONENTS.urls("components/", name="api_component", plural="api_components"),
    *api_records.GROUPS.urls("groups/", name="api_group", plural="api_groups"),
    *api_records.endpoint_urls(
        (api_records.DependencyCollectionView, api_records.DependencyView),
        "dependencies/",
        name="api_dependency",
        plural="api_dependencies",
    ),
    *api_people.PEOPLE.urls("people/", name="api_person", plural="api_people"),
    *api_people.SUPPLIERS.urls("suppliers/", name="api_supplier", plural="api_suppliers"),
    *api_people.PERSON_NEEDS.urls(
        "person-needs/", name="api_person_need", plural="api_person_needs"
    ),
    *api_people.SUPPLIER_NEEDS.urls(
        "supplier-needs/", name="api_supplier_need", plural="api_supplier_needs"
    ),
]
