"""Inventory pages under /plans/<plan_pk>/inventory/."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from inventory import element_views, function_views, people_views, views
from inventory.exchange import views as exchange_views
from inventory.record_pages import (
    COMPONENTS,
    GROUPS,
    PEOPLE_PAGES,
    ROLES,
    SITES,
    SUPPLIERS,
    TECHNIQUES,
)

urlpatterns: list[URLPattern | URLResolver] = [
    path("people/", people_views.people_list, name="inventory_people"),
    *PEOPLE_PAGES.urls("people/", detail=people_views.person_detail),
    *ROLES.urls("roles/", detail=people_views.role_detail),
    *SUPPLIERS.urls("suppliers/", detail=people_views.supplier_detail),
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
    path("components/", element_views.component_list, name="inventory_component_list"),
    *COMPONENTS.urls("components/", detail=element_views.component_detail),
    path(
        "components/<int:component_pk>/technique/",
        element_views.component_apply_technique,
        name="inventory_component_apply_technique",
    ),
    path("sites/", views.site_list, name="inventory_site_list"),
    *SITES.urls("sites/", detail=views.site_detail),
    path("sites/<int:site_pk>/diagram.svg", views.site_diagram, name="inventory_site_diagram"),
    path("groups/", element_views.group_list, name="inventory_group_list"),
    *GROUPS.urls("groups/", detail=element_views.group_detail),
    path(
        "groups/<int:group_pk>/technique/",
        element_views.group_apply_technique,
        name="inventory_group_apply_technique",
    ),
    path(
        "functions/<int:function_pk>/",
        function_views.function_detail,
        name="inventory_function_detail",
    ),
    path(
        "functions/<int:function_pk>/diagram.svg",
        function_views.function_diagram,
        name="inventory_function_diagram",
    ),
    path(
        "functions/<int:function_pk>/dependencies/add/",
        function_views.dependency_add,
        name="inventory_dependency_add",
    ),
    path(
        "dependencies/<int:dependency_pk>/edit/",
        function_views.dependency_edit,
        name="inventory_dependency_edit",
    ),
    path(
        "dependencies/<int:dependency_pk>/delete/",
        function_views.dependency_delete,
        name="inventory_dependency_delete",
    ),
    path("techniques/", views.technique_list, name="inventory_technique_list"),
    path("techniques/seed/", views.technique_seed, name="inventory_technique_seed"),
    *TECHNIQUES.urls("techniques/"),
    path("import/", exchange_views.import_upload, name="inventory_import"),
    path("import/<uuid:token>/", exchange_views.import_preview, name="inventory_import_preview"),
    path("export/<str:file_format>/", exchange_views.export, name="inventory_export"),
]
