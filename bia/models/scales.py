"""The plan's impact scales: time horizons, tolerance threshold and impact categories."""

from __future__ import annotations

from django.db import models

from bcp.history import TrackedModel, tracked_history
from bcp.models import Plan


def default_horizons() -> list[float]:
    # 1 h, 4 h, 1 d, 3 d, 1 w, 2 w, 1 mo (30 d).
    return [1.0, 4.0, 24.0, 72.0, 168.0, 336.0, 720.0]


class ImpactSettings(TrackedModel):
    """A plan's impact time horizons and the level at which impact becomes intolerable."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="impact_settings")
    horizons_hours = models.JSONField(
        default=default_horizons, help_text="Time horizons in hours, strictly increasing."
    )
    threshold = models.PositiveSmallIntegerField(
        default=3,
        help_text="Severity (0–4) at which impact is no longer tolerable; sets the MTPD.",
    )
    peak_uplift = models.PositiveSmallIntegerField(
        default=1,
        help_text="Levels added to impacts of functions with peak periods (scored at peak).",
    )
    currency = models.CharField(max_length=3, default="GBP")

    history = tracked_history()

    class Meta:
        verbose_name_plural = "impact settings"

    def __str__(self) -> str:
        return f"Impact settings of {self.plan}"


class ImpactCategory(TrackedModel):
    """One impact category (financial, operational, …) with its 0–4 scale in words."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="impact_categories")
    key = models.SlugField(max_length=40, help_text="Stable identifier used in answers.")
    name = models.CharField(max_length=100)
    is_financial = models.BooleanField(
        default=False, help_text="Levels also carry currency amounts."
    )
    order = models.PositiveSmallIntegerField(default=0)
    level_descriptions = models.JSONField(
        default=list, help_text="Five descriptions, for levels 0 to 4."
    )
    level_amounts = models.JSONField(
        default=list, blank=True, help_text="Financial only: the loss at which each level starts."
    )

    history = tracked_history()

    class Meta:
        ordering = ["plan", "order", "pk"]
        verbose_name_plural = "impact categories"
        constraints = [
            models.UniqueConstraint(fields=["plan", "key"], name="unique_impact_category_key")
        ]

    def __str__(self) -> str:
        return self.name
