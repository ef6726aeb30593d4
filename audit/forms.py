"""Filters and forms of the auditor pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils import timezone

from audit import selectors
from audit.models import MAX_ID, ChainEntry
from audit.verify import parse_checkpoint
from bcp.forms import ChangeReasonMixin
from bcp.models import Plan

ACTIONS = [("+", "Created"), ("~", "Changed"), ("-", "Deleted")]
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# The widest moments every database and time zone can store: a day inside the
# calendar's ends, so that converting to UTC never leaves it.
EARLIEST = dt.datetime(1, 1, 2, tzinfo=dt.UTC)
LATEST = dt.datetime(9999, 12, 30, tzinfo=dt.UTC)


def _aware(moment: dt.datetime) -> dt.datetime:
    """``moment`` (naive, local time) made aware, clamped to what can be stored."""
    if moment.date() <= EARLIEST.date():
        return EARLIEST
    if moment.date() >= LATEST.date():
        return LATEST
    return timezone.make_aware(moment)


def start_of(day: dt.date) -> dt.datetime:
    """The first moment of ``day`` in the display time zone."""
    return _aware(dt.datetime.combine(day, dt.time.min))


def end_of(day: dt.date) -> dt.datetime:
    """The last moment of ``day`` (inclusive) in the display time zone."""
    return _aware(dt.datetime.combine(day, dt.time.max))


def _person(user: User) -> str:
    full_name = user.get_full_name()
    return f"{full_name} ({user.get_username()})" if full_name else user.get_username()


class HistoryFilterForm(forms.Form):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        return data


class HistoryFilter(django_filters.FilterSet):
    """Who, what, when and why: every filter the timeline and the exports share."""

    user = django_filters.ModelChoiceFilter(queryset=None, label="Changed by", empty_label="Anyone")
    model = django_filters.ChoiceFilter(
        field_name="model_label", label="Kind of record", empty_label="Any"
    )
    object = django_filters.CharFilter(field_name="object_id", label="Record id")
    action = django_filters.ChoiceFilter(
        field_name="history_type", choices=ACTIONS, label="Action", empty_label="Any"
    )
    date_from = django_filters.DateFilter(
        method="filter_date_from", label="From", widget=DATE_WIDGET
    )
    date_to = django_filters.DateFilter(method="filter_date_to", label="To", widget=DATE_WIDGET)
    reason = django_filters.CharFilter(
        field_name="reason", lookup_expr="icontains", label="Reason contains"
    )
    ticket = django_filters.CharFilter(field_name="ticket", lookup_expr="iexact", label="Ticket")
    batch = django_filters.UUIDFilter(field_name="batch", label="Batch id")

    class Meta:
        model = ChainEntry
        fields: list[str] = []
        form = HistoryFilterForm

    def __init__(self, data: Any = None, *, plan: Plan, **kwargs: Any) -> None:
        super().__init__(data, queryset=selectors.plan_entries(plan), **kwargs)
        self.filters["user"].queryset = selectors.history_users(plan)
        self.filters["model"].extra["choices"] = selectors.model_choices()
        self.form.fields["user"].label_from_instance = _person

    def filter_date_from(
        self, queryset: QuerySet[ChainEntry], name: str, value: dt.date
    ) -> QuerySet[ChainEntry]:
        return queryset.filter(history_date__gte=start_of(value))

    def filter_date_to(
        self, queryset: QuerySet[ChainEntry], name: str, value: dt.date
    ) -> QuerySet[ChainEntry]:
        # Inclusive: everything up to the last moment of that day.
        return queryset.filter(history_date__lte=end_of(value))


class AsOfForm(forms.Form):
    day = forms.DateField(label="Date", widget=DATE_WIDGET)
    time = forms.TimeField(
        label="Time",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="Optional; without it, the end of the day.",
    )

    def moment(self) -> dt.datetime:
        day: dt.date = self.cleaned_data["day"]
        at: dt.time | None = self.cleaned_data.get("time")
        if at is None:
            return end_of(day)
        return _aware(dt.datetime.combine(day, at))


class VerifyForm(forms.Form):
    checkpoint = forms.CharField(
        label="Checkpoint recorded earlier (optional)",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "SEQ:HASH", "spellcheck": "false"}),
        help_text="The chain head printed in an evidence export or written by the scheduled "
        "job, e.g. 1042:9f86d0…; the verification then also fails if that entry is gone "
        "or has another hash.",
    )

    def clean_checkpoint(self) -> str:

        text: str = self.cleaned_data["checkpoint"].strip()
        if text:
            try:
                seq, entry_hash = parse_checkpoint(text)
            except ValueError as exc:
                raise forms.ValidationError(str(exc)) from exc
            text = f"{seq}:{entry_hash}"
        return text


class PageForm(forms.Form):
    """Which page of a history list: older than ``before`` or newer than ``after``."""

    before = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, label="Entries before number"
    )
    after = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, label="Entries after number"
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("before") is not None and data.get("after") is not None:
            raise forms.ValidationError("Ask for entries before or after one entry, not both.")
        return data

    def problem(self) -> str:
        """What is wrong with the page asked for, in one sentence."""
        if self.non_field_errors():
            return str(self.non_field_errors()[0])
        return "The page asked for is not an entry number; start again from the newest entries."


class CompareForm(forms.Form):
    a = forms.IntegerField(label="Older version", min_value=1, max_value=MAX_ID)
    b = forms.IntegerField(label="Newer version", min_value=1, max_value=MAX_ID)


class RollbackForm(ChangeReasonMixin):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    restore_missing = forms.BooleanField(
        required=False,
        label="Also restore the deleted records this version refers to",
    )

    def __init__(self, *args: Any, offer_restore: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not offer_restore:
            self.fields["restore_missing"].widget = forms.HiddenInput()
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Restore this version", css_class="btn-warning"))
