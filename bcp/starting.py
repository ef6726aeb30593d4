"""What a new plan starts with: the standard settings, another plan's, or nothing.

The standard starting point is what a BIA needs before anyone can answer one: impact
scales (categories with 0–4 levels in words, time horizons, the tolerance threshold),
the default questionnaire, and the standard HA technique catalogue the analysis draws
remedies from. A copy takes the same settings, as edited, from a plan the creator is a
member of, plus its analysis settings. Nothing people answered or recorded is copied.
Everything set up here is an ordinary record of the new plan, changed like any other.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, NotRequired, TypedDict, Unpack

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import models, transaction

from analysis.models import AnalysisSettings
from analysis.services import SETTINGS_FIELDS
from bcp.history import change_context
from bcp.models import Membership, Plan
from bcp.services import plan_create
from bia import copying
from bia.models import ImpactCategory, ImpactSettings
from bia.services.questionnaires import template_create_default
from bia.services.scales import impact_scales_ensure
from inventory.services.techniques import technique_catalogue_copy, technique_catalogue_seed


class Start(models.TextChoices):
    DEFAULTS = "defaults", "The standard starting point"
    COPY = "copy", "A copy of another plan's settings"
    EMPTY = "empty", "Nothing: I will set everything up myself"


@dataclass(frozen=True)
class StartingPoint:
    """How to set up a new plan; ``source`` is the plan to copy from, for ``Start.COPY`` only."""

    kind: Start
    source: Plan | None = None

    def __post_init__(self) -> None:
        if (self.kind == Start.COPY) != (self.source is not None):
            raise ValueError("A plan to copy from goes with Start.COPY, and only with it.")


@dataclass(frozen=True)
class SetUp:
    """What the new plan was given, counted from what was written."""

    categories: int = 0
    horizons: int = 0
    questionnaires: int = 0
    techniques: int = 0
    analysis_settings: bool = False
    source: str = ""

    def summary(self) -> str:
        """The set-up in words, for the message after creating the plan."""
        parts = []
        if self.categories:
            parts.append(
                f"impact scales ({_count(self.categories, 'category', 'categories')} over "
                f"{_count(self.horizons, 'time horizon', 'time horizons')})"
            )
        if self.questionnaires:
            parts.append(
                "the default BIA questionnaire"
                if self.questionnaires == 1 and not self.source
                else _count(self.questionnaires, "BIA questionnaire", "BIA questionnaires")
            )
        if self.techniques:
            parts.append(_count(self.techniques, "HA technique", "HA techniques"))
        if self.analysis_settings:
            parts.append("the analysis settings")
        if not parts:
            return ""
        listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        origin = f"copied from “{self.source}”" if self.source else "from the standard set"
        return f"It has {listed}, {origin}; change any of them at any time."


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def copy_sources(user: Any) -> models.QuerySet[Plan]:
    """Plans whose settings ``user`` may copy: every plan they are a member of."""
    member_of = Membership.objects.filter(user_id=getattr(user, "pk", None) or 0)
    return Plan.objects.filter(pk__in=member_of.values("plan_id")).order_by("status", "name", "pk")


class PlanFields(TypedDict):
    """What :func:`bcp.services.plan_create` takes besides the user, as the new-plan form
    gives it: a name and organisation, the rest optional."""

    name: str
    organisation: str
    scope: NotRequired[str]
    classification: NotRequired[str]
    review_interval_months: NotRequired[int]
    next_review: NotRequired[datetime.date | None]
    reason: NotRequired[str]
    ticket: NotRequired[str]


@transaction.atomic
def plan_create_started(
    *, user: User, start: StartingPoint, **fields: Unpack[PlanFields]
) -> tuple[Plan, SetUp]:
    """Create a plan (see :func:`bcp.services.plan_create`) and set it up in the same step."""

    plan = plan_create(user=user, **fields)
    return plan, plan_start(plan=plan, user=user, start=start)


@transaction.atomic
def plan_start(*, plan: Plan, user: User, start: StartingPoint) -> SetUp:
    """Set up the new ``plan`` as ``start`` says and report what it was given."""
    if start.kind == Start.EMPTY:
        return SetUp()
    if start.kind == Start.DEFAULTS:
        return _defaults(plan=plan, user=user)
    assert start.source is not None  # guaranteed by StartingPoint
    return _copy(source=start.source, plan=plan, user=user)


def _defaults(*, plan: Plan, user: User) -> SetUp:

    impact_settings = impact_scales_ensure(plan=plan, user=user)
    template_create_default(plan=plan, user=user)
    techniques = technique_catalogue_seed(
        plan=plan, user=user, reason="Standard HA techniques added with the new plan"
    )
    return SetUp(
        categories=ImpactCategory.objects.filter(plan=plan).count(),
        horizons=len(impact_settings.horizons_hours),
        questionnaires=1,
        techniques=techniques,
    )


def _copy(*, source: Plan, plan: Plan, user: User) -> SetUp:

    if not copy_sources(user).filter(pk=source.pk).exists():
        raise ValidationError({"copy_from": "You can copy only from a plan you are a member of."})
    if source.pk == plan.pk:
        raise ValidationError({"copy_from": "A plan cannot copy its own settings."})
    categories = copying.impact_scales_copy(source=source, target=plan, user=user)
    questionnaires = copying.questionnaires_copy(source=source, target=plan, user=user)
    techniques = technique_catalogue_copy(source=source, target=plan, user=user)
    analysis = AnalysisSettings.objects.filter(plan=source).first()
    if analysis is not None:
        with change_context(user=user, reason=f"Analysis settings copied from “{source.name}”"):
            AnalysisSettings.objects.create(
                plan=plan, **{name: getattr(analysis, name) for name in SETTINGS_FIELDS}
            )
    impact_settings = ImpactSettings.objects.filter(plan=plan).first()
    return SetUp(
        categories=categories,
        horizons=len(impact_settings.horizons_hours) if impact_settings else 0,
        questionnaires=questionnaires,
        techniques=techniques,
        analysis_settings=analysis is not None,
        source=source.name,
    )
