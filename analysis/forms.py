"""Forms of the analysis pages."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from analysis.models import AnalysisSettings, Incident
from bcp.forms import ChangeReasonMixin, VersionedFormMixin


class AnalysisSettingsForm(VersionedFormMixin, ChangeReasonMixin, forms.ModelForm):  # type: ignore[type-arg,unused-ignore]
    class Meta:
        model = AnalysisSettings
        fields = [
            "year_convention",
            "method",
            "monte_carlo_samples",
            "monte_carlo_seed",
            "rto_margin_percent",
            "expected_incidents_per_year",
            "budget_period",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Save settings"))

    def clean_rto_margin_percent(self) -> float:
        value: float = self.cleaned_data["rto_margin_percent"]
        if not 0 <= value < 100:
            raise forms.ValidationError(
                "The margin must be at least 0% and below 100% of the MTPD."
            )
        return value

    def clean_expected_incidents_per_year(self) -> float:
        value: float = self.cleaned_data["expected_incidents_per_year"]
        if value <= 0:
            raise forms.ValidationError("Expect at least some disruption: enter a number above 0.")
        return value

    def clean_monte_carlo_samples(self) -> int:
        value: int = self.cleaned_data["monte_carlo_samples"]
        if not 1_000 <= value <= 2_000_000:
            raise forms.ValidationError("Use between 1,000 and 2,000,000 samples.")
        return value


class IncidentForm(ChangeReasonMixin, forms.ModelForm):  # type: ignore[type-arg,unused-ignore]
    class Meta:
        model = Incident
        fields = [
            "function",
            "kind",
            "title",
            "started_at",
            "ended_at",
            "data_lost_minutes",
            "counts_against_budget",
            "notes",
        ]
        widgets = {
            "started_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "ended_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, plan: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from bia.models import BusinessFunction

        self.fields["function"].queryset = BusinessFunction.objects.filter(plan=plan)  # type: ignore[attr-defined]
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Record"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("started_at"), data.get("ended_at")
        if start and end and end < start:
            self.add_error("ended_at", "The end must be after the start.")
        lost = data.get("data_lost_minutes")
        if lost is not None and lost < 0:
            self.add_error("data_lost_minutes", "Data lost cannot be negative.")
        return data


WHAT_IF_CHANGES = [
    ("add_peer", "Add a redundant peer"),
    ("move_site", "Move to another site"),
    ("backup_interval", "Change the backup interval"),
    ("replicate_sync", "Replicate synchronously"),
]


class WhatIfForm(forms.Form):
    change = forms.ChoiceField(choices=WHAT_IF_CHANGES)
    component = forms.ChoiceField(label="Component")
    site = forms.ChoiceField(label="Site (for a peer or a move)", required=False)
    hours = forms.FloatField(label="Backup interval (hours)", required=False, min_value=0.01)

    def __init__(
        self,
        *args: Any,
        components: list[tuple[str, str]],
        sites: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["component"].choices = components  # type: ignore[attr-defined]
        self.fields["site"].choices = [("", "— same site —"), *sites]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("change") == "move_site" and not data.get("site"):
            self.add_error("site", "Choose the site to move the component to.")
        if data.get("change") == "backup_interval" and not data.get("hours"):
            self.add_error("hours", "Enter the proposed backup interval in hours.")
        return data
