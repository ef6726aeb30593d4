from __future__ import annotations

import pytest

from bia.models import BusinessFunction
from inventory import demo, people_services
from inventory.diagrams import (
    function_diagram_svg,
    function_dot,
    sanitise_svg,
    site_diagram_svg,
)
from inventory.dot import escape
from inventory.models import Site
from tests.conftest import PlanPeople
from tests.inventory.factories import ComponentFactory, DependencyFactory, FunctionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_printing(people: PlanPeople) -> BusinessFunction:
    """Head office printing, with the demo inventory loaded around it."""
    function = FunctionFactory.create(plan=people.plan, name="Printing at head office")
    demo.load(people.plan, {"manager": people.manager})
    return function


def test_a_function_without_dependencies_has_no_diagram(people: PlanPeople) -> None:
    function = FunctionFactory.create(plan=people.plan)
    assert function_diagram_svg(function) is None


def test_demo_function_diagram_marks_the_san_and_draws_groups_as_clusters(
    demo_printing: BusinessFunction,
) -> None:
    svg = function_diagram_svg(demo_printing)
    assert svg is not None and svg.startswith("<svg")
    assert "SPOF · Head office SAN" in svg
    assert "cluster_group_" in svg and "Application server pair" in svg
    assert "<script" not in svg


def test_site_diagram_shows_what_fails_with_it(
    people: PlanPeople, demo_printing: BusinessFunction
) -> None:
    svg = site_diagram_svg(Site.objects.get(plan=people.plan, name="Rack A1"))
    assert svg is not None
    assert "Lost with Rack A1" in svg and "Printing at head office" in svg


def test_labels_are_escaped_in_dot_and_svg(people: PlanPeople) -> None:
    function = FunctionFactory.create(plan=people.plan, name='Print "A" <b>\\N</b>')
    server = ComponentFactory.create(plan=people.plan, name="<script>alert(1)</script>")
    DependencyFactory.create(plan=people.plan, function=function, component=server)
    dot = function_dot(function)
    assert dot is not None and '\\"A\\"' in dot and "\\\\N" in dot
    svg = function_diagram_svg(function)
    assert svg is not None
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_escape_leaves_no_raw_quote_or_newline() -> None:
    assert escape('a"b\nc\\') == 'a\\"b\\nc\\\\'


def test_sanitiser_drops_scripts_handlers_and_foreign_links() -> None:
    raw = (
        '<?xml version="1.0"?><!-- c --><svg width="1"><script>x()</script>'
        '<g onclick="x()"><a xlink:href="https://evil.example/">t</a></g></svg>'
    )
    clean = sanitise_svg(raw, name="Test diagram")
    assert clean.startswith('<svg role="img" aria-label="Test diagram"')
    assert "script" not in clean and "onclick" not in clean and "evil" not in clean


def test_a_diagram_is_named_for_assistive_technology(people: PlanPeople) -> None:
    function = FunctionFactory.create(plan=people.plan, name="Payroll & pensions")
    server = ComponentFactory.create(plan=people.plan, name="Payroll app")
    DependencyFactory.create(plan=people.plan, function=function, component=server)
    svg = function_diagram_svg(function)
    assert svg is not None
    assert svg.startswith(
        '<svg role="img" aria-label="Dependency diagram of Payroll &amp; pensions"'
    )


def test_demo_diagram_draws_the_print_administrator_with_a_deputy_and_the_supplier(
    demo_printing: BusinessFunction,
) -> None:
    dot = function_dot(demo_printing)
    assert dot is not None
    assert "Priya Shah or a deputy" in dot and "stands in after 2 h handover" in dot
    assert 'label="Tom Baker\\nService desk lead' in dot
    assert 'shape="ellipse"' in dot and 'shape="folder"' in dot
    assert "SPOF · PrintCare Ltd\\nsupplier · contract MPS-2024-017" in dot
    assert "SPOF · Priya Shah" not in dot
    svg = function_diagram_svg(demo_printing)
    assert svg is not None and "PrintCare Ltd" in svg


def _dot_of_a_function_needing_ann(people: PlanPeople, needed_to: str | None = None) -> str:
    """The diagram source of a new function that needs Ann (a DBA, no deputy) ``needed_to``
    operate or (by default) recover it."""
    function = FunctionFactory.create(plan=people.plan)
    person = people_services.person_create(
        plan=people.plan, user=people.manager, values={"name": "Ann", "role": "DBA"}
    )
    people_services.person_dependency_create(
        function=function, person=person, user=people.manager, needed_to=needed_to
    )
    dot = function_dot(function)
    assert dot is not None
    return dot


def test_a_person_without_a_deputy_is_drawn_as_a_single_point_of_failure(
    people: PlanPeople,
) -> None:
    dot = _dot_of_a_function_needing_ann(people, "operate")
    assert 'label="SPOF · Ann\\nDBA\\nperson · away 30 d a year"' in dot


def test_a_person_needed_to_recover_without_a_deputy_is_drawn_as_a_spof_for_recovery(
    people: PlanPeople,
) -> None:
    dot = _dot_of_a_function_needing_ann(people)
    assert 'label="SPOF for recovery · Ann\\nDBA\\nperson · away 30 d a year"' in dot
    assert 'label="to recover"' in dot and 'style="dotted"' in dot
