"""The form of a BIA interview."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from bcp.form_parts import plan_people, submit_helper
from bcp.forms import ChangeReasonMixin, VersionedFormMixin, model_field
from bcp.models import Plan
from bia.forms.common import PersonChoiceField, SafeModelChoiceField
from bia.models import (
    BusinessFunction,
)


class InterviewForm(VersionedFormMixin, ChangeReasonMixin):
    function = SafeModelChoiceField(queryset=BusinessFunction.objects.none())
    interviewee = forms.CharField(max_length=200, help_text="Name and role.")
    interviewer = PersonChoiceField(
        queryset=get_user_model().objects.none(), label="Interviewed by"
    )
    held_at = forms.DateTimeField(
        label="When",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), required=False)

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_field(self, "function").queryset = BusinessFunction.objects.filter(plan=plan)
        model_field(self, "interviewer").queryset = plan_people(plan)
        self.helper = submit_helper("Save interview", self)
