"""Pages for key people, suppliers and a function's need for them. Thin: form → service."""

from __future__ import annotations

from typing import Any, TypedDict

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from bcp.editing import add_service_errors, edit_page, form_page
from bcp.forms import ReasonOnlyForm
from bcp.http import PlanRequest
from bcp.permissions import Capability, plan_required
from bia.models import BusinessFunction
from inventory import people_services as services
from inventory import role_services
from inventory.people import contract_restore_hours
from inventory.people_forms import PeopleNeedForm, PersonForm, SupplierForm
from inventory.people_models import (
    Person,
    PersonDependency,
    Role,
    RoleDependency,
    Supplier,
    SupplierDependency,
)

FORM = "inventory/form.html"


class _Reason(TypedDict):
    reason: str
    ticket: str


def _reason(form: Any) -> _Reason:
    return {"reason": form.cleaned_data["reason"], "ticket": form.cleaned_data["ticket"]}


@plan_required(Capability.VIEW)
def people_list(request: PlanRequest) -> HttpResponse:
    plan = request.plan
    people = Person.objects.filter(plan=plan).prefetch_related("deputy_links__deputy")
    suppliers = list(Supplier.objects.filter(plan=plan))
    rows = [(s, contract_restore_hours(s.contract_rto_hours, s.support_hours)) for s in suppliers]
    roles = Role.objects.filter(plan=plan).prefetch_related("holder_links__person")
    context = {"people": people, "roles": roles, "supplier_rows": rows}
    return render(request, "inventory/people_list.html", context)


@plan_required(Capability.VIEW)
def person_detail(request: PlanRequest, person_pk: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=person_pk, plan=request.plan)
    context = {
        "person": person,
        "deputies": [link.deputy for link in person.deputy_links.select_related("deputy")],
        "deputy_for": [link.person for link in person.deputy_for_links.select_related("person")],
        "needed_by": person.dependencies.select_related("function"),
    }
    return render(request, "inventory/person_detail.html", context)


@plan_required(Capability.VIEW)
def supplier_detail(request: PlanRequest, supplier_pk: int) -> HttpResponse:
    supplier = get_object_or_404(Supplier, pk=supplier_pk, plan=request.plan)
    context = {
        "supplier": supplier,
        "restore_hours": contract_restore_hours(
            supplier.contract_rto_hours, supplier.support_hours
        ),
        "needed_by": supplier.dependencies.select_related("function"),
    }
    return render(request, "inventory/supplier_detail.html", context)


@plan_required(Capability.EDIT)
def person_create(request: PlanRequest) -> HttpResponse:
    plan = request.plan
    form = PersonForm(request.POST or None, plan=plan, submit_label="Add person")
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(
                plan=plan,
                user=request.user,
                values={f: form.cleaned_data[f] for f in PersonForm.Meta.fields},
                deputies=form.cleaned_data["deputies"],
                **_reason(form),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"“{person.name}” added.")
            return redirect(person)
    return form_page(request, FORM, form, {"title": "New key person", "back": ""})


@plan_required(Capability.EDIT)
def person_edit(request: PlanRequest, person_pk: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=person_pk, plan=request.plan)
    form = PersonForm(request.POST or None, instance=person, plan=request.plan)

    def save(data: dict[str, Any]) -> Any:
        return services.person_update(
            person=Person.objects.get(pk=person.pk),
            user=request.user,
            expected_version=data["version"],
            values={f: data[f] for f in PersonForm.Meta.fields},
            deputies=data["deputies"],
            **_reason(form),
        )

    return edit_page(
        request,
        form,
        save=save,
        saved_message="Person saved.",
        template=FORM,
        context={"title": f"Edit {person.name}", "back": person.get_absolute_url()},
        success_url=lambda _saved: person,
    )


@plan_required(Capability.EDIT)
def supplier_create(request: PlanRequest) -> HttpResponse:
    plan = request.plan
    form = SupplierForm(request.POST or None, plan=plan, submit_label="Add supplier")
    if request.method == "POST" and form.is_valid():
        try:
            supplier = services.supplier_create(
                plan=plan,
                user=request.user,
                values={f: form.cleaned_data[f] for f in SupplierForm.Meta.fields},
                **_reason(form),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"“{supplier.name}” added.")
            return redirect(supplier)
    return form_page(request, FORM, form, {"title": "New supplier", "back": ""})


@plan_required(Capability.EDIT)
def supplier_edit(request: PlanRequest, supplier_pk: int) -> HttpResponse:
    supplier = get_object_or_404(Supplier, pk=supplier_pk, plan=request.plan)
    form = SupplierForm(request.POST or None, instance=supplier, plan=request.plan)

    def save(data: dict[str, Any]) -> Any:
        return services.supplier_update(
            supplier=Supplier.objects.get(pk=supplier.pk),
            user=request.user,
            expected_version=data["version"],
            values={f: data[f] for f in SupplierForm.Meta.fields},
            **_reason(form),
        )

    return edit_page(
        request,
        form,
        save=save,
        saved_message="Supplier saved.",
        template=FORM,
        context={"title": f"Edit {supplier.name}", "back": supplier.get_absolute_url()},
        success_url=lambda _saved: supplier,
    )


@plan_required(Capability.EDIT)
def person_delete(request: PlanRequest, person_pk: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=person_pk, plan=request.plan)
    form = ReasonOnlyForm(request.POST or None, submit_label="Remove person")
    if request.method == "POST" and form.is_valid():
        try:
            services.person_delete(person=person, user=request.user, **_reason(form))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"“{person.name}” removed.")
            return redirect("inventory_people", plan_pk=request.plan.pk)
    context = {"title": f"Remove {person.name}?", "back": person.get_absolute_url()}
    return form_page(request, FORM, form, context)


@plan_required(Capability.EDIT)
def supplier_delete(request: PlanRequest, supplier_pk: int) -> HttpResponse:
    supplier = get_object_or_404(Supplier, pk=supplier_pk, plan=request.plan)
    form = ReasonOnlyForm(request.POST or None, submit_label="Remove supplier")
    if request.method == "POST" and form.is_valid():
        services.supplier_delete(supplier=supplier, user=request.user, **_reason(form))
        messages.success(request, f"“{supplier.name}” removed.")
        return redirect("inventory_people", plan_pk=request.plan.pk)
    context = {"title": f"Remove {supplier.name}?", "back": supplier.get_absolute_url()}
    return form_page(request, FORM, form, context)


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
            if data["role"]:
                role_services.role_dependency_create(
                    function=function,
                    role=data["role"],
                    user=request.user,
                    need=data["need"],
                    needed_to=data["needed_to"],
                    notes=data["notes"],
                    reason=data["reason"],
                )
            elif data["person"]:
                services.person_dependency_create(
                    function=function,
                    person=data["person"],
                    user=request.user,
                    need=data["need"],
                    needed_to=data["needed_to"],
                    notes=data["notes"],
                    reason=data["reason"],
                )
            else:
                services.supplier_dependency_create(
                    function=function,
                    supplier=data["supplier"],
                    user=request.user,
                    need=data["need"],
                    notes=data["notes"],
                    reason=data["reason"],
                )
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


@require_POST
@plan_required(Capability.EDIT)
def function_need_remove(request: PlanRequest, kind: str, need_pk: int) -> HttpResponse:
    if kind not in ("person", "role", "supplier"):
        raise Http404("No such need.")
    if kind == "role":
        role_need = get_object_or_404(RoleDependency, pk=need_pk, plan=request.plan)
        function_pk = role_need.function_id
        role_services.role_dependency_delete(dependency=role_need, user=request.user)
    elif kind == "person":
        person_need = get_object_or_404(PersonDependency, pk=need_pk, plan=request.plan)
        function_pk = person_need.function_id
        services.person_dependency_delete(dependency=person_need, user=request.user)
    else:
        supplier_need = get_object_or_404(SupplierDependency, pk=need_pk, plan=request.plan)
        function_pk = supplier_need.function_id
        services.supplier_dependency_delete(dependency=supplier_need, user=request.user)
    messages.success(request, "Need removed.")
    return redirect("inventory_function_detail", plan_pk=request.plan.pk, function_pk=function_pk)
