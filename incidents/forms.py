"""Forms of the incidents app. They parse and bound input; services decide what is allowed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils import timezone

from bcp.form_parts import submit_helper
from bcp.forms import ChangeReasonMixin, VersionedFormMixin, choice_field, model_field
from bcp.models import Plan
from incidents.impact import MAX_FAILED, Element
from incidents.models import Kind, LogEntry, Scenario

MAX_TEXT = 4_000
KIND_LABELS = {"site": "Sites", "component": "Components", "group": "Redundancy groups"}


class LocalDateTimeInput(forms.DateTimeInput):
    """A ``datetime-local`` control: the browser shows a picker, the value is local time."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


def _local_now() -> dt.datetime:
    return timezone.localtime().replace(second=0, microsecond=0)


def element_choices(elements: tuple[Element, ...]) -> list[tuple[str, list[tuple[str, str]]]]:
    grouped: dict[str, list[tuple[str, str]]] = {}
    for element in elements:
        grouped.setdefault(KIND_LABELS[element.kind], []).append((element.key, element.name))
    return [(label, grouped[label]) for label in KIND_LABELS.values() if label in grouped]


class FailedField(forms.MultipleChoiceField):
    def validate(self, value: Any) -> None:
        super().validate(value)
        if len(value) > MAX_FAILED:
            raise forms.ValidationError(f"Choose at most {MAX_FAILED} elements.")


class DeclareForm(forms.Form):
    kind = forms.ChoiceField(
        label="Incident or exercise",
        choices=Kind.choices,
        widget=forms.RadioSelect,
        initial=Kind.INCIDENT,
    )
    title = forms.CharField(
        max_length=200, help_text="e.g. “SAN controller failure at head office”."
    )
    started_at = forms.DateTimeField(
        label="Started at", widget=LocalDateTimeInput(), help_text="Local time."
    )
    scenario = forms.ModelChoiceField(
        queryset=Scenario.objects.none(),
        required=False,
        empty_label="— none —",
        help_text="A saved set of failures; its elements are added to those chosen below.",
    )
    failed = FailedField(
        label="What has failed",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text="Hold Ctrl (or ⌘) to choose several.",
    )

    def __init__(
        self, *args: Any, plan: Plan, elements: tuple[Element, ...], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        model_field(self, "scenario").queryset = Scenario.objects.filter(plan=plan).order_by("name")
        choice_field(self, "failed").choices = element_choices(elements)
        if not self.is_bound:
            self.initial.setdefault("started_at", _local_now())


class IncidentEditForm(VersionedFormMixin, ChangeReasonMixin):
    title = forms.CharField(max_length=200)
    started_at = forms.DateTimeField(label="Started at", widget=LocalDateTimeInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = submit_helper("Save")


class PersonField(forms.ModelChoiceField):
    """A plan member, shown by name with the username people sign in with."""

    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.get_username()})" if name else str(obj.get_username())


class AssignForm(forms.Form):
    assignee = PersonField(
        queryset=None, required=False, empty_label="— nobody —", label="Assigned to"
    )

    def __init__(self, *args: Any, people: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_field(self, "assignee").queryset = people


class StepAddForm(forms.Form):
    instruction = forms.CharField(
        max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 2}), label="New step"
    )
    owner_label = forms.CharField(max_length=200, required=False, label="Who")
    expected_minutes = forms.IntegerField(
        min_value=1, max_value=60 * 24 * 30, required=False, label="Expected minutes"
    )


class LogForm(forms.Form):
    kind = forms.ChoiceField(
        label="Type of entry", choices=LogEntry.Kind.choices, initial=LogEntry.Kind.NOTE
    )
    text = forms.CharField(
        max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 2}), label="Entry"
    )


class RestoreForm(forms.Form):
    restored_at = forms.DateTimeField(label="Restored at", widget=LocalDateTimeInput())
    data_lost_minutes = forms.FloatField(
        label="Data lost (minutes)",
        min_value=0,
        max_value=60 * 24 * 366,
        required=False,
        help_text="Work that had to be redone: the recovery point actually achieved.",
    )


class CloseForm(VersionedFormMixin):
    summary = forms.CharField(
        max_length=MAX_TEXT * 4,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What happened, in a few sentences.",
    )
    lessons = forms.CharField(
        label="Lessons learned",
        max_length=MAX_TEXT * 4,
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )


class ActionForm(forms.Form):
    description = forms.CharField(
        max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 2}), label="Follow-up action"
    )
    owner = PersonField(queryset=None, empty_label="— choose —")
    due_on = forms.DateField(label="Due on", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, people: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_field(self, "owner").queryset = people


class ScenarioForm(forms.Form):
    name = forms.CharField(max_length=200, help_text="e.g. “Lose the head office data centre”.")
    description = forms.CharField(
        max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    failed = FailedField(
        label="What fails",
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text="Hold Ctrl (or ⌘) to choose several.",
    )

    def __init__(self, *args: Any, elements: tuple[Element, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "failed").choices = element_choices(elements)
        self.helper = submit_helper("Save scenario")


class ScheduleForm(VersionedFormMixin, ChangeReasonMixin):
    interval_days = forms.IntegerField(
        label="Exercise every (days)", min_value=1, max_value=3 * 366
    )
    next_due = forms.DateField(label="Next due", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = submit_helper("Save schedule")
