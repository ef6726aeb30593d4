"""The one way a page runs a form through a service: form → one service → redirect or re-render.

Every app's create and edit pages use :func:`edit_page`, so they answer alike:

- GET: the form, 200;
- POST, saved: a success message and a redirect (302);
- POST, invalid input or a rule the service refused (``ValidationError``): the form
  with its field errors, 400;
- POST, someone saved the record first or the edit did not say which version it
  started from (``EditConflict``): the form with the user's input kept, the saved
  values beside it, and the hidden version moved forward, 409.

The ``save`` that hands a form's cleaned fields to one service is :func:`save_with`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from bcp.concurrency import EditConflict, keep_input_after_conflict

T = TypeVar("T")


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's ``ValidationError`` on the form: on a field it names, else on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def form_status(request: HttpRequest, conflict: EditConflict | None = None) -> int:
    """The status of a page that shows a form: 409 after a conflict, 400 after a refused POST."""
    if conflict is not None:
        return 409
    return 400 if request.method == "POST" else 200


def form_page(
    request: HttpRequest,
    template: str,
    form: forms.BaseForm,
    context: Mapping[str, Any] | None = None,
    *,
    conflict: EditConflict | None = None,
) -> HttpResponse:
    """Render a page that shows ``form`` with the status its state calls for."""
    return render(
        request,
        template,
        {"form": form, "conflict": conflict, **(context or {})},
        status=form_status(request, conflict),
    )


def edit_page(
    request: HttpRequest,
    form: forms.BaseForm,
    *,
    save: Callable[[dict[str, Any]], T],
    saved_message: str | Callable[[T], str],
    template: str,
    context: Mapping[str, Any] | None = None,
    success_url: Callable[[T], Any] | None = None,
    conflict_hint: str = "",
) -> HttpResponse:
    """Validate ``form``, call ``save`` (one service) and redirect, or show the page again.

    ``success_url`` gets what ``save`` returned and gives anything
    :func:`django.shortcuts.redirect` accepts; by default the saved object itself.
    ``conflict_hint`` (optional) is added to the form's errors after a conflict, for
    pages whose template shows no diff.
    """
    conflict: EditConflict | None = None
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except EditConflict as exc:
            conflict = exc
            keep_input_after_conflict(form, exc)
            if conflict_hint:
                form.add_error(None, f"Not saved: {exc} {conflict_hint}")
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            message = saved_message(saved) if callable(saved_message) else saved_message
            messages.success(request, message)
            target: Any = success_url(saved) if success_url else saved
            return redirect(target)
    return form_page(request, template, form, context, conflict=conflict)


# A change form's reason and ticket (``ChangeReasonMixin``), as ``save_with`` fields.
REASON = ("reason", "ticket")


def save_with(
    request: HttpRequest,
    service: Callable[..., T],
    fields: Iterable[str] = (),
    *,
    versioned: bool = False,
    **fixed: object,
) -> Callable[[dict[str, Any]], T]:
    """The ``save`` of a form page that hands the form's cleaned ``fields`` to one service.

    ``service`` is called with ``fixed``, the request's user, each named field and, when
    ``versioned``, ``expected_version`` (the form's hidden version).
    """
    names = tuple(fields)

    def save(data: dict[str, Any]) -> T:
        values = {name: data[name] for name in names}
        if versioned:
            values["expected_version"] = data["version"]
        return service(**fixed, user=request.user, **values)

    return save


def form_saved(
    request: HttpRequest,
    form: forms.Form,
    save: Callable[[dict[str, Any]], object],
    saved_message: str,
) -> bool:
    """Run a valid form through its service and say so; put what the service refused on
    the form. For POST-only forms whose page the caller shows again when this is false."""
    if not form.is_valid():
        return False
    try:
        save(form.cleaned_data)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return False
    messages.success(request, saved_message)
    return True
