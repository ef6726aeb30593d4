"""Saved scenarios: named sets of failed elements to declare or exercise again."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from bcp.history import change_context
from bcp.models import Plan
from incidents.models import Scenario, ScenarioElement
from inventory.graph import component_key, group_key, site_key
from inventory.models import Component, RedundancyGroup, Site

# The element a scenario key names, by the key's prefix (``site:3``, ``component:7``).
ELEMENT_MODELS: dict[str, type[Site] | type[Component] | type[RedundancyGroup]] = {
    "site": Site,
    "component": Component,
    "group": RedundancyGroup,
}


def scenario_keys(scenario: Scenario) -> list[str]:
    keys = []
    for element in scenario.elements.all().order_by("pk"):
        if element.site_id:
            keys.append(site_key(element.site_id))
        elif element.component_id:
            keys.append(component_key(element.component_id))
        elif element.group_id:
            keys.append(group_key(element.group_id))
    return keys


@transaction.atomic
def scenario_create(
    *, plan: Plan, user: User, name: str, description: str, failed_keys: Iterable[str]
) -> Scenario:
    keys = list(dict.fromkeys(failed_keys))
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "Name the scenario."
    elif Scenario.objects.filter(plan=plan, name=name.strip()).exists():
        errors["name"] = "A scenario with this name exists already."
    if not keys:
        errors["failed"] = "Choose at least one site, component or group that fails."
    if errors:
        raise ValidationError(errors)
    targets: list[tuple[str, Site | Component | RedundancyGroup]] = []
    for key in keys:
        kind, _, pk = key.partition(":")
        model = ELEMENT_MODELS.get(kind)
        target = model.objects.filter(plan=plan, pk=pk).first() if model and pk.isdigit() else None
        if target is None:
            raise ValidationError({"failed": f"{key} is not an element of this plan."})
        targets.append((kind, target))
    with change_context(user=user, reason="Scenario saved"):
        scenario = Scenario.objects.create(
            plan=plan, name=name.strip()[:200], description=description.strip()
        )
        for kind, target in targets:
            ScenarioElement.objects.create(scenario=scenario, **{kind: target})
    return scenario


@transaction.atomic
def scenario_delete(*, scenario: Scenario, user: User) -> None:
    with change_context(user=user, reason="Scenario removed"):
        for element in scenario.elements.all():
            element.delete()
        scenario.delete()
