"""Forms of the analysis pages."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from analysis.models import AnalysisSettings, Incident
from analysis.services import SETTINGS_FIELDS
from analysis.whatif_specs import ChangeSpec
from bcp.forms import ChangeReasonMixin, VersionedFormMixin, choice_field, model_field
from bia.models import BusinessFunction


class AnalysisSettingsForm(VersionedFormMixin, ChangeReasonMixin, forms.ModelForm):
    class Meta:
        model = AnalysisSettings
        fields = list(SETTINGS_FIELDS)

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


class IncidentForm(ChangeReasonMixin, forms.ModelForm):
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

        model_field(self, "function").queryset = BusinessFunction.objects.filter(plan=plan)
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
    ("add_peer", "Add a redundant peer to a component"),
    ("add_group_member", "Add a member to a redundancy group"),
    ("move_to_site", "Move a component to another site"),
    ("set_availability", "Change an availability or MTBF/MTTR"),
    ("set_backup_interval", "Change a backup interval"),
    ("set_replication", "Change a replication mode"),
    ("set_failover_time", "Change a failover time"),
    ("set_restore_time", "Change a restore time"),
    ("remove_component", "Remove a component"),
]
NEW_SITE = "new"
NEW_SITE_NAME = "New site (its own failure domain)"

# Which fields each change needs, so the form can name what is missing.
_NEEDS: dict[str, tuple[str, ...]] = {
    "add_peer": ("component",),
    "add_group_member": ("group",),
    "move_to_site": ("component", "site"),
    "set_backup_interval": ("component", "hours"),
    "set_replication": ("component", "mode"),
    "set_failover_time": ("seconds",),
    "set_restore_time": ("hours",),
    "remove_component": ("component",),
}


class WhatIfForm(forms.Form):
    """One proposed change to the plan's inventory, for a what-if that saves nothing."""

    change = forms.ChoiceField(choices=WHAT_IF_CHANGES)
    component = forms.TypedChoiceField(
        label="Component", required=False, coerce=int, empty_value=None
    )
    group = forms.TypedChoiceField(
        label="Redundancy group", required=False, coerce=int, empty_value=None
    )
    site = forms.ChoiceField(label="Site", required=False)
    availability_percent = forms.FloatField(
        label="Availability (%)", required=False, min_value=0.0001, max_value=100
    )
    mtbf_hours = forms.FloatField(label="MTBF (hours)", required=False, min_value=0.0001)
    mttr_hours = forms.FloatField(label="MTTR (hours)", required=False, min_value=0.0001)
    hours = forms.FloatField(
        label="Hours (backup interval or restore time)", required=False, min_value=0.0001
    )
    seconds = forms.FloatField(label="Failover time (seconds)", required=False, min_value=0)
    mode = forms.ChoiceField(
        label="Replication",
        required=False,
        choices=[("", "—"), ("none", "None"), ("async", "Asynchronous"), ("sync", "Synchronous")],
    )
    lag_seconds = forms.FloatField(label="Replication lag (seconds)", required=False, min_value=0)

    def __init__(
        self,
        *args: Any,
        components: list[tuple[int, str]],
        groups: list[tuple[int, str]],
        sites: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "component").choices = [("", "—"), *components]
        choice_field(self, "group").choices = [("", "—"), *groups]
        choice_field(self, "site").choices = [
            ("", "— same site —"),
            *[(str(pk), name) for pk, name in sites],
            (NEW_SITE, NEW_SITE_NAME),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        change = data.get("change")
        for field in _NEEDS.get(str(change), ()):
            if data.get(field) in (None, ""):
                self.add_error(field, "Needed for this change.")
        if change == "set_availability":
            if data.get("component") is None and not data.get("site"):
                self.add_error("component", "Choose the component (or a site) to change.")
            has_mtbf = data.get("mtbf_hours") is not None and data.get("mttr_hours") is not None
            if data.get("availability_percent") is None and not has_mtbf:
                self.add_error(
                    "availability_percent", "Enter an availability, or both MTBF and MTTR."
                )
        if (
            change == "set_failover_time"
            and data.get("component") is None
            and data.get("group") is None
        ):
            self.add_error("component", "Choose the component or the group that fails over.")
        if change == "set_restore_time" and data.get("component") is None and not data.get("site"):
            self.add_error("component", "Choose the component (or a site) to restore.")
        if (
            change == "set_replication"
            and data.get("mode") == "async"
            and data.get("lag_seconds") is None
        ):
            self.add_error("lag_seconds", "Enter the replication lag.")
        return data

    def specs(self) -> list[Any]:
        """The change as service specs (a new site first, when one is chosen)."""

        data = self.cleaned_data
        change = data["change"]
        site_value = data.get("site") or ""
        specs: list[ChangeSpec] = []
        new_site = None
        site_pk = None
        if site_value == NEW_SITE:
            new_site = NEW_SITE_NAME
            specs.append(ChangeSpec(type="add_site", name=NEW_SITE_NAME))
        elif site_value:
            site_pk = int(site_value)
        uses_site_as_element = change in ("set_availability", "set_restore_time") and (
            data.get("component") is None
        )
        specs.append(
            ChangeSpec(
                type=change,
                component=None if uses_site_as_element else data.get("component"),
                group=data.get("group")
                if change in ("add_group_member", "set_failover_time")
                else None,
                site=site_pk,
                new_site=new_site,
                availability_percent=data.get("availability_percent"),
                mtbf_hours=data.get("mtbf_hours"),
                mttr_hours=data.get("mttr_hours"),
                hours=data.get("hours"),
                seconds=data.get("seconds"),
                mode=data.get("mode") or None,
                lag_seconds=data.get("lag_seconds"),
            )
        )
        return specs


class AgreedObjectiveForm(VersionedFormMixin, ChangeReasonMixin, forms.Form):
    """Objectives a manager agrees for a function, overriding the ones derived from its BIA."""

    rto_hours = forms.FloatField(label="Agreed RTO (hours)", required=False, min_value=0.0001)
    rpo_hours = forms.FloatField(label="Agreed RPO (hours)", required=False, min_value=0)
    availability_percent = forms.FloatField(
        label="Agreed availability (%)", required=False, min_value=0.0001
    )
    agreement = forms.CharField(
        label="Why, and with whom",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Shown beside the figures; gaps say they use the agreed figure.",
    )

    field_order = (
        "rto_hours",
        "rpo_hours",
        "availability_percent",
        "agreement",
        "reason",
        "ticket",
        "version",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_availability_percent(self) -> float | None:
        value: float | None = self.cleaned_data.get("availability_percent")
        if value is not None and value >= 100:
            raise forms.ValidationError("No inventory is up 100% of the time: enter less than 100.")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        figures = ("rto_hours", "rpo_hours", "availability_percent")
        if not self.errors and all(data.get(f) is None for f in figures):
            raise forms.ValidationError("Agree at least one figure, or withdraw the agreement.")
        return data
