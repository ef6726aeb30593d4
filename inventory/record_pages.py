"""The create, edit and delete pages of each kind of inventory record, as
:class:`bcp.record_views.RecordPages` specs; ``inventory/urls.py`` serves them."""

from __future__ import annotations

from operator import attrgetter

from django.contrib.auth.models import User

from bcp.record_views import RecordPages, model_values
from inventory import people_services, role_services
from inventory.forms import ComponentForm, GroupForm, SiteForm, TechniqueForm
from inventory.models import Component, RedundancyGroup, Site, Technique
from inventory.people_forms import PersonForm, RoleForm, SupplierForm
from inventory.people_models import Person, Role, Supplier
from inventory.services import components, groups, sites, techniques

FORM = "inventory/form.html"
PEOPLE = "inventory_people"


def _technique_delete(*, technique: Technique, user: User, reason: str, ticket: str) -> None:
    # The catalogue's delete records no ticket; the page never passed it on.
    techniques.technique_delete(technique=technique, user=user, reason=reason)


SITES = RecordPages(
    model=Site,
    form=SiteForm,
    key="site",
    noun="site",
    create=sites.site_create,
    update=sites.site_update,
    delete=sites.site_delete,
    list_url="inventory_site_list",
    url_name="inventory_site",
    template=FORM,
    added="Site “{name}” added.",
    removed="Site “{name}” removed.",
)
COMPONENTS = RecordPages(
    model=Component,
    form=ComponentForm,
    key="component",
    noun="component",
    create=components.component_create,
    update=components.component_update,
    delete=components.component_delete,
    list_url="inventory_component_list",
    url_name="inventory_component",
    template=FORM,
    changes=model_values("runs_on"),
    added="Component “{name}” added.",
    removed="Component “{name}” removed.",
    delete_warning="Its links (runs on, group memberships, function dependencies) go with it.",
)
GROUPS = RecordPages(
    model=RedundancyGroup,
    form=GroupForm,
    key="group",
    noun="group",
    create=groups.group_create,
    update=groups.group_update,
    delete=groups.group_delete,
    list_url="inventory_group_list",
    url_name="inventory_group",
    template=FORM,
    changes=model_values("members"),
    new_title="New redundancy group",
    added="Group “{name}” added.",
    removed="Group “{name}” removed; its members stay.",
)
TECHNIQUES = RecordPages(
    model=Technique,
    form=TechniqueForm,
    key="technique",
    noun="technique",
    create=techniques.technique_create,
    update=techniques.technique_update,
    delete=_technique_delete,
    list_url="inventory_technique_list",
    url_name="inventory_technique",
    template=FORM,
    # Techniques have no page of their own: their pages come back to the catalogue.
    home=None,
    new_title="New HA technique",
    added="Technique added.",
    removed="Technique removed.",
)
# People, roles and suppliers are called by their bare name (their ``str`` adds more).
PEOPLE_PAGES = RecordPages(
    model=Person,
    form=PersonForm,
    key="person",
    noun="person",
    create=people_services.person_create,
    update=people_services.person_update,
    delete=people_services.person_delete,
    list_url=PEOPLE,
    url_name="inventory_person",
    template=FORM,
    changes=model_values("deputies"),
    name=attrgetter("name"),
    new_title="New key person",
)
ROLES = RecordPages(
    model=Role,
    form=RoleForm,
    key="role",
    noun="role",
    create=role_services.role_create,
    update=role_services.role_update,
    delete=role_services.role_delete,
    list_url=PEOPLE,
    url_name="inventory_role",
    template=FORM,
    changes=model_values("holders"),
    name=attrgetter("name"),
)
SUPPLIERS = RecordPages(
    model=Supplier,
    form=SupplierForm,
    key="supplier",
    noun="supplier",
    create=people_services.supplier_create,
    update=people_services.supplier_update,
    delete=people_services.supplier_delete,
    list_url=PEOPLE,
    url_name="inventory_supplier",
    template=FORM,
    name=attrgetter("name"),
)
