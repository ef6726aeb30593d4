"""Publishing, immutability, supersession, sign-off and verification against a real database."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from bcp.canonical import document_sha256
from bcp.jobs import run_job
from bcp.models import Job, Role
from documents import publishing, selectors, services, signoff
from documents.models import PlanVersion, SignOffRequest
from documents.snapshot import parse_snapshot
from tests.conftest import PlanPeople
from tests.documents.factories import ContactFactory
from tests.documents.helpers import (
    decide,
    name_approvers,
    publish_now,
    qpdf_check,
    request_signoff,
)
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _no_progress(percent: int, message: str) -> None:
    return None


def publish_and_render(people: PlanPeople, note: str = "") -> PlanVersion:
    return publish_now(people.plan, people.manager, note=note)


@pytest.fixture
def finance(people: PlanPeople) -> Any:
    return MembershipFactory.create(
        plan=people.plan, role=Role.STAKEHOLDER, user__username="fiona", user__first_name="Fiona"
    ).user


@pytest.fixture
def approvers(people: PlanPeople, finance: Any) -> tuple[Any, Any]:
    name_approvers(people, people.stakeholder, finance)
    return people.stakeholder, finance


def test_publishing_queues_a_job_and_the_worker_freezes_and_hashes_the_inputs(
    people: PlanPeople,
) -> None:
    ContactFactory.create(plan=people.plan, name="Priya Print")
    job = publishing.version_publish(
        plan=people.plan, user=people.manager, limitations_reason="First cut"
    )
    assert job.kind == publishing.RENDER_VERSION_KIND
    assert not PlanVersion.objects.filter(plan=people.plan).exists()  # nothing in the request
    run_job(str(job.pk), lambda j, p: publishing.version_publish_run(job=j, progress=p))
    version = PlanVersion.objects.get(publish_job=job)
    assert version.number == 1 and version.status == PlanVersion.Status.PUBLISHED
    snapshot = parse_snapshot(version.snapshot)
    assert snapshot.inputs.documents.contacts[0].name == "Priya Print"
    assert version.snapshot_sha256 == document_sha256(version.snapshot["inputs"])


def test_a_redelivered_publishing_job_makes_no_second_version(people: PlanPeople) -> None:
    version = publish_and_render(people)
    assert version.publish_job is not None
    job = version.publish_job
    result = publishing.version_publish_run(job=job, progress=_no_progress)
    assert result["skipped"] is True
    assert PlanVersion.objects.filter(plan=people.plan).count() == 1


def test_the_cover_records_the_history_chain_head_when_frozen(people: PlanPeople) -> None:
    from audit.selectors import chain_head

    version = publish_and_render(people)
    checkpoint = parse_snapshot(version.snapshot).version.history_checkpoint
    seq, _, digest = checkpoint.partition(":")
    assert int(seq) == version.history_seq and len(digest) == 64
    assert chain_head().seq > int(seq)  # the version's own creation came after


def test_rendering_stores_pdf_and_pdfa_with_their_sha256(
    people: PlanPeople, tmp_path: Path
) -> None:
    version = publish_and_render(people)
    assert version.status == PlanVersion.Status.PUBLISHED
    pdf = version.pdf.read()
    assert hashlib.sha256(pdf).hexdigest() == version.pdf_sha256
    version.pdfa.open("rb")
    assert hashlib.sha256(version.pdfa.read()).hexdigest() == version.pdfa_sha256
    assert version.page_count and version.page_count > 10
    qpdf_check(pdf, tmp_path)


def test_rendering_a_version_twice_creates_no_second_artifact(people: PlanPeople) -> None:
    version = publish_and_render(people)
    first = (version.pdf.name, version.pdf_sha256, version.version)
    result = publishing.version_render(version=version, progress=_no_progress)
    version.refresh_from_db()
    assert result["skipped"] is True
    assert (version.pdf.name, version.pdf_sha256, version.version) == first
    folder = Path(version.pdf.path).parent
    assert len(list(folder.glob(f"v{version.number}-*.pdf"))) == 2  # the PDF and its PDF/A


def test_a_stale_copy_of_an_already_rendered_version_stores_nothing(people: PlanPeople) -> None:
    version = publish_and_render(people)
    stale = PlanVersion.objects.get(pk=version.pk)
    stale.pdf_sha256 = ""  # as loaded before the first render finished
    result = publishing.version_render(version=stale, progress=_no_progress)
    assert result["skipped"] is True
    assert PlanVersion.objects.get(pk=version.pk).version == 2  # created, then rendered once


def test_publishing_unchanged_inputs_again_fails_the_job_and_makes_no_version(
    people: PlanPeople,
) -> None:
    publish_and_render(people)
    job = publishing.version_publish(
        plan=people.plan, user=people.manager, limitations_reason="Again"
    )
    run_job(str(job.pk), lambda j, p: publishing.version_publish_run(job=j, progress=p))
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "Nothing has changed since version 1" in job.error
    assert PlanVersion.objects.filter(plan=people.plan).count() == 1


def test_an_edit_marks_the_published_version_superseded_and_leaves_its_pdf_unchanged(
    people: PlanPeople,
) -> None:
    version = publish_and_render(people)
    before = version.pdf.read()
    [state] = selectors.versions_with_state(people.plan)
    assert not state.superseded_by_changes
    contact = ContactFactory.create(plan=people.plan, name="Dan Database")
    services.contact_update(
        contact=contact, user=people.manager, expected_version=contact.version, phone="0103"
    )
    [state] = selectors.versions_with_state(people.plan)
    assert state.superseded_by_changes
    version.refresh_from_db()
    version.pdf.open("rb")
    assert version.pdf.read() == before
    assert hashlib.sha256(before).hexdigest() == version.pdf_sha256


def test_the_version_is_approved_only_when_every_approver_on_the_cover_has_approved(
    people: PlanPeople, approvers: tuple[Any, Any]
) -> None:
    stakeholder, finance = approvers
    version = publish_and_render(people)
    assert set(version.approvers) == {stakeholder.pk, finance.pk}
    request_signoff(version, people, stakeholder, finance)
    decide(version, stakeholder, approve=True, comment="Fine for student services")
    version.refresh_from_db()
    assert version.status == PlanVersion.Status.IN_REVIEW
    assert selectors.version_state(version).status_label == "Partly approved (1 of 2)"
    decide(version, finance, approve=True)
    version.refresh_from_db()
    assert version.status == PlanVersion.Status.APPROVED
    assert selectors.version_state(version).status_label == "Approved"


def test_asking_only_one_of_two_approvers_never_makes_the_version_approved(
    people: PlanPeople, approvers: tuple[Any, Any]
) -> None:
    stakeholder, _finance = approvers
    version = publish_and_render(people)
    request_signoff(version, people, stakeholder)
    decide(version, stakeholder, approve=True)
    version.refresh_from_db()
    assert version.status == PlanVersion.Status.IN_REVIEW
    assert selectors.version_state(version).status_label == "Partly approved (1 of 2)"


def test_someone_not_on_the_cover_cannot_be_asked_to_sign(people: PlanPeople, finance: Any) -> None:
    name_approvers(people, people.stakeholder)
    version = publish_and_render(people)
    with pytest.raises(ValidationError, match="not named on this version's cover"):
        request_signoff(version, people, finance)


def test_every_function_owner_must_approve_under_the_default_policy(
    people: PlanPeople, finance: Any
) -> None:
    from tests.bia.factories import BusinessFunctionFactory

    BusinessFunctionFactory.create(plan=people.plan, name="Printing", owner=people.stakeholder)
    BusinessFunctionFactory.create(plan=people.plan, name="Accounting", owner=finance)
    BusinessFunctionFactory.create(plan=people.plan, name="Scanning", owner=finance)
    resolved = signoff.required_approvers(people.plan)
    assert resolved.policy == "Every business function's owner"
    assert sorted(resolved.people) == sorted([people.stakeholder.pk, finance.pk])


def test_an_approval_records_who_when_which_version_and_the_documents_hash(
    people: PlanPeople,
) -> None:
    name_approvers(people, people.stakeholder)
    version = publish_and_render(people)
    request_signoff(version, people, people.stakeholder)
    decide(version, people.stakeholder, approve=True, comment="Agreed")
    signoff = SignOffRequest.objects.get(plan_version=version)
    assert signoff.status == SignOffRequest.Status.APPROVED
    assert signoff.document_sha256 == version.pdf_sha256
    assert signoff.decided_at is not None
    record = signoff.history.order_by("-history_id").first()
    assert record.history_user == people.stakeholder
    assert record.history_change_reason == "Agreed"
    assert record.document_sha256 == version.pdf_sha256


def test_one_rejection_returns_the_version_to_draft_with_the_comment(
    people: PlanPeople, approvers: tuple[Any, Any]
) -> None:
    _, finance = approvers
    version = publish_and_render(people)
    request_signoff(version, people, people.stakeholder, finance)
    decide(version, people.stakeholder, approve=False, comment="The branch is missing")
    version.refresh_from_db()
    assert version.status == PlanVersion.Status.RETURNED
    rejected = SignOffRequest.objects.get(plan_version=version, stakeholder=people.stakeholder)
    assert rejected.comment == "The branch is missing"
    other = SignOffRequest.objects.get(plan_version=version, stakeholder=finance)
    assert other.status == SignOffRequest.Status.CLOSED
    assert selectors.rejection(version) == rejected


def test_a_rejection_without_a_comment_is_refused(people: PlanPeople) -> None:
    name_approvers(people, people.stakeholder)
    version = publish_and_render(people)
    request_signoff(version, people, people.stakeholder)
    with pytest.raises(ValidationError):
        decide(version, people.stakeholder, approve=False, comment=" ")


@pytest.mark.parametrize(
    ("decider", "other_hash", "refusal"),
    [
        pytest.param("stakeholder", "f" * 64, "not this version's PDF", id="other-document"),
        pytest.param("manager", None, "Only the person asked", id="someone-else"),
    ],
)
def test_a_decision_on_another_document_or_by_someone_else_is_refused(
    people: PlanPeople, decider: str, other_hash: str | None, refusal: str
) -> None:
    name_approvers(people, people.stakeholder)
    version = publish_and_render(people)
    request_signoff(version, people, people.stakeholder)
    request = SignOffRequest.objects.get(plan_version=version)
    with pytest.raises(ValidationError, match=refusal):
        signoff.signoff_decide(
            signoff=request,
            user=getattr(people, decider),
            approve=True,
            comment="",
            document_sha256=other_hash or version.pdf_sha256,
            expected_version=request.version,
        )


def test_sign_off_of_a_superseded_version_cannot_be_requested(people: PlanPeople) -> None:
    name_approvers(people, people.stakeholder)
    version = publish_and_render(people)
    ContactFactory.create(plan=people.plan)
    with pytest.raises(ValidationError, match="changed since this version"):
        signoff.signoff_request(
            version=version,
            user=people.manager,
            stakeholders=[people.stakeholder],
            due_date=timezone.localdate(),
            current_inputs_sha256=selectors.current_inputs_sha256(people.plan),
        )


def test_an_auditor_cannot_be_named_as_an_approver(people: PlanPeople) -> None:
    with pytest.raises(ValidationError, match="not a stakeholder or manager"):
        name_approvers(people, people.auditor)


def test_overdue_signatures_get_one_reminder_per_day(
    people: PlanPeople, django_capture_on_commit_callbacks: Any
) -> None:
    name_approvers(people, people.stakeholder)
    version = publish_and_render(people)
    request_signoff(version, people, people.stakeholder)
    mail.outbox.clear()
    request = SignOffRequest.objects.get(plan_version=version)
    later = timezone.now() + dt.timedelta(days=8)
    with django_capture_on_commit_callbacks(execute=True):
        assert signoff.signoff_send_reminders(now=later) == 1
        assert signoff.signoff_send_reminders(now=later + dt.timedelta(hours=1)) == 0
        assert signoff.signoff_send_reminders(now=later + dt.timedelta(days=1, hours=1)) == 1
    assert len(mail.outbox) == 2
    assert "Reminder" in mail.outbox[0].subject
    assert version.pdf_sha256 in mail.outbox[0].body
    request.refresh_from_db()
    assert request.reminded_at is not None


def test_the_request_emails_each_stakeholder_the_documents_hash(
    people: PlanPeople, django_capture_on_commit_callbacks: Any
) -> None:
    name_approvers(people, people.stakeholder)
    version = publish_and_render(people)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        request_signoff(version, people, people.stakeholder)
    [message] = mail.outbox
    assert message.to == [people.stakeholder.email]
    assert version.pdf_sha256 in message.body


def test_verifying_a_published_pdf_names_plan_version_and_signers(people: PlanPeople) -> None:
    name_approvers(people, people.stakeholder)
    version = publish_and_render(people)
    request_signoff(version, people, people.stakeholder)
    decide(version, people.stakeholder, approve=True)
    result = selectors.verify_document(hashlib.sha256(version.pdf.read()).hexdigest())
    assert result.version == version and result.variant == "pdf"
    assert [s.stakeholder for s in result.signoffs] == [people.stakeholder]
    assert not result.superseded_by_changes
    pdfa = selectors.verify_document(version.pdfa_sha256.upper())
    assert pdfa.version == version and pdfa.variant == "pdfa"


def test_verifying_an_unknown_hash_finds_nothing(people: PlanPeople) -> None:
    assert selectors.verify_document("e" * 64).version is None


def test_a_draft_export_renders_a_watermarked_file_without_publishing(people: PlanPeople) -> None:
    job = publishing.draft_export(plan=people.plan, user=people.manager)
    result = publishing.draft_render(job=Job.objects.get(pk=job.pk), progress=_no_progress)
    assert result["file"].startswith(f"documents/drafts/plan-{people.plan.pk}/")
    assert PlanVersion.objects.filter(plan=people.plan).count() == 0


def test_publishing_as_someone_else_is_attributed_in_history(people: PlanPeople) -> None:
    other = UserFactory.create(username="mo")
    MembershipFactory.create(plan=people.plan, user=other, role=Role.MANAGER)
    version = publish_now(people.plan, other, note="Term start")
    assert version.history.earliest().history_user == other
