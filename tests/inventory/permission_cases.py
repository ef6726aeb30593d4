"""Permission-matrix cases for every inventory page.

Everyone on the plan may look at the inventory; only managers change it. Import
previews belong to the person who uploaded the file, so the case uploads one as the
manager and other roles are refused before ownership matters.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bcp.permissions import Capability
from inventory.exchange.uploads import upload_store
from inventory.models import Dependency
from inventory.people_models import Person, PersonDependency, Role, Supplier
from tests.inventory.factories import (
    ComponentFactory,
    DependencyFactory,
    FunctionFactory,
    GroupFactory,
    GroupMemberFactory,
    SiteFactory,
    TechniqueFactory,
)
from tests.permission_cases import UrlCase, record_pages


def _world(people: Any) -> dict[str, Any]:
    plan = people.plan
    existing = (
        Dependency.objects.filter(plan=plan, notes="matrix")
        .select_related("function", "component")
        .first()
    )
    if existing is not None:
        component = existing.component
        assert component is not None
        return {
            "function": existing.function,
            "component": component,
            "site": component.site,
            "group": component.memberships.get().group,
            "dependency": existing,
            "technique": component.technique,
        }
    site = SiteFactory.create(plan=plan, name="Matrix site")
    technique = TechniqueFactory.create(plan=plan, key="matrix", name="Matrix technique")
    component = ComponentFactory.create(
        plan=plan, name="Matrix server", site=site, technique=technique
    )
    group = GroupFactory.create(plan=plan, name="Matrix pool")
    GroupMemberFactory.create(group=group, component=component)
    function = FunctionFactory.create(plan=plan, name="Matrix printing")
    dependency = DependencyFactory.create(
        plan=plan, function=function, component=component, notes="matrix"
    )
    return {
        "function": function,
        "component": component,
        "site": site,
        "group": group,
        "dependency": dependency,
        "technique": technique,
    }


def _pk_of(key: str) -> Callable[[Any], dict[str, Any]]:
    """The URL kwargs naming the matrix world's ``key`` record, e.g. ``{"site_pk": 7}``."""
    return lambda people: {f"{key}_pk": _world(people)[key].pk}


_component = _pk_of("component")
_site = _pk_of("site")
_group = _pk_of("group")
_function = _pk_of("function")
_dependency = _pk_of("dependency")
_technique = _pk_of("technique")


def _named(
    model: type[Person | Supplier | Role], key: str, name: str, **defaults: object
) -> Callable[[Any], dict[str, Any]]:
    """Builds ``{"<key>_pk": …}`` for the plan's record called ``name``, made on first use."""

    def build(people: Any) -> dict[str, Any]:
        record, _ = model.objects.get_or_create(plan=people.plan, name=name, defaults=defaults)
        return {f"{key}_pk": record.pk}

    return build


_person = _named(Person, "person", "Matrix admin")
_supplier = _named(
    Supplier,
    "supplier",
    "Matrix supplier",
    contract_reference="M-1",
    service_availability_percent=99.0,
    contract_rto_hours=4.0,
)
_role = _named(Role, "role", "Matrix role")


def _person_need(people: Any) -> dict[str, Any]:
    function = _world(people)["function"]
    person_pk = _person(people)["person_pk"]
    need, _ = PersonDependency.objects.get_or_create(
        plan=people.plan, function=function, person_id=person_pk
    )
    return {"kind": "person", "need_pk": need.pk}


def _import_token(people: Any) -> dict[str, Any]:
    # Uploaded by the manager; other roles are refused before ownership is looked at.
    token = upload_store(
        plan_pk=people.plan.pk,
        user=people.manager,
        name="components.csv",
        data=b"name,kind,availability_percent\nMatrix printer,printer,98\n",
        section="components",
    )
    return {"token": token.token}


CASES = [
    UrlCase("inventory_overview", Capability.VIEW),
    *record_pages("inventory_component", _component, detail=True),
    UrlCase(
        "inventory_component_apply_technique", Capability.EDIT, method="post", kwargs=_component
    ),
    *record_pages("inventory_site", _site, detail=True),
    UrlCase("inventory_site_diagram", Capability.VIEW, kwargs=_site),
    *record_pages("inventory_group", _group, detail=True),
    UrlCase("inventory_group_apply_technique", Capability.EDIT, method="post", kwargs=_group),
    UrlCase("inventory_function_detail", Capability.VIEW, kwargs=_function),
    UrlCase("inventory_function_diagram", Capability.VIEW, kwargs=_function),
    UrlCase("inventory_dependency_add", Capability.EDIT, method="post", kwargs=_function),
    UrlCase("inventory_dependency_edit", Capability.EDIT, kwargs=_dependency),
    UrlCase("inventory_dependency_delete", Capability.EDIT, kwargs=_dependency),
    *record_pages("inventory_technique", _technique),
    UrlCase("inventory_technique_seed", Capability.EDIT, method="post"),
    UrlCase("inventory_people", Capability.VIEW),
    *record_pages("inventory_person", _person, listed=False, detail=True),
    *record_pages("inventory_role", _role, listed=False, detail=True),
    *record_pages("inventory_supplier", _supplier, listed=False, detail=True),
    UrlCase("inventory_function_need_add", Capability.EDIT, kwargs=_function),
    UrlCase("inventory_function_need_remove", Capability.EDIT, method="post", kwargs=_person_need),
    UrlCase("inventory_import", Capability.EDIT),
    UrlCase("inventory_import_preview", Capability.EDIT, kwargs=_import_token),
    UrlCase("inventory_export", Capability.VIEW, kwargs=lambda people: {"file_format": "json"}),
]
