"""Form pieces the apps share: the plan's people to pick from and the submit button."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from bcp.models import Plan


def plan_people(plan: Plan) -> QuerySet[Any]:
    """Members of the plan, by name: who can own, interview, be assigned or follow up."""
    return (
        get_user_model()
        .objects.filter(memberships__plan=plan)
        .order_by("first_name", "last_name", "username")
    )


def submit_helper(label: str, form: forms.BaseForm | None = None) -> FormHelper:
    """A submit button; the reason and ticket fields, when present, move to the end."""
    if form is not None:
        last: list[str] = [name for name in ("reason", "ticket") if name in form.fields]
        form.order_fields([name for name in form.fields if name not in last] + last)
    helper = FormHelper()
    helper.add_input(Submit("submit", label))
    return helper
