"""Pages for key people, roles, suppliers and a function's need for them. Thin: form →
service. Their create, edit and delete pages are in :mod:`inventory.record_pages`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypedDict

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from bcp.editing import add_service_errors, form_page
from bcp.http import PlanRequest
from bcp.permissions import Capability, plan_required
from bia.models import BusinessFunction
from inventory import people_services as services
from inventory import role_services
from inventory.people import contract_restore_hours
from inventory.people_forms import PeopleNeedForm
from inventory.people_models import (
    Person,
    PersonDependency,
    Role,
    RoleDependency,
    Supplier,
    SupplierDependency,
)
from inventory.record_pages import FORM


@plan_required(Capability.VIEW)
def people_list(request: PlanRequest) -> HttpResponse:
    plan = request.plan
    people = Person.objects.filter(plan=plan).prefetch_related("deputy_links__deputy")
    suppliers = list(Supplier.objects.filter(plan=plan))
    rows = [(s, contract_restore_hours(s.contract_rto_hours, s.support_hours)) for s in suppliers]
    roles = Role.objects.filter(plan=plan).prefetch_related("holder_links__person")
    context = {"people": people, "roles": roles, "supplier_rows": rows}
    return render(request, "inventory/people_list.html", context)


def _detail_page(
    request: PlanRequest, key: str, record: Person | Supplier | Role, **context: object
) -> HttpResponse:
    """The ``<key>_detail`` page of a person, supplier or role, with the functions that
    need it."""
    needed_by = record.dependencies.select_related("function")
    return render(
        request,
        f"inventory/{key}_detail.html",
        {key: record, **context, "needed_by": needed_by},
    )


@plan_required(Capability.VIEW)
def person_detail(request: PlanRequest, person_pk: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=person_pk, plan=request.plan)
    return _detail_page(
        request,
        "person",
        person,
        deputies=[link.deputy for link in person.deputy_links.select_related("deputy")],
        deputy_for=[link.person for link in person.deputy_for_links.select_related("person")],
    )


@plan_required(Capability.VIEW)
def supplier_detail(request: PlanRequest, supplier_pk: int) -> HttpResponse:
    supplier = get_object_or_404(Supplier, pk=supplier_pk, plan=request.plan)
    restore_hours = contract_restore_hours(supplier.contract_rto_hours, supplier.support_hours)
    return _detail_page(request, "supplier", supplier, restore_hours=restore_hours)


@plan_required(Capability.VIEW)
def role_detail(request: PlanRequest, role_pk: int) -> HttpResponse:
    role = get_object_or_404(Role, pk=role_pk, plan=request.plan)
    holders = [link.person for link in role.holder_links.select_related("person")]
    with_deputy = {
        p.pk for p in holders if p.deputy_links.exists()
    }  # a handful of holders: one query each is fine
    return _detail_page(
        request,
        "role",
        role,
        holders=[(p, p.pk in with_deputy) for p in holders],
        single_point=len(holders) == role.holders_needed
        and any(p.pk not in with_deputy for p in holders),
    )


class _Need(TypedDict):
    function: BusinessFunction
    user: User
    need: str
    notes: str
    reason: str


def _need_create(function: BusinessFunction, user: User, data: dict[str, Any]) -> object:
    """One need of the form's one choice: a role, a person or (the form's last) a supplier."""
    need: _Need = {
        "function": function,
        "user": user,
        "need": data["need"],
        "notes": data["notes"],
        "reason": data["reason"],
    }
    if data["role"]:
        return role_services.role_dependency_create(
            role=data["role"], needed_to=data["needed_to"], **need
        )
    if data["person"]:
        return services.person_dependency_create(
            person=data["person"], needed_to=data["needed_to"], **need
        )
    return services.supplier_dependency_create(supplier=data["supplier"], **need)


@plan_required(Capability.EDIT)
def function_need_add(request: PlanRequest, function_pk: int) -> HttpResponse:
    plan = request.plan
    function = get_object_or_404(BusinessFunction, pk=function_pk, plan=plan)
    form = PeopleNeedForm(request.POST or None, plan=plan)
    back = reverse(
        "inventory_function_detail", kwargs={"plan_pk": plan.pk, "function_pk": function.pk}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _need_create(function, request.user, data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"“{function}” now needs “{data['person'] or data['role'] or data['supplier']}”.",
            )
            return redirect(back)
    title = f"{function.name} needs a key person, role or supplier"
    return form_page(request, FORM, form, {"title": title, "back": back})


# A need's kind in its removal URL → what it is and the service that removes it.
_NEED_REMOVALS: dict[
    str,
    tuple[type[PersonDependency | RoleDependency | SupplierDependency], Callable[..., None]],
] = {
    "person": (PersonDependency, services.person_dependency_delete),
    "role": (RoleDependency, role_services.role_dependency_delete),
    "supplier": (SupplierDependency, services.supplier_dependency_delete),
}


@require_POST
@plan_required(Capability.EDIT)
def function_need_remove(request: PlanRequest, kind: str, need_pk: int) -> HttpResponse:
    if kind not in _NEED_REMOVALS:
        raise Http404("No such need.")
    model, remove = _NEED_REMOVALS[kind]
    need = get_object_or_404(model, pk=need_pk, plan=request.plan)
    assert isinstance(need, PersonDependency | RoleDependency | SupplierDependency)
    remove(dependency=need, user=request.user)
    messages.success(request, "Need removed.")
    return redirect(
        "inventory_function_detail", plan_pk=request.plan.pk, function_pk=need.function_id
    )
