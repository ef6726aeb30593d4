"""Pages of the plan data the document prints: contacts, call tree, vendors, runbooks
and exercises. Create, edit and delete are :class:`bcp.record_views.RecordPages`; the
lists, a procedure's page and its steps (records of a procedure, not of the plan) are
here. Thin: form → one service → render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms as django_forms
from django.contrib import messages
from django.db import models
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from bcp.editing import edit_page
from bcp.http import PlanRequest
from bcp.models import Plan
from bcp.permissions import Capability, plan_required
from bcp.record_views import RecordPages
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

R = TypeVar("R", bound=models.Model)
FORM = "documents/record_form.html"
DELETE = "documents/record_delete.html"


def _form_changes(form: django_forms.BaseForm) -> dict[str, object]:
    """The services take the form's fields as keywords of their own."""
    assert isinstance(form, forms.RecordForm)
    return form.changes()


def _delete_form(data: Any, *, submit_label: str) -> forms.DeleteForm:
    # These pages keep their own "Delete" button rather than "Remove <noun>".
    return forms.DeleteForm(data)


def _pages(
    model: type[R],
    form: type[forms.RecordForm],
    *,
    key: str,
    noun: str,
    list_url: str,
    create: Callable[..., R],
    update: Callable[..., R],
    delete: Callable[..., None],
    home: Callable[[R], models.Model | str] | None = None,
) -> RecordPages[R]:
    """A record's pages as these documents pages have always shown them: the shared record
    templates, the "Delete" form, and "<Noun> “name” added." / "… deleted."."""
    return RecordPages(
        model=model,
        form=form,
        key=key,
        noun=noun,
        create=create,
        update=update,
        delete=delete,
        list_url=list_url,
        url_name=list_url.removesuffix("_list"),
        template=FORM,
        delete_template=DELETE,
        delete_form=_delete_form,
        changes=_form_changes,
        home=home,
        added=noun.capitalize() + " “{name}” added.",
        removed=noun.capitalize() + " “{name}” deleted.",
    )


CONTACTS = _pages(
    Contact,
    forms.ContactForm,
    key="contact",
    noun="contact",
    list_url="contact_list",
    create=services.contact_create,
    update=services.contact_update,
    delete=services.contact_delete,
)
CALL_TREE = _pages(
    CallTreeEntry,
    forms.CallTreeEntryForm,
    key="entry",
    noun="call tree entry",
    list_url="calltree_list",
    create=services.calltree_entry_create,
    update=services.calltree_entry_update,
    delete=services.calltree_entry_delete,
)
VENDORS = _pages(
    Vendor,
    forms.VendorForm,
    key="vendor",
    noun="vendor",
    list_url="vendor_list",
    create=services.vendor_create,
    update=services.vendor_update,
    delete=services.vendor_delete,
)
PROCEDURES = _pages(
    RecoveryProcedure,
    forms.ProcedureForm,
    key="procedure",
    noun="recovery procedure",
    list_url="procedure_list",
    create=services.procedure_create,
    update=services.procedure_update,
    delete=services.procedure_delete,
    # A saved procedure goes to its own page, where its steps are added.
    home=lambda procedure: procedure,
)
EXERCISES = _pages(
    Exercise,
    forms.ExerciseForm,
    key="exercise",
    noun="exercise",
    list_url="exercise_list",
    create=services.exercise_create,
    update=services.exercise_update,
    delete=services.exercise_delete,
)

contact_create, contact_edit, contact_delete = CONTACTS.views()
calltree_create, calltree_edit, calltree_delete = CALL_TREE.views()
vendor_create, vendor_edit, vendor_delete = VENDORS.views()
procedure_create, procedure_edit, procedure_delete = PROCEDURES.views()
exercise_create, exercise_edit, exercise_delete = EXERCISES.views()


@plan_required(Capability.VIEW)
def contact_list(request: PlanRequest) -> HttpResponse:
    return render(
        request, "documents/contact_list.html", {"contacts": selectors.contacts(_plan(request))}
    )


@plan_required(Capability.VIEW)
def calltree_list(request: PlanRequest) -> HttpResponse:
    return render(
        request, "documents/calltree_list.html", {"tree": selectors.call_tree(_plan(request))}
    )


@plan_required(Capability.VIEW)
def vendor_list(request: PlanRequest) -> HttpResponse:
    return render(
        request, "documents/vendor_list.html", {"vendors": selectors.vendors(_plan(request))}
    )


@plan_required(Capability.VIEW)
def exercise_list(request: PlanRequest) -> HttpResponse:
    return render(
        request, "documents/exercise_list.html", {"exercises": selectors.exercises(_plan(request))}
    )


@plan_required(Capability.VIEW)
def procedure_list(request: PlanRequest) -> HttpResponse:
    return render(
        request,
        "documents/procedure_list.html",
        {"rows": selectors.procedures_with_checks(_plan(request))},
    )


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
