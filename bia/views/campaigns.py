"""Pages of BIA campaigns, reminders and the answer exports."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from bcp.editing import save_with
from bcp.http import PlanRequest
from bcp.permissions import Capability, plan_required
from bia.exports import answers_dataset, export_bytes
from bia.forms.campaigns import CampaignForm
from bia.forms.common import parse_id
from bia.models import Assessment, AssessmentState, Campaign
from bia.selectors import campaigns as campaign_selectors
from bia.selectors import questionnaires as questionnaire_selectors
from bia.services import campaigns as campaign_services
from bia.views.common import base_url, bia_edit_page, require_sees_all


@plan_required(Capability.VIEW)
def campaign_list(request: PlanRequest) -> HttpResponse:
    require_sees_all(request)
    campaigns = list(campaign_selectors.campaigns_for_list(request.plan))
    return render(request, "bia/campaign_list.html", {"campaigns": campaigns})


@plan_required(Capability.EDIT)
def campaign_create(request: PlanRequest) -> HttpResponse:
    plan = request.plan
    form = CampaignForm(request.POST or None, plan=plan)
    fields = ("name", "template", "due_date", "functions", "message")
    send = campaign_services.campaign_send
    save = save_with(request, send, fields, plan=plan, base_url=base_url(request))
    note, note_link = "", None
    if not questionnaire_selectors.latest_templates(plan).exists():
        note = "No questionnaire yet: a campaign sends one to the function owners."
        note_link = (
            "Create one from the default",
            reverse("bia_template_list", kwargs={"plan_pk": plan.pk}),
        )
    return bia_edit_page(
        request,
        form,
        "New BIA campaign",
        save=save,
        saved_message=lambda campaign: (
            f"Campaign “{campaign.name}” sent to the owners of the chosen functions."
        ),
        success_url=lambda campaign: reverse(
            "bia_campaign_detail", kwargs={"plan_pk": plan.pk, "campaign_pk": campaign.pk}
        ),
        note=note,
        note_link=note_link,
    )


@plan_required(Capability.VIEW)
def campaign_detail(request: PlanRequest, campaign_pk: int) -> HttpResponse:
    require_sees_all(request)
    plan = request.plan
    campaign = get_object_or_404(
        Campaign.objects.select_related("template"), pk=campaign_pk, plan=plan
    )
    rows = campaign_selectors.campaign_rows(campaign, today=timezone.localdate())
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
    plan = request.plan
    campaign = get_object_or_404(Campaign, pk=campaign_pk, plan=plan)
    assessments = Assessment.objects.filter(campaign=campaign, is_current=True).select_related(
        "function__owner", "plan"
    )
    ids = [i for i in (parse_id(v) for v in request.POST.getlist("assessment")) if i]
    if ids:
        assessments = assessments.filter(pk__in=ids)
    elif request.POST.get("only") == "overdue":
        assessments = assessments.filter(due_date__lt=timezone.localdate())
    count = campaign_services.assessment_remind(
        assessments=list(assessments), user=request.user, base_url=base_url(request)
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
    require_sees_all(request)
    return _export(request.plan, None, fmt)


@plan_required(Capability.VIEW)
def campaign_export(request: PlanRequest, campaign_pk: int, fmt: str) -> HttpResponse:
    require_sees_all(request)
    plan = request.plan
    campaign = get_object_or_404(Campaign, pk=campaign_pk, plan=plan)
    return _export(plan, campaign, fmt)
