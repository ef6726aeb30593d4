"""Sign-in through an OpenID Connect provider run as a separate process by the test
(the npm package oidc-provider, tests/oidc/provider.mjs), groups mapped to staff and roles."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urljoin, urlparse

import pytest
import requests
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, override_settings
from django.urls import reverse

from bcp.models import Role
from config.sso import oidc_settings
from tests.accounts.helpers import assert_signed_in_member, member_as
from tests.conftest import PlanPeople

HERE = Path(__file__).resolve().parent.parent / "oidc"
CLIENT_ID, CLIENT_SECRET = "continuity", "test-client-secret"
CALLBACK = "http://testserver/oidc/callback/"
NODE = shutil.which("node") or "node"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The provider's issuer URL; fails (never skips) if it does not start in 20 s."""
    if not (HERE / "node_modules" / "oidc-provider").is_dir():
        pytest.fail("tests/oidc has no node_modules: run `npm ci --prefix tests/oidc`")
    port = _free_port()
    log_path = tmp_path_factory.mktemp("oidc") / "provider.log"
    log = log_path.open("wb")
    process = subprocess.Popen(
        [NODE, "provider.mjs", str(port), CLIENT_ID, CLIENT_SECRET, CALLBACK],
        cwd=HERE,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    issuer = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            if requests.get(f"{issuer}/.well-known/openid-configuration", timeout=1).ok:
                break
        except requests.ConnectionError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"oidc-provider did not start:\n{log_path.read_text()}")
        time.sleep(0.2)
    yield issuer
    process.terminate()
    process.wait(timeout=10)
    log.close()


def _settings_for(issuer: str, plan_id: int) -> dict[str, Any]:
    environ = {
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_AUTHORIZATION_ENDPOINT": f"{issuer}/auth",
        "OIDC_TOKEN_ENDPOINT": f"{issuer}/token",
        "OIDC_USERINFO_ENDPOINT": f"{issuer}/me",
        "OIDC_JWKS_ENDPOINT": f"{issuer}/jwks",
        "OIDC_STAFF_GROUP": "bc-staff",
        "OIDC_PLAN_ROLES": f"bc-managers=>{plan_id}:manager;bc-auditors=>{plan_id}:auditor",
        "OIDC_PROVIDER_NAME": "Northbridge sign-in",
    }
    return {
        **oidc_settings(environ),
        "OIDC_ENABLED": True,
        "AUTHENTICATION_BACKENDS": [
            "axes.backends.AxesStandaloneBackend",
            "django.contrib.auth.backends.ModelBackend",
            "accounts.oidc.ProviderBackend",
        ],
    }


def _form_action(html: str, base: str) -> str:
    start = html.index('action="') + len('action="')
    return urljoin(base, html[start : html.index('"', start)])


def _sign_in_at_provider(client: Client, login: str) -> Any:
    """Start at our button, sign in and consent on the provider's pages, come back."""
    start = client.get(reverse("oidc_authentication_init"))
    assert start.status_code == 302, start
    browser = requests.Session()
    page = browser.get(start["Location"], timeout=5)
    # Login prompt, then consent prompt: each a form posted back to the provider.
    page = browser.post(
        _form_action(page.text, page.url),
        data={"prompt": "login", "login": login, "password": "any"},
        timeout=5,
    )
    consent = browser.post(
        _form_action(page.text, page.url),
        data={"prompt": "consent"},
        timeout=5,
        allow_redirects=False,
    )
    while consent.is_redirect and not consent.headers["Location"].startswith(CALLBACK):
        consent = browser.get(
            urljoin(consent.url, consent.headers["Location"]), allow_redirects=False, timeout=5
        )
    back = urlparse(consent.headers["Location"])
    assert "code" in parse_qs(back.query), consent.headers["Location"]
    return client.get(f"{back.path}?{back.query}")


def _provider_sign_in(provider: str, people: PlanPeople, login: str) -> tuple[Client, Any]:
    """A new browser signs in at the provider with the plan's settings: its client and the
    answer of our callback."""
    client = Client()
    with override_settings(**_settings_for(provider, people.plan.pk)):
        return client, _sign_in_at_provider(client, login)


@pytest.mark.django_db
def test_a_provider_user_signs_in_and_gets_the_plan_role_of_their_group(
    provider: str, people: PlanPeople
) -> None:
    with override_settings(**_settings_for(provider, people.plan.pk)):
        sign_in_page = Client().get(reverse("login")).content.decode()
    assert "Sign in with Northbridge sign-in" in sign_in_page
    client, response = _provider_sign_in(provider, people, "carol")
    carol = ("carol", "carol@example.org", "Carol")
    assert_signed_in_member(client, response, people.plan, Role.MANAGER, carol)


@pytest.mark.django_db
def test_the_staff_group_claim_makes_a_provider_user_staff(
    provider: str, people: PlanPeople
) -> None:
    _provider_sign_in(provider, people, "dave")
    dave = member_as(people.plan, "dave", Role.AUDITOR)
    assert dave.is_staff and not dave.has_usable_password()


@pytest.mark.django_db
def test_without_configuration_the_sso_addresses_are_not_found(people: PlanPeople) -> None:
    assert Client().get(reverse("oidc_authentication_init")).status_code == 404
    assert Client().get(reverse("oidc_authentication_callback")).status_code == 404


def test_an_endpoint_that_is_not_an_address_names_the_variable() -> None:
    with pytest.raises(ImproperlyConfigured, match="OIDC_TOKEN_ENDPOINT"):
        oidc_settings(
            {
                "OIDC_CLIENT_ID": "x",
                "OIDC_AUTHORIZATION_ENDPOINT": "https://id.example.org/auth",
                "OIDC_TOKEN_ENDPOINT": "id.example.org/token",
            }
        )
