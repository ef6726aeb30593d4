"""Pages of the documents app: editing plan data, sign-off pages and verification."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from bcp.models import Role
from documents import publishing, services, signoff
from documents.models import (
    Contact,
    PlanVersion,
    ProcedureStep,
    SignOffRequest,
)
from tests.conftest import PlanPeople, client_for
from tests.documents.factories import (
    ContactFactory,
    PlanVersionFactory,
    RecoveryProcedureFactory,
    SignOffRequestFactory,
)
from tests.documents.helpers import name_approvers, publish_now, request_signoff
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def published(people: PlanPeople, *approvers: Any) -> PlanVersion:
    if approvers:
        name_approvers(people, *approvers)
    return publish_now(people.plan, people.manager)


def test_manager_adds_a_contact_with_a_reason_recorded_in_history(people: PlanPeople) -> None:
    response = client_for(people.manager).post(
        people.url("contact_create"),
        {"name": "Priya Print", "phone": "0102", "reason": "New print admin"},
    )
    assert response.status_code == 302
    contact = Contact.objects.get(plan=people.plan)
    assert contact.history.first().history_change_reason == "New print admin"


def test_an_invalid_email_is_a_field_error_and_keeps_the_input(people: PlanPeople) -> None:
    response = client_for(people.manager).post(
        people.url("contact_create"), {"name": "Priya Print", "email": "not-an-email"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter a valid email address" in body and 'value="Priya Print"' in body


def test_a_stale_contact_edit_shows_the_conflict_and_keeps_what_was_typed(
    people: PlanPeople,
) -> None:
    contact = ContactFactory.create(plan=people.plan, name="Dan", phone="1")
    stale = contact.version
    services.contact_update(contact=contact, user=people.manager, expected_version=stale, phone="2")
    response = client_for(people.manager).post(
        people.url("contact_edit", contact_pk=contact.pk),
        {"name": "Dan", "phone": "3", "version": stale},
    )
    body = response.content.decode()
    assert 'id="edit-conflict"' in body and 'value="3"' in body
    contact.refresh_from_db()
    assert contact.phone == "2"


def test_a_call_tree_entry_cannot_be_called_by_someone_it_calls(people: PlanPeople) -> None:
    top = services.calltree_entry_create(
        plan=people.plan, user=people.manager, contact=ContactFactory.create(plan=people.plan)
    )
    below = services.calltree_entry_create(
        plan=people.plan,
        user=people.manager,
        contact=ContactFactory.create(plan=people.plan),
        parent=top,
    )
    response = client_for(people.manager).post(
        people.url("calltree_edit", entry_pk=top.pk),
        {"contact": top.contact_id, "parent": below.pk, "position": 1, "version": top.version},
    )
    assert response.status_code == 400
    assert "cannot be called by themselves" in response.content.decode()


def test_procedure_page_says_there_is_no_rto_to_check_against(people: PlanPeople) -> None:
    from bia.models import BusinessFunction

    function = BusinessFunction.objects.create(plan=people.plan, name="Staff printing")
    procedure = RecoveryProcedureFactory.create(
        plan=people.plan, title="Fail over", function=function
    )
    client = client_for(people.manager)
    client.post(
        people.url("step_create", procedure_pk=procedure.pk),
        {"position": 1, "instruction": "Drain the pool", "owner": "Nina", "expected_minutes": 25},
    )
    assert ProcedureStep.objects.get(procedure=procedure).expected_minutes == 25
    body = client.get(people.url("procedure_detail", procedure_pk=procedure.pk)).content.decode()
    assert "The function has no RTO yet" in body and "25 min" in body


def test_a_plan_wide_procedure_is_not_checked_against_an_rto(people: PlanPeople) -> None:
    procedure = RecoveryProcedureFactory.create(plan=people.plan, title="Return to normal")
    body = client_for(people.manager).get(people.url("procedure_detail", procedure_pk=procedure.pk))
    assert "Plan-wide procedure" in body.content.decode()


def test_a_step_without_a_duration_is_refused_with_a_field_error(people: PlanPeople) -> None:
    procedure = RecoveryProcedureFactory.create(plan=people.plan)
    response = client_for(people.manager).post(
        people.url("step_create", procedure_pk=procedure.pk),
        {"position": 1, "instruction": "Drain", "owner": "Nina", "expected_minutes": "soon"},
    )
    assert response.status_code == 400 and "Enter a whole number" in response.content.decode()


def test_an_exercise_outcome_needs_the_date_it_was_held(people: PlanPeople) -> None:
    response = client_for(people.manager).post(
        people.url("exercise_create"),
        {
            "title": "Failover",
            "kind": "failover",
            "scheduled_for": "2026-01-10",
            "outcome": "passed",
        },
    )
    assert response.status_code == 400
    assert "Say when the exercise was held" in response.content.decode()


def test_stakeholder_sees_the_exact_document_hash_and_approves_it(people: PlanPeople) -> None:
    version = published(people, people.stakeholder)
    request_signoff(version, people, people.stakeholder)
    request = SignOffRequest.objects.get(plan_version=version)
    client = client_for(people.stakeholder)
    page = client.get(people.url("signoff_detail", signoff_pk=request.pk)).content.decode()
    assert version.pdf_sha256 in page and "Record my decision" in page
    response = client.post(
        people.url("signoff_decide", signoff_pk=request.pk),
        {"decision": "approve", "document_sha256": version.pdf_sha256, "version": request.version},
    )
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.status == PlanVersion.Status.APPROVED


def test_the_plan_overview_shows_an_approver_the_sign_off_awaiting_them(
    people: PlanPeople,
) -> None:
    signoff = SignOffRequestFactory.create(
        plan_version=PlanVersionFactory.create(plan=people.plan), stakeholder=people.stakeholder
    )
    link = people.url("signoff_detail", signoff_pk=signoff.pk)
    overview = reverse("plan_detail", kwargs={"plan_pk": people.plan.pk})
    theirs = client_for(people.stakeholder).get(overview).content.decode()
    assert "Your approval is requested" in theirs and link in theirs
    managers = client_for(people.manager).get(overview).content.decode()
    assert "Your approval is requested" not in managers


def test_rejecting_without_a_comment_is_a_field_error(people: PlanPeople) -> None:
    signoff = SignOffRequestFactory.create(
        plan_version=PlanVersionFactory.create(plan=people.plan), stakeholder=people.stakeholder
    )
    response = client_for(people.stakeholder).post(
        people.url("signoff_decide", signoff_pk=signoff.pk),
        {"decision": "reject", "comment": "", "document_sha256": "0" * 64},
    )
    assert response.status_code == 400
    assert "Say what must change" in response.content.decode()


def test_managers_view_shows_who_is_still_missing_and_overdue(people: PlanPeople) -> None:
    version = PlanVersionFactory.create(plan=people.plan, status=PlanVersion.Status.IN_REVIEW)
    SignOffRequestFactory.create(
        plan_version=version,
        stakeholder=people.stakeholder,
        due_date=timezone.localdate() - dt.timedelta(days=2),
    )
    body = client_for(people.manager).get(people.url("version_detail", version_pk=version.pk))
    text = body.content.decode()
    assert "signoff-missing" in text and "overdue" in text and "Send reminders" in text


def test_a_stakeholder_of_another_plan_cannot_open_this_plans_sign_off(people: PlanPeople) -> None:
    signoff = SignOffRequestFactory.create(
        plan_version=PlanVersionFactory.create(plan=people.plan), stakeholder=people.stakeholder
    )
    elsewhere = MembershipFactory.create(role=Role.STAKEHOLDER).user
    response = client_for(elsewhere).get(people.url("signoff_detail", signoff_pk=signoff.pk))
    assert response.status_code == 403


def test_documents_page_warns_that_the_published_version_is_superseded(people: PlanPeople) -> None:
    published(people)
    client = client_for(people.manager)
    assert "Superseded by changes" not in client.get(people.url("documents_home")).content.decode()
    ContactFactory.create(plan=people.plan)
    body = client.get(people.url("documents_home")).content.decode()
    assert "Superseded by changes" in body and 'id="plan-superseded"' in body


def test_a_version_superseded_by_a_recorded_change_says_the_data_changed(
    people: PlanPeople,
) -> None:
    version = published(people)
    ContactFactory.create(plan=people.plan)
    body = client_for(people.manager).get(people.url("version_detail", version_pk=version.pk))
    assert "the plan's data changed after this version was published" in body.content.decode()


def test_uploading_a_published_pdf_identifies_plan_version_and_signers(people: PlanPeople) -> None:
    version = published(people)
    version.pdf.open("rb")
    upload = SimpleUploadedFile("plan.pdf", version.pdf.read(), content_type="application/pdf")
    body = client_for(people.auditor).post(people.url("documents_verify"), {"document": upload})
    text = body.content.decode()
    assert 'id="verify-match"' in text and f"version {version.number}" in text
    assert people.plan.name in text


def test_an_unknown_document_is_told_it_was_not_issued_here(people: PlanPeople) -> None:
    upload = SimpleUploadedFile("x.pdf", b"%PDF-1.4 made elsewhere", content_type="application/pdf")
    text = (
        client_for(people.manager)
        .post(people.url("documents_verify"), {"document": upload})
        .content.decode()
    )
    assert "not issued by this Continuity installation" in text


def test_a_non_pdf_upload_is_a_field_error(people: PlanPeople) -> None:
    upload = SimpleUploadedFile("x.pdf", b"MZ\x90\x00", content_type="application/pdf")
    response = client_for(people.manager).post(people.url("documents_verify"), {"document": upload})
    assert response.status_code == 400 and "This is not a PDF file." in response.content.decode()


def test_a_malformed_hash_is_a_field_error(people: PlanPeople) -> None:
    response = client_for(people.manager).post(people.url("documents_verify"), {"sha256": "abc"})
    assert response.status_code == 400 and "64 hexadecimal" in response.content.decode()


def test_a_pasted_hash_verifies_the_same_as_an_upload(people: PlanPeople) -> None:
    version = published(people)
    text = (
        client_for(people.manager)
        .post(people.url("documents_verify"), {"sha256": version.pdf_sha256.upper()})
        .content.decode()
    )
    assert 'id="verify-match"' in text


def test_a_tampered_stored_pdf_is_not_served(people: PlanPeople) -> None:
    version = published(people)
    with open(version.pdf.path, "ab") as handle:
        handle.write(b"% changed")
    response = client_for(people.manager).get(people.url("version_download", version_pk=version.pk))
    assert response.status_code == 409


def test_documents_home_runs_a_bounded_number_of_queries(
    people: PlanPeople, django_assert_max_num_queries: Any
) -> None:
    for _ in range(5):
        PlanVersionFactory.create(plan=people.plan)
    client = client_for(people.manager)
    # 45: one of them reads the plan's newest data change, for supersession, one the top
    # bar's unread count, and three the plan's key people, roles and suppliers. The same
    # 45 with 20 versions: the count does not grow with the plan's history.
    with django_assert_max_num_queries(45):
        assert client.get(people.url("documents_home")).status_code == 200


def test_the_plan_status_tag_says_superseded_after_an_edit(people: PlanPeople) -> None:
    from django.template import Context, Template

    published(people)
    ContactFactory.create(plan=people.plan)
    html = Template("{% load documents_tags %}{% plan_document_status plan %}").render(
        Context({"plan": people.plan})
    )
    assert "Superseded by changes" in html and "Version 1" in html


def test_a_failed_render_can_be_retried_from_the_documents_page(people: PlanPeople) -> None:
    from bcp.models import Job

    job = Job.objects.create(
        kind=publishing.RENDER_DRAFT_KIND,
        task_name=publishing.RENDER_DRAFT_TASK,
        plan=people.plan,
        status=Job.Status.FAILED,
        error="SoftTimeLimitExceeded: rendering took longer than 240 s",
    )
    client = client_for(people.manager)
    page = client.get(people.url("documents_home")).content.decode()
    assert "SoftTimeLimitExceeded" in page and "Retry" in page
    response = client.post(people.url("documents_job_retry", job_pk=job.pk), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    job.refresh_from_db()
    assert job.status in (Job.Status.QUEUED, Job.Status.COULD_NOT_QUEUE, Job.Status.RUNNING)


def test_removing_someone_from_the_call_tree_keeps_the_people_they_called(
    people: PlanPeople,
) -> None:
    def add(name: str, parent: Any = None) -> Any:
        contact = ContactFactory.create(plan=people.plan, name=name)
        return services.calltree_entry_create(
            plan=people.plan, user=people.manager, contact=contact, parent=parent
        )

    top = add("Maya")
    middle = add("Priya", top)
    bottom = add("Dan", middle)
    response = client_for(people.manager).post(
        people.url("contact_delete", contact_pk=middle.contact_id), {"reason": "Left"}
    )
    assert response.status_code == 302
    bottom.refresh_from_db()
    assert bottom.parent == top


def test_an_auditor_sees_versions_but_no_publish_or_export_controls(people: PlanPeople) -> None:
    PlanVersionFactory.create(plan=people.plan)
    body = client_for(people.auditor).get(people.url("documents_home")).content.decode()
    assert 'id="version-table"' in body
    assert "Publish new version" not in body and "Export draft PDF" not in body


def test_the_sign_off_email_links_to_the_page_on_this_site(
    people: PlanPeople, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core import mail

    version = published(people, people.stakeholder)
    mail.outbox.clear()
    due = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(people.manager).post(
            people.url("version_detail", version_pk=version.pk),
            {"stakeholders": [people.stakeholder.pk], "due_date": due},
        )
    [message] = mail.outbox
    assert f"http://testserver/plans/{people.plan.pk}/documents/signoffs/" in message.body


def test_the_documents_page_shows_the_checklist_and_who_must_approve(people: PlanPeople) -> None:
    body = client_for(people.manager).get(people.url("documents_home")).content.decode()
    assert 'id="publish-checklist"' in body
    assert "The plan has no business functions." in body
    assert "Why publish with the open items?" in body
    assert "Publish with" in body and "known limitation" in body


def test_publishing_with_open_items_and_no_reason_is_refused(people: PlanPeople) -> None:
    from bcp.models import Job

    client = client_for(people.manager)
    response = client.post(people.url("version_publish"), {"note": "kept as typed"})
    assert response.status_code == 400
    assert not Job.objects.filter(plan=people.plan, kind=publishing.RENDER_VERSION_KIND).exists()
    page = response.content.decode()
    assert "say why this version should be published with them" in page
    assert 'aria-describedby="id_limitations_reason_error"' in page
    assert ">kept as typed</textarea>" in page


def test_the_reason_for_publishing_with_open_items_is_in_the_history(people: PlanPeople) -> None:
    version = publish_now(
        people.plan, people.manager, limitations_reason="The board meets tomorrow"
    )
    record = version.history.earliest()
    assert "known limitations: The board meets tomorrow" in record.history_change_reason
    assert version.limitations_reason == "The board meets tomorrow"


def test_a_returned_version_shows_who_rejected_it_and_why(people: PlanPeople) -> None:
    version = published(people, people.stakeholder)
    request_signoff(version, people, people.stakeholder)
    request = SignOffRequest.objects.get(plan_version=version)
    signoff.signoff_decide(
        signoff=request,
        user=people.stakeholder,
        approve=False,
        comment="The branch is missing",
        document_sha256=version.pdf_sha256,
        expected_version=request.version,
    )
    client = client_for(people.manager)
    detail = client.get(people.url("version_detail", version_pk=version.pk)).content.decode()
    assert 'id="returned-alert"' in detail and "The branch is missing" in detail
    home = client.get(people.url("documents_home")).content.decode()
    assert 'id="latest-rejection"' in home and "The branch is missing" in home


def test_the_manager_names_the_approvers_on_the_settings_page(people: PlanPeople) -> None:
    from documents.models import DocumentSettings, NamedApprover

    response = client_for(people.manager).post(
        people.url("documents_settings"),
        {
            "approver_policy": "named",
            "paper_size": "letter",
            "approvers": [people.stakeholder.pk],
            "reason": "Sam signs for the service",
        },
    )
    assert response.status_code == 302
    settings = DocumentSettings.objects.get(plan=people.plan)
    assert (settings.approver_policy, settings.paper_size) == ("named", "letter")
    assert list(NamedApprover.objects.filter(plan=people.plan).values_list("user", flat=True)) == [
        people.stakeholder.pk
    ]
    assert settings.history.earliest().history_change_reason == "Sam signs for the service"


def test_naming_nobody_under_the_named_policy_is_a_field_error(people: PlanPeople) -> None:
    response = client_for(people.manager).post(
        people.url("documents_settings"), {"approver_policy": "named", "paper_size": "a4"}
    )
    assert response.status_code == 400
    assert "Name at least one person who must approve." in response.content.decode()


def test_a_stakeholder_cannot_change_the_document_settings(people: PlanPeople) -> None:
    response = client_for(people.stakeholder).post(
        people.url("documents_settings"),
        {"approver_policy": "function_owners", "paper_size": "a4"},
    )
    assert response.status_code == 403


def test_the_version_page_shows_the_history_checkpoint_printed_on_its_cover(
    people: PlanPeople,
) -> None:
    version = published(people)
    body = client_for(people.auditor).get(people.url("version_detail", version_pk=version.pk))
    text = body.content.decode()
    assert 'id="history-checkpoint"' in text
    assert f"{version.history_seq}:" in text


def test_a_refused_publishing_is_shown_until_the_next_one(people: PlanPeople) -> None:
    from bcp.jobs import run_job
    from bcp.models import Job

    published(people)
    job = publishing.version_publish(plan=people.plan, user=people.manager, limitations_reason="x")
    run_job(str(job.pk), lambda j, p: publishing.version_publish_run(job=j, progress=p))
    assert Job.objects.get(pk=job.pk).status == Job.Status.FAILED
    page = client_for(people.manager).get(people.url("documents_home")).content.decode()
    assert "Publishing failed." in page and "Nothing has changed since version 1" in page
