"""Writes of BIA workshops: the workshop screen autosave and its action items.

Each write runs inside ``change_context`` so history names who and why.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from bcp.concurrency import EditConflict, save_if_current
from bcp.history import change_context
from bcp.models import Plan
from bia.models import (
    ActionItem,
    Assessment,
    BusinessFunction,
    QuestionnaireTemplate,
    Workshop,
    WorkshopFunction,
)
from bia.services.assessments import assessment_start_next
from bia.services.common import check_text, record_edit
from bia.services.scales import impact_scales_ensure

WORKSHOP_AUTOSAVE_FIELDS = ("attendees", "notes", "decisions")


@transaction.atomic
def workshop_create(
    *,
    plan: Plan,
    user: User,
    title: str,
    held_on: datetime.date,
    functions: Iterable[BusinessFunction],
    attendees: str = "",
    reason: str = "",
) -> Workshop:
    """Create a workshop; functions without an open BIA get one to fill in during it."""
    chosen = list(functions)
    if not chosen:
        raise ValidationError({"functions": "Choose at least one function to workshop."})
    template = (
        QuestionnaireTemplate.objects.filter(plan=plan, is_latest=True).order_by("pk").first()
    )
    if template is None:
        raise ValidationError("Create a questionnaire before running a workshop.")
    impact_scales_ensure(plan=plan, user=user)
    with change_context(user=user, reason=reason or f"Workshop “{title}” planned"):
        workshop = Workshop.objects.create(
            plan=plan, title=title.strip(), held_on=held_on, facilitator=user, attendees=attendees
        )
        for function in chosen:
            WorkshopFunction.objects.create(workshop=workshop, function=function)
            if not Assessment.objects.filter(function=function, is_current=True).exists():
                assessment_start_next(
                    function=function, template=template, campaign=None, due_date=None
                )
    return workshop


@transaction.atomic
def workshop_update_field(
    *,
    workshop: Workshop,
    user: User,
    field: str,
    value: str,
    expected_version: int | None,
    original: str | None,
) -> Workshop:
    """Autosave one text field of the workshop screen.

    The version guards the whole record, but two people typing in *different* fields
    should not collide: when the version moved on and this field still holds the text
    the user started from, the other change touched another field and we save.
    """
    if field not in WORKSHOP_AUTOSAVE_FIELDS:
        raise ValueError(f"Not an autosaved field: {field}")
    check_text(value, field=field)
    current = Workshop.objects.select_for_update().get(pk=workshop.pk)
    if (
        expected_version is not None
        and expected_version != current.version
        and original is not None
        and getattr(current, field) == original
    ):
        expected_version = current.version
    if getattr(current, field) == value:
        return current
    with change_context(user=user, reason=f"Workshop {field} edited"):
        try:
            updated = save_if_current(
                current, expected_version=expected_version, changes={field: value}
            )
        except EditConflict as exc:
            # Name whoever wrote this field, not whoever last touched another one.
            stored = exc.instance
            assert isinstance(stored, Workshop)
            who, when = _who_set(stored, field)
            raise EditConflict(
                instance=exc.instance,
                changed_by=who,
                changed_at=when,
                differences=exc.differences,
                current_version=exc.current_version,
            ) from None
    assert isinstance(updated, Workshop)
    return updated


def _who_set(instance: Workshop, field: str) -> tuple[str, datetime.datetime | None]:
    """The user and time of the change that gave ``field`` its current value."""
    current = getattr(instance, field)
    setter = None
    for record in instance.history.select_related("history_user").order_by("-history_id")[:50]:
        if getattr(record, field) != current:
            break
        setter = record
    if setter is None:
        return "another user", None
    person = setter.history_user
    name = (person.get_full_name() or person.get_username()) if person else "the system"
    return name, setter.history_date


@transaction.atomic
def action_add(
    *,
    workshop: Workshop,
    user: User,
    text: str,
    owner: User | None = None,
    due_date: datetime.date | None = None,
) -> ActionItem:
    if not text.strip():
        raise ValidationError({"text": "Say what needs to be done."})
    with change_context(user=user, reason="Workshop action recorded"):
        action = ActionItem.objects.create(
            workshop=workshop, text=text.strip(), owner=owner, due_date=due_date
        )
    return action


@transaction.atomic
def action_set_done(
    *, action: ActionItem, user: User, done: bool, expected_version: int | None
) -> ActionItem:
    return record_edit(
        action,
        user=user,
        expected_version=expected_version,
        changes={"done": done},
        reason="Action " + ("done" if done else "reopened"),
    )
