"""Writes of questionnaire templates; every change is a new template revision.

Each write runs inside ``change_context`` so history names who and why.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypedDict

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from bcp.concurrency import save_if_current
from bcp.history import change_context
from bcp.models import Plan
from bia import defaults
from bia.models import (
    Question,
    QuestionnaireSection,
    QuestionnaireTemplate,
    QuestionRole,
    QuestionType,
)
from bia.services.common import check_text


class QuestionFields(TypedDict, total=False):
    """The fields of one question as the question form gives them to ``question_save``."""

    key: str
    text: str
    help: str
    qtype: str
    role: str
    required: bool
    choices: list[str]
    minimum: float | None
    maximum: float | None


@transaction.atomic
def template_create_default(
    *, plan: Plan, user: User, name: str = defaults.DEFAULT_TEMPLATE_NAME
) -> QuestionnaireTemplate:
    """Create revision 1 of the default BIA questionnaire for the plan."""
    check_text(name, field="name")
    with change_context(user=user, reason=f"Questionnaire “{name}” created from the default"):
        template = QuestionnaireTemplate.objects.create(
            plan=plan, name=name, description=defaults.DEFAULT_TEMPLATE_DESCRIPTION
        )
        for s_order, section_spec in enumerate(defaults.DEFAULT_SECTIONS):
            section = QuestionnaireSection.objects.create(
                template=template, title=section_spec.title, help=section_spec.help, order=s_order
            )
            for q_order, spec in enumerate(section_spec.questions):
                _question_copy(spec, section=section, order=q_order)
    return template


def _copy_template(template: QuestionnaireTemplate, note: str) -> QuestionnaireTemplate:
    new = QuestionnaireTemplate.objects.create(
        plan=template.plan,
        family=template.family,
        name=template.name,
        description=template.description,
        revision=template.revision + 1,
        previous=template,
        change_note=note[:300],
    )
    copy_sections(template, into=new)
    return new


def copy_sections(template: QuestionnaireTemplate, *, into: QuestionnaireTemplate) -> None:
    """Copy every section and question of ``template`` into the empty template ``into``."""
    sections = template.sections.prefetch_related("questions")
    for section in sections:
        copy = QuestionnaireSection.objects.create(
            template=into, title=section.title, help=section.help, order=section.order
        )
        for q in section.questions.all():
            _question_copy(q, section=copy, order=q.order)


# What a question copied into another revision keeps, beside its choices.
_QUESTION_FIELDS = ("key", "text", "help", "qtype", "role", "required", "minimum", "maximum")


def _question_copy(
    source: Question | defaults.QuestionSpec, *, section: QuestionnaireSection, order: int
) -> Question:
    """A question of ``section`` asking what ``source`` (a question or the default's spec) asks."""
    values = {name: getattr(source, name) for name in _QUESTION_FIELDS}
    return Question.objects.create(
        section=section, order=order, choices=list(source.choices), **values
    )


@transaction.atomic
def template_revise(
    *,
    template: QuestionnaireTemplate,
    user: User,
    expected_version: int | None,
    change: Callable[[QuestionnaireTemplate], None],
    note: str,
    reason: str = "",
) -> QuestionnaireTemplate:
    """Write the next revision of a template with ``change`` applied to it.

    The old revision is kept unchanged (answers point at it) except that it is no
    longer the latest; a revision that is not the latest cannot be revised again.
    """
    if not template.is_latest:
        latest = QuestionnaireTemplate.objects.filter(
            family=template.family, is_latest=True
        ).first()
        raise ValidationError(
            f"Revision {template.revision} is not the latest "
            f"(revision {latest.revision if latest else '?'} is); "
            "edit the latest revision."
        )
    with change_context(user=user, reason=reason or f"Questionnaire revised: {note}"):
        save_if_current(template, expected_version=expected_version, changes={"is_latest": False})
        new = _copy_template(template, note)
        change(new)
        _check_template(new)
    return new


def _check_template(template: QuestionnaireTemplate) -> None:
    questions = list(Question.objects.filter(section__template=template))
    keys = [q.key for q in questions]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise ValidationError({"key": f"Question keys must be unique: {', '.join(duplicates)}."})
    roles = [q.role for q in questions if q.role]
    repeated = sorted({r for r in roles if roles.count(r) > 1})
    if repeated:
        labels = ", ".join(str(QuestionRole(r).label) for r in repeated)
        raise ValidationError({"role": f"Only one question may have the meaning: {labels}."})
    for q in questions:
        if q.qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE) and len(q.choices) < 2:
            raise ValidationError({"choices": f"“{q.text}” needs at least two choices."})
        if q.role == QuestionRole.IMPACT_GRID and q.qtype != QuestionType.IMPACT_GRID:
            raise ValidationError({"role": "Only an impact grid can mean “Impact over time”."})


def _question(template: QuestionnaireTemplate, key: str) -> Question:
    """The question ``key`` of ``template``; refused when the questionnaire has none."""
    question = Question.objects.filter(section__template=template, key=key).first()
    if question is None:
        raise ValidationError(f"The questionnaire has no question “{key}”.")
    return question


def question_save(
    *,
    template: QuestionnaireTemplate,
    user: User,
    expected_version: int | None,
    key: str | None,
    section_order: int,
    fields: QuestionFields,
    reason: str = "",
) -> QuestionnaireTemplate:
    """Add a question (``key`` None) or change one; either way a new template revision."""

    def change(new: QuestionnaireTemplate) -> None:
        section = new.sections.filter(order=section_order).first()
        if section is None:
            raise ValidationError({"section": "Choose a section of this questionnaire."})
        if key is None:
            last = Question.objects.filter(section=section).order_by("-order").first()
            Question.objects.create(
                section=section, order=(last.order + 1 if last else 0), **fields
            )
            return
        question = _question(new, key)
        for name, value in fields.items():
            setattr(question, name, value)
        question.section = section
        question.version += 1
        question.save()

    note = f"question “{fields.get('key', key)}” " + ("added" if key is None else "changed")
    return template_revise(
        template=template,
        user=user,
        expected_version=expected_version,
        change=change,
        note=note,
        reason=reason,
    )


def question_remove(
    *, template: QuestionnaireTemplate, user: User, expected_version: int | None, key: str
) -> QuestionnaireTemplate:
    def change(new: QuestionnaireTemplate) -> None:
        _question(new, key).delete()

    return template_revise(
        template=template,
        user=user,
        expected_version=expected_version,
        change=change,
        note=f"question “{key}” removed",
    )


def section_add(
    *,
    template: QuestionnaireTemplate,
    user: User,
    expected_version: int | None,
    title: str,
    help: str = "",
) -> QuestionnaireTemplate:
    def change(new: QuestionnaireTemplate) -> None:
        last = new.sections.order_by("-order").first()
        QuestionnaireSection.objects.create(
            template=new, title=title.strip(), help=help, order=(last.order + 1) if last else 0
        )

    return template_revise(
        template=template,
        user=user,
        expected_version=expected_version,
        change=change,
        note=f"section “{title}” added",
    )
