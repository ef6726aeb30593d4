"""Writes to a plan's sites (failure domains, nested inside each other)."""

from __future__ import annotations

from typing import Unpack

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError

from bcp.models import Plan
from inventory.fields import SITE_FIELDS
from inventory.models import Site
from inventory.services.common import (
    RecordValues,
    Why,
    add_record,
    changing,
    current_values,
    edit_save,
    editable_values,
    inputs_changed,
    strip_name,
    text,
)
from inventory.validation import site_value_errors


def _containment_error(site: Site, parent: Site) -> str | None:
    """Why ``site`` cannot sit inside ``parent`` (it would contain itself), or None."""
    chain = [site.name]
    current: Site | None = parent
    while current is not None:
        chain.append(current.name)
        if current.pk == site.pk:
            return "Sites cannot contain each other: " + " → ".join(chain)
        current = current.parent
    return None


def _check_site(plan: Plan, values: RecordValues, site: Site | None) -> None:
    errors = site_value_errors(values)
    name = text(values, "name")
    if not name:
        errors["name"] = "Give the site a name."
    elif Site.objects.filter(plan=plan, name=name).exclude(pk=site.pk if site else 0).exists():
        errors["name"] = f"A site named “{name}” already exists in this plan."
    parent = values.get("parent")
    if isinstance(parent, Site):
        if parent.plan_id != plan.pk:
            errors["parent"] = "That site belongs to another plan."
        elif site is not None:
            message = _containment_error(site, parent)
            if message:
                errors["parent"] = message
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def site_create(*, plan: Plan, user: User, values: RecordValues, **why: Unpack[Why]) -> Site:
    clean = editable_values(values, SITE_FIELDS)
    clean["name"] = text(clean, "name")
    _check_site(plan, clean, None)
    return add_record(Site, plan, clean, user, why, otherwise="Site added")


@transaction.atomic
def site_update(
    *,
    site: Site,
    user: User,
    expected_version: int | None,
    values: RecordValues,
    **why: Unpack[Why],
) -> Site:
    clean = editable_values(values, SITE_FIELDS)
    strip_name(clean)
    _check_site(site.plan, {**current_values(site, SITE_FIELDS), **clean}, site)
    updated = edit_save(site, clean, expected_version, user, why)
    inputs_changed(updated.plan, user)
    return updated


@transaction.atomic
def site_delete(*, site: Site, user: User, **why: Unpack[Why]) -> None:
    try:
        with changing(user, why, "Site removed"):
            site.delete()
        inputs_changed(site.plan, user)
    except ProtectedError as exc:
        names = sorted(str(obj) for obj in exc.protected_objects)[:5]
        raise ValidationError(
            f"“{site}” still holds {', '.join(names)}; move or remove them first."
        ) from None
