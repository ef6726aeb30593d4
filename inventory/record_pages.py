"""The create, edit and delete pages of each kind of inventory record, as
:class:`bcp.record_views.RecordPages` specs; ``inventory/urls.py`` serves them."""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Generic, TypedDict, TypeVar

from django import forms
from django.contrib.auth.models import User
from django.db import models

from bcp.record_views import RecordPages, model_values
from inventory import people_services, role_services
from inventory.forms import ComponentForm, GroupForm, SiteForm, TechniqueForm
from inventory.models import Component, RedundancyGroup, Site, Technique
from inventory.people_forms import PersonForm, RoleForm, SupplierForm
from inventory.people_models import Person, Role, Supplier
from inventory.services import components, groups, sites, techniques

FORM = "inventory/form.html"
PEOPLE = "inventory_people"


R = TypeVar("R", bound=models.Model)


class _Conventions(TypedDict, Generic[R]):
    model: type[R]
    form: Callable[..., forms.BaseForm]
    key: str
    noun: str
    list_url: str
    url_name: str
    template: str


def _conventions(
    model: type[R],
    form: Callable[..., forms.BaseForm],
    key: str,
    *,
    list_url: str = "",
) -> _Conventions[R]:
    """The spec's fields that follow from the record's ``key``: the noun is the key, the
    URLs are named ``inventory_<key>_…`` and the list ``inventory_<key>_list`` (or
    ``list_url``). The record's create, update and delete services are named where each
    spec is declared, so a missing one fails on import and mypy sees each one's return type."""
    return {
        "model": model,
        "form": form,
        "key": key,
        "noun": key,
        "list_url": list_url or f"inventory_{key}_list",
        "url_name": f"inventory_{key}",
        "template": FORM,
    }


def _technique_delete(*, technique: Technique, user: User, reason: str, ticket: str) -> None:
    # The catalogue's delete records no ticket; the page never passed it on.
    techniques.technique_delete(technique=technique, user=user, reason=reason)


SITES = RecordPages(
    **_conventions(Site, SiteForm, "site"),
    create=sites.site_create,
    update=sites.site_update,
    delete=sites.site_delete,
    added="Site “{name}” added.",
    removed="Site “{name}” removed.",
)
COMPONENTS = RecordPages(
    **_conventions(Component, ComponentForm, "component"),
    create=components.component_create,
    update=components.component_update,
    delete=components.component_delete,
    changes=model_values("runs_on"),
    added="Component “{name}” added.",
    removed="Component “{name}” removed.",
    delete_warning="Its links (runs on, group memberships, function dependencies) go with it.",
)
GROUPS = RecordPages(
    **_conventions(RedundancyGroup, GroupForm, "group"),
    create=groups.group_create,
    update=groups.group_update,
    delete=groups.group_delete,
    changes=model_values("members"),
    new_title="New redundancy group",
    added="Group “{name}” added.",
    removed="Group “{name}” removed; its members stay.",
)
TECHNIQUES = RecordPages(
    **_conventions(Technique, TechniqueForm, "technique"),
    create=techniques.technique_create,
    update=techniques.technique_update,
    delete=_technique_delete,
    # Techniques have no page of their own: their pages come back to the catalogue.
    home=None,
    new_title="New HA technique",
    added="Technique added.",
    removed="Technique removed.",
)
# People, roles and suppliers are called by their bare name (their ``str`` adds more).
PEOPLE_PAGES = RecordPages(
    **_conventions(Person, PersonForm, "person", list_url=PEOPLE),
    create=people_services.person_create,
    update=people_services.person_update,
    delete=people_services.person_delete,
    changes=model_values("deputies"),
    name=attrgetter("name"),
    new_title="New key person",
)
ROLES = RecordPages(
    **_conventions(Role, RoleForm, "role", list_url=PEOPLE),
    create=role_services.role_create,
    update=role_services.role_update,
    delete=role_services.role_delete,
    changes=model_values("holders"),
    name=attrgetter("name"),
)
SUPPLIERS = RecordPages(
    **_conventions(Supplier, SupplierForm, "supplier", list_url=PEOPLE),
    create=people_services.supplier_create,
    update=people_services.supplier_update,
    delete=people_services.supplier_delete,
    name=attrgetter("name"),
)
