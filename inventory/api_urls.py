"""Inventory API routes; included by bcp/api_urls.py under plans/<int:plan_pk>/inventory/."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from inventory import api, api_people, api_records

urlpatterns: list[URLPattern | URLResolver] = [
    path("", api.InventoryDocumentView.as_view(), name="api_inventory_document"),
    path("topology/", api.InventoryTopologyView.as_view(), name="api_inventory_topology"),
    path("sites/", api_records.SiteCollectionView.as_view(), name="api_sites"),
    path("sites/<int:pk>/", api_records.SiteView.as_view(), name="api_site"),
    path("components/", api_records.ComponentCollectionView.as_view(), name="api_components"),
    path("components/<int:pk>/", api_records.ComponentView.as_view(), name="api_component"),
    path("groups/", api_records.GroupCollectionView.as_view(), name="api_groups"),
    path("groups/<int:pk>/", api_records.GroupView.as_view(), name="api_group"),
    path(
        "dependencies/",
        api_records.DependencyCollectionView.as_view(),
        name="api_dependencies",
    ),
    path("dependencies/<int:pk>/", api_records.DependencyView.as_view(), name="api_dependency"),
    path("people/", api_people.PersonCollectionView.as_view(), name="api_people"),
    path("people/<int:pk>/", api_people.PersonView.as_view(), name="api_person"),
    path("suppliers/", api_people.SupplierCollectionView.as_view(), name="api_suppliers"),
    path("suppliers/<int:pk>/", api_people.SupplierView.as_view(), name="api_supplier"),
    path(
        "person-needs/",
        api_people.PersonNeedCollectionView.as_view(),
        name="api_person_needs",
    ),
    path("person-needs/<int:pk>/", api_people.PersonNeedView.as_view(), name="api_person_need"),
    path(
        "supplier-needs/",
        api_people.SupplierNeedCollectionView.as_view(),
        name="api_supplier_needs",
    ),
    path(
        "supplier-needs/<int:pk>/",
        api_people.SupplierNeedView.as_view(),
        name="api_supplier_need",
    ),
]
