"""Forms of the impact scales: the plan's horizons and threshold, and each category's levels."""

from __future__ import annotations

from typing import Any

from django import forms

from bcp.form_parts import submit_helper
from bcp.forms import ChangeReasonMixin, VersionedFormMixin
from bia.durations import format_horizons, parse_horizons
from bia.models import (
    ImpactCategory,
    ImpactSettings,
)


class ImpactSettingsForm(VersionedFormMixin, ChangeReasonMixin):
    horizons_hours = forms.CharField(
        label="Time horizons",
        help_text="Comma-separated and increasing, e.g. 1 h, 4 h, 1 d, 3 d, 1 w, 2 w, 1 mo.",
    )
    threshold = forms.IntegerField(
        label="Tolerance threshold",
        min_value=1,
        max_value=4,
        help_text="The severity (1–4) at which impact is no longer tolerable.",
    )
    peak_uplift = forms.IntegerField(
        label="Peak-period uplift (levels)",
        min_value=0,
        max_value=4,
        help_text="Levels added to the impacts of functions with peak periods.",
    )
    currency = forms.CharField(
        max_length=3, help_text="Three-letter ISO code for financial amounts, e.g. GBP or EUR."
    )

    def __init__(self, *args: Any, instance: ImpactSettings, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "horizons_hours": format_horizons(list(instance.horizons_hours)),
                "threshold": instance.threshold,
                "peak_uplift": instance.peak_uplift,
                "currency": instance.currency,
                "version": instance.version,
            },
        )
        super().__init__(*args, **kwargs)
        self.helper = submit_helper("Save settings", self)

    def clean_horizons_hours(self) -> list[float]:
        try:
            return parse_horizons(self.cleaned_data["horizons_hours"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None


class CategoryForm(VersionedFormMixin, ChangeReasonMixin):
    name = forms.CharField(max_length=100)

    def __init__(
        self,
        *args: Any,
        instance: ImpactCategory | None = None,
        currency: str = "",
        **kwargs: Any,
    ) -> None:
        initial: dict[str, Any] = {}
        if instance is not None:
            initial = {"name": instance.name, "version": instance.version}
            for level, text in enumerate(instance.level_descriptions):
                initial[f"level_{level}"] = text
            for level, amount in enumerate(instance.level_amounts or []):
                initial[f"amount_{level}"] = amount
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.creating = instance is None
        if self.creating:
            self.fields["key"] = forms.SlugField(
                label="Identifier",
                max_length=40,
                help_text="Short, without spaces, used in exports; e.g. environmental.",
            )
            self.fields["is_financial"] = forms.BooleanField(
                required=False, label="Levels are currency amounts"
            )
        financial = self.creating or (instance is not None and instance.is_financial)
        for level in range(5):
            self.fields[f"level_{level}"] = forms.CharField(
                label=f"Level {level}", max_length=300, widget=forms.TextInput
            )
            if financial:
                self.fields[f"amount_{level}"] = forms.DecimalField(
                    label=f"Level {level} from ({currency})" if currency else f"Level {level} from",
                    required=self.creating is False,
                    min_value=0,
                    decimal_places=2,
                )
        order = ["name", "key", "is_financial"]
        for level in range(5):
            order += [f"level_{level}", f"amount_{level}"]
        self.order_fields([*order, "reason", "ticket"])
        self.helper = submit_helper("Save scale" if not self.creating else "Add category", self)

    def clean(self) -> dict[str, Any]:
        """Gather the five levels into the two lists the services take: ``descriptions``
        and ``amounts`` (none where the category has no amounts)."""
        cleaned = super().clean() or {}
        if not self.errors:
            cleaned["descriptions"] = [cleaned[f"level_{i}"] for i in range(5)]
            amounts = [cleaned.get(f"amount_{i}") for i in range(5)]
            cleaned["amounts"] = [float(v) if v is not None else None for v in amounts]
        return cleaned
