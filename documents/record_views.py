"""Pages of the plan data the document prints: contacts, call tree, vendors, runbooks
and exercises. Create, edit and delete are :class:`bcp.record_views.RecordPages`; the
lists, a procedure's page and its steps (records of a procedure, not of the plan) are
here. Thin: form → one service → render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.db import models
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from bcp.editing import REASON, edit_page, save_with
from bcp.http import PlanRequest
from bcp.models import Plan
from bcp.permissions import Capability, plan_required
from bcp.record_views import RecordPages, reason_of
from documents import forms, selectors, services
from documents.models import ProcedureStep, RecoveryProcedure


def _plan(request: PlanRequest) -> Plan:
    return request.plan


# --- plan data pages: contacts, call tree, vendors, runbooks, exercises ----------

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
    form: type[forms.RecordForm],
    url_name: str,
    *,
    noun: str,
    create: Callable[..., models.Model],
    update: Callable[..., models.Model],
    delete: Callable[..., object],
    key: str = "",
    home: Callable[[models.Model], models.Model | str] | None = None,
) -> RecordPages[models.Model]:
    """A record's pages as these documents pages have always shown them: the shared record
    templates, the "Delete" form, and "<Noun> “name” added." / "… deleted.". Its URLs are
    ``<url_name>_…`` with ``<key>_pk`` (``key`` defaults to ``url_name``); its services are
    named where each spec is declared, so a missing one fails on import."""
    return RecordPages(
        model=form._meta.model,
        form=form,
        key=key or url_name,
        noun=noun,
        create=create,
        update=update,
        delete=delete,
        list_url=f"{url_name}_list",
        url_name=url_name,
        template=FORM,
        delete_template=DELETE,
        delete_form=_delete_form,
        changes=_form_changes,
        home=home,
        added=noun.capitalize() + " “{name}” added.",
        removed=noun.capitalize() + " “{name}” deleted.",
    )


CONTACTS = _pages(
    forms.ContactForm,
    "contact",
    noun="contact",
    create=services.contact_create,
    update=services.contact_update,
    delete=services.contact_delete,
)
CALL_TREE = _pages(
    forms.CallTreeEntryForm,
    "calltree",
    noun="call tree entry",
    create=services.calltree_entry_create,
    update=services.calltree_entry_update,
    delete=services.calltree_entry_delete,
    key="entry",
)
VENDORS = _pages(
    forms.VendorForm,
    "vendor",
    noun="vendor",
    create=services.vendor_create,
    update=services.vendor_update,
    delete=services.vendor_delete,
)
# A saved procedure goes to its own page, where its steps are added.
PROCEDURES = _pages(
    forms.ProcedureForm,
    "procedure",
    noun="recovery procedure",
    create=services.procedure_create,
    update=services.procedure_update,
    delete=services.procedure_delete,
    home=lambda p: p,
)
EXERCISES = _pages(
    forms.ExerciseForm,
    "exercise",
    noun="exercise",
    create=services.exercise_create,
    update=services.exercise_update,
    delete=services.exercise_delete,
)


def _list_page(
    template: str, name: str, rows: Callable[[Plan], object]
) -> Callable[..., HttpResponse]:
    """A plan's list of one kind of record: ``rows(plan)`` shown as ``name`` in ``template``."""

    @plan_required(Capability.VIEW)
    def page(request: PlanRequest) -> HttpResponse:
        return render(request, template, {name: rows(request.plan)})

    return page


contact_list = _list_page("documents/contact_list.html", "contacts", selectors.contacts)
calltree_list = _list_page("documents/calltree_list.html", "tree", selectors.call_tree)
vendor_list = _list_page("documents/vendor_list.html", "vendors", selectors.vendors)
exercise_list = _list_page("documents/exercise_list.html", "exercises", selectors.exercises)
procedure_list = _list_page(
    "documents/procedure_list.html", "rows", selectors.procedures_with_checks
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

    fields = (*REASON, *forms.StepForm.Meta.fields)
    save = (
        save_with(request, services.step_create, fields, procedure=procedure)
        if step is None
        else save_with(request, services.step_update, fields, versioned=True, step=step)
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
        services.step_delete(step=step, user=request.user, **reason_of(form))
        messages.success(request, "Step deleted.")
        return redirect(procedure)
    return render(
        request,
        "documents/record_delete.html",
        {"form": form, "noun": "step", "record": step, "back": procedure.get_absolute_url()},
    )
