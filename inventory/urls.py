"""Inventory pages under /plans/<plan_pk>/inventory/."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from inventory import people_views, role_views, views
from inventory.exchange import views as exchange_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("people/", people_views.people_list, name="inventory_people"),
    path("people/new/", people_views.person_create, name="inventory_person_create"),
    path("people/<int:person_pk>/", people_views.person_detail, name="inventory_person_detail"),
    path("people/<int:person_pk>/edit/", people_views.person_edit, name="inventory_person_edit"),
    path(
        "people/<int:person_pk>/delete/",
        people_views.person_delete,
        name="inventory_person_delete",
    ),
    path("roles/new/", role_views.role_create, name="inventory_role_create"),
    path("roles/<int:role_pk>/", role_views.role_detail, name="inventory_role_detail"),
    path("roles/<int:role_pk>/edit/", role_views.role_edit, name="inventory_role_edit"),
    path("roles/<int:role_pk>/delete/", role_views.role_delete, name="inventory_role_delete"),
    path("suppliers/new/", people_views.supplier_create, name="inventory_supplier_create"),
    path(
        "suppliers/<int:supplier_pk>/",
        people_views.supplier_detail,
        name="inventory_supplier_detail",
    ),
    path(
        "suppliers/<int:supplier_pk>/edit/",
        people_views.supplier_edit,
        name="inventory_supplier_edit",
    ),
    path(
        "suppliers/<int:supplier_pk>/delete/",
        people_views.supplier_delete,
        name="inventory_supplier_delete",
    ),
    path(
        "functions/<int:function_pk>/needs/new/",
        people_views.function_need_add,
        name="inventory_function_need_add",
    ),
    path(
        "needs/<str:kind>/<int:need_pk>/remove/",
        people_views.function_need_remove,
        name="inventory_function_need_remove",
    ),
    path("", views.overview, name="inventory_overview"),
    path("components/", views.component_list, name="inventory_component_list"),
    path("components/new/", views.component_create, name="inventory_component_create"),
    path(
        "components/<int:component_pk>/",
        views.component_detail,
        name="inventory_component_detail",
    ),
    path(
        "components/<int:component_pk>/edit/",
        views.component_edit,
        name="inventory_component_edit",
    ),
    path(
        "components/<int:component_pk>/delete/",
        views.component_delete,
        name="inventory_component_delete",
    ),
    path(
        "components/<int:component_pk>/technique/",
        views.component_apply_technique,
        name="inventory_component_apply_technique",
    ),
    path("sites/", views.site_list, name="inventory_site_list"),
    path("sites/new/", views.site_create, name="inventory_site_create"),
    path("sites/<int:site_pk>/", views.site_detail, name="inventory_site_detail"),
    path("sites/<int:site_pk>/edit/", views.site_edit, name="inventory_site_edit"),
    path("sites/<int:site_pk>/delete/", views.site_delete, name="inventory_site_delete"),
    path("sites/<int:site_pk>/diagram.svg", views.site_diagram, name="inventory_site_diagram"),
    path("groups/", views.group_list, name="inventory_group_list"),
    path("groups/new/", views.group_create, name="inventory_group_create"),
    path("groups/<int:group_pk>/", views.group_detail, name="inventory_group_detail"),
    path("groups/<int:group_pk>/edit/", views.group_edit, name="inventory_group_edit"),
    path("groups/<int:group_pk>/delete/", views.group_delete, name="inventory_group_delete"),
    path(
        "groups/<int:group_pk>/technique/",
        views.group_apply_technique,
        name="inventory_group_apply_technique",
    ),
    path(
        "functions/<int:function_pk>/",
        views.function_detail,
        name="inventory_function_detail",
    ),
    path(
        "functions/<int:function_pk>/diagram.svg",
        views.function_diagram,
        name="inventory_function_diagram",
    ),
    path(
        "functions/<int:function_pk>/dependencies/add/",
        views.dependency_add,
        name="inventory_dependency_add",
    ),
    path(
        "dependencies/<int:dependency_pk>/edit/",
        views.dependency_edit,
        name="inventory_dependency_edit",
    ),
    path(
        "dependencies/<int:dependency_pk>/delete/",
        views.dependency_delete,
        name="inventory_dependency_delete",
    ),
    path("techniques/", views.technique_list, name="inventory_technique_list"),
    path("techniques/seed/", views.technique_seed, name="inventory_technique_seed"),
    path("techniques/new/", views.technique_create, name="inventory_technique_create"),
    path(
        "techniques/<int:technique_pk>/edit/",
        views.technique_edit,
        name="inventory_technique_edit",
    ),
    path(
        "techniques/<int:technique_pk>/delete/",
        views.technique_delete,
        name="inventory_technique_delete",
    ),
    path("import/", exchange_views.import_upload, name="inventory_import"),
    path("import/<uuid:token>/", exchange_views.import_preview, name="inventory_import_preview"),
    path("export/<str:file_format>/", exchange_views.export, name="inventory_export"),
]
