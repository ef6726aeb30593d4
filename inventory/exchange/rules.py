"""Checks of an import that only the inventory knows: kinds, names, units and references
to what the engine does not model (HA techniques, business functions).

References between sites, components and groups, k-of-n and cycles are the engine's
(:mod:`analysis.engine.validation`, called from :mod:`inventory.exchange.structure`); values
and units are :mod:`inventory.validation`'s, shared with the forms, so a bad value reads
the same wherever it is typed. Each check is one pass over the records.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.db import models

from inventory.exchange import fields
from inventory.models import Component, Dependency, RedundancyGroup, Site, Technique
from inventory.people_models import Person, Role, Supplier
from inventory.people_services import person_value_errors, supplier_value_errors
from inventory.role_services import role_value_errors
from inventory.validation import component_value_errors, group_value_errors, site_value_errors

Report = Callable[[str, str], None]  # column, message

_MODELS: dict[str, type[models.Model]] = {
    "sites": Site,
    "techniques": Technique,
    "components": Component,
    "groups": RedundancyGroup,
    "dependencies": Dependency,
    "people": Person,
    "roles": Role,
    "suppliers": Supplier,
}


def _text_limits(model: type[models.Model]) -> dict[str, int]:
    return {
        field.name: field.max_length
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField) and field.max_length and not field.choices
    }


TEXT_LIMITS: dict[str, dict[str, int]] = {
    section: _text_limits(model) for section, model in _MODELS.items()
}


def check_lengths(section: str, given: Mapping[str, Any], report: Report) -> None:
    """Texts longer than the column holds (PostgreSQL would refuse the whole import)."""
    for column, limit in TEXT_LIMITS[section].items():
        value = given.get(column)
        if isinstance(value, str) and len(value) > limit:
            report(column, f"is {len(value):,} characters long; at most {limit} fit")


def check_site(values: Mapping[str, Any], report: Report) -> None:
    if values["kind"] is None:
        report("kind", "is required for a new site")
    for column, message in site_value_errors(values).items():
        if column != "kind":
            report(column, message)


def check_technique(values: Mapping[str, Any], report: Report) -> None:
    if not values["name"]:
        report("name", "is required")


def check_component(
    values: Mapping[str, Any], techniques: Mapping[str, Any], report: Report
) -> None:
    if values["kind"] is None:
        report("kind", "is required for a new component")
    for column, message in component_value_errors(values).items():
        if column != "kind":
            report(column, message)
    _technique(values, techniques, report)


def check_group(values: Mapping[str, Any], techniques: Mapping[str, Any], report: Report) -> None:
    if values["mode"] is None:
        report("mode", "is required for a new group")
    # k against the members is the engine's check (k-of-n), like every structural one.
    errors = group_value_errors(values, len(values["members"]))
    if "failover_seconds" in errors:
        report("failover_seconds", errors["failover_seconds"])
    _technique(values, techniques, report)


def check_dependency(function: str, functions: set[str], report: Report) -> None:
    if function not in functions:
        report("function", f"no business function named “{function}” in this plan")


def _technique(values: Mapping[str, Any], techniques: Mapping[str, Any], report: Report) -> None:
    key = values["technique"]
    if key and key not in techniques:
        report("technique", f"no HA technique named “{key}” in the plan or the file")


def check_person(values: Mapping[str, Any], report: Report) -> None:
    for column, message in person_value_errors(values).items():
        report(column, message)


def check_role(values: Mapping[str, Any], people: set[str], report: Report) -> None:
    """A role's holders are people of the plan or the file, each once, and enough of them."""
    holders = list(values.get("holders") or [])
    unknown = [name for name in holders if name not in people]
    if unknown:
        report(
            "holders",
            "no person named " + ", ".join(f"“{n}”" for n in unknown) + " in the plan or the file",
        )
    if len(set(holders)) != len(holders):
        report("holders", "each holder can be named once")
    for column, message in role_value_errors(values, len(set(holders))).items():
        report(column, message)


def check_supplier(values: Mapping[str, Any], report: Report) -> None:
    for column, message in supplier_value_errors(values).items():
        report(column, message)


NEED_COLUMNS = tuple(column.name for column in fields.NEED_COLUMNS)


def check_needed_by(values: Mapping[str, Any], functions: set[str], report: Report) -> None:
    """Functions named in ``needed_by`` / ``needed_when_degraded`` / ``needed_to_recover``
    must exist in the plan, and each function is named in one of them only."""
    for column in NEED_COLUMNS:
        unknown = [name for name in values.get(column) or [] if name not in functions]
        if unknown:
            report(
                column,
                "no business function named "
                + ", ".join(f"“{name}”" for name in unknown)
                + " in the plan",
            )
    for index, column in enumerate(NEED_COLUMNS):
        for earlier in NEED_COLUMNS[:index]:
            both = set(values.get(earlier) or []) & set(values.get(column) or [])
            if both:
                report(
                    column,
                    ", ".join(f"“{name}”" for name in sorted(both)) + f" is also in {earlier}",
                )
