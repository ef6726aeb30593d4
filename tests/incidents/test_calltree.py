"""The call tree through a real SMTP server: emails, acknowledge links, who to chase."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from audit.models import ChainEntry
from incidents import calltree
from incidents.models import Notification
from tests.incidents.factories import Estate, close, declare, restore_all
from tests.incidents.smtp import Mailbox, running_smtp_server

pytestmark = pytest.mark.django_db
SITE = "http://testserver"


@pytest.fixture
def mail_server_down(settings: Any) -> None:
    """Email goes over SMTP to a port nobody listens on, so every send fails within 2 s."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2


def _path(link: str) -> str:
    return urlsplit(link).path


def _emailed_link(estate: Estate, smtp_server: Mailbox, address: str) -> str:
    """Declare an incident, start its call tree and return the path of the acknowledge
    link emailed to ``address``."""
    incident = declare(estate)
    calltree.calltree_start(incident=incident, user=estate.people.manager, site=SITE)
    return _path(smtp_server.ack_link(address))


def test_starting_the_call_tree_emails_everyone_with_an_address_and_lists_the_rest_to_chase(
    estate: Estate, smtp_server: Mailbox
) -> None:
    incident = declare(estate)
    sent = calltree.calltree_start(
        incident=incident, user=estate.people.manager, site="https://bcp.example.org"
    )
    assert [n.contact_name for n in sent] == ["Maya Manager", "Priya Print", "Nina Network"]
    assert [bool(n.sent_at) for n in sent] == [True, True, False]
    assert sent[2].send_error == "No email address: call by phone."
    assert len(smtp_server.messages) == 2
    message = smtp_server.to("priya@example.org")[0]
    assert "SAN failure" in message["Subject"]
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()
    assert "Stopped: Head office printing." in text
    assert "Running degraded: Branch printing." in text
    assert "Maya Manager calls you" in text
    assert smtp_server.ack_link("priya@example.org").startswith(
        "https://bcp.example.org/acknowledge/"
    )


def test_an_exercise_is_marked_in_the_subject_and_the_body(
    estate: Estate, smtp_server: Mailbox
) -> None:
    incident = declare(estate, kind="exercise", title="SAN loss drill")
    calltree.calltree_start(incident=incident, user=estate.people.manager, site=SITE)
    message = smtp_server.to("maya@example.org")[0]
    assert str(message["Subject"]).strip().startswith("[EXERCISE] Exercise on")
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    assert body.get_content().startswith("THIS IS AN EXERCISE.")


def test_the_link_acknowledges_without_signing_in_and_only_on_post(
    estate: Estate, smtp_server: Mailbox
) -> None:
    path = _emailed_link(estate, smtp_server, "priya@example.org")
    anonymous = Client()
    page = anonymous.get(path)
    assert page.status_code == 200
    assert b"I have received this" in page.content
    assert not Notification.objects.filter(acknowledged_at__isnull=False).exists()
    done = anonymous.post(path)
    assert done.status_code == 200
    assert b"your acknowledgement was recorded" in done.content
    priya = Notification.objects.get(contact_name="Priya Print")
    assert priya.acknowledged_via == "email link"
    again = anonymous.post(path)
    assert b"you acknowledged at" in again.content
    assert Notification.objects.get(pk=priya.pk).version == priya.version


def test_an_altered_link_is_refused_and_changes_nothing(
    estate: Estate, smtp_server: Mailbox
) -> None:
    path = _emailed_link(estate, smtp_server, "priya@example.org")
    token = path.rstrip("/").rsplit("/", 1)[1]
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    response = Client().post(f"/acknowledge/{forged}/")
    assert response.status_code == 400
    assert b"has been altered" in response.content
    assert not Notification.objects.filter(acknowledged_at__isnull=False).exists()


def test_an_expired_link_is_refused_and_changes_nothing(estate: Estate, settings: Any) -> None:
    incident = declare(estate)
    notification = calltree.calltree_start(
        incident=incident, user=estate.people.manager, site=SITE
    )[0]

    class Yesterday(signing.TimestampSigner):
        def timestamp(self) -> str:
            hours = settings.INCIDENT_ACK_MAX_AGE_HOURS + 1
            return signing.b62_encode(int(time.time()) - hours * 3600)

    token = calltree.ack_token(notification, signer=Yesterday(salt=calltree.SALT))
    response = Client().post(f"/acknowledge/{token}/")
    assert response.status_code == 400
    assert b"This link has expired" in response.content
    assert Notification.objects.get(pk=notification.pk).acknowledged_at is None


def test_a_link_of_a_closed_incident_acknowledges_nothing(estate: Estate) -> None:
    incident = declare(estate)
    notification = calltree.calltree_start(
        incident=incident, user=estate.people.manager, site=SITE
    )[0]
    restore_all(incident, estate.people.manager, at=timezone.now(), data_lost_minutes=None)
    close(incident, estate.people.manager)
    response = Client().post(f"/acknowledge/{calltree.ack_token(notification)}/")
    assert response.status_code == 400
    assert b"has been closed" in response.content


def test_the_call_tree_starts_once(estate: Estate) -> None:
    incident = declare(estate)
    calltree.calltree_start(incident=incident, user=estate.people.manager, site=SITE)
    with pytest.raises(ValidationError, match="already started"):
        calltree.calltree_start(incident=incident, user=estate.people.manager, site=SITE)
    assert Notification.objects.filter(incident=incident).count() == 3


def test_a_mail_server_that_is_down_leaves_everyone_to_chase_by_phone(
    estate: Estate, mail_server_down: None
) -> None:
    incident = declare(estate)
    sent = calltree.calltree_start(incident=incident, user=estate.people.manager, site=SITE)
    assert not any(n.sent_at for n in sent)
    assert sent[0].send_error.startswith("Email failed:")


def test_emails_that_failed_are_sent_again_once_the_mail_server_is_back(
    estate: Estate, settings: Any, mail_server_down: None
) -> None:
    incident = declare(estate)
    calltree.calltree_start(incident=incident, user=estate.people.manager, site=SITE)
    with running_smtp_server(settings) as mailbox:
        again = calltree.calltree_resend(incident=incident, user=estate.people.manager, site=SITE)
    assert [n.contact_name for n in again] == ["Maya Manager", "Priya Print"]
    assert all(n.sent_at and not n.send_error for n in again)
    assert mailbox.ack_link("priya@example.org").startswith(SITE + "/acknowledge/")


def test_emailing_again_when_nobody_waits_is_refused(estate: Estate, smtp_server: Mailbox) -> None:
    incident = declare(estate)
    calltree.calltree_start(incident=incident, user=estate.people.manager, site=SITE)
    with pytest.raises(ValidationError, match="Nobody is waiting for an email"):
        calltree.calltree_resend(incident=incident, user=estate.people.manager, site=SITE)
    assert len(smtp_server.messages) == 2


def test_the_live_page_offers_to_email_again_only_those_whose_email_failed(
    estate: Estate, settings: Any, mail_server_down: None, manager_client: Client
) -> None:
    incident = declare(estate)
    calltree.calltree_start(incident=incident, user=estate.people.manager, site=SITE)
    page = manager_client.get(f"/plans/{estate.plan.pk}/incidents/{incident.pk}/")
    assert "Email again the 2 whose email failed" in page.content.decode()
    with running_smtp_server(settings):
        response = manager_client.post(
            f"/plans/{estate.plan.pk}/incidents/{incident.pk}/call-tree/resend/", follow=True
        )
    body = response.content.decode()
    assert "Emailed again: 2 of 2 people." in body
    assert "whose email failed" not in body


def test_each_acknowledgement_is_chained_with_the_contact_named(
    estate: Estate, smtp_server: Mailbox
) -> None:
    Client().post(_emailed_link(estate, smtp_server, "maya@example.org"))
    maya = Notification.objects.get(contact_name="Maya Manager")
    entries = ChainEntry.objects.filter(
        model_label="incidents.Notification", object_id=str(maya.pk)
    ).order_by("seq")
    last = entries.last()
    assert last is not None
    assert last.reason == "Maya Manager acknowledged (email link)"
    assert last.plan_id == estate.plan.pk


def test_the_manager_records_a_phone_call_for_someone_without_email(
    estate: Estate, manager_client: Client
) -> None:
    incident = declare(estate)
    calltree.calltree_start(incident=incident, user=estate.people.manager, site=SITE)
    nina = Notification.objects.get(contact_name="Nina Network")
    response = manager_client.post(
        f"/plans/{estate.plan.pk}/incidents/{incident.pk}/call-tree/{nina.pk}/reached/"
    )
    assert response.status_code == 302
    nina.refresh_from_db()
    assert nina.acknowledged_via.startswith("reached by phone, recorded by")
    assert nina.acknowledged_at is not None
    assert nina.acknowledged_at <= timezone.now() + dt.timedelta(seconds=1)
