"""Every page of the application, taken from the URL conf, for the accessibility pass.

Each named URL pattern outside ``api/`` and ``admin/`` is one of:

- a page the pass opens: :data:`PLAN_PAGES` (under ``/plans/<plan_pk>/``, opened as each
  role), :data:`SIGNED_IN_PAGES` (outside a plan) or :data:`SIGNED_OUT_PAGES`; each maps
  the pattern's name to the keyword arguments that reach it on the demo plan;
- a POST-only action (its view is wrapped in ``require_POST`` or
  ``require_http_methods(["POST"])``), found from the view itself: it has no page of its
  own, and what it renders back (a form with errors, a fragment) is covered as a state;
- listed in :data:`EXCLUDED` with the reason it is not a page a person reads.

``test_every_url_pattern_is_covered_or_excluded_with_a_reason`` fails when a new pattern
is none of these. To add a page, add its name and arguments to the right dict; to leave
one out, add it to :data:`EXCLUDED` with a reason a reviewer can check.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, reverse

Kwargs = dict[str, Any]
QUERY = "?"  # a page's query string, when its arguments need one

FILE = "a file download (PDF, CSV, JSON, SVG image), not an HTML page"
FRAGMENT = "an htmx fragment polled or swapped into a page that is covered"
REDIRECT = "redirects only; it renders nothing of its own"

EXCLUDED: dict[str, str] = {
    "health": "JSON for load balancers and monitoring",
    "logout": "POST-only in Django 5 (the top bar's sign-out button)",
    "oidc_authentication_init": REDIRECT + " (to the OpenID provider, when configured)",
    "oidc_authentication_callback": REDIRECT + " (back from the OpenID provider)",
    "home": REDIRECT + " (to the plan list, or to sign-in)",
    "job_status": FRAGMENT,
    "analysis_job_status": FRAGMENT,
    "documents_job": FRAGMENT,
    "audit_verify_status": FRAGMENT,
    "bia_assessment_derived": FRAGMENT,
    "incident_live": FRAGMENT,
    "incident_report_status": FRAGMENT,
    "bia_campaign_export": FILE,
    "bia_plan_export": FILE,
    "inventory_site_diagram": FILE,
    "inventory_function_diagram": FILE,
    "inventory_export": FILE,
    "draft_download": FILE,
    "version_download": FILE,
    "version_download_pdfa": FILE,
    "incident_report_download": FILE,
    "audit_export_csv": FILE,
    "audit_export_json": FILE,
    "audit_report_download": FILE,
    "audit_report": FRAGMENT + " (the audit report's job, polled from the timeline)",
}


@dataclass(frozen=True)
class Demo:
    """The demo plan and the records whose pages the pass opens."""

    plan: Any
    empty_plan: Any
    signoff_pk: int
    version_pk: int
    submitted_pk: int
    editable_pk: int
    review_task_pk: int
    import_token: str


def first(model: type[models.Model], **lookup: Any) -> Any:
    """The primary key of the first matching row, failing loudly if the demo lacks one."""
    found = model._default_manager.filter(**lookup).order_by("pk").first()
    assert found is not None, f"the demo plan has no {model.__name__} matching {lookup}"
    return found.pk


def plan_pages() -> dict[str, Callable[[Demo], Kwargs]]:
    """Name → keyword arguments (beyond ``plan_pk``) for each page under a plan."""
    from bcp.models import Membership
    from bia.models import (
        BusinessFunction,
        Campaign,
        ImpactCategory,
        Interview,
        Question,
        QuestionnaireTemplate,
        Workshop,
    )
    from documents.models import (
        CallTreeEntry,
        Contact,
        Exercise,
        ProcedureStep,
        RecoveryProcedure,
        Vendor,
    )
    from incidents.models import Incident
    from inventory.models import Component, Dependency, RedundancyGroup, Site, Technique
    from inventory.people_models import Person, Role, Supplier

    def of(model: type[models.Model], kwarg: str, **lookup: Any) -> Callable[[Demo], Kwargs]:
        return lambda d: {kwarg: first(model, plan=d.plan, **lookup)}

    def none(d: Demo) -> Kwargs:
        return {}

    def question(d: Demo) -> Kwargs:
        q = Question._default_manager.filter(section__template__plan=d.plan).order_by("pk")[0]
        return {"template_pk": q.section.template_id, "key": q.key}

    def step(d: Demo) -> Kwargs:
        s = ProcedureStep._default_manager.filter(procedure__plan=d.plan).order_by("pk")[0]
        return {"procedure_pk": s.procedure_id, "step_pk": s.pk}

    def plan_record(d: Demo) -> Kwargs:
        return {"model_label": "bcp.Plan", "object_id": str(d.plan.pk)}

    def compare(d: Demo) -> Kwargs:
        from bcp.models import Plan

        versions = list(Plan.history.filter(id=d.plan.pk).order_by("history_id"))
        older, newer = versions[0], versions[-1]  # the same one when never edited
        return {**plan_record(d), QUERY: f"a={older.history_id}&b={newer.history_id}"}

    def rollback(d: Demo) -> Kwargs:
        from bcp.models import Plan

        oldest = Plan.history.filter(id=d.plan.pk).order_by("history_id")[0]
        return {**plan_record(d), "history_id": oldest.history_id}

    def chain_entry(d: Demo) -> Kwargs:
        from audit.models import ChainEntry

        return {"seq": ChainEntry.objects.filter(plan_id=d.plan.pk).order_by("seq")[0].seq}

    function = of(BusinessFunction, "function_pk")
    template = of(QuestionnaireTemplate, "template_pk")
    component = of(Component, "component_pk")
    site = of(Site, "site_pk")
    group = of(RedundancyGroup, "group_pk")
    technique = of(Technique, "technique_pk")
    procedure = of(RecoveryProcedure, "procedure_pk")
    incident = of(Incident, "incident_pk")
    person = of(Person, "person_pk")
    role = of(Role, "role_pk")
    supplier = of(Supplier, "supplier_pk")
    return {
        "plan_detail": none,
        "plan_edit": none,
        "plan_archive": none,
        "member_list": none,
        "member_edit": of(Membership, "member_pk", role="stakeholder"),
        "member_remove": of(Membership, "member_pk", role="stakeholder"),
        "plan_history": none,
        "bia_function_list": none,
        "bia_function_create": none,
        "function_detail": function,
        "bia_function_edit": function,
        "bia_function_history": function,
        "bia_scales": none,
        "bia_settings_edit": none,
        "bia_category_add": none,
        "bia_category_edit": of(ImpactCategory, "category_pk"),
        "bia_template_list": none,
        "bia_template_detail": template,
        "bia_question_add": template,
        "bia_question_edit": question,
        "bia_section_add": template,
        "bia_campaign_list": none,
        "bia_campaign_create": none,
        "bia_campaign_detail": of(Campaign, "campaign_pk"),
        "bia_my": none,
        "bia_assessment": lambda d: {"assessment_pk": d.submitted_pk},
        "bia_interview_list": none,
        "bia_interview_create": none,
        "bia_interview_edit": of(Interview, "interview_pk"),
        "bia_workshop_list": none,
        "bia_workshop_create": none,
        "bia_workshop": of(Workshop, "workshop_pk"),
        "inventory_overview": none,
        "inventory_component_list": none,
        "inventory_component_create": none,
        "inventory_component_detail": component,
        "inventory_component_edit": component,
        "inventory_component_delete": component,
        "inventory_site_list": none,
        "inventory_site_create": none,
        "inventory_site_detail": site,
        "inventory_site_edit": site,
        "inventory_site_delete": site,
        "inventory_group_list": none,
        "inventory_group_create": none,
        "inventory_group_detail": group,
        "inventory_group_edit": group,
        "inventory_group_delete": group,
        "inventory_function_detail": function,
        "inventory_dependency_edit": of(Dependency, "dependency_pk"),
        "inventory_dependency_delete": of(Dependency, "dependency_pk"),
        "inventory_technique_list": none,
        "inventory_technique_create": none,
        "inventory_technique_edit": technique,
        "inventory_technique_delete": technique,
        "inventory_import": none,
        "inventory_import_preview": lambda d: {"token": d.import_token},
        "inventory_people": none,
        "inventory_person_create": none,
        "inventory_person_detail": person,
        "inventory_person_edit": person,
        "inventory_person_delete": person,
        "inventory_role_create": none,
        "inventory_role_detail": role,
        "inventory_role_edit": role,
        "inventory_role_delete": role,
        "inventory_supplier_create": none,
        "inventory_supplier_detail": supplier,
        "inventory_supplier_edit": supplier,
        "inventory_supplier_delete": supplier,
        "inventory_function_need_add": function,
        "analysis_dashboard": none,
        "analysis_function": function,
        "analysis_settings": none,
        "analysis_incidents": none,
        "documents_home": none,
        "version_detail": lambda d: {"version_pk": d.version_pk},
        "signoff_detail": lambda d: {"signoff_pk": d.signoff_pk},
        "documents_verify": none,
        "documents_settings": none,
        "contact_list": none,
        "contact_create": none,
        "contact_edit": of(Contact, "contact_pk"),
        "contact_delete": of(Contact, "contact_pk"),
        "calltree_list": none,
        "calltree_create": none,
        "calltree_edit": of(CallTreeEntry, "entry_pk"),
        "calltree_delete": of(CallTreeEntry, "entry_pk"),
        "vendor_list": none,
        "vendor_create": none,
        "vendor_edit": of(Vendor, "vendor_pk"),
        "vendor_delete": of(Vendor, "vendor_pk"),
        "procedure_list": none,
        "procedure_create": none,
        "procedure_detail": procedure,
        "procedure_edit": procedure,
        "procedure_delete": procedure,
        "step_create": procedure,
        "step_edit": step,
        "step_delete": step,
        "exercise_list": none,
        "exercise_create": none,
        "exercise_edit": of(Exercise, "exercise_pk"),
        "exercise_delete": of(Exercise, "exercise_pk"),
        "incident_list": none,
        "incident_declare": none,
        "incident_scenarios": none,
        "exercise_schedule": none,
        "schedule_edit": function,
        "incident_detail": incident,
        "incident_edit": incident,
        "incident_close": incident,
        "audit_timeline": none,
        "audit_entry": chain_entry,
        "audit_object": plan_record,
        "audit_compare": compare,
        "audit_rollback": rollback,
        "audit_as_of": none,
        "audit_verify": none,
        "review_task_list": none,
        "review_task": lambda d: {"task_pk": d.review_task_pk},
    }


SIGNED_IN_PAGES: dict[str, Kwargs] = {
    "plan_list": {},
    "plan_create": {},
    "portfolio": {},
    "user_list": {},
    "mfa_setup": {},
    "api_tokens": {},
    "password_change": {},
    "password_change_done": {},
    "inbox": {},
    "notification_preferences": {},
    "api_docs": {},
}

SIGNED_OUT_PAGES: dict[str, Kwargs] = {
    "login": {},
    "admin_login": {},
    "mfa_verify": {},  # redirects to sign-in when no password step is pending
    "password_reset": {},
    "password_reset_done": {},
    "password_reset_confirm": {"uidb64": "MQ", "token": "expired-link"},
    "password_reset_complete": {},
    "incident_acknowledge": {"token": "not-a-valid-link"},
}


def post_only(view: Callable[..., Any]) -> bool:
    """Whether ``view`` is wrapped in Django's ``require_http_methods(["POST"])``."""
    seen: set[int] = set()
    current: Any = view
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        for cell in getattr(current, "__closure__", None) or ():
            try:
                value = cell.cell_contents
            except ValueError:
                continue
            if isinstance(value, list) and value and all(isinstance(m, str) for m in value):
                return [m.upper() for m in value] == ["POST"]
        current = getattr(current, "__wrapped__", None)
    return False


def url_patterns() -> Iterator[tuple[str, URLPattern]]:
    """(route, pattern) for every named pattern outside ``api/`` and ``admin/``, but for
    the two pages there that people read: the admin's sign-in and the API docs."""

    def walk(resolver: URLResolver, prefix: str) -> Iterator[tuple[str, URLPattern]]:
        for entry in resolver.url_patterns:
            route = prefix + str(entry.pattern)
            people_read = route.startswith(("admin/login/", "api/docs/"))
            if route.startswith(("api/", "admin/")) and not people_read:
                continue
            if isinstance(entry, URLResolver):
                yield from walk(entry, route)
            elif entry.name:
                yield route, entry

    yield from walk(get_resolver(), "")


def plan_urls(demo: Demo, plan: Any | None = None) -> dict[str, str]:
    """Each plan page's address on ``plan`` (the demo plan unless given)."""
    target = plan or demo.plan
    urls: dict[str, str] = {}
    for name, kwargs in plan_pages().items():
        arguments = {"plan_pk": target.pk, **kwargs(demo)}
        query = arguments.pop(QUERY, "")
        urls[name] = reverse(name, kwargs=arguments) + (f"?{query}" if query else "")
    return urls


def plain_urls(pages: dict[str, Kwargs]) -> dict[str, str]:
    return {name: reverse(name, kwargs=kwargs) for name, kwargs in pages.items()}
