"""The form that sends BIAs to function owners."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone

from bcp.form_parts import submit_helper
from bcp.forms import model_field
from bcp.models import Plan
from bia.forms.common import FunctionsChoiceField, SafeModelChoiceField
from bia.models import (
    BusinessFunction,
    QuestionnaireTemplate,
)


class CampaignForm(forms.Form):
    name = forms.CharField(max_length=200)
    template = SafeModelChoiceField(
        queryset=QuestionnaireTemplate.objects.none(), label="Questionnaire"
    )
    due_date = forms.DateField(
        label="Answers due by",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Owners are told this date; the campaign page shows who is late.",
    )
    functions = FunctionsChoiceField(
        queryset=BusinessFunction.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Sent to each owner with the links to their BIAs.",
    )

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        templates = QuestionnaireTemplate.objects.filter(plan=plan, is_latest=True)
        model_field(self, "template").queryset = templates
        model_field(self, "functions").queryset = BusinessFunction.objects.filter(
            plan=plan
        ).select_related("owner")
        if not self.is_bound:
            self.initial.setdefault("due_date", timezone.localdate() + datetime.timedelta(days=14))
            first = templates.order_by("name", "pk").first()
            if first is not None:
                self.initial.setdefault("template", first.pk)
        self.helper = submit_helper("Send to owners", self)
