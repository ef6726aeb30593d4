"""Forms, services, the API and the import/export columns read one field list per model."""

from __future__ import annotations

import pytest

from inventory import fields
from inventory.api_serializers import (
    RECORD_FIELDS,
    ComponentSerializer,
    GroupSerializer,
    SiteSerializer,
)
from inventory.exchange.document import export_document
from inventory.exchange.fields import SECTIONS
from inventory.exchange.state import NEW_DEFAULTS
from inventory.forms import ComponentForm, GroupForm, SiteForm, TechniqueForm
from inventory.techniques import default_techniques
from tests.factories import PlanFactory
from tests.inventory.factories import (
    ComponentFactory,
    GroupFactory,
    GroupMemberFactory,
    SiteFactory,
    TechniqueFactory,
)


def test_forms_edit_the_declared_fields_of_each_model() -> None:
    assert list(SiteForm.Meta.fields) == list(fields.SITE_FIELDS)
    assert list(ComponentForm.Meta.fields) == list(fields.COMPONENT_FORM_FIELDS)
    assert list(GroupForm.Meta.fields) == list(fields.GROUP_FIELDS)
    assert list(TechniqueForm.Meta.fields) == list(fields.TECHNIQUE_FIELDS)


def test_component_form_leaves_out_only_the_technique_applied_on_its_own_form() -> None:
    assert set(fields.COMPONENT_FIELDS) - set(fields.COMPONENT_FORM_FIELDS) == {"technique"}


def test_export_columns_are_the_declared_fields_and_the_links() -> None:
    declared = {
        "sites": fields.SITE_COLUMNS,
        "components": fields.COMPONENT_COLUMNS,
        "groups": fields.GROUP_COLUMNS,
        "techniques": fields.TECHNIQUE_COLUMNS,
    }
    for section, names in declared.items():
        assert tuple(column.name for column in SECTIONS[section]) == names
    assert set(fields.COMPONENT_COLUMNS) - set(fields.COMPONENT_FIELDS) == {"runs_on"}
    assert set(fields.GROUP_COLUMNS) - set(fields.GROUP_FIELDS) == {"members"}


def test_api_records_carry_the_declared_columns() -> None:
    assert SiteSerializer.Meta.fields == [*RECORD_FIELDS, *fields.SITE_COLUMNS]
    assert ComponentSerializer.Meta.fields == [*RECORD_FIELDS, *fields.COMPONENT_API_COLUMNS]
    assert GroupSerializer.Meta.fields == [*RECORD_FIELDS, *fields.GROUP_COLUMNS]


@pytest.mark.django_db
def test_inventory_as_code_rows_have_exactly_the_columns_in_their_order() -> None:
    plan = PlanFactory.create()
    site = SiteFactory.create(plan=plan)
    component = ComponentFactory.create(plan=plan, site=site)
    GroupMemberFactory.create(group=GroupFactory.create(plan=plan), component=component)
    TechniqueFactory.create(plan=plan)
    document = export_document(plan)
    for section in ("sites", "components", "groups", "techniques"):
        names = tuple(column.name for column in SECTIONS[section])
        assert document[section], section
        assert all(tuple(row) == names for row in document[section]), section


def test_import_fills_every_column_but_the_name_a_new_record_leaves_out() -> None:
    for section in ("sites", "components", "groups", "techniques"):
        names = tuple(column.name for column in SECTIONS[section])
        assert tuple(NEW_DEFAULTS[section]) == names[1:], section


def test_seeded_techniques_carry_the_declared_fields() -> None:
    assert all(tuple(row) == fields.TECHNIQUE_FIELDS for row in default_techniques())
