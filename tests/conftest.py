"""Shared fixtures: people in each role on one plan, a real Celery worker, Chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

if TYPE_CHECKING:
    from bcp.models import Plan

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
ROOT = Path(__file__).resolve().parent.parent


@dataclass
class PlanPeople:
    plan: Plan
    manager: Any
    stakeholder: Any
    auditor: Any
    outsider: Any

    def user_for(self, who: str) -> Any:
        return getattr(self, who)

    def url(self, name: str, **kwargs: Any) -> str:
        """The path of the plan page ``name``, e.g. ``people.url("contact_edit", contact_pk=3)``."""
        return reverse(name, kwargs={"plan_pk": self.plan.pk, **kwargs})


@pytest.fixture
def people(db: None) -> PlanPeople:
    # Imported here so pure-engine tests can run with Django disabled.
    from bcp.models import Role
    from tests.factories import MembershipFactory, PlanFactory, UserFactory

    plan = PlanFactory.create()
    manager = MembershipFactory.create(plan=plan, role=Role.MANAGER, user__username="maya").user
    stakeholder = MembershipFactory.create(
        plan=plan, role=Role.STAKEHOLDER, user__username="sam"
    ).user
    auditor = MembershipFactory.create(plan=plan, role=Role.AUDITOR, user__username="alex").user
    outsider = UserFactory.create(username="olly")
    MembershipFactory.create(user=outsider, role=Role.MANAGER)  # manager elsewhere, not here
    return PlanPeople(plan, manager, stakeholder, auditor, outsider)


@pytest.fixture
def media_root(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """A media folder of the test's own, for apps whose tests write files (made autouse in
    their conftest). Tests with a real worker or a live server keep the configured folder:
    the worker is another process and writes where its settings say."""
    if "celery_worker_process" in request.fixturenames or "live_server" in request.fixturenames:
        return Path(settings.MEDIA_ROOT)
    settings_fixture: Any = request.getfixturevalue("settings")
    settings_fixture.MEDIA_ROOT = tmp_path / "media"
    return Path(settings_fixture.MEDIA_ROOT)


def client_for(user: Any | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def bearer_secret(user: Any, *, access: str = "write", name: str = "") -> str:
    """A new API token of ``user`` (as made in the user menu), for all their plans."""
    from accounts.services import api_token_create

    _, secret = api_token_create(
        user=user,
        name=name or f"script-{access}",
        access=access,
        plan=None,
        expires_in_days=30,
    )
    return secret


def bearer_client(user: Any, *, access: str = "write", name: str = "") -> Client:
    """A client that calls the API with a new token of ``user``, as a script would."""
    return Client(HTTP_AUTHORIZATION=f"Bearer {bearer_secret(user, access=access, name=name)}")


@pytest.fixture
def manager_client(people: PlanPeople) -> Client:
    return client_for(people.manager)


@pytest.fixture
def auditor_client(people: PlanPeople) -> Client:
    return client_for(people.auditor)


def assert_created(response: Any, collection: str) -> dict[str, Any]:
    """The API made a record in ``collection`` at version 1; returns the record it sent back."""
    assert response.status_code == 201, response.json()
    created: dict[str, Any] = response.json()
    assert response["ETag"] == '"1"'
    assert response["Location"].endswith(f"/{collection}/{created['id']}/")
    return created


def assert_written_by_token(record: Any, user: Any, token: str) -> None:
    """A history record of a write through the API: by the token's owner, naming the token."""
    assert record.history_user == user
    assert f"API token “{token}”" in record.history_change_reason


# --- a real Celery worker ---------------------------------------------------


def _database_url_for_worker() -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """Ask a process started for a test to stop; kill it if it has not within 20 s."""
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def celery_worker_command(*, name: str, queue: str, loglevel: str = "INFO") -> list[str]:
    """The command line of a ``celery worker`` taking one task at a time from ``queue``,
    named ``name@host``; without gossip and mingle, so it starts alone and quickly."""
    celery = shutil.which("celery", path=str(Path(sys.executable).parent)) or "celery"
    return [
        celery,
        "-A",
        "config",
        "worker",
        f"--loglevel={loglevel}",
        "--concurrency=1",
        "-Q",
        queue,
        "--without-gossip",
        "--without-mingle",
        "-n",
        f"{name}@%h",
    ]


def start_celery_worker(
    *, name: str, log_path: Path, env: dict[str, str] | None = None, new_session: bool = False
) -> subprocess.Popen[bytes]:
    """Start ``celery worker`` against the test database and wait for its heartbeat.

    ``name`` is the node name's prefix; ``env`` overrides the environment (broker,
    queue); ``new_session`` puts the worker and its pool in a process group of their
    own so a test can kill all of it at once. Fails, never skips, if the worker does
    not report a heartbeat within 60 s.
    """
    from bcp.models import WorkerHeartbeat

    full_env = dict(os.environ)
    full_env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": _database_url_for_worker(),
            "WORKER_HEARTBEAT_SECONDS": "1",
            "PYTHONPATH": str(ROOT),
        }
    )
    full_env.update(env or {})
    queue = full_env.get("CELERY_QUEUE", settings.CELERY_TASK_DEFAULT_QUEUE)
    log = log_path.open("ab")
    process = subprocess.Popen(
        [*celery_worker_command(name=name, queue=queue), "--include", "tests.bcp.slow_task"],
        cwd=ROOT,
        env=full_env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=new_session,
    )
    log.close()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Celery worker exited early:\n{log_path.read_text()}")
        if WorkerHeartbeat.objects.filter(
            hostname__startswith=f"{name}@", pid=process.pid
        ).exists():
            return process
        time.sleep(0.3)
    process.terminate()
    raise RuntimeError(f"Celery worker did not start in 60 s:\n{log_path.read_text()}")


@pytest.fixture(scope="session")
def celery_worker_process(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[subprocess.Popen[bytes]]:
    """Start ``celery worker`` as a separate process against the test database.

    The worker is a real process on the configured broker (Redis in CI, the
    filesystem transport locally). It fails the test, never skips, if the worker
    does not report a heartbeat within 60 s.
    """
    log_path = tmp_path_factory.mktemp("worker") / "worker.log"
    with django_db_blocker.unblock():
        process = start_celery_worker(name=f"test-{os.getpid()}", log_path=log_path)
    yield process
    stop_process(process)


# --- browser ------------------------------------------------------------------


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest) -> Iterator[Any]:
    """pytest-django's live server, serving static files from the app folders.

    pytest-django serves static files through the finders only when the literal
    ``django.contrib.staticfiles`` is installed; ours is a subclass of its config
    (config.apps.ContinuityStaticFilesConfig), so pytest-django would fall back to
    serving STATIC_ROOT, which a test run never collects into, and every page
    would load without its CSS and JavaScript. Hand it the finders' handler.
    """
    from unittest import mock

    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from pytest_django.live_server_helper import LiveServer

    addr = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    with mock.patch("django.test.testcases._StaticFilesHandler", StaticFilesHandler):
        server = LiveServer(addr)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Drive Debian's Chromium; Playwright's own browser download cannot work here."""
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }
