"""Fields and helpers the BIA forms share: the plan's people, ids the database holds, durations."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from bcp.form_parts import plan_people
from bcp.models import Plan
from bcp.permissions import FUNCTION_OWNER_ROLES
from bia.durations import parse_duration_hours


def function_owner_candidates(plan: Plan) -> QuerySet[Any]:
    """People who may own a function: the plan's managers and stakeholders (auditors
    look, they do not answer BIAs)."""
    return plan_people(plan).filter(
        memberships__plan=plan, memberships__role__in=FUNCTION_OWNER_ROLES
    )


MAX_ID = 2**63 - 1  # anything larger would overflow the database's integer columns


def parse_id(value: str | None) -> int | None:
    """A non-negative integer id from a form value, or None."""
    try:
        number = int(value) if value not in (None, "") else None
    except ValueError:
        return None
    return number if number is not None and 0 <= number <= MAX_ID else None


def _check_ids(field: forms.Field, values: Any) -> None:
    """Refuse ids the database cannot hold before they reach a query (SQLite overflows)."""
    for value in values if isinstance(values, list | tuple) else [values]:
        if value in field.empty_values:
            continue
        text = str(value)
        if not text.isdigit() or int(text) > MAX_ID:
            raise forms.ValidationError(
                "Select a valid choice; that is not one of the available choices.",
                code="invalid_choice",
            )


class SafeModelChoiceField(forms.ModelChoiceField):
    def to_python(self, value: Any) -> Any:
        _check_ids(self, value)
        return super().to_python(value)


class SafeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def clean(self, value: Any) -> Any:
        _check_ids(self, value)
        return super().clean(value)


class PersonChoiceField(SafeModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.get_username()


class DurationField(forms.CharField):
    """Accepts "4 h", "2 d", "90 min"; a bare number is hours. Cleans to hours."""

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        try:
            return parse_duration_hours(str(text))
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, float | int):
            return f"{value:g} h"
        return value


class FunctionsChoiceField(SafeModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        owner = obj.owner.get_full_name() or obj.owner.username if obj.owner else "no owner"
        return f"{obj.name} ({owner})"
