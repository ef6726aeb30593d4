"""Pages for roles held by several key people. Thin: form → service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from bcp.editing import add_service_errors, edit_page, form_page
from bcp.forms import ReasonOnlyForm
from bcp.http import PlanRequest
from bcp.permissions import Capability, plan_required
from inventory import role_services as services
from inventory.people_forms import RoleForm
from inventory.people_models import Role
from inventory.people_views import FORM, _reason


@plan_required(Capability.VIEW)
def role_detail(request: PlanRequest, role_pk: int) -> HttpResponse:
    role = get_object_or_404(Role, pk=role_pk, plan=request.plan)
    holders = [link.person for link in role.holder_links.select_related("person")]
    with_deputy = {
        p.pk for p in holders if p.deputy_links.exists()
    }  # a handful of holders: one query each is fine
    context = {
        "role": role,
        "holders": [(p, p.pk in with_deputy) for p in holders],
        "single_point": len(holders) == role.holders_needed
        and any(p.pk not in with_deputy for p in holders),
        "needed_by": role.dependencies.select_related("function"),
    }
    return render(request, "inventory/role_detail.html", context)


@plan_required(Capability.EDIT)
def role_create(request: PlanRequest) -> HttpResponse:
    plan = request.plan
    form = RoleForm(request.POST or None, plan=plan, submit_label="Add role")
    if request.method == "POST" and form.is_valid():
        try:
            role = services.role_create(
                plan=plan,
                user=request.user,
                values={f: form.cleaned_data[f] for f in RoleForm.Meta.fields},
                holders=form.cleaned_data["holders"],
                **_reason(form),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"“{role.name}” added.")
            return redirect(role)
    return form_page(request, FORM, form, {"title": "New role", "back": ""})


@plan_required(Capability.EDIT)
def role_edit(request: PlanRequest, role_pk: int) -> HttpResponse:
    role = get_object_or_404(Role, pk=role_pk, plan=request.plan)
    form = RoleForm(request.POST or None, instance=role, plan=request.plan)

    def save(data: dict[str, Any]) -> Any:
        return services.role_update(
            role=Role.objects.get(pk=role.pk),
            user=request.user,
            expected_version=data["version"],
            values={f: data[f] for f in RoleForm.Meta.fields},
            holders=data["holders"],
            **_reason(form),
        )

    return edit_page(
        request,
        form,
        save=save,
        saved_message="Role saved.",
        template=FORM,
        context={"title": f"Edit {role.name}", "back": role.get_absolute_url()},
        success_url=lambda _saved: role,
    )


@plan_required(Capability.EDIT)
def role_delete(request: PlanRequest, role_pk: int) -> HttpResponse:
    role = get_object_or_404(Role, pk=role_pk, plan=request.plan)
    form = ReasonOnlyForm(request.POST or None, submit_label="Remove role")
    if request.method == "POST" and form.is_valid():
        services.role_delete(role=role, user=request.user, **_reason(form))
        messages.success(request, f"“{role.name}” removed.")
        return redirect("inventory_people", plan_pk=request.plan.pk)
    context = {"title": f"Remove {role.name}?", "back": role.get_absolute_url()}
    return form_page(request, FORM, form, context)
