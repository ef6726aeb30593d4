"""Every list of a new plan says what belongs in it and links to adding the first one."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from tests.conftest import PlanPeople, client_for

pytestmark = pytest.mark.django_db

# (list page, where its first record is added, words the empty state says)
EMPTY_LISTS = [
    ("bia_function_list", "bia_function_create", "No business functions yet."),
    ("bia_campaign_list", "bia_campaign_create", "No campaigns yet: a campaign emails"),
    ("bia_workshop_list", "bia_workshop_create", "No workshops yet: in a workshop"),
    ("inventory_component_list", "inventory_component_create", "No components yet:"),
    ("inventory_site_list", "inventory_site_create", "No sites yet: the buildings"),
    ("inventory_group_list", "inventory_group_create", "No redundancy groups yet:"),
    ("analysis_incidents", "analysis_incident_add", "Nothing recorded: outages"),
    ("procedure_list", "procedure_create", "No procedures yet: the recovery steps"),
    ("contact_list", "contact_create", "No contacts yet: the people"),
    ("vendor_list", "vendor_create", "No vendors yet: the suppliers"),
    ("exercise_list", "exercise_create", "No exercises yet: rehearsing"),
    ("incident_list", "incident_declare", "Nothing declared yet. When a service fails"),
]


def _list_and_add_link(user: User, people: PlanPeople, page: str, add: str) -> tuple[str, str]:
    """The list page as ``user`` sees it, and the start of a link to adding its first record."""
    kwargs = {"plan_pk": people.plan.pk}
    body = client_for(user).get(reverse(page, kwargs=kwargs)).content.decode()
    return body, f'href="{reverse(add, kwargs=kwargs)}'


@pytest.mark.parametrize(("page", "add", "words"), EMPTY_LISTS)
def test_an_empty_list_says_what_belongs_in_it_and_links_to_adding_one(
    people: PlanPeople, page: str, add: str, words: str
) -> None:
    body, link = _list_and_add_link(people.manager, people, page, add)
    assert words in body
    empty_state = body[body.index(words) :].split("</", 1)[0]
    assert link in empty_state


@pytest.mark.parametrize(("page", "add", "words"), EMPTY_LISTS)
def test_an_auditor_reads_the_empty_state_without_a_link_to_add(
    people: PlanPeople, page: str, add: str, words: str
) -> None:
    body, link = _list_and_add_link(people.auditor, people, page, add)
    assert words in body
    assert link not in body
