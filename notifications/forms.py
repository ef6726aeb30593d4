from __future__ import annotations

import datetime
from typing import Any

from django import forms

from notifications.models import Delivery, Kind

TIME_ERROR = "Enter a time of day between 00:00 and 23:59, for example 08:00."


class PreferencesForm(forms.Form):
    """How to hear about each kind of message, and when the daily digest leaves."""

    digest_time = forms.TimeField(
        label="Daily digest at",
        input_formats=["%H:%M"],
        error_messages={"invalid": TIME_ERROR, "required": TIME_ERROR},
        help_text="24-hour clock, in the site's time zone. Messages you chose to get "
        "in the digest are emailed together once a day at this time.",
        widget=forms.TimeInput(format="%H:%M", attrs={"maxlength": 5, "inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in Kind:
            self.fields[f"kind_{kind.value}"] = forms.ChoiceField(
                label=kind.label,
                choices=Delivery.choices,
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )

    @staticmethod
    def initial_for(deliveries: dict[Kind, Delivery], digest_time: datetime.time) -> dict[str, Any]:
        initial: dict[str, Any] = {"digest_time": digest_time}
        initial.update({f"kind_{k.value}": d.value for k, d in deliveries.items()})
        return initial

    def deliveries(self) -> dict[Kind, Delivery]:
        return {kind: Delivery(self.cleaned_data[f"kind_{kind.value}"]) for kind in Kind}

    def kind_fields(self) -> list[forms.BoundField]:
        return [self[f"kind_{kind.value}"] for kind in Kind]
