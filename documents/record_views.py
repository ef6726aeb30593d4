"""Pages of the plan data the document prints: contacts, call tree, vendors, runbooks
and exercises. Thin: form → one service → render."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db import models
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from bcp.editing import edit_page
from bcp.http import PlanRequest
from bcp.models import Plan
from bcp.permissions import Capability, plan_required
from documents import forms, selectors, services
from documents.models import (
    CallTreeEntry,
    Contact,
    Exercise,
    ProcedureStep,
    RecoveryProcedure,
    Vendor,
)


def _plan(request: PlanRequest) -> Plan:
    return request.plan


# --- plan data pages: contacts, call tree, vendors, runbooks, exercises ----------


@dataclass(frozen=True)
class RecordPages:
    """How one kind of plan record is listed, created, edited and deleted."""

    model: type[models.Model]
    form: type[forms.RecordForm]
    noun: str
    list_url: str
    create: Callable[..., Any]
    update: Callable[..., Any]
    delete: Callable[..., Any]
    kwarg: str  # the service's keyword for the record


CONTACTS = RecordPages(
    Contact,
    forms.ContactForm,
    "contact",
    "contact_list",
    services.contact_create,
    services.contact_update,
    services.contact_delete,
    "contact",
)
CALL_TREE = RecordPages(
    CallTreeEntry,
    forms.CallTreeEntryForm,
    "call tree entry",
    "calltree_list",
    services.calltree_entry_create,
    services.calltree_entry_update,
    services.calltree_entry_delete,
    "entry",
)
VENDORS = RecordPages(
    Vendor,
    forms.VendorForm,
    "vendor",
    "vendor_list",
    services.vendor_create,
    services.vendor_update,
    services.vendor_delete,
    "vendor",
)
PROCEDURES = RecordPages(
    RecoveryProcedure,
    forms.ProcedureForm,
    "recovery procedure",
    "procedure_list",
    services.procedure_create,
    services.procedure_update,
    services.procedure_delete,
    "procedure",
)
EXERCISES = RecordPages(
    Exercise,
    forms.ExerciseForm,
    "exercise",
    "exercise_list",
    services.exercise_create,
    services.exercise_update,
    services.exercise_delete,
    "exercise",
)


def _record_create(request: PlanRequest, pages: RecordPages) -> HttpResponse:
    plan = _plan(request)
    form = pages.form(request.POST or None, plan=plan, submit_label=f"Add {pages.noun}")

    def save(data: dict[str, Any]) -> Any:
        return pages.create(
            plan=plan,
            user=request.user,
            reason=data["reason"],
            ticket=data["ticket"],
            **form.changes(),
        )

    return edit_page(
        request,
        form,
        save=save,
        saved_message=lambda record: f"{pages.noun.capitalize()} “{record}” added.",
        template="documents/record_form.html",
        context={"noun": pages.noun, "list_url": pages.list_url, "creating": True},
        success_url=lambda record: _record_home(record, pages),
    )


def _record_home(record: Any, pages: RecordPages) -> Any:
    """Where a saved record's page goes: a procedure to its steps, others to their list."""
    if isinstance(record, RecoveryProcedure):
        return record
    return reverse(pages.list_url, kwargs={"plan_pk": record.plan_id})


def _record_edit(request: PlanRequest, pages: RecordPages, pk: int) -> HttpResponse:
    plan = _plan(request)
    record = get_object_or_404(pages.model, pk=pk, plan=plan)
    form = pages.form(request.POST or None, instance=record, plan=plan)

    def save(data: dict[str, Any]) -> Any:
        return pages.update(
            **{pages.kwarg: record},
            user=request.user,
            expected_version=data["version"],
            reason=data["reason"],
            ticket=data["ticket"],
            **form.changes(),
        )

    return edit_page(
        request,
        form,
        save=save,
        saved_message=f"{pages.noun.capitalize()} saved.",
        template="documents/record_form.html",
        context={"noun": pages.noun, "list_url": pages.list_url, "record": record},
        success_url=lambda _saved: _record_home(record, pages),
    )


def _record_delete(request: PlanRequest, pages: RecordPages, pk: int) -> HttpResponse:
    plan = _plan(request)
    record = get_object_or_404(pages.model, pk=pk, plan=plan)
    form = forms.DeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        pages.delete(
            **{pages.kwarg: record},
            user=request.user,
            reason=form.cleaned_data["reason"],
            ticket=form.cleaned_data["ticket"],
        )
        messages.success(request, f"{pages.noun.capitalize()} “{record}” deleted.")
        return redirect(pages.list_url, plan_pk=plan.pk)
    return render(
        request,
        "documents/record_delete.html",
        {"form": form, "noun": pages.noun, "record": record, "list_url": pages.list_url},
    )


@plan_required(Capability.VIEW)
def contact_list(request: PlanRequest) -> HttpResponse:
    return render(
        request, "documents/contact_list.html", {"contacts": selectors.contacts(_plan(request))}
    )


@plan_required(Capability.EDIT)
def contact_create(request: PlanRequest) -> HttpResponse:
    return _record_create(request, CONTACTS)


@plan_required(Capability.EDIT)
def contact_edit(request: PlanRequest, contact_pk: int) -> HttpResponse:
    return _record_edit(request, CONTACTS, contact_pk)


@plan_required(Capability.EDIT)
def contact_delete(request: PlanRequest, contact_pk: int) -> HttpResponse:
    return _record_delete(request, CONTACTS, contact_pk)


@plan_required(Capability.VIEW)
def calltree_list(request: PlanRequest) -> HttpResponse:
    return render(
        request, "documents/calltree_list.html", {"tree": selectors.call_tree(_plan(request))}
    )


@plan_required(Capability.EDIT)
def calltree_create(request: PlanRequest) -> HttpResponse:
    return _record_create(request, CALL_TREE)


@plan_required(Capability.EDIT)
def calltree_edit(request: PlanRequest, entry_pk: int) -> HttpResponse:
    return _record_edit(request, CALL_TREE, entry_pk)


@plan_required(Capability.EDIT)
def calltree_delete(request: PlanRequest, entry_pk: int) -> HttpResponse:
    return _record_delete(request, CALL_TREE, entry_pk)


@plan_required(Capability.VIEW)
def vendor_list(request: PlanRequest) -> HttpResponse:
    return render(
        request, "documents/vendor_list.html", {"vendors": selectors.vendors(_plan(request))}
    )


@plan_required(Capability.EDIT)
def vendor_create(request: PlanRequest) -> HttpResponse:
    return _record_create(request, VENDORS)


@plan_required(Capability.EDIT)
def vendor_edit(request: PlanRequest, vendor_pk: int) -> HttpResponse:
    return _record_edit(request, VENDORS, vendor_pk)


@plan_required(Capability.EDIT)
def vendor_delete(request: PlanRequest, vendor_pk: int) -> HttpResponse:
    return _record_delete(request, VENDORS, vendor_pk)


@plan_required(Capability.VIEW)
def exercise_list(request: PlanRequest) -> HttpResponse:
    return render(
        request, "documents/exercise_list.html", {"exercises": selectors.exercises(_plan(request))}
    )


@plan_required(Capability.EDIT)
def exercise_create(request: PlanRequest) -> HttpResponse:
    return _record_create(request, EXERCISES)


@plan_required(Capability.EDIT)
def exercise_edit(request: PlanRequest, exercise_pk: int) -> HttpResponse:
    return _record_edit(request, EXERCISES, exercise_pk)


@plan_required(Capability.EDIT)
def exercise_delete(request: PlanRequest, exercise_pk: int) -> HttpResponse:
    return _record_delete(request, EXERCISES, exercise_pk)


@plan_required(Capability.VIEW)
def procedure_list(request: PlanRequest) -> HttpResponse:
    return render(
        request,
        "documents/procedure_list.html",
        {"rows": selectors.procedures_with_checks(_plan(request))},
    )


@plan_required(Capability.EDIT)
def procedure_create(request: PlanRequest) -> HttpResponse:
    return _record_create(request, PROCEDURES)


@plan_required(Capability.VIEW)
def procedure_detail(request: PlanRequest, procedure_pk: int) -> HttpResponse:
    plan = _plan(request)
    procedure = get_object_or_404(RecoveryProcedure, pk=procedure_pk, plan=plan)
    return render(
        request,
        "documents/procedure_detail.html",
        {
            "row": selectors.procedure_row(procedure),
            "procedure": procedure,
            "steps": procedure.steps.order_by("position", "pk"),
        },
    )


@plan_required(Capability.EDIT)
def procedure_edit(request: PlanRequest, procedure_pk: int) -> HttpResponse:
    return _record_edit(request, PROCEDURES, procedure_pk)


@plan_required(Capability.EDIT)
def procedure_delete(request: PlanRequest, procedure_pk: int) -> HttpResponse:
    return _record_delete(request, PROCEDURES, procedure_pk)


def _step_form_page(
    request: PlanRequest, procedure: RecoveryProcedure, step: ProcedureStep | None
) -> HttpResponse:
    plan = _plan(request)
    form = forms.StepForm(
        request.POST or None,
        instance=step,
        plan=plan,
        submit_label="Save step" if step else "Add step",
        initial=None if step else {"position": procedure.steps.count() + 1},
    )

    def save(data: dict[str, Any]) -> Any:
        if step is None:
            return services.step_create(
                procedure=procedure,
                user=request.user,
                reason=data["reason"],
                ticket=data["ticket"],
                **form.changes(),
            )
        return services.step_update(
            step=step,
            user=request.user,
            expected_version=data["version"],
            reason=data["reason"],
            ticket=data["ticket"],
            **form.changes(),
        )

    return edit_page(
        request,
        form,
        save=save,
        saved_message="Step saved.",
        template="documents/step_form.html",
        context={"procedure": procedure, "step": step},
        success_url=lambda _saved: procedure,
    )


@plan_required(Capability.EDIT)
def step_create(request: PlanRequest, procedure_pk: int) -> HttpResponse:
    procedure = get_object_or_404(RecoveryProcedure, pk=procedure_pk, plan=_plan(request))
    return _step_form_page(request, procedure, None)


@plan_required(Capability.EDIT)
def step_edit(request: PlanRequest, procedure_pk: int, step_pk: int) -> HttpResponse:
    procedure = get_object_or_404(RecoveryProcedure, pk=procedure_pk, plan=_plan(request))
    step = get_object_or_404(ProcedureStep, pk=step_pk, procedure=procedure)
    return _step_form_page(request, procedure, step)


@plan_required(Capability.EDIT)
def step_delete(request: PlanRequest, procedure_pk: int, step_pk: int) -> HttpResponse:
    procedure = get_object_or_404(RecoveryProcedure, pk=procedure_pk, plan=_plan(request))
    step = get_object_or_404(ProcedureStep, pk=step_pk, procedure=procedure)
    form = forms.DeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.step_delete(
            step=step,
            user=request.user,
            reason=form.cleaned_data["reason"],
            ticket=form.cleaned_data["ticket"],
        )
        messages.success(request, "Step deleted.")
        return redirect(procedure)
    return render(
        request,
        "documents/record_delete.html",
        {"form": form, "noun": "step", "record": step, "back": procedure.get_absolute_url()},
    )
