"""Forms of BIA workshops: starting one and recording its actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from bcp.form_parts import plan_people, submit_helper
from bcp.forms import model_field
from bcp.models import Plan
from bia.forms.common import FunctionsChoiceField, PersonChoiceField
from bia.models import (
    BusinessFunction,
)


class WorkshopForm(forms.Form):
    title = forms.CharField(max_length=200)
    held_on = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), label="Date"
    )
    functions = FunctionsChoiceField(
        queryset=BusinessFunction.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    attendees = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_field(self, "functions").queryset = BusinessFunction.objects.filter(
            plan=plan
        ).select_related("owner")
        if not self.is_bound:
            self.initial.setdefault("held_on", timezone.localdate())
        self.helper = submit_helper("Start workshop", self)


class ActionForm(forms.Form):
    text = forms.CharField(max_length=500, label="Action")
    owner = PersonChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.Select(attrs={"class": "form-select", "id": "action-owner"}),
    )
    due_date = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        required=False,
        label="Due",
    )

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_field(self, "owner").queryset = plan_people(plan)
