"""Production deployment smoke test: the app as it is deployed, over real HTTP.

With ``config.settings.production``: ``collectstatic`` into a fresh folder with the
production (hashed, compressed) storage, ``check --deploy`` with warnings as errors,
gunicorn on a local port behind a pretend TLS-terminating load balancer
(``X-Forwarded-Proto: https``), then every page of the demo plan as each role, signed
in through the real login form: no 5xx anywhere and every static file a page refers to
served by whitenoise. A missing file that an asset refers to must fail
``collectstatic`` with a non-zero exit, never leave a deployment without a manifest.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import pyotp
import pytest

from tests.conftest import ROOT, _database_url_for_worker, stop_process
from tests.helpers import local_links, manage

if TYPE_CHECKING:
    from bcp.demo import DemoData

pytestmark = pytest.mark.django_db(transaction=True)

ROLES = ("manager", "stakeholder", "auditor")
HREF = re.compile(r'(?:href|src|hx-get)="([^"]+)"')
# Leaving these out keeps the walk on pages: logout ends the session, downloads and
# exports are files, and the admin is walked one level deep on its own.
SKIP = re.compile(r"/(logout|download|export|admin)/|\.(pdf|csv|xlsx|json|yaml|svg)$|/api/")
MAX_PAGES_PER_ROLE = 400


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def getheader(self, name: str) -> str | None:
        return self.headers.get(name)


@dataclass
class Browser:
    """A minimal HTTP client that keeps cookies, as a browser behind the balancer would."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, body: dict[str, str] | None = None) -> Reply:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"https://127.0.0.1:{self.port}"
            headers["Referer"] = f"https://127.0.0.1:{self.port}{path}"
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        reply = Reply(response.status, response.headers, response.read())
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        connection.close()
        return reply

    def sign_in(self, username: str, password: str) -> None:
        page = self.request("GET", "/accounts/login/")
        assert page.status == 200, page.body[:500]
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
        assert token is not None
        response = self.request(
            "POST",
            "/accounts/login/",
            {
                "csrfmiddlewaretoken": token.group(1).decode(),
                "username": username,
                "password": password,
            },
        )
        assert response.status == 302, f"{username} could not sign in: {response.body[:500]!r}"
        if response.headers.get("Location", "").endswith("/accounts/second-factor/"):
            self._set_up_second_factor()

    def _set_up_second_factor(self) -> None:
        """Staff finish their first sign-in by setting up an authenticator app (MFA_REQUIRED)."""
        page = self.request("GET", "/accounts/second-factor/")
        secret = re.search(rb'<code id="mfa-secret">([A-Z2-7 ]+)</code>', page.body)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
        assert secret is not None and token is not None, page.body[:500]
        code = pyotp.TOTP(secret.group(1).decode().replace(" ", "")).now()
        done = self.request(
            "POST",
            "/accounts/second-factor/",
            {"csrfmiddlewaretoken": token.group(1).decode(), "code": code},
        )
        assert done.status == 200 and b"recovery-codes" in done.body, done.body[:500]


def _production_env(static_root: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "DATABASE_URL": _database_url_for_worker(),
            "STATIC_ROOT": str(static_root),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "PYTHONPATH": str(ROOT),
        }
    )
    # Test-only switches that a deployment must not carry (check --deploy refuses them).
    env.pop("DEBUG", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    # collectstatic compresses every file twice (gzip, brotli)
    return manage(env, *args, timeout=900)


@pytest.fixture
def demo_with_real_passwords() -> DemoData:
    """The demo plan, with passwords hashed so the production settings can check them."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from bcp.demo import demo_load

    class QuickPBKDF2(PBKDF2PasswordHasher):
        iterations = 1_000  # production re-hashes at its own strength on first sign-in

    demo = demo_load()
    hasher = QuickPBKDF2()
    for user in demo["users"].values():
        user.password = hasher.encode(demo["password"], hasher.salt())
        user.save(update_fields=["password"])
    return demo


@pytest.fixture
def production_server(
    tmp_path: Path, demo_with_real_passwords: dict[str, Any], celery_worker_process: Any
) -> Iterator[tuple[int, dict[str, Any]]]:
    static_root = tmp_path / "static"
    env = _production_env(static_root)
    collected = _manage(env, "collectstatic", "--noinput")
    assert collected.returncode == 0, collected.stderr
    assert (static_root / "staticfiles.json").is_file(), "no manifest written"
    checked = _manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert checked.returncode == 0, checked.stdout + checked.stderr

    port = _free_port()
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    log = (tmp_path / "gunicorn.log").open("wb")
    process = subprocess.Popen(
        [gunicorn, "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"gunicorn did not start:\n{(tmp_path / 'gunicorn.log').read_text()}"
                    ) from None
                time.sleep(0.2)
        yield port, demo_with_real_passwords
    finally:
        stop_process(process)
        log.close()


def _walk(
    browser: Browser, starts: list[str], *, within: str, minimum: int = 6
) -> tuple[set[str], list[str]]:
    """Breadth-first over pages under ``within``; returns static URLs seen and problems."""
    queue: deque[tuple[str, str]] = deque((start, "(start)") for start in starts)
    seen = set(starts)
    static: set[str] = set()
    problems: list[str] = []
    pages = 0
    while queue and pages < MAX_PAGES_PER_ROLE:
        url, referrer = queue.popleft()
        response = browser.request("GET", url)
        pages += 1
        if response.status >= 500:
            problems.append(f"{url} → {response.status} (linked from {referrer})")
            continue
        if "text/html" not in (response.getheader("Content-Type") or ""):
            continue
        for link in local_links(response.body.decode(), HREF):
            if link.startswith("/static/"):
                static.add(link)
            elif link not in seen and link.startswith(within) and not SKIP.search(link):
                seen.add(link)
                queue.append((link, url))
    assert pages >= minimum, f"the walk from {starts} reached only {pages} pages"
    return static, problems


@pytest.mark.worker
def test_the_production_deployment_serves_every_demo_page_to_every_role(
    production_server: tuple[int, dict[str, Any]],
) -> None:
    port, demo = production_server
    health = Browser(port).request("GET", "/health/")
    assert health.status == 200, health.body
    static: set[str] = set()
    problems: list[str] = []
    plan_url = f"/plans/{demo['plan'].pk}/"
    for role in ROLES:
        browser = Browser(port)
        browser.sign_in(role, demo["password"])
        found, broken = _walk(browser, [plan_url, "/plans/"], within=plan_url)
        static |= found
        problems += [f"[{role}] {p}" for p in broken]
    admin = Browser(port)
    admin.sign_in("admin", demo["password"])
    found, broken = _walk(admin, ["/plans/", "/staff/users/"], within="/staff/", minimum=2)
    static |= found
    problems += [f"[admin] {p}" for p in broken]
    index = admin.request("GET", "/admin/")
    assert index.status == 200
    for link in sorted(
        {u for u in local_links(index.body.decode(), HREF) if re.match(r"^/admin/\w+/\w+/$", u)}
    ):
        response = admin.request("GET", link)
        if response.status >= 500:
            problems.append(f"[admin] {link} → {response.status}")
    assert not problems, "\n".join(problems)

    # Every static file a page refers to is served, under its hashed (cache-busting) name.
    assert any("bootstrap" in url for url in static), static
    for url in sorted(static):
        response = Browser(port).request("GET", url)
        assert response.status == 200, url
        assert re.search(r"\.[0-9a-f]{12}\.", url), f"{url} is not the hashed name"
        assert "immutable" in (response.getheader("Cache-Control") or ""), url


def test_collectstatic_fails_loudly_when_an_asset_refers_to_a_missing_file(
    tmp_path: Path,
) -> None:
    broken = tmp_path / "assets"
    broken.mkdir()
    (broken / "broken.css").write_text("body { background: url('missing.png'); }\n")
    settings_module = tmp_path / "broken_assets_settings.py"
    settings_module.write_text(
        "from config.settings.production import *  # noqa: F403\n"
        f"STATICFILES_DIRS = [*STATICFILES_DIRS, {str(broken)!r}]  # noqa: F405\n"
    )
    env = _production_env(tmp_path / "static")
    env["DJANGO_SETTINGS_MODULE"] = "broken_assets_settings"
    env["PYTHONPATH"] = f"{tmp_path}{os.pathsep}{ROOT}"
    result = _manage(env, "collectstatic", "--noinput")
    assert result.returncode != 0
    assert "missing.png" in result.stderr
