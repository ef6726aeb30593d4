"""BIA pages: functions, impact scales, questionnaires, campaigns, answering, workshops.

Thin views: parse, call one service, render. Autosave endpoints answer htmx with a small
fragment: "saved", a field error (422) or a conflict with both values (409).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.versions import record_changes
from bcp.concurrency import EditConflict, parse_version
from bcp.editing import add_service_errors, edit_page, form_page
from bcp.http import PlanRequest
from bcp.models import Plan
from bcp.permissions import Capability, plan_required
from bia import selectors
from bia.durations import format_hours
from bia.exports import answers_dataset, export_bytes
from bia.forms import (
    ActionForm,
    CampaignForm,
    CategoryForm,
    DependencyForm,
    FunctionForm,
    ImpactSettingsForm,
    InterviewForm,
    QuestionForm,
    ReturnForm,
    SectionForm,
    WorkshopForm,
)
from bia.models import (
    ActionItem,
    Answer,
    Assessment,
    AssessmentState,
    BusinessFunction,
    Campaign,
    FunctionDependency,
    ImpactCategory,
    Interview,
    Question,
    QuestionnaireTemplate,
    QuestionType,
    Workshop,
)
from bia.services import answers as answer_services
from bia.services import assessments as assessment_services
from bia.services import campaigns as campaign_services
from bia.services import functions as function_services
from bia.services import interviews as interview_services
from bia.services import questionnaires as questionnaire_services
from bia.services import scales as scale_services
from bia.services import workshops as workshop_services

OWNER_ONLY = "Stakeholders see only the BIAs of the functions they own."


def _plan(request: PlanRequest) -> Plan:
    return request.plan


def _user(request: PlanRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # plan_required lets only signed-in people through
    return user


def _sees_all(request: PlanRequest) -> bool:
    capabilities = request.capabilities
    return Capability.EDIT in capabilities or Capability.AUDIT in capabilities


def _require_sees_all(request: PlanRequest) -> None:
    if not _sees_all(request):
        raise PermissionDenied(OWNER_ONLY)


def _check_owner(request: PlanRequest, function: BusinessFunction) -> None:
    if not _sees_all(request) and function.owner_id != request.user.pk:
        raise PermissionDenied("This BIA belongs to another owner. " + OWNER_ONLY)


def _can(request: PlanRequest, capability: Capability) -> bool:
    return capability in request.capabilities


def _base_url(request: PlanRequest) -> str:
    return request.build_absolute_uri("/")


MAX_ID = 2**63 - 1  # anything larger would overflow the database's integer columns


def _id(value: str | None) -> int | None:
    """A non-negative integer id from a form value, or None."""
    try:
        number = int(value) if value not in (None, "") else None
    except ValueError:
        return None
    return number if number is not None and 0 <= number <= MAX_ID else None


_apply_errors = add_service_errors


def _form_page(
    request: PlanRequest,
    form: Any,
    title: str,
    *,
    conflict: EditConflict | None = None,
    **extra: Any,
) -> HttpResponse:
    return form_page(request, "bia/form.html", form, {"title": title, **extra}, conflict=conflict)


def _edit_page(
    request: PlanRequest,
    form: Any,
    title: str,
    *,
    save: Callable[[dict[str, Any]], Any],
    saved_message: str | Callable[[Any], str],
    success_url: Callable[[Any], Any] | None = None,
    conflict_hint: str = "",
    **extra: Any,
) -> HttpResponse:
    return edit_page(
        request,
        form,
        save=save,
        saved_message=saved_message,
        template="bia/form.html",
        context={"title": title, **extra},
        success_url=success_url,
        conflict_hint=conflict_hint,
    )


# --- functions ----------------------------------------------------------------------


@plan_required(Capability.VIEW)
def function_list(request: PlanRequest) -> HttpResponse:
    plan = _plan(request)
    owner = None if _sees_all(request) else request.user
    functions = list(selectors.functions_for_list(plan, owner=owner))
    return render(request, "bia/function_list.html", {"functions": functions})


@plan_required(Capability.EDIT)
def function_create(request: PlanRequest) -> HttpResponse:
    plan = _plan(request)
    form = FunctionForm(request.POST or None, plan=plan, submit_label="Add function")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            function = function_services.function_create(
                plan=plan,
                user=_user(request),
                **{f: data[f] for f in function_services.FUNCTION_EDITABLE_FIELDS},
                reason=data["reason"],
                ticket=data["ticket"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"Function “{function.name}” added.")
            return redirect(function)
    return _form_page(request, form, "New business function")


@plan_required(Capability.VIEW)
def function_detail(request: PlanRequest, function_pk: int) -> HttpResponse:
    from incidents.exercises import function_readiness

    plan = _plan(request)
    function = get_object_or_404(
        BusinessFunction.objects.select_related("owner"), pk=function_pk, plan=plan
    )
    _check_owner(request, function)
    revisions = list(
        function.assessments.select_related("campaign", "template").order_by("-revision")
    )
    reviewed = selectors.reviewed_assessment(function)
    context = {
        "function": function,
        "needs": function.needs.select_related("depends_on"),
        "revisions": revisions,
        "reviewed": reviewed,
        # Peak periods and workaround as the analysis and the plan document read them:
        # the reviewed BIA's answers where they give them, else the function's own record.
        "answers": selectors.answer_set(reviewed) if reviewed else None,
        "derived": selectors.assessment_derived(reviewed) if reviewed else None,
        "interviews": function.interviews.select_related("interviewer"),
        "dependency_form": DependencyForm(function=function),
        # Exercise results: "recovery tested on …", open gaps, the next exercise due.
        "readiness": function_readiness(function),
    }
    return render(request, "bia/function_detail.html", context)


@plan_required(Capability.AUDIT)
def function_history(request: PlanRequest, function_pk: int) -> HttpResponse:
    function = get_object_or_404(BusinessFunction, pk=function_pk, plan=_plan(request))
    records = selectors.function_history(function)
    rows = list(zip(records, record_changes(records), strict=True))
    return render(request, "bia/function_history.html", {"function": function, "rows": rows})


@plan_required(Capability.EDIT)
def function_edit(request: PlanRequest, function_pk: int) -> HttpResponse:
    plan = _plan(request)
    function = get_object_or_404(BusinessFunction, pk=function_pk, plan=plan)
    form = FunctionForm(request.POST or None, instance=function, plan=plan)

    def save(data: dict[str, Any]) -> Any:
        return function_services.function_update(
            function=function,
            user=_user(request),
            expected_version=data["version"],
            reason=data["reason"],
            ticket=data["ticket"],
            **{f: data[f] for f in function_services.FUNCTION_EDITABLE_FIELDS},
        )

    return _edit_page(
        request,
        form,
        f"Edit “{function.name}”",
        save=save,
        saved_message="Function saved.",
        success_url=lambda _saved: function,
    )


@require_POST
@plan_required(Capability.EDIT)
def dependency_add(request: PlanRequest, function_pk: int) -> HttpResponse:
    plan = _plan(request)
    function = get_object_or_404(BusinessFunction, pk=function_pk, plan=plan)
    form = DependencyForm(request.POST, function=function)
    if form.is_valid():
        data = form.cleaned_data
        try:
            function_services.dependency_add(
                function=function,
                user=_user(request),
                kind=data["kind"],
                depends_on=data["depends_on"],
                name=data["name"],
                notes=data["notes"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Dependency added.")
            return redirect(function)
    return _form_page(request, form, f"Dependency of “{function.name}”")


@require_POST
@plan_required(Capability.EDIT)
def dependency_remove(request: PlanRequest, dependency_pk: int) -> HttpResponse:
    plan = _plan(request)
    dependency = get_object_or_404(FunctionDependency, pk=dependency_pk, function__plan=plan)
    function = dependency.function
    function_services.dependency_remove(dependency=dependency, user=_user(request))
    messages.success(request, "Dependency removed.")
    return redirect(function)


# --- impact scales --------------------------------------------------------------------------


@plan_required(Capability.VIEW)
def scales(request: PlanRequest) -> HttpResponse:
    plan = _plan(request)
    impact_settings, categories = selectors.impact_scales(plan)
    horizons = list(impact_settings.horizons_hours) if impact_settings else []
    return render(
        request,
        "bia/scales.html",
        {
            "impact_settings": impact_settings,
            "categories": categories,
            "horizon_labels": [format_hours(h) for h in horizons],
        },
    )


@require_POST
@plan_required(Capability.EDIT)
def scales_defaults(request: PlanRequest) -> HttpResponse:
    scale_services.impact_scales_ensure(plan=_plan(request), user=_user(request))
    messages.success(request, "Default impact scales in place.")
    return redirect("bia_scales", plan_pk=_plan(request).pk)


@plan_required(Capability.EDIT)
def settings_edit(request: PlanRequest) -> HttpResponse:
    plan = _plan(request)
    impact_settings, _ = selectors.impact_scales(plan)
    if impact_settings is None:
        impact_settings = scale_services.impact_scales_ensure(plan=plan, user=_user(request))
    form = ImpactSettingsForm(request.POST or None, instance=impact_settings)
    current = impact_settings

    def save(data: dict[str, Any]) -> Any:
        return scale_services.impact_settings_update(
            impact_settings=current,
            user=_user(request),
            expected_version=data["version"],
            horizons_hours=data["horizons"],
            threshold=data["threshold"],
            peak_uplift=data["peak_uplift"],
            currency=data["currency"],
            reason=data["reason"],
            ticket=data["ticket"],
        )

    return _edit_page(
        request,
        form,
        "Horizons and tolerance threshold",
        save=save,
        saved_message="Impact settings saved.",
        success_url=lambda _saved: reverse("bia_scales", kwargs={"plan_pk": plan.pk}),
    )


@plan_required(Capability.EDIT)
def category_edit(request: PlanRequest, category_pk: int) -> HttpResponse:
    plan = _plan(request)
    category = get_object_or_404(ImpactCategory, pk=category_pk, plan=plan)
    impact_settings, _ = selectors.impact_scales(plan)
    currency = impact_settings.currency if impact_settings else ""
    form = CategoryForm(request.POST or None, instance=category, currency=currency)

    def save(data: dict[str, Any]) -> Any:
        return scale_services.impact_category_update(
            category=category,
            user=_user(request),
            expected_version=data["version"],
            name=data["name"],
            descriptions=form.descriptions(),
            amounts=form.amounts(),
            reason=data["reason"],
            ticket=data["ticket"],
        )

    return _edit_page(
        request,
        form,
        f"Impact scale: {category.name}",
        save=save,
        saved_message=lambda saved: f"Scale “{saved.name}” saved.",
        success_url=lambda _saved: reverse("bia_scales", kwargs={"plan_pk": plan.pk}),
    )


@plan_required(Capability.EDIT)
def category_add(request: PlanRequest) -> HttpResponse:
    plan = _plan(request)
    impact_settings, _ = selectors.impact_scales(plan)
    form = CategoryForm(
        request.POST or None, currency=impact_settings.currency if impact_settings else ""
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            scale_services.impact_category_add(
                plan=plan,
                user=_user(request),
                name=data["name"],
                key=data["key"],
                is_financial=data["is_financial"],
                descriptions=form.descriptions(),
                amounts=form.amounts(),
                reason=data["reason"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"Category “{data['name']}” added.")
            return redirect("bia_scales", plan_pk=plan.pk)
    return _form_page(request, form, "New impact category")


# --- questionnaire templates ------------------------------------------------------------------


@plan_required(Capability.VIEW)
def template_list(request: PlanRequest) -> HttpResponse:
    plan = _plan(request)
    templates = QuestionnaireTemplate.objects.filter(plan=plan).order_by("name", "-revision")
    return render(request, "bia/template_list.html", {"templates": templates})


@require_POST
@plan_required(Capability.EDIT)
def template_create(request: PlanRequest) -> HttpResponse:
    plan = _plan(request)
    name = (request.POST.get("name") or "").replace("\x00", "").strip()
    template = questionnaire_services.template_create_default(
        plan=plan, user=_user(request), name=(name or "Business impact analysis")[:200]
    )
    messages.success(request, f"Questionnaire “{template.name}” created from the default.")
    return redirect("bia_template_detail", plan_pk=plan.pk, template_pk=template.pk)


@plan_required(Capability.VIEW)
def template_detail(request: PlanRequest, template_pk: int) -> HttpResponse:
    plan = _plan(request)
    template = get_object_or_404(QuestionnaireTemplate, pk=template_pk, plan=plan)
    sections = template.sections.prefetch_related("questions").order_by("order")
    revisions = QuestionnaireTemplate.objects.filter(family=template.family).order_by("-revision")
    return render(
        request,
        "bia/template_detail.html",
        {"template": template, "sections": sections, "revisions": revisions},
    )


def _template_change(
    request: PlanRequest, template: QuestionnaireTemplate, form: Any, call: Any, title: str
) -> HttpResponse:
    return _edit_page(
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


@plan_required(Capability.EDIT)
def question_add(request: PlanRequest, template_pk: int) -> HttpResponse:
    plan = _plan(request)
    template = get_object_or_404(QuestionnaireTemplate, pk=template_pk, plan=plan)
    form = QuestionForm(request.POST or None, template=template)

    def call(data: dict[str, Any]) -> QuestionnaireTemplate:
        return questionnaire_services.question_save(
            template=template,
            user=_user(request),
            expected_version=data["version"],
            key=None,
            section_order=data["section"],
            fields=form.question_fields(),
            reason=data["reason"],
        )

    return _template_change(request, template, form, call, f"New question in {template}")


@plan_required(Capability.EDIT)
def question_edit(request: PlanRequest, template_pk: int, key: str) -> HttpResponse:
    plan = _plan(request)
    template = get_object_or_404(QuestionnaireTemplate, pk=template_pk, plan=plan)
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

    def call(data: dict[str, Any]) -> QuestionnaireTemplate:
        return questionnaire_services.question_save(
            template=template,
            user=_user(request),
            expected_version=data["version"],
            key=key,
            section_order=data["section"],
            fields=form.question_fields(),
            reason=data["reason"],
        )

    return _template_change(request, template, form, call, f"Edit question in {template}")


@require_POST
@plan_required(Capability.EDIT)
def question_remove(request: PlanRequest, template_pk: int, key: str) -> HttpResponse:
    plan = _plan(request)
    template = get_object_or_404(QuestionnaireTemplate, pk=template_pk, plan=plan)
    try:
        new = questionnaire_services.question_remove(
            template=template,
            user=_user(request),
            expected_version=parse_version(request.POST.get("version")),
            key=key,
        )
    except (ValidationError, EditConflict) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect("bia_template_detail", plan_pk=plan.pk, template_pk=template.pk)
    messages.success(request, f"Question removed; now revision {new.revision}.")
    return redirect("bia_template_detail", plan_pk=plan.pk, template_pk=new.pk)


@plan_required(Capability.EDIT)
def section_add(request: PlanRequest, template_pk: int) -> HttpResponse:
    plan = _plan(request)
    template = get_object_or_404(QuestionnaireTemplate, pk=template_pk, plan=plan)
    form = SectionForm(request.POST or None, template=template)

    def call(data: dict[str, Any]) -> QuestionnaireTemplate:
        return questionnaire_services.section_add(
            template=template,
            user=_user(request),
            expected_version=data["version"],
            title=data["title"],
            help=data["help"],
        )

    return _template_change(request, template, form, call, f"New section in {template}")


# --- campaigns -----------------------------------------------------------------------------


@plan_required(Capability.VIEW)
def campaign_list(request: PlanRequest) -> HttpResponse:
    _require_sees_all(request)
    campaigns = list(selectors.campaigns_for_list(_plan(request)))
    return render(request, "bia/campaign_list.html", {"campaigns": campaigns})


@plan_required(Capability.EDIT)
def campaign_create(request: PlanRequest) -> HttpResponse:
    plan = _plan(request)
    form = CampaignForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = campaign_services.campaign_send(
                plan=plan,
                user=_user(request),
                name=data["name"],
                template=data["template"],
                due_date=data["due_date"],
                functions=data["functions"],
                message=data["message"],
                base_url=_base_url(request),
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request, f"Campaign “{campaign.name}” sent to the owners of the chosen functions."
            )
            return redirect("bia_campaign_detail", plan_pk=plan.pk, campaign_pk=campaign.pk)
    note, note_link = "", None
    if not selectors.latest_templates(plan).exists():
        note = "No questionnaire yet: a campaign sends one to the function owners."
        note_link = (
            "Create one from the default",
            reverse("bia_template_list", kwargs={"plan_pk": plan.pk}),
        )
    return _form_page(request, form, "New BIA campaign", note=note, note_link=note_link)


@plan_required(Capability.VIEW)
def campaign_detail(request: PlanRequest, campaign_pk: int) -> HttpResponse:
    _require_sees_all(request)
    plan = _plan(request)
    campaign = get_object_or_404(
        Campaign.objects.select_related("template"), pk=campaign_pk, plan=plan
    )
    rows = selectors.campaign_rows(campaign, today=timezone.localdate())
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.assessment.state] = counts.get(row.assessment.state, 0) + 1
    return render(
        request,
        "bia/campaign_detail.html",
        {
            "campaign": campaign,
            "rows": rows,
            "counts": [(s.label, counts.get(s.value, 0)) for s in AssessmentState],
            "overdue": sum(1 for r in rows if r.overdue),
        },
    )


@require_POST
@plan_required(Capability.EDIT)
def campaign_remind(request: PlanRequest, campaign_pk: int) -> HttpResponse:
    plan = _plan(request)
    campaign = get_object_or_404(Campaign, pk=campaign_pk, plan=plan)
    assessments = Assessment.objects.filter(campaign=campaign, is_current=True).select_related(
        "function__owner", "plan"
    )
    ids = [i for i in (_id(v) for v in request.POST.getlist("assessment")) if i]
    if ids:
        assessments = assessments.filter(pk__in=ids)
    elif request.POST.get("only") == "overdue":
        assessments = assessments.filter(due_date__lt=timezone.localdate())
    count = campaign_services.assessment_remind(
        assessments=list(assessments), user=_user(request), base_url=_base_url(request)
    )
    messages.success(request, f"Reminder emailed for {count} BIA{'s' if count != 1 else ''}.")
    return redirect("bia_campaign_detail", plan_pk=plan.pk, campaign_pk=campaign.pk)


def _export(plan: Any, campaign: Campaign | None, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404("Export as csv or xlsx.")
    content = export_bytes(answers_dataset(plan, campaign), fmt)
    kind = (
        "text/csv; charset=utf-8"
        if fmt == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    stem = f"bia-{plan.pk}" + (f"-campaign-{campaign.pk}" if campaign else "")
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


@plan_required(Capability.VIEW)
def plan_export(request: PlanRequest, fmt: str) -> HttpResponse:
    _require_sees_all(request)
    return _export(_plan(request), None, fmt)


@plan_required(Capability.VIEW)
def campaign_export(request: PlanRequest, campaign_pk: int, fmt: str) -> HttpResponse:
    _require_sees_all(request)
    plan = _plan(request)
    campaign = get_object_or_404(Campaign, pk=campaign_pk, plan=plan)
    return _export(plan, campaign, fmt)


# --- answering --------------------------------------------------------------------------------


@plan_required(Capability.ANSWER)
def my_bias(request: PlanRequest) -> HttpResponse:
    assessments = list(selectors.my_assessments(_plan(request), request.user))
    return render(
        request, "bia/my_bias.html", {"assessments": assessments, "today": timezone.localdate()}
    )


def _assessment(request: PlanRequest, assessment_pk: int) -> Assessment:
    assessment = get_object_or_404(
        Assessment.objects.select_related(
            "function", "function__owner", "template", "campaign", "plan"
        ),
        pk=assessment_pk,
        plan=_plan(request),
    )
    _check_owner(request, assessment.function)
    return assessment


def _sources(assessment: Assessment) -> list[tuple[str, str]]:
    options = [
        (f"interview:{i.pk}", str(i))
        for i in Interview.objects.filter(function=assessment.function).order_by("-held_at")
    ]
    options += [
        (f"workshop:{w.pk}", str(w))
        for w in Workshop.objects.filter(covered__function=assessment.function).order_by("-held_on")
    ]
    return options


def _assessment_context(
    request: PlanRequest, assessment: Assessment, **extra: Any
) -> dict[str, Any]:
    impact_settings, categories = selectors.impact_scales(assessment.plan)
    editable = assessment.is_editable and assessment.is_current and _can(request, Capability.ANSWER)
    return {
        "assessment": assessment,
        "function": assessment.function,
        "sections": selectors.assessment_sections(assessment),
        "categories": categories,
        "horizon_labels": [
            format_hours(h) for h in (impact_settings.horizons_hours if impact_settings else [])
        ],
        "derived": selectors.assessment_derived(assessment),
        "editable": editable,
        "sources": _sources(assessment),
        "return_form": ReturnForm(),
        "revisions": Assessment.objects.filter(function=assessment.function).order_by("-revision"),
        **extra,
    }


@plan_required(Capability.VIEW)
def assessment_detail(request: PlanRequest, assessment_pk: int) -> HttpResponse:
    assessment = _assessment(request, assessment_pk)
    return render(request, "bia/assessment.html", _assessment_context(request, assessment))


@plan_required(Capability.VIEW)
def assessment_derived(request: PlanRequest, assessment_pk: int) -> HttpResponse:
    assessment = _assessment(request, assessment_pk)
    return render(
        request,
        "bia/_derived.html",
        {"derived": selectors.assessment_derived(assessment), "assessment": assessment},
    )


def _parse_source(plan: Any, text: str) -> tuple[Interview | None, Workshop | None]:
    kind, _, text_pk = (text or "").partition(":")
    pk = _id(text_pk)
    if not pk:
        return None, None
    if kind == "interview":
        return get_object_or_404(Interview, pk=pk, plan=plan), None
    if kind == "workshop":
        return None, get_object_or_404(Workshop, pk=pk, plan=plan)
    return None, None


@require_POST
@plan_required(Capability.ANSWER)
def answer_save(request: PlanRequest, assessment_pk: int) -> HttpResponse:
    """Autosave one answer or one grid cell; the fragment says saved, an error, or a conflict."""
    assessment = _assessment(request, assessment_pk)
    question = (
        Question.objects.select_related("section")
        .filter(pk=_id(request.POST.get("question")) or 0, section__template=assessment.template)
        .first()
    )
    if question is None:
        return HttpResponseBadRequest("Say which question of this BIA you are answering.")
    cell = request.POST.get("cell", "").replace("\x00", "")
    raw = request.POST.getlist("value")
    expected = parse_version(request.POST.get("version"))
    cite = "source" in request.POST
    interview, workshop = _parse_source(assessment.plan, request.POST.get("source", ""))
    in_workshop = _id(request.POST.get("workshop"))
    if in_workshop:
        workshop = get_object_or_404(Workshop, pk=in_workshop, plan=assessment.plan)
        interview, cite = None, True
    status = 200
    error = ""
    conflict: EditConflict | None = None
    try:
        answer: Answer | None = answer_services.answer_save(
            assessment=assessment,
            question=question,
            cell=cell,
            raw=raw,
            user=_user(request),
            expected_version=expected,
            source_interview=interview,
            source_workshop=workshop,
            cite=cite,
        )
    except EditConflict as exc:
        conflict, status = exc, 409
        answer = exc.instance  # type: ignore[assignment]
    except ValidationError as exc:
        error, status = " ".join(exc.messages), 422
        answer = Answer.objects.filter(assessment=assessment, question=question, cell=cell).first()
    context: dict[str, Any] = {
        "assessment": assessment,
        "question": question,
        "answer": answer,
        "cell": cell,
        "error": error,
        "conflict": conflict,
        "yours": raw,
        "yours_display": ", ".join(raw),
        "theirs_display": selectors.format_value(question, answer.value) if answer else "",
        "theirs_raw": selectors.raw_value(question, answer.value) if answer else "",
        "saved": status == 200,
        "editable": True,
        "workshop_id": in_workshop or "",
        "sources": _sources(assessment),
    }
    retarget = ""
    if conflict is not None:
        base = {
            "question": question.pk,
            "cell": cell,
            "version": conflict.current_version,
            "resolve": "1",
            "workshop": in_workshop or "",
        }
        yours: Any = raw if question.qtype == QuestionType.MULTIPLE else (raw[0] if raw else "")
        theirs: Any = context["theirs_raw"]
        if question.qtype == QuestionType.MULTIPLE and answer is not None:
            theirs = answer.value or []
        context["theirs_vals"] = json.dumps({**base, "value": theirs})
        context["yours_vals"] = json.dumps({**base, "value": yours})
    if question.qtype == QuestionType.IMPACT_GRID:
        _impact_settings, categories = selectors.impact_scales(assessment.plan)
        key_to_category = {c.key: c for c in categories}
        category_key, _, hours = cell.partition("@")
        category = key_to_category.get(category_key)
        if category is None:
            return render(request, "bia/_answer_status.html", context, status=status)
        gridcell = selectors.GridCell(cell, category, float(hours), answer)
        context["gridcell"] = gridcell
        # A saved cell only updates its status and version, so keyboard focus and keys
        # pressed meanwhile are untouched; errors and conflicts redraw the whole cell.
        if status == 200 and not request.POST.get("resolve"):
            template = "bia/_grid_cell_status.html"
        else:
            template = "bia/_grid_cell.html"
            retarget = f"#{gridcell.dom_id}-{assessment.pk}"
    else:
        context["view"] = selectors.QuestionView(question, answer)
        template = (
            "bia/_answer_field.html" if request.POST.get("resolve") else "bia/_answer_status.html"
        )
    response = render(request, template, context, status=status)
    if retarget:
        response["HX-Retarget"] = retarget
        response["HX-Reswap"] = "outerHTML"
    if status == 200:
        response["HX-Trigger"] = "bia-answer-saved"
    return response


def _assessment_page(request: PlanRequest, assessment: Assessment, **extra: Any) -> HttpResponse:
    status = extra.pop("status", 200)
    return render(
        request,
        "bia/assessment.html",
        _assessment_context(request, assessment, **extra),
        status=status,
    )


@require_POST
@plan_required(Capability.ANSWER)
def assessment_submit(request: PlanRequest, assessment_pk: int) -> HttpResponse:
    assessment = _assessment(request, assessment_pk)
    try:
        assessment_services.assessment_submit(
            assessment=assessment, user=_user(request), site=_base_url(request)
        )
    except assessment_services.MissingAnswers as exc:
        return _assessment_page(request, assessment, missing=exc.questions, status=400)
    except ValidationError as exc:
        return _assessment_page(
            request, assessment, submit_error=" ".join(exc.messages), status=400
        )
    except EditConflict as exc:
        return _assessment_page(request, assessment, submit_error=str(exc), status=409)
    messages.success(request, f"BIA for “{assessment.function.name}” submitted for review.")
    return redirect(assessment)


@require_POST
@plan_required(Capability.EDIT)
def assessment_review(request: PlanRequest, assessment_pk: int) -> HttpResponse:
    assessment = _assessment(request, assessment_pk)
    decision = request.POST.get("decision")
    try:
        if decision == "approve":
            assessment_services.assessment_approve(assessment=assessment, user=_user(request))
            messages.success(request, "BIA approved; its answers are now locked.")
        elif decision == "return":
            form = ReturnForm(request.POST)
            comment = form.data.get("comment", "")
            assessment_services.assessment_return(
                assessment=assessment, user=_user(request), comment=str(comment)
            )
            messages.success(request, "BIA returned to its owner with your comment.")
        else:
            return _assessment_page(
                request, assessment, submit_error="Choose approve or return.", status=400
            )
    except ValidationError as exc:
        return _assessment_page(
            request, assessment, submit_error=" ".join(exc.messages), status=400
        )
    except EditConflict as exc:
        return _assessment_page(request, assessment, submit_error=str(exc), status=409)
    return redirect(assessment)


@require_POST
@plan_required(Capability.ANSWER)
def assessment_revise(request: PlanRequest, assessment_pk: int) -> HttpResponse:
    assessment = _assessment(request, assessment_pk)
    try:
        new = assessment_services.assessment_revise(
            assessment=assessment, user=_user(request), reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        return _assessment_page(
            request, assessment, submit_error=" ".join(exc.messages), status=400
        )
    messages.success(
        request, f"Revision {new.revision} started; revision {assessment.revision} stays approved."
    )
    return redirect(new)


# --- interviews ------------------------------------------------------------------------------


@plan_required(Capability.VIEW)
def interview_list(request: PlanRequest) -> HttpResponse:
    plan = _plan(request)
    interviews = Interview.objects.filter(plan=plan).select_related("function", "interviewer")
    if not _sees_all(request):
        interviews = interviews.filter(function__owner_id=request.user.pk)
    return render(request, "bia/interview_list.html", {"interviews": interviews})


@plan_required(Capability.EDIT)
def interview_create(request: PlanRequest) -> HttpResponse:
    plan = _plan(request)
    form = InterviewForm(
        request.POST or None,
        plan=plan,
        initial={
            "function": request.GET.get("function"),
            "held_at": timezone.localtime(),
            "interviewer": request.user.pk,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            interview_services.interview_create(
                plan=plan,
                user=_user(request),
                function=data["function"],
                interviewee=data["interviewee"],
                interviewer=data["interviewer"] or _user(request),
                held_at=data["held_at"],
                notes=data["notes"],
                reason=data["reason"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Interview recorded.")
            return redirect("bia_interview_list", plan_pk=plan.pk)
    return _form_page(request, form, "Record an interview")


@plan_required(Capability.EDIT)
def interview_edit(request: PlanRequest, interview_pk: int) -> HttpResponse:
    plan = _plan(request)
    interview = get_object_or_404(Interview, pk=interview_pk, plan=plan)
    form = InterviewForm(
        request.POST or None,
        plan=plan,
        initial={
            "function": interview.function_id,
            "interviewee": interview.interviewee,
            "interviewer": interview.interviewer_id,
            "held_at": timezone.localtime(interview.held_at),
            "notes": interview.notes,
            "version": interview.version,
        },
    )

    def save(data: dict[str, Any]) -> Any:
        return interview_services.interview_update(
            interview=interview,
            user=_user(request),
            expected_version=data["version"],
            reason=data["reason"],
            ticket=data["ticket"],
            **{f: data[f] for f in interview_services.INTERVIEW_EDITABLE_FIELDS},
        )

    return _edit_page(
        request,
        form,
        str(interview),
        save=save,
        saved_message="Interview saved.",
        success_url=lambda _saved: reverse("bia_interview_list", kwargs={"plan_pk": plan.pk}),
    )


# --- workshops -------------------------------------------------------------------------------


@plan_required(Capability.VIEW)
def workshop_list(request: PlanRequest) -> HttpResponse:
    _require_sees_all(request)
    workshops = (
        Workshop.objects.filter(plan=_plan(request))
        .select_related("facilitator")
        .prefetch_related("covered__function")
    )
    return render(request, "bia/workshop_list.html", {"workshops": workshops})


@plan_required(Capability.EDIT)
def workshop_create(request: PlanRequest) -> HttpResponse:
    plan = _plan(request)
    form = WorkshopForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            workshop = workshop_services.workshop_create(
                plan=plan,
                user=_user(request),
                title=data["title"],
                held_on=data["held_on"],
                functions=data["functions"],
                attendees=data["attendees"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            return redirect("bia_workshop", plan_pk=plan.pk, workshop_pk=workshop.pk)
    return _form_page(request, form, "New BIA workshop")


@plan_required(Capability.VIEW)
def workshop_detail(request: PlanRequest, workshop_pk: int) -> HttpResponse:
    _require_sees_all(request)
    plan = _plan(request)
    workshop = get_object_or_404(
        Workshop.objects.select_related("facilitator"), pk=workshop_pk, plan=plan
    )
    impact_settings, categories = selectors.impact_scales(plan)
    horizons = list(impact_settings.horizons_hours) if impact_settings else []
    editing = _can(request, Capability.EDIT)
    panels = []
    for link in workshop.covered.select_related("function", "function__owner"):
        assessment = (
            Assessment.objects.filter(function=link.function, is_current=True)
            .select_related("template", "function", "plan")
            .first()
        )
        grid: list[selectors.GridRow] = []
        question = selectors.grid_question(assessment) if assessment else None
        if assessment is not None and question is not None:
            answers = {
                (a.question_id, a.cell): a
                for a in Answer.objects.filter(
                    assessment=assessment, question=question
                ).select_related("source_interview", "source_workshop")
            }
            grid = selectors.grid_rows(plan, question, answers, categories, horizons)
        panels.append(
            {
                "function": link.function,
                "assessment": assessment,
                "question": question,
                "grid": grid,
                "derived": selectors.assessment_derived(assessment) if assessment else None,
                "editable": bool(editing and assessment and assessment.is_editable),
            }
        )
    fields = [
        (name, label, getattr(workshop, name))
        for name, label in (
            ("attendees", "Attendees"),
            ("notes", "Notes"),
            ("decisions", "Decisions"),
        )
    ]
    return render(
        request,
        "bia/workshop.html",
        {
            "workshop": workshop,
            "panels": panels,
            "categories": categories,
            "horizon_labels": [format_hours(h) for h in horizons],
            "fields": fields,
            "actions": workshop.actions.select_related("owner"),
            "action_form": ActionForm(plan=plan),
            "editing": editing,
        },
    )


@require_POST
@plan_required(Capability.EDIT)
def workshop_field(request: PlanRequest, workshop_pk: int) -> HttpResponse:
    plan = _plan(request)
    workshop = get_object_or_404(Workshop, pk=workshop_pk, plan=plan)
    name = request.POST.get("field", "")
    if name not in workshop_services.WORKSHOP_AUTOSAVE_FIELDS:
        raise Http404("No such field.")
    value = request.POST.get("value", "")
    status = 200
    conflict = None
    try:
        workshop = workshop_services.workshop_update_field(
            workshop=workshop,
            user=_user(request),
            field=name,
            value=value,
            expected_version=parse_version(request.POST.get("version")),
            original=request.POST.get("original"),
        )
    except EditConflict as exc:
        conflict, status = exc, 409
        workshop = exc.instance  # type: ignore[assignment]
    except ValidationError as exc:
        return render(
            request,
            "bia/_workshop_error.html",
            {"name": name, "error": " ".join(exc.messages)},
            status=422,
        )
    context = {
        "workshop": workshop,
        "name": name,
        "label": name.capitalize(),
        "value": getattr(workshop, name) if conflict is None else value,
        "theirs": getattr(workshop, name),
        "yours": value,
        "conflict": conflict,
        "editing": True,
        "theirs_json": json.dumps(
            {
                "field": name,
                "value": getattr(workshop, name),
                "version": workshop.version,
                "resolve": "1",
            }
        ),
        "yours_json": json.dumps(
            {"field": name, "value": value, "version": workshop.version, "resolve": "1"}
        ),
    }
    template = (
        "bia/_workshop_field.html" if request.POST.get("resolve") else "bia/_workshop_status.html"
    )
    if request.POST.get("resolve"):
        context["value"] = getattr(workshop, name)
    return render(request, template, context, status=status)


@require_POST
@plan_required(Capability.EDIT)
def action_add(request: PlanRequest, workshop_pk: int) -> HttpResponse:
    plan = _plan(request)
    workshop = get_object_or_404(Workshop, pk=workshop_pk, plan=plan)
    form = ActionForm(request.POST, plan=plan)
    status = 200
    if form.is_valid():
        data = form.cleaned_data
        try:
            workshop_services.action_add(
                workshop=workshop,
                user=_user(request),
                text=data["text"],
                owner=data["owner"],
                due_date=data["due_date"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
            status = 400
        else:
            form = ActionForm(plan=plan)
    else:
        status = 400
    return render(
        request,
        "bia/_actions.html",
        {
            "workshop": workshop,
            "actions": workshop.actions.select_related("owner"),
            "action_form": form,
            "editing": True,
        },
        status=status,
    )


@require_POST
@plan_required(Capability.EDIT)
def action_done(request: PlanRequest, action_pk: int) -> HttpResponse:
    plan = _plan(request)
    action = get_object_or_404(ActionItem, pk=action_pk, workshop__plan=plan)
    status = 200
    try:
        workshop_services.action_set_done(
            action=action,
            user=_user(request),
            done=request.POST.get("done") == "1",
            expected_version=parse_version(request.POST.get("version")),
        )
    except EditConflict:
        status = 409
    workshop = action.workshop
    return render(
        request,
        "bia/_actions.html",
        {
            "workshop": workshop,
            "actions": workshop.actions.select_related("owner"),
            "action_form": ActionForm(plan=plan),
            "editing": True,
            "action_conflict": status == 409,
        },
        status=status,
    )
