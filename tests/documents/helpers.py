"""Shared helpers for documents tests: typed snapshots, publishing inline, PDF text by page."""

from __future__ import annotations

import dataclasses
import io
import re
import subprocess
from datetime import timedelta
from typing import Any

from django.utils import timezone
from pypdf import PdfReader

from bcp import contract
from bcp.canonical import document_sha256
from bcp.jobs import run_job
from bcp.models import Job
from documents import services, signoff
from documents.changes import ChangeSummary
from documents.checklist import CHECKS, Checklist
from documents.models import ApproverPolicy, PaperSize, PlanVersion, SignOffRequest
from documents.publishing import version_publish, version_publish_run
from documents.snapshot import SNAPSHOT_FORMAT, PlanSnapshot, VersionMeta
from tests.conftest import PlanPeople


def function_analysis(name: str, rto: float) -> contract.FunctionAnalysis:
    """A function whose BIA gives MTPD = 2 × RTO and RPO = RTO / 4, with one RPO gap."""
    return contract.FunctionAnalysis(
        name=name,
        status="Assessed",
        required=contract.RequiredObjectives(
            mtpd_hours=rto * 2,
            rto_hours=rto,
            rpo_hours=rto / 4,
            availability=0.999,
            tier="99.9%",
            reasoning=(
                f"Impact on {name} reaches the tolerance at {rto * 2:g} h: MTPD = {rto * 2:g} h",
                f"RTO = MTPD {rto * 2:g} h − margin {rto:g} h = {rto:g} h",
            ),
            agreed="",
        ),
        achieved=contract.Achieved(
            availability=0.9995,
            downtime_seconds_per_year=15778.476,
            method="Exact (binary decision diagram)",
        ),
        missing=(),
        gaps=(
            contract.Gap(
                kind="RPO",
                severity="Critical",
                element="Shared SAN",
                required_hours=rto / 4,
                achievable_hours=24.0,
                required_availability=None,
                achievable_availability=None,
                evidence="'Shared SAN' is backed up every 24 h",
                first_option="Replicated storage",
            ),
        ),
        importance=(
            contract.Importance(
                element="Shared SAN",
                role="Single point of failure",
                downtime_saved_seconds_per_year=4320.0,
            ),
        ),
    )


def roadmap_step(function: str) -> contract.RoadmapStep:
    return contract.RoadmapStep(
        function=function,
        title="RPO: Shared SAN",
        severity="Critical",
        change="Replicated storage on Shared SAN",
        before_hours=24.0,
        after_hours=0.25,
        before_availability=None,
        after_availability=None,
        outcome="Closes the gap",
        milestones=("Assess by week 2",),
    )


def analysis_part(rto_hours: dict[str, float]) -> contract.AnalysisPart:
    return contract.AnalysisPart(
        year_convention="Gregorian mean year (365.2425 days)",
        year_days=365.2425,
        functions=tuple(function_analysis(n, r) for n, r in sorted(rto_hours.items())),
        roadmap=tuple(roadmap_step(n) for n in sorted(rto_hours)),
        single_points=(
            contract.SinglePoint(
                element="Shared SAN",
                hidden_behind="Server pair",
                functions=tuple(sorted(rto_hours)),
            ),
        ),
        inventory_errors=(),
    )


def empty_analysis() -> contract.AnalysisPart:
    return contract.AnalysisPart(
        year_convention="Gregorian mean year (365.2425 days)",
        year_days=365.2425,
        functions=(),
        roadmap=(),
        single_points=(),
        inventory_errors=(),
    )


def documents_part(**changes: Any) -> contract.DocumentsPart:
    part = contract.DocumentsPart(
        contacts=(),
        call_tree=(),
        vendors=(),
        procedures=(),
        exercises=(),
        approvers=contract.Approvers(
            policy="Every business function's owner", people=("Sam Stakeholder",)
        ),
        paper_size="A4",
    )
    return dataclasses.replace(part, **changes)


def snapshot_with(
    *,
    analysis: contract.AnalysisPart | None = None,
    documents: contract.DocumentsPart | None = None,
    bia: contract.BiaPart | None = None,
    inventory: contract.InventoryPart | None = None,
    open_items: tuple[Any, ...] = (),
    number: int | None = 3,
) -> PlanSnapshot:
    inputs = contract.PlanInputs(
        plan=contract.PlanPart(
            name="Print service continuity",
            organisation="Northbridge College",
            scope="Printing at head office and the branch.",
            classification="Confidential",
            members=(
                contract.Member(name="Maya Manager", role="Manager"),
                contract.Member(name="Sam Stakeholder", role="Stakeholder"),
            ),
        ),
        documents=documents or documents_part(),
        bia=bia
        or contract.BiaPart(
            horizons_hours=(), threshold=None, top_level=4, categories=(), functions=()
        ),
        inventory=inventory or contract.InventoryPart(sites=(), components=(), groups=()),
        analysis=analysis or empty_analysis(),
    )
    return PlanSnapshot(
        format=SNAPSHOT_FORMAT,
        inputs=inputs,
        inputs_sha256=document_sha256(inputs),
        diagrams=(),
        checklist=Checklist(checks=CHECKS, open_items=open_items),
        changes=ChangeSummary(
            first_version=True,
            previous_number=None,
            since=None,
            total=12,
            first_entry=1,
            last_entry=12,
            rows=(),
            more_rows=0,
        ),
        version=VersionMeta(
            number=number,
            previous_number=None,
            published_by="Maya Manager",
            published_at="2026-11-25T18:00:00+00:00",
            note="",
            history_checkpoint="12:" + "c" * 64,
            analysis_run_on="2026-11-25T17:00:00+00:00" if analysis else None,
            limitations_reason="",
        ),
    )


def publish_now(plan: Any, user: Any, **options: Any) -> PlanVersion:
    """Publish through the service and run the job in this process (no worker asked for)."""
    options.setdefault("limitations_reason", "Published by a test with its open items.")
    job = version_publish(plan=plan, user=user, **options)
    outcome = run_job(
        str(job.pk), lambda job, progress: version_publish_run(job=job, progress=progress)
    )
    job = Job.objects.get(pk=job.pk)
    assert outcome == "succeeded", job.error
    return PlanVersion.objects.get(publish_job=job)


def page_texts(pdf: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf))
    return [page.extract_text() or "" for page in reader.pages]


def flat(text: str) -> str:
    """Text with all whitespace removed: table cells wrap, so words split across lines."""
    return re.sub(r"\s+", "", text)


def qpdf_check(pdf: bytes, tmp_path: Any, name: str = "doc.pdf") -> str:
    path = tmp_path / name
    path.write_bytes(pdf)
    result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def structure_elements(pdf: bytes) -> list[Any]:
    """Every element of the PDF's structure tree (the tags a screen reader follows)."""
    catalog: Any = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    found: list[Any] = []
    pending: list[Any] = [catalog["/StructTreeRoot"].get_object()]
    while pending:
        node = pending.pop()
        if "/S" in node:
            found.append(node)
        kids = node.get("/K")
        if kids is None:
            continue
        for kid in kids if isinstance(kids, list) else [kids]:
            kid = kid.get_object() if hasattr(kid, "get_object") else kid
            if isinstance(kid, dict):
                pending.append(kid)
    return found


def xmp_metadata(pdf: bytes) -> bytes:
    """The catalog's XMP metadata, where a PDF declares its standards (empty if none)."""
    root: Any = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    if "/Metadata" not in root:
        return b""
    return bytes(root["/Metadata"].get_object().get_data())


def name_approvers(people: PlanPeople, *users: Any) -> None:
    """The plan's versions are approved by exactly these people."""
    services.document_settings_update(
        plan=people.plan,
        user=people.manager,
        expected_version=None,
        approver_policy=ApproverPolicy.NAMED,
        paper_size=PaperSize.A4,
        approvers=list(users),
    )


def request_signoff(version: PlanVersion, people: PlanPeople, *stakeholders: Any) -> None:
    """The manager asks these stakeholders to sign the version off within five days."""
    signoff.signoff_request(
        version=version,
        user=people.manager,
        stakeholders=stakeholders,
        due_date=timezone.localdate() + timedelta(days=5),
    )


def decide(version: PlanVersion, user: Any, *, approve: bool, comment: str = "") -> None:
    """``user`` approves or rejects the version they were asked to sign, as its page sends it."""
    request = SignOffRequest.objects.get(plan_version=version, stakeholder=user)
    signoff.signoff_decide(
        signoff=request,
        user=user,
        approve=approve,
        comment=comment,
        document_sha256=version.pdf_sha256,
        expected_version=request.version,
    )
