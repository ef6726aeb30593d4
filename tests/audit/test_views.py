"""Auditor pages: filters, field errors, comparison, the plan as of a date, exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import time
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from audit.export import CSV_HEAD_MARKER, CSV_HEADER, neutralise, verify_export
from audit.models import ChainEntry
from audit.report import report_as_dict
from audit.reports import REPORT_KIND
from audit.selectors import chain_head, entry_seqs, plan_as_of, plan_change_log
from audit.tasks import HISTORY_VERIFY_KIND, HISTORY_VERIFY_TASK
from audit.verify import verify_chain
from bcp import services
from bcp.history import change_context
from bcp.models import Job, Plan
from tests.audit import factories
from tests.audit.tamper import tamper
from tests.conftest import PlanPeople, client_for

pytestmark = pytest.mark.django_db


def _url(people: PlanPeople, name: str, **kwargs: Any) -> str:
    return reverse(name, kwargs={"plan_pk": people.plan.pk, **kwargs})


def _verification_done(plan: Plan) -> None:
    """A finished verification job of ``plan``, with the report of the chain as it is now."""
    Job.objects.create(
        kind=HISTORY_VERIFY_KIND,
        task_name=HISTORY_VERIFY_TASK,
        plan=plan,
        status=Job.Status.SUCCEEDED,
        finished_at=timezone.now(),
        result=report_as_dict(verify_chain()),
    )


def _plan_compare_url(people: PlanPeople) -> str:
    return _url(people, "audit_compare", model_label="bcp.Plan", object_id=str(people.plan.pk))


def _rescoped_twice(people: PlanPeople) -> list[Any]:
    """The plan's history rows after its scope changed twice: created, then each change."""
    _rescope(people, "Head office")
    _rescope(people, "Head office and branch")
    return list(Plan.history.filter(id=people.plan.pk).order_by("history_id"))


def _compare(people: PlanPeople, client: Client, a: Any, b: Any) -> Any:
    """The comparison page of two of the plan's history rows."""
    return client.get(f"{_plan_compare_url(people)}?a={a.history_id}&b={b.history_id}")


def _rescope(people: PlanPeople, scope: str, *, reason: str = "", ticket: str = "") -> Plan:
    plan = Plan.objects.get(pk=people.plan.pk)
    return services.plan_update(
        plan=plan,
        user=people.manager,
        expected_version=plan.version,
        reason=reason,
        ticket=ticket,
        scope=scope,
    )


def _rows(client: Client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return [f"#{row.entry.seq}" for row in response.context["rows"]]


def test_the_timeline_filters_by_user_reason_ticket_and_date(
    people: PlanPeople, auditor_client: Client
) -> None:
    _rescope(people, "Head office", reason="Branch closed", ticket="CHG-9")
    entry = ChainEntry.objects.order_by("-seq").first()
    assert entry is not None
    today = timezone.localdate().isoformat()
    url = _url(people, "audit_timeline")
    assert _rows(auditor_client, f"{url}?user={people.manager.pk}") == [f"#{entry.seq}"]
    assert _rows(auditor_client, f"{url}?reason=branch") == [f"#{entry.seq}"]
    assert _rows(auditor_client, f"{url}?ticket=chg-9") == [f"#{entry.seq}"]
    assert f"#{entry.seq}" in _rows(auditor_client, f"{url}?date_from={today}&date_to={today}")
    assert _rows(auditor_client, f"{url}?date_to=2001-01-01") == []


def test_the_timeline_shows_old_and_new_values_with_reason(
    people: PlanPeople, auditor_client: Client
) -> None:
    _rescope(people, "Head office and branch", reason="Branch added after the workshop")
    response = auditor_client.get(_url(people, "audit_timeline"))
    assert b"Head office and branch" in response.content
    assert b"Branch added after the workshop" in response.content
    assert b"diff-old" in response.content


def test_a_malformed_date_filter_is_a_field_error_not_a_500(
    people: PlanPeople, auditor_client: Client
) -> None:
    response = auditor_client.get(_url(people, "audit_timeline") + "?date_from=1st+of+March")
    assert response.status_code == 400
    assert response.context["filters"].errors["date_from"] == ["Enter a valid date."]


def test_an_end_date_before_the_start_is_a_field_error(
    people: PlanPeople, auditor_client: Client
) -> None:
    url = _url(people, "audit_timeline") + "?date_from=2026-03-02&date_to=2026-03-01"
    response = auditor_client.get(url)
    assert response.status_code == 400
    assert "before the start" in response.context["filters"].errors["date_to"][0]


def test_the_auditor_sees_no_restore_links_and_the_manager_does(people: PlanPeople) -> None:
    _rescope(people, "Head office")
    url = _url(people, "audit_timeline")
    assert b"Restore" not in client_for(people.auditor).get(url).content
    assert b"Restore" in client_for(people.manager).get(url).content


def test_compare_shows_any_two_versions_field_by_field(
    people: PlanPeople, auditor_client: Client
) -> None:
    versions = _rescoped_twice(people)
    response = _compare(people, auditor_client, versions[0], versions[2])
    assert response.status_code == 200
    changed = response.context["comparison"].changed
    assert [(c.label, c.old, c.new) for c in changed] == [
        ("Scope", versions[0].scope or "—", "Head office and branch")
    ]


def test_compare_of_one_changed_field_says_it_differs_in_the_singular(
    people: PlanPeople, auditor_client: Client
) -> None:
    versions = _rescoped_twice(people)
    response = _compare(people, auditor_client, versions[1], versions[2])
    assert "1 field differs." in response.content.decode()


def test_compare_with_versions_of_another_record_is_a_404(
    people: PlanPeople, auditor_client: Client
) -> None:
    first = Plan.history.filter(id=people.plan.pk).order_by("history_id")[0]
    url = _plan_compare_url(people)
    assert auditor_client.get(f"{url}?a={first.history_id}&b=999999").status_code == 404


def test_the_object_page_lists_every_version(people: PlanPeople, auditor_client: Client) -> None:
    _rescope(people, "Head office")
    url = _url(people, "audit_object", model_label="bcp.Plan", object_id=str(people.plan.pk))
    response = auditor_client.get(url)
    assert len(response.context["rows"]) == 2


def test_an_unknown_model_or_another_plans_record_is_a_404(
    people: PlanPeople, auditor_client: Client
) -> None:
    other = Plan.objects.exclude(pk=people.plan.pk).first()
    assert other is not None
    for label, object_id in (("auth.User", "1"), ("bcp.Job", "1"), ("bcp.Plan", str(other.pk))):
        url = _url(people, "audit_object", model_label=label, object_id=object_id)
        assert auditor_client.get(url).status_code == 404


def test_the_plan_as_of_a_past_moment_shows_what_it_said_then(people: PlanPeople) -> None:
    site = factories.site(people.plan, people.manager, name="Branch site server room")
    before = timezone.now()
    _rescope(people, "Changed later")
    with change_context(user=people.manager, reason="Closed"):
        site.delete()
    then = {s.model._meta.label: s for s in plan_as_of(people.plan, before)}
    assert ["Branch site server room" in row for row in then["inventory.Site"].rows] == [True]
    assert not any("Changed later" in row for row in then["bcp.Plan"].rows)
    now = {s.model._meta.label: s for s in plan_as_of(people.plan, timezone.now())}
    assert "inventory.Site" not in now
    assert any("Changed later" in row for row in now["bcp.Plan"].rows)


def test_the_as_of_page_takes_a_day_and_shows_the_plan_then(
    people: PlanPeople, auditor_client: Client
) -> None:
    response = auditor_client.get(
        _url(people, "audit_as_of"), {"day": timezone.localdate().isoformat()}
    )
    assert response.status_code == 200
    assert people.plan.name.encode() in response.content
    empty = auditor_client.get(_url(people, "audit_as_of"), {"day": "2001-03-01"})
    assert b"Nothing had been recorded" in empty.content


def test_a_malformed_as_of_date_is_a_field_error(
    people: PlanPeople, auditor_client: Client
) -> None:
    response = auditor_client.get(_url(people, "audit_as_of"), {"day": "yesterday"})
    assert response.status_code == 400
    assert "day" in response.context["form"].errors


@pytest.mark.django_db(transaction=True)
def test_a_verification_runs_in_the_worker_and_reports_the_chain_intact(
    people: PlanPeople, celery_worker_process: Any
) -> None:
    client = client_for(people.auditor)
    started = client.post(_url(people, "audit_verify_start"), HTTP_HX_REQUEST="true")
    assert started.status_code == 200
    assert b'hx-trigger="every 1s"' in started.content
    job = Job.objects.get(plan=people.plan, kind="history_verify")
    deadline = time.monotonic() + 60
    while job.status not in ("succeeded", "failed") and time.monotonic() < deadline:
        time.sleep(0.3)
        job.refresh_from_db()
    assert job.status == "succeeded", job.error
    last = ChainEntry.objects.order_by("-seq")[0]
    assert job.result["intact_up_to"] == last.seq
    page = client.get(_url(people, "audit_verify"))
    assert f"History intact up to entry {last.seq}".encode() in page.content


def test_a_broken_chain_shows_this_plans_problems_on_the_verify_page(
    people: PlanPeople, auditor_client: Client
) -> None:
    entry = ChainEntry.objects.filter(plan_id=people.plan.pk).order_by("seq")[0]
    tamper(
        Plan.history.model._meta.db_table,
        "UPDATE {table} SET name = %s WHERE history_id = %s",
        ["Forged", entry.history_id],
    )
    # The worker's part (the task) is exercised above; here its result is shown.
    _verification_done(people.plan)
    page = auditor_client.get(_url(people, "audit_verify"))
    assert b"Broken." in page.content
    assert f"#{entry.seq}".encode() in page.content
    assert b"was edited after it was recorded" in page.content


def _csv(response: Any) -> list[list[str]]:
    text = response.getvalue().decode()
    return list(csv.reader(io.StringIO(text)))


def test_csv_export_neutralises_formulas(people: PlanPeople, auditor_client: Client) -> None:
    _rescope(people, '=HYPERLINK("http://evil")', reason="+cmd|' /C calc'!A0", ticket="@SUM(1)")
    response = auditor_client.get(_url(people, "audit_export_csv") + "?reason=cmd")
    rows = _csv(response)
    assert rows[0] == CSV_HEADER
    record = dict(zip(CSV_HEADER, rows[1], strict=True))
    assert record["reason"] == "'+cmd|' /C calc'!A0"
    assert record["ticket"] == "'@SUM(1)"
    assert "=HYPERLINK" in record["changes"] and not record["changes"].startswith("=")


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_prefix_is_neutralised(prefix: str) -> None:
    assert neutralise(f"{prefix}1+1") == f"'{prefix}1+1"


def test_an_empty_csv_export_is_the_header_and_the_chain_head(
    people: PlanPeople, auditor_client: Client
) -> None:
    response = auditor_client.get(_url(people, "audit_export_csv") + "?ticket=NOPE-1")
    assert response.status_code == 200
    assert _csv(response) == [CSV_HEADER, [CSV_HEAD_MARKER, chain_head().checkpoint]]


def test_an_export_with_a_malformed_date_is_a_field_error(
    people: PlanPeople, auditor_client: Client
) -> None:
    response = auditor_client.get(_url(people, "audit_export_csv") + "?date_to=31/02/2026")
    assert response.status_code == 400
    assert b"Enter a valid date." in response.content


def test_json_export_carries_hashes_that_verify_outside_the_system(
    people: PlanPeople, auditor_client: Client
) -> None:
    _rescope(people, "Head office", reason="Branch closed")
    response = auditor_client.get(_url(people, "audit_export_json"))
    document = json.loads(response.getvalue())
    assert document["entries"], "expected the plan's history"
    assert verify_export(document) == []
    assert document["chain_head"]["seq"] == ChainEntry.objects.order_by("-seq")[0].seq
    document["entries"][-1]["content"]["scope"] = "Everything"
    assert verify_export(document) == [
        f"entry {document['entries'][-1]['seq']}: content does not match content_hash"
    ]


def test_an_empty_json_export_has_no_entries(people: PlanPeople, auditor_client: Client) -> None:
    response = auditor_client.get(_url(people, "audit_export_json") + "?ticket=NOPE-1")
    document = json.loads(response.getvalue())
    assert document["entries"] == []


@pytest.mark.django_db(transaction=True)
def test_the_pdf_report_is_made_by_a_worker_with_progress_and_then_downloaded(
    people: PlanPeople, celery_worker_process: Any
) -> None:
    _rescope(people, "Head office", reason="Branch closed")
    client = client_for(people.auditor)
    today = timezone.localdate().isoformat()
    query = f"?date_from={today}&date_to={today}"
    started = client.post(_url(people, "audit_report_start") + query)
    job = Job.objects.get(plan=people.plan, kind=REPORT_KIND)
    assert started["Location"] == _url(people, "audit_report", job_pk=job.pk)
    page = client.get(started["Location"])
    assert b'hx-trigger="every 1s"' in page.content or job.is_finished
    deadline = time.monotonic() + 90
    while not job.is_finished and time.monotonic() < deadline:
        time.sleep(0.3)
        job.refresh_from_db()
    assert job.status == "succeeded", job.error
    status = client.get(_url(people, "audit_report", job_pk=job.pk), HTTP_HX_REQUEST="true")
    assert b'id="report-download"' in status.content
    assert b"hx-trigger" not in status.content
    response = client.get(_url(people, "audit_report_download", job_pk=job.pk))
    assert response["Content-Type"] == "application/pdf"
    pdf = PdfReader(io.BytesIO(response.getvalue()))
    text = " ".join(" ".join(page.extract_text() for page in pdf.pages).split())
    assert "Branch closed" in text
    assert f"period {today} to {today}" in text
    assert f"--checkpoint {chain_head().seq}:" in text


def test_a_report_with_malformed_filters_is_refused_before_it_is_queued(
    people: PlanPeople, auditor_client: Client
) -> None:
    response = auditor_client.post(_url(people, "audit_report_start") + "?date_to=31/02/2026")
    assert response.status_code == 400
    assert not Job.objects.filter(kind=REPORT_KIND).exists()


def test_every_export_names_the_chain_head_it_stops_at(
    people: PlanPeople, auditor_client: Client
) -> None:
    head = chain_head()
    rows = _csv(auditor_client.get(_url(people, "audit_export_csv")))
    assert rows[-1] == [CSV_HEAD_MARKER, head.checkpoint]
    assert max(int(row[0]) for row in rows[1:-1]) <= head.seq
    document = json.loads(auditor_client.get(_url(people, "audit_export_json")).getvalue())
    assert document["chain_head"]["checkpoint"] == head.checkpoint
    timeline = auditor_client.get(_url(people, "audit_timeline"))
    assert head.checkpoint.encode() in timeline.content


def test_the_timeline_query_count_does_not_grow_with_entries(
    people: PlanPeople, auditor_client: Client, django_assert_max_num_queries: Any
) -> None:
    url = _url(people, "audit_timeline")
    _rescope(people, "v0")
    with django_assert_max_num_queries(20) as few:
        auditor_client.get(url)
    for n in range(60):
        _rescope(people, f"v{n + 1}")
        factories.site(people.plan, people.manager, name=f"Site {n}")
    with django_assert_max_num_queries(len(few.captured_queries) + 2):
        response = auditor_client.get(url)
    assert len(response.context["rows"]) == 50


def test_entry_page_shows_hashes(people: PlanPeople, auditor_client: Client) -> None:
    entry = ChainEntry.objects.filter(plan_id=people.plan.pk).order_by("-seq").first()
    assert entry is not None
    response = auditor_client.get(_url(people, "audit_entry", seq=entry.seq))
    assert entry.entry_hash.encode() in response.content


def test_plan_change_log_links_each_entry_to_its_page(people: PlanPeople) -> None:
    _rescope(people, "Head office", reason="Branch closed")
    log = plan_change_log(people.plan, since=timezone.now() - dt.timedelta(hours=1))
    assert log[-1]["reason"] == "Branch closed"
    assert log[-1]["url"] == _url(people, "audit_entry", seq=log[-1]["seq"])


def test_entry_seqs_maps_history_rows_to_their_chain_entries(people: PlanPeople) -> None:
    plan = _rescope(people, "Head office")
    record = Plan.history.filter(id=plan.pk).order_by("-history_id")[0]
    entry = ChainEntry.objects.get(model_label="bcp.Plan", history_id=record.history_id)
    assert entry_seqs([("bcp.Plan", record.history_id), ("bcp.Plan", 999999)]) == {
        ("bcp.Plan", record.history_id): entry.seq
    }


def test_a_valid_date_range_with_no_entries_is_an_empty_timeline_with_its_exports(
    people: PlanPeople, auditor_client: Client
) -> None:
    response = auditor_client.get(
        _url(people, "audit_timeline") + "?date_from=2001-01-01&date_to=2001-01-31"
    )
    assert response.status_code == 200
    assert response.context["rows"] == []
    assert b"Correct the filters" not in response.content
    assert b'id="exports"' in response.content
    assert b"No recorded change matches these filters" in response.content


@pytest.mark.parametrize("time_zone", ["UTC", "Pacific/Kiritimati", "Pacific/Niue"])
@pytest.mark.parametrize("name", ["audit_timeline", "audit_export_csv", "audit_export_json"])
def test_the_ends_of_the_calendar_are_valid_dates_not_server_errors(
    people: PlanPeople, auditor_client: Client, settings: Any, name: str, time_zone: str
) -> None:
    settings.TIME_ZONE = time_zone
    everything = auditor_client.get(_url(people, name) + "?date_from=0001-01-01&date_to=9999-12-31")
    assert everything.status_code == 200
    newest = ChainEntry.objects.filter(plan_id=people.plan.pk).order_by("-seq")[0]
    body = everything.getvalue() if everything.streaming else everything.content
    assert str(newest.entry_hash if name == "audit_export_json" else newest.seq).encode() in body
    for query in ("?date_from=9999-12-31", "?date_to=0001-01-01"):
        assert auditor_client.get(_url(people, name) + query).status_code == 200


@pytest.mark.parametrize("time_zone", ["UTC", "Pacific/Kiritimati", "Pacific/Niue"])
def test_the_plan_as_of_the_last_day_of_the_calendar_is_the_plan_now(
    people: PlanPeople, auditor_client: Client, settings: Any, time_zone: str
) -> None:
    settings.TIME_ZONE = time_zone
    late = auditor_client.get(_url(people, "audit_as_of"), {"day": "9999-12-31"})
    assert late.status_code == 200
    assert people.plan.name.encode() in late.content
    early = auditor_client.get(_url(people, "audit_as_of"), {"day": "0001-01-01", "time": "00:00"})
    assert early.status_code == 200
    assert b"Nothing had been recorded" in early.content


def test_a_version_number_beyond_64_bits_is_a_field_error_not_a_500(
    people: PlanPeople, auditor_client: Client
) -> None:
    url = _plan_compare_url(people)
    response = auditor_client.get(f"{url}?a=1&b={2**64}")
    assert response.status_code == 400
    assert "b" in response.context["form"].errors


def test_restoring_a_version_number_beyond_64_bits_is_a_404(
    people: PlanPeople, manager_client: Client
) -> None:
    url = _url(
        people,
        "audit_rollback",
        model_label="bcp.Plan",
        object_id=str(people.plan.pk),
        history_id=2**64,
    )
    assert manager_client.get(url).status_code == 404
    assert manager_client.get(_url(people, "audit_entry", seq=2**64)).status_code == 404


def test_the_verify_page_lists_this_plans_live_records_that_drifted(
    people: PlanPeople, auditor_client: Client
) -> None:
    component = factories.component(people.plan, people.manager, availability_percent=99.9)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE inventory_component SET availability_percent = 50 WHERE id = %s",
            [component.pk],
        )
    _verification_done(people.plan)
    page = auditor_client.get(_url(people, "audit_verify"))
    assert b"Broken." in page.content
    assert b'id="drift-table"' in page.content
    assert f"inventory_component #{component.pk}".encode() in page.content


def test_a_malformed_checkpoint_on_the_verify_page_is_a_field_error(
    people: PlanPeople, auditor_client: Client
) -> None:
    response = auditor_client.post(_url(people, "audit_verify_start"), {"checkpoint": "12:xyz"})
    assert response.status_code == 400
    assert "SEQ:HASH" in response.context["form"].errors["checkpoint"][0]
    assert not Job.objects.filter(plan=people.plan, kind="history_verify").exists()


def test_a_checkpoint_given_on_the_verify_page_goes_to_the_job(
    people: PlanPeople, auditor_client: Client
) -> None:
    head = chain_head()
    response = auditor_client.post(
        _url(people, "audit_verify_start"),
        {"checkpoint": f" {head.seq}:{head.entry_hash.upper()} "},
    )
    assert response.status_code == 302
    job = Job.objects.get(plan=people.plan, kind="history_verify")
    assert job.parameters == {"checkpoints": [head.checkpoint]}
