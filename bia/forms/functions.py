"""Forms of the business function pages: the function itself and what it depends on."""

from __future__ import annotations

from typing import Any

from django import forms

from bcp.form_parts import submit_helper
from bcp.forms import ChangeReasonMixin, VersionedFormMixin, choice_field, model_field
from bcp.models import Plan
from bia.forms.common import (
    DurationField,
    PersonChoiceField,
    SafeModelChoiceField,
    function_owner_candidates,
)
from bia.models import (
    BusinessFunction,
    Criticality,
    DependencyKind,
)
from bia.services.functions import FUNCTION_EDITABLE_FIELDS


class FunctionForm(VersionedFormMixin, ChangeReasonMixin, forms.ModelForm):
    workaround_hours = DurationField(
        label="Workaround holds for",
        required=False,
        help_text="How long the manual procedure can hold, e.g. 8 h or 2 d.",
    )

    class Meta:
        model = BusinessFunction
        fields = list(FUNCTION_EDITABLE_FIELDS)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "peak_periods": forms.Textarea(attrs={"rows": 2}),
            "workaround": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"peak_periods": "When disruption hurts most"}
        field_classes = {"owner": PersonChoiceField}

    def __init__(self, *args: Any, plan: Plan, submit_label: str = "Save", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_field(self, "owner").queryset = function_owner_candidates(plan)
        choice_field(self, "criticality").choices = Criticality.choices
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version
        self.helper = submit_helper(submit_label, self)

    def _post_clean(self) -> None:
        # Uniqueness and ranges are the service's job; skip the model's own checks here.
        pass


class DependencyForm(forms.Form):
    kind = forms.ChoiceField(choices=DependencyKind.choices, label="It depends on")
    depends_on = SafeModelChoiceField(
        queryset=BusinessFunction.objects.none(), required=False, label="Function"
    )
    name = forms.CharField(max_length=200, required=False, label="Supplier, person or skill")
    notes = forms.CharField(max_length=500, required=False)

    def __init__(self, *args: Any, function: BusinessFunction, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_field(self, "depends_on").queryset = BusinessFunction.objects.filter(
            plan_id=function.plan_id
        ).exclude(pk=function.pk)
        self.helper = submit_helper("Add dependency", self)
