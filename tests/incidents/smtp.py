"""A real SMTP server for tests (aiosmtpd), and Django pointed at it.

Mail goes over a socket through Django's SMTP backend exactly as in production; the
server keeps every message it accepts. ``send_mail`` returns only after the server has
accepted the message, so tests read the mailbox without waiting.
"""

from __future__ import annotations

import logging
import re
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

# aiosmtpd logs every SMTP command at INFO; a failing test's output should show ours.
logging.getLogger("mail.log").setLevel(logging.WARNING)

LINK = re.compile(r"https?://\S+/acknowledge/\S+/")


@dataclass
class Mailbox:
    host: str
    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if address in str(m["To"])]

    def ack_link(self, address: str) -> str:
        (message,) = self.to(address)
        body = message.get_body(preferencelist=("plain",))
        assert body is not None
        found = LINK.search(body.get_content())
        assert found, body.get_content()
        return found.group(0)


class _Collect:
    def __init__(self, box: Mailbox) -> None:
        self.box = box

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        with self.box.lock:
            self.box.messages.append(message)
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_smtp_server(settings: Any) -> Iterator[Mailbox]:
    """Start an SMTP server on a free port and send Django's mail through it.

    ``settings`` is pytest-django's settings fixture (restored after the test).
    """
    from aiosmtpd.controller import Controller

    box = Mailbox(host="127.0.0.1", port=_free_port())
    controller = Controller(_Collect(box), hostname=box.host, port=box.port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = box.host
    settings.EMAIL_PORT = box.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield box
    finally:
        controller.stop()
