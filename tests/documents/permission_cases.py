"""Permission-matrix cases for every page of the documents app."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from bcp.jobs import job_enqueue
from bcp.models import Job
from bcp.permissions import Capability
from documents.publishing import RENDER_DRAFT_KIND, RENDER_DRAFT_TASK
from tests.documents.factories import (
    CallTreeEntryFactory,
    ContactFactory,
    ExerciseFactory,
    PlanVersionFactory,
    ProcedureStepFactory,
    RecoveryProcedureFactory,
    SignOffRequestFactory,
    VendorFactory,
)
from tests.permission_cases import UrlCase, record_pages


def _version(people: Any) -> dict[str, Any]:
    return {"version_pk": PlanVersionFactory.create(plan=people.plan).pk}


def _signoff_of(user_attr: str) -> Any:
    def build(people: Any) -> dict[str, Any]:
        version = PlanVersionFactory.create(plan=people.plan)
        signoff = SignOffRequestFactory.create(
            plan_version=version,
            stakeholder=getattr(people, user_attr),
            requested_by=people.manager,
        )
        return {"signoff_pk": signoff.pk}

    return build


def _draft_job(people: Any) -> dict[str, Any]:
    job = job_enqueue(
        kind=RENDER_DRAFT_KIND, task_name=RENDER_DRAFT_TASK, user=people.manager, plan=people.plan
    )
    return {"job_pk": job.pk}


def _rendered_version(people: Any) -> dict[str, Any]:
    pdf = b"%PDF-1.7 test document"
    name = default_storage.save("documents/versions/test/v1.pdf", ContentFile(pdf))
    version = PlanVersionFactory.create(
        plan=people.plan,
        pdf=name,
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
        pdfa=name,
        pdfa_sha256=hashlib.sha256(pdf).hexdigest(),
    )
    return {"version_pk": version.pk}


def _finished_draft(people: Any) -> dict[str, Any]:
    name = default_storage.save(
        f"documents/drafts/plan-{people.plan.pk}/draft-test.pdf", ContentFile(b"%PDF-1.7 draft")
    )
    job = Job.objects.create(
        kind=RENDER_DRAFT_KIND,
        task_name=RENDER_DRAFT_TASK,
        plan=people.plan,
        status=Job.Status.SUCCEEDED,
        result={"file": name, "pages": 1},
    )
    return {"job_pk": job.pk}


def _made_by(factory: Any, key: str) -> Callable[[Any], dict[str, Any]]:
    """URL kwargs of a record ``factory`` makes on the fixture's plan, as ``<key>_pk``."""

    def build(people: Any) -> dict[str, Any]:
        return {f"{key}_pk": factory.create(plan=people.plan).pk}

    return build


def _step(people: Any) -> dict[str, Any]:
    step = ProcedureStepFactory.create(procedure__plan=people.plan)
    return {"procedure_pk": step.procedure_id, "step_pk": step.pk}


_procedure = _made_by(RecoveryProcedureFactory, "procedure")


CASES = [
    UrlCase("documents_home", Capability.VIEW),
    UrlCase("draft_export_start", Capability.EDIT, method="post"),
    UrlCase("documents_job", Capability.VIEW, kwargs=_draft_job),
    UrlCase("documents_job_retry", Capability.EDIT, method="post", kwargs=_draft_job),
    UrlCase("draft_download", Capability.VIEW, kwargs=_finished_draft),
    UrlCase("version_publish", Capability.EDIT, method="post"),
    UrlCase("documents_settings", Capability.VIEW),
    UrlCase("documents_settings", Capability.EDIT, method="post"),
    UrlCase("version_detail", Capability.VIEW, kwargs=_version),
    UrlCase("version_download", Capability.VIEW, kwargs=_rendered_version),
    UrlCase("version_download_pdfa", Capability.VIEW, kwargs=_rendered_version),
    UrlCase("signoff_remind", Capability.EDIT, method="post", kwargs=_version),
    UrlCase("signoff_detail", Capability.VIEW, kwargs=_signoff_of("stakeholder")),
    # Only the person asked may decide: here the manager was asked, so the stakeholder,
    # despite holding ANSWER, is refused.
    UrlCase(
        "signoff_decide",
        Capability.ANSWER,
        method="post",
        kwargs=_signoff_of("manager"),
        stakeholder_allowed=False,
    ),
    UrlCase("documents_verify", Capability.VIEW),
    *record_pages("contact", _made_by(ContactFactory, "contact")),
    *record_pages("calltree", _made_by(CallTreeEntryFactory, "entry")),
    *record_pages("vendor", _made_by(VendorFactory, "vendor")),
    *record_pages("procedure", _procedure),
    UrlCase("procedure_detail", Capability.VIEW, kwargs=_procedure),
    UrlCase("step_create", Capability.EDIT, kwargs=_procedure),
    UrlCase("step_edit", Capability.EDIT, kwargs=_step),
    UrlCase("step_delete", Capability.EDIT, kwargs=_step),
    *record_pages("exercise", _made_by(ExerciseFactory, "exercise")),
]
