"""The one way to serve a plan record's create, edit and delete pages from a small spec.

Declare a :class:`RecordPages` per kind of record and take its views (or its URLs)::

    SITES = RecordPages(
        model=Site,
        form=SiteForm,
        key="site",
        noun="site",
        create=services.site_create,
        update=services.site_update,
        delete=services.site_delete,
        list_url="inventory_site_list",
        url_name="inventory_site",
        template="inventory/form.html",
    )
    urlpatterns = [*SITES.urls("sites/", detail=views.site_detail)]

What the pages do (all behind ``plan_required(capability)``, the record fetched with
``get_object_or_404(model, pk=..., plan=request.plan)``):

- create: ``form(data, plan=plan, submit_label="Add <noun>")``; saved with
  ``create(plan=, user=, reason=, ticket=, **changes(form))``; then ``added`` is shown
  and the browser goes to ``home(record)`` (the list when ``home`` is None). Statuses as
  :func:`bcp.editing.edit_page`.
- edit: ``form(data, instance=record, plan=plan)``; saved with
  ``update(<key>=fresh copy, user=, expected_version=, reason=, ticket=, **changes(form))``;
  then "<Noun> saved." and ``home(record)``; 409 after an ``EditConflict``.
- delete: ``delete_form(data, submit_label="Remove <noun>")``; ``delete(<key>=record, user=,
  reason=, ticket=)``; a ``ValidationError`` goes on the form (400); else ``removed`` is
  shown and the browser goes to ``list_url``.

Every page's template gets ``form``, ``conflict``, ``title`` ("New <noun>" or
``new_title``, "Edit <name>", "Remove <name>?"), ``back`` (the URL of ``home(record)``;
empty on create), ``noun``, ``record`` (None on create), ``creating``, ``list_url`` and
``warning`` (the delete page's ``delete_warning``). ``name(record)`` is how titles and
messages call a record (``str`` by default); ``added`` and ``removed`` are
:meth:`str.format` patterns over that ``name``.
``changes(form)`` gives the service's keyword arguments beyond the reason; the default,
:func:`model_values`, is ``values=`` the form's model fields; :func:`model_values` with
names adds those cleaned fields as keywords of their own (``model_values("members")``).
:func:`reason_of` gives a change form's ``reason=`` and ``ticket=`` to any other service.
``url_name`` names the URLs ``<url_name>_create``/``_detail``/``_edit``/``_delete``; their
record argument is ``<key>_pk``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypedDict, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, resolve_url
from django.urls import URLPattern, path, reverse

from bcp.editing import add_service_errors, edit_page, form_page
from bcp.forms import ReasonOnlyForm
from bcp.http import PlanRequest
from bcp.permissions import Capability, plan_required

R = TypeVar("R", bound=models.Model)
View = Callable[..., HttpResponse]
Changes = Callable[[forms.BaseForm], dict[str, object]]


class Reason(TypedDict):
    reason: str
    ticket: str


def reason_of(form: forms.BaseForm) -> Reason:
    """Why a change was made, as a change form (``ChangeReasonMixin``) gives it to services."""
    return {"reason": form.cleaned_data["reason"], "ticket": form.cleaned_data["ticket"]}


def model_values(*names: str) -> Changes:
    """``changes`` for services taking ``values=`` (the form's model fields) and ``names``."""

    def changes(form: forms.BaseForm) -> dict[str, object]:
        assert isinstance(form, forms.BaseModelForm)
        data = form.cleaned_data
        fields = form._meta.fields or ()
        return {"values": {f: data[f] for f in fields}, **{n: data[n] for n in names}}

    return changes


def _the_record(record: models.Model) -> models.Model:
    return record


_FORM_VALUES = model_values()


@dataclass(frozen=True)
class RecordPages(Generic[R]):
    """How one kind of plan record is created, edited and deleted (see the module's docstring)."""

    model: type[R]
    form: Callable[..., forms.BaseForm]
    key: str
    noun: str
    create: Callable[..., R]
    update: Callable[..., R]
    delete: Callable[..., object]
    list_url: str
    url_name: str
    template: str
    delete_template: str = ""
    delete_form: Callable[..., forms.BaseForm] = ReasonOnlyForm
    changes: Changes = _FORM_VALUES
    # Where a saved record leads; None for records with no page of their own: their list.
    home: Callable[[R], models.Model | str] | None = _the_record
    new_title: str = ""
    name: Callable[[R], str] = str
    added: str = "“{name}” added."
    removed: str = "“{name}” removed."
    delete_warning: str = ""
    capability: Capability = Capability.EDIT

    def _home(self, plan_pk: int, record: R) -> models.Model | str:
        if self.home is None:
            return reverse(self.list_url, kwargs={"plan_pk": plan_pk})
        return self.home(record)

    def _context(self, plan_pk: int, record: R | None, **extra: object) -> dict[str, object]:
        return {
            "noun": self.noun,
            "record": record,
            "creating": record is None,
            "list_url": self.list_url,
            "back": "" if record is None else resolve_url(self._home(plan_pk, record)),
            **extra,
        }

    def create_page(self, request: PlanRequest) -> HttpResponse:
        plan = request.plan
        form = self.form(request.POST or None, plan=plan, submit_label=f"Add {self.noun}")

        def save(_data: dict[str, object]) -> R:
            return self.create(
                plan=plan,
                user=request.user,
                **reason_of(form),
                **self.changes(form),
            )

        return edit_page(
            request,
            form,
            save=save,
            saved_message=lambda record: self.added.format(name=self.name(record)),
            template=self.template,
            context=self._context(plan.pk, None, title=self.new_title or f"New {self.noun}"),
            success_url=lambda saved: self._home(plan.pk, saved),
        )

    def edit_page(self, request: PlanRequest, pk: int) -> HttpResponse:
        plan = request.plan
        record = get_object_or_404(self.model, pk=pk, plan=plan)
        form = self.form(request.POST or None, instance=record, plan=plan)

        def save(data: dict[str, object]) -> R:
            # A fresh copy: validating the form has already written the input on ``record``.
            return self.update(
                **{self.key: self.model._default_manager.get(pk=record.pk)},
                user=request.user,
                expected_version=data["version"],
                **reason_of(form),
                **self.changes(form),
            )

        return edit_page(
            request,
            form,
            save=save,
            saved_message=f"{self.noun.capitalize()} saved.",
            template=self.template,
            context=self._context(plan.pk, record, title=f"Edit {self.name(record)}"),
            success_url=lambda _saved: self._home(plan.pk, record),
        )

    def delete_page(self, request: PlanRequest, pk: int) -> HttpResponse:
        plan = request.plan
        record = get_object_or_404(self.model, pk=pk, plan=plan)
        form = self.delete_form(request.POST or None, submit_label=f"Remove {self.noun}")
        if request.method == "POST" and form.is_valid():
            try:
                self.delete(
                    **{self.key: record},
                    user=request.user,
                    **reason_of(form),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, self.removed.format(name=self.name(record)))
                return redirect(self.list_url, plan_pk=plan.pk)
        title = f"Remove {self.name(record)}?"
        context = self._context(plan.pk, record, title=title, warning=self.delete_warning)
        return form_page(request, self.delete_template or self.template, form, context)

    def views(self) -> tuple[View, View, View]:
        """The create, edit and delete views, taking ``plan_pk`` and ``<key>_pk``."""
        pk_name = f"{self.key}_pk"

        @plan_required(self.capability)
        def create(request: PlanRequest) -> HttpResponse:
            return self.create_page(request)

        @plan_required(self.capability)
        def edit(request: PlanRequest, **kwargs: int) -> HttpResponse:
            return self.edit_page(request, kwargs[pk_name])

        @plan_required(self.capability)
        def delete(request: PlanRequest, **kwargs: int) -> HttpResponse:
            return self.delete_page(request, kwargs[pk_name])

        return create, edit, delete

    def urls(self, route: str, *, detail: View | None = None) -> list[URLPattern]:
        """``route``new/, ``route``<pk>/ (when there is a ``detail`` view), …/edit/, …/delete/."""
        create, edit, delete = self.views()
        one = f"{route}<int:{self.key}_pk>/"
        patterns = [path(f"{route}new/", create, name=f"{self.url_name}_create")]
        if detail is not None:
            patterns.append(path(one, detail, name=f"{self.url_name}_detail"))
        patterns += [
            path(f"{one}edit/", edit, name=f"{self.url_name}_edit"),
            path(f"{one}delete/", delete, name=f"{self.url_name}_delete"),
        ]
        return patterns
