"""Pages for plans, members, jobs and staff user administration. Thin: form → service → render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from audit.versions import record_changes
from bcp import dashboard, jobs, selectors, services, starting
from bcp.api import PROBLEM_CONTENT_TYPE
from bcp.charts import portfolio_charts
from bcp.checklist import first_run_checklist
from bcp.editing import REASON, edit_page, save_with
from bcp.forms import (
    InvitationForm,
    MemberAddForm,
    MemberRoleForm,
    PlanCreateForm,
    PlanForm,
    PortfolioForm,
    ReasonOnlyForm,
    UserCreateForm,
)
from bcp.health import health_report
from bcp.http import PlanRequest
from bcp.models import Job, Membership
from bcp.permissions import Capability, can_create_plans, plan_required, staff_required
from bcp.portfolio import readiness_rows, rto_chart, sorted_and_filtered
from documents.selectors import changed_since_versions
from notifications.waiting import waiting_for


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    show_archived = request.GET.get("archived") == "1"

    plans = list(selectors.plan_list(request.user, include_archived=show_archived))
    changed = changed_since_versions([plan.pk for plan in plans])
    rows = [(plan, changed[plan.pk]) for plan in plans]
    context = {
        "rows": rows,
        "show_archived": show_archived,
        "waiting": waiting_for(request.user),
        "can_create_plans": can_create_plans(request.user),
    }
    return render(request, "bcp/plan_list.html", context)


@login_required
def portfolio(request: HttpRequest) -> HttpResponse:
    """Readiness of every active plan the user is a member of, sortable and filterable."""
    form = PortfolioForm(request.GET)
    valid = form.is_valid()
    options = (
        form.options()
        if valid
        else {"name": "", "show": "all", "sort": "name", "descending": False}
    )
    plans = list(selectors.plan_list(request.user))
    rows = readiness_rows(plans)
    shown = sorted_and_filtered(rows, **options)
    context = {
        "form": form,
        "rows": shown,
        "total": len(rows),
        "options": options,
        "chart": rto_chart(plans),
        "charts": portfolio_charts(plans),
    }
    return render(request, "bcp/portfolio.html", context, status=200 if valid else 400)


@login_required
def plan_create(request: HttpRequest) -> HttpResponse:
    if not can_create_plans(request.user):
        raise PermissionDenied(
            "Only staff and coordinators create plans. Ask one to create it, or to add you "
            "to an existing plan."
        )
    form = PlanCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = (*services.PLAN_EDITABLE_FIELDS, *REASON)
        create = save_with(
            request, starting.plan_create_started, fields, start=form.starting_point()
        )
        try:
            plan, set_up = create(form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                " ".join(
                    part
                    for part in (
                        f"Plan “{plan.name}” created. You are its manager.",
                        set_up.summary(),
                    )
                    if part
                ),
            )
            return redirect(plan)
    status = 400 if form.is_bound else 200
    return render(request, "bcp/plan_form.html", {"form": form, "creating": True}, status=status)


@plan_required(Capability.VIEW, allow_archived=True)
def plan_detail(request: PlanRequest) -> HttpResponse:
    plan = request.plan
    checklist = None
    if Capability.EDIT in request.capabilities:
        checklist = first_run_checklist(plan)
    members = list(selectors.plan_members(plan))
    today = timezone.localdate()
    context = {
        "members": members,
        "readiness": readiness_rows([plan], roles={plan.pk: request.membership.role})[0],
        "published_changes": dashboard.changes_since_published(plan),
        "deadlines": dashboard.deadlines(plan, today=today),
        "todos": dashboard.member_todos(plan, members),
        "today": today,
        # Shown to those who can do the steps, until every step is done.
        "checklist": checklist if checklist is not None and not checklist.complete else None,
    }
    return render(request, "bcp/plan_detail.html", context)


@plan_required(Capability.EDIT)
def plan_edit(request: PlanRequest) -> HttpResponse:
    plan = request.plan
    form = PlanForm(request.POST or None, instance=plan)
    fields = (*services.PLAN_EDITABLE_FIELDS, *REASON)
    save = save_with(request, services.plan_update, fields, versioned=True, plan=plan)
    return edit_page(
        request, form, save=save, saved_message="Plan saved.", template="bcp/plan_form.html"
    )


@plan_required(Capability.EDIT)
def plan_archive(request: PlanRequest) -> HttpResponse:
    plan = request.plan
    form = ReasonOnlyForm(request.POST or None, submit_label="Archive plan")
    if request.method == "POST" and form.is_valid():
        services.plan_archive(plan=plan, user=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, f"Plan “{plan.name}” archived. It is now read-only.")
        return redirect("plan_list")
    return render(request, "bcp/plan_archive.html", {"form": form})


@require_POST
@plan_required(Capability.EDIT, allow_archived=True)
def plan_restore(request: PlanRequest) -> HttpResponse:
    plan = request.plan
    services.plan_restore(plan=plan, user=request.user)
    messages.success(request, f"Plan “{plan.name}” restored.")
    return redirect(plan)


@plan_required(Capability.VIEW, allow_archived=True)
def member_list(request: PlanRequest) -> HttpResponse:
    plan = request.plan
    form = MemberAddForm(plan=plan)
    return render(
        request, "bcp/member_list.html", {"members": selectors.plan_members(plan), "form": form}
    )


@require_POST
@plan_required(Capability.EDIT)
def member_add(request: PlanRequest) -> HttpResponse:
    plan = request.plan
    form = MemberAddForm(request.POST, plan=plan)
    if form.is_valid():
        add = save_with(request, services.membership_add, ("member", "role", *REASON), plan=plan)
        membership = add(form.cleaned_data)
        messages.success(request, f"{membership.user} added as {membership.get_role_display()}.")
        return redirect("member_list", plan_pk=plan.pk)
    return render(
        request,
        "bcp/member_list.html",
        {"members": selectors.plan_members(plan), "form": form},
        status=400,
    )


@plan_required(Capability.EDIT)
def member_edit(request: PlanRequest, member_pk: int) -> HttpResponse:
    plan = request.plan
    membership = get_object_or_404(Membership, pk=member_pk, plan=plan)
    form = MemberRoleForm(
        request.POST or None, initial={"role": membership.role, "version": membership.version}
    )

    fields = ("role", *REASON)
    change_role = services.membership_change_role
    save = save_with(request, change_role, fields, versioned=True, membership=membership)
    return edit_page(
        request,
        form,
        save=save,
        saved_message="Role changed.",
        template="bcp/member_edit.html",
        context={"membership": membership},
        success_url=lambda _saved: reverse("member_list", kwargs={"plan_pk": plan.pk}),
        conflict_hint="Review the current role and save again.",
    )


@plan_required(Capability.EDIT)
def member_remove(request: PlanRequest, member_pk: int) -> HttpResponse:
    plan = request.plan
    membership = get_object_or_404(Membership, pk=member_pk, plan=plan)
    form = ReasonOnlyForm(request.POST or None, submit_label="Remove from plan")
    if request.method == "POST" and form.is_valid():
        remove = save_with(request, services.membership_remove, REASON, membership=membership)
        try:
            remove(form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{membership.user} removed from the plan.")
            return redirect("member_list", plan_pk=plan.pk)
    return render(request, "bcp/member_remove.html", {"form": form, "membership": membership})


@plan_required(Capability.AUDIT, allow_archived=True)
def plan_history(request: PlanRequest) -> HttpResponse:
    plan = request.plan
    records = selectors.plan_history(plan, limit=200)
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    rows = list(zip(page, record_changes(list(page)), strict=True))
    return render(request, "bcp/plan_history.html", {"page": page, "rows": rows})


@plan_required(Capability.VIEW, allow_archived=True)
def job_status(request: PlanRequest, job_pk: str) -> HttpResponse:
    plan = request.plan
    job = get_object_or_404(Job, pk=job_pk, plan=plan)
    return render(request, "bcp/_job.html", {"job": job, "plan": plan})


@require_POST
@plan_required(Capability.EDIT)
def job_retry(request: PlanRequest, job_pk: str) -> HttpResponse:
    plan = request.plan
    job = get_object_or_404(Job, pk=job_pk, plan=plan)
    job = jobs.job_retry(job=job)
    if request.htmx:
        return render(request, "bcp/_job.html", {"job": job, "plan": plan})
    # Back to the page the button was on (analysis, documents…), if it is ours.
    back = request.headers.get("Referer", "")
    if back and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(back)
    return redirect(plan)


@staff_required
def user_list(request: HttpRequest) -> HttpResponse:
    users = get_user_model().objects.order_by("username")
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = services.user_create(
            username=data["username"],
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            is_staff=data["is_staff"],
        )
        reset = InvitationForm(invitee=user)
        if reset.is_valid():
            reset.save(request=request, use_https=request.is_secure())
        messages.success(request, f"User {user} created; a set-password link was emailed.")
        return redirect("user_list")
    return render(request, "bcp/user_list.html", {"page": page, "form": form})


def health(request: HttpRequest) -> JsonResponse:
    """ok or 503 for anyone (load balancers, monitors); what is down, to staff only.

    The details name the broker's address and the workers' hosts, which an
    anonymous caller has no business knowing.
    """
    report = health_report()
    status = 200 if report["status"] == "ok" else 503
    if request.user.is_authenticated and request.user.is_staff:
        return JsonResponse(report, status=status)
    return JsonResponse({"status": report["status"]}, status=status)


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("plan_list")
    return redirect("login")


API_PATH_PREFIX = "/api/"
ERROR_TITLES = {400: "Bad request", 403: "Forbidden", 404: "Not found", 500: "Server error"}


def render_error(request: HttpRequest, template: str, status: int, **extra: Any) -> HttpResponse:
    """The site's error page, or problem details (RFC 9457) for an API address.

    An API client that sends a path no route matches (``/functions/-1/``) or
    that fails before DRF runs must still get JSON, never the HTML page.
    """
    if request.path_info.startswith(API_PATH_PREFIX):
        body = {
            "type": "about:blank",
            "title": ERROR_TITLES[status],
            "status": status,
            "detail": extra.get("message") or ERROR_TITLES[status],
        }
        return JsonResponse(body, status=status, content_type=PROBLEM_CONTENT_TYPE)
    return render(request, template, extra, status=status)


def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render_error(request, "400.html", 400)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else ""
    return render_error(request, "403.html", 403, message=message)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render_error(request, "404.html", 404)


def error_500(request: HttpRequest) -> HttpResponse:
    return render_error(request, "500.html", 500)
