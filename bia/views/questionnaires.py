"""Pages of questionnaire templates; every change saves a new revision."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from bcp.concurrency import EditConflict, parse_version
from bcp.editing import save_with
from bcp.http import PlanRequest
from bcp.permissions import Capability, plan_required
from bia.forms.questionnaires import QuestionForm, SectionForm
from bia.models import Question, QuestionnaireTemplate
from bia.services import questionnaires as questionnaire_services
from bia.views.common import bia_edit_page


@plan_required(Capability.VIEW)
def template_list(request: PlanRequest) -> HttpResponse:
    plan = request.plan
    templates = QuestionnaireTemplate.objects.filter(plan=plan).order_by("name", "-revision")
    return render(request, "bia/template_list.html", {"templates": templates})


@require_POST
@plan_required(Capability.EDIT)
def template_create(request: PlanRequest) -> HttpResponse:
    plan = request.plan
    name = (request.POST.get("name") or "").replace("\x00", "").strip()
    template = questionnaire_services.template_create_default(
        plan=plan, user=request.user, name=(name or "Business impact analysis")[:200]
    )
    messages.success(request, f"Questionnaire “{template.name}” created from the default.")
    return redirect("bia_template_detail", plan_pk=template.plan_id, template_pk=template.pk)


@plan_required(Capability.VIEW)
def template_detail(request: PlanRequest, template_pk: int) -> HttpResponse:
    template = _template_of(request, template_pk)
    sections = template.sections.prefetch_related("questions").order_by("order")
    revisions = QuestionnaireTemplate.objects.filter(family=template.family).order_by("-revision")
    return render(
        request,
        "bia/template_detail.html",
        {"template": template, "sections": sections, "revisions": revisions},
    )


def _template_of(request: PlanRequest, template_pk: int) -> QuestionnaireTemplate:
    return get_object_or_404(QuestionnaireTemplate, pk=template_pk, plan=request.plan)


def _template_change(
    request: PlanRequest, template: QuestionnaireTemplate, form: Any, call: Any, title: str
) -> HttpResponse:
    return bia_edit_page(
        request,
        form,
        title,
        save=call,
        saved_message=lambda new: f"Saved as revision {new.revision}.",
        success_url=lambda new: reverse(
            "bia_template_detail", kwargs={"plan_pk": template.plan_id, "template_pk": new.pk}
        ),
        conflict_hint="Reload the latest revision and apply your change again.",
        note="Saving creates a new revision.",
    )


def _question_save_page(
    request: PlanRequest,
    template: QuestionnaireTemplate,
    form: QuestionForm,
    key: str | None,
    title: str,
) -> HttpResponse:
    """Add a question (``key`` None) or change the one with ``key``, as a new revision."""

    def call(data: dict[str, Any]) -> QuestionnaireTemplate:
        return questionnaire_services.question_save(
            template=template,
            user=request.user,
            expected_version=data["version"],
            key=key,
            section_order=data["section"],
            fields=form.question_fields(),
            reason=data["reason"],
        )

    return _template_change(request, template, form, call, title)


@plan_required(Capability.EDIT)
def question_add(request: PlanRequest, template_pk: int) -> HttpResponse:
    template = _template_of(request, template_pk)
    form = QuestionForm(request.POST or None, template=template)
    return _question_save_page(request, template, form, None, f"New question in {template}")


@plan_required(Capability.EDIT)
def question_edit(request: PlanRequest, template_pk: int, key: str) -> HttpResponse:
    template = _template_of(request, template_pk)
    question = get_object_or_404(
        Question.objects.select_related("section"), section__template=template, key=key
    )
    initial = {
        "section": question.section.order,
        "key": question.key,
        "text": question.text,
        "help": question.help,
        "qtype": question.qtype,
        "role": question.role,
        "required": question.required,
        "choices": "\n".join(question.choices),
        "minimum": question.minimum,
        "maximum": question.maximum,
        "version": template.version,
    }
    form = QuestionForm(request.POST or None, template=template, initial=initial)
    return _question_save_page(request, template, form, key, f"Edit question in {template}")


@require_POST
@plan_required(Capability.EDIT)
def question_remove(request: PlanRequest, template_pk: int, key: str) -> HttpResponse:
    template = _template_of(request, template_pk)
    try:
        new = questionnaire_services.question_remove(
            template=template,
            user=request.user,
            expected_version=parse_version(request.POST.get("version")),
            key=key,
        )
    except (ValidationError, EditConflict) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect("bia_template_detail", plan_pk=template.plan_id, template_pk=template.pk)
    messages.success(request, f"Question removed; now revision {new.revision}.")
    return redirect("bia_template_detail", plan_pk=template.plan_id, template_pk=new.pk)


@plan_required(Capability.EDIT)
def section_add(request: PlanRequest, template_pk: int) -> HttpResponse:
    template = _template_of(request, template_pk)
    form = SectionForm(request.POST or None, template=template)

    fields = ("title", "help")
    call = save_with(
        request, questionnaire_services.section_add, fields, versioned=True, template=template
    )
    return _template_change(request, template, form, call, f"New section in {template}")
