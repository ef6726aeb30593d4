"""Sign-in through a real OpenLDAP server (Debian's slapd) started by the test, with
groups mapped to staff status and plan roles; a directory that does not answer."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ldap
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, override_settings
from django.urls import reverse

from bcp.models import Membership, Role
from config.directory import directory_settings, parse_plan_roles
from tests.accounts.helpers import assert_signed_in_member, member_as
from tests.conftest import PlanPeople
from tests.factories import TEST_PASSWORD

SUFFIX = "dc=example,dc=org"
ROOT_DN = f"cn=admin,{SUFFIX}"
ROOT_PASSWORD = "directory-root-secret"
MANAGERS = f"cn=print-managers,ou=groups,{SUFFIX}"
AUDITORS = f"cn=auditors,ou=groups,{SUFFIX}"
STAFF = f"cn=bc-staff,ou=groups,{SUFFIX}"
SLAPD = shutil.which("slapd", path="/usr/sbin:/usr/local/sbin:/usr/bin") or "/usr/sbin/slapd"

CONFIG = """
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile {folder}/slapd.pid
database mdb
maxsize 10485760
suffix "{suffix}"
rootdn "{root_dn}"
rootpw {root_password}
directory {folder}/data
"""


@dataclass
class Directory:
    uri: str

    def connect(self) -> Any:
        connection = ldap.initialize(self.uri)
        connection.simple_bind_s(ROOT_DN, ROOT_PASSWORD)
        return connection

    def set_members(self, group_dn: str, members: list[str]) -> None:
        connection = self.connect()
        values = [f"uid={m},ou=people,{SUFFIX}".encode() for m in members]
        connection.modify_s(group_dn, [(ldap.MOD_REPLACE, "member", values)])
        connection.unbind_s()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _add(connection: Any, dn: str, **attributes: list[str]) -> None:
    connection.add_s(dn, [(k, [v.encode() for v in vs]) for k, vs in attributes.items()])


@pytest.fixture(scope="module")
def directory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Directory]:
    """slapd on a free port with two people and three groups; fails if it does not start."""
    folder = tmp_path_factory.mktemp("slapd")
    (folder / "data").mkdir()
    config = folder / "slapd.conf"
    config.write_text(
        CONFIG.format(folder=folder, suffix=SUFFIX, root_dn=ROOT_DN, root_password=ROOT_PASSWORD)
    )
    uri = f"ldap://127.0.0.1:{_free_port()}"
    log = (folder / "slapd.log").open("wb")
    process = subprocess.Popen(
        [SLAPD, "-f", str(config), "-h", f"{uri}/", "-d", "256"], stdout=log, stderr=log
    )
    found = Directory(uri)
    deadline = time.monotonic() + 20
    while True:
        try:
            connection = found.connect()
            break
        except ldap.LDAPError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(
                    f"slapd did not start:\n{Path(folder / 'slapd.log').read_text()}"
                ) from None
            time.sleep(0.2)
    _add(connection, SUFFIX, objectClass=["dcObject", "organization"], dc=["example"], o=["Ex"])
    for unit in ("people", "groups"):
        _add(connection, f"ou={unit},{SUFFIX}", objectClass=["organizationalUnit"], ou=[unit])
    for uid, given, family in (("alice", "Alice", "Ashby"), ("bob", "Bob", "Bryant")):
        _add(
            connection,
            f"uid={uid},ou=people,{SUFFIX}",
            objectClass=["inetOrgPerson"],
            uid=[uid],
            cn=[f"{given} {family}"],
            givenName=[given],
            sn=[family],
            mail=[f"{uid}@example.org"],
            userPassword=[f"{uid}-directory-password"],
        )
    for group, member in ((MANAGERS, "alice"), (AUDITORS, "bob"), (STAFF, "bob")):
        cn = group.split(",")[0].removeprefix("cn=")
        _add(
            connection,
            group,
            objectClass=["groupOfNames"],
            cn=[cn],
            member=[f"uid={member},ou=people,{SUFFIX}"],
        )
    connection.unbind_s()
    yield found
    process.terminate()
    process.wait(timeout=10)
    log.close()


def _settings_for(uri: str, plan_id: int, **extra: str) -> dict[str, Any]:
    environ = {
        "LDAP_SERVER_URI": uri,
        "LDAP_USER_SEARCH_BASE": f"ou=people,{SUFFIX}",
        "LDAP_GROUP_SEARCH_BASE": f"ou=groups,{SUFFIX}",
        "LDAP_STAFF_GROUP": STAFF,
        "LDAP_PLAN_ROLES": f"{MANAGERS}=>{plan_id}:manager;{AUDITORS}=>{plan_id}:auditor",
        **extra,
    }
    return {
        **directory_settings(environ),
        "AUTHENTICATION_BACKENDS": [
            "axes.backends.AxesStandaloneBackend",
            "django.contrib.auth.backends.ModelBackend",
            "accounts.directory.DirectoryBackend",
        ],
    }


def _sign_in(client: Client, username: str, password: str) -> Any:
    return client.post(reverse("login"), {"username": username, "password": password})


def _directory_sign_in(
    directory: Directory, people: PlanPeople, username: str, password: str
) -> tuple[Client, Any]:
    """A new browser signs in with the plan's directory settings: its client and the answer."""
    client = Client()
    with override_settings(**_settings_for(directory.uri, people.plan.pk)):
        return client, _sign_in(client, username, password)


@pytest.mark.django_db
def test_a_directory_user_signs_in_and_gets_the_plan_role_of_their_group(
    directory: Directory, people: PlanPeople
) -> None:
    client, response = _directory_sign_in(directory, people, "alice", "alice-directory-password")
    alice = ("alice", "alice@example.org", "Alice")
    assert_signed_in_member(client, response, people.plan, Role.MANAGER, alice)


@pytest.mark.django_db
def test_the_staff_group_makes_a_directory_user_staff_who_then_needs_a_second_factor(
    directory: Directory, people: PlanPeople
) -> None:
    _, response = _directory_sign_in(directory, people, "bob", "bob-directory-password")
    assert response["Location"] == reverse("mfa_setup")
    assert member_as(people.plan, "bob", Role.AUDITOR).is_staff


@pytest.mark.django_db
def test_a_wrong_directory_password_is_refused(directory: Directory, people: PlanPeople) -> None:
    client, response = _directory_sign_in(directory, people, "alice", "not-her-password")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_leaving_the_group_removes_the_plan_role_at_the_next_sign_in(
    directory: Directory, people: PlanPeople
) -> None:
    plan_settings = _settings_for(directory.uri, people.plan.pk)
    with override_settings(**plan_settings):
        _sign_in(Client(), "alice", "alice-directory-password")
        directory.set_members(MANAGERS, ["bob"])
        try:
            _sign_in(Client(), "alice", "alice-directory-password")
        finally:
            directory.set_members(MANAGERS, ["alice"])
    assert not Membership.objects.filter(user__username="alice", plan=people.plan).exists()


@pytest.mark.django_db
def test_a_directory_that_does_not_answer_is_named_and_local_accounts_still_sign_in(
    people: PlanPeople,
) -> None:
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        uri = f"ldap://127.0.0.1:{silent.getsockname()[1]}"
        with override_settings(**_settings_for(uri, people.plan.pk, LDAP_TIMEOUT="2")):
            refused = _sign_in(Client(), "alice", "alice-directory-password")
            local = Client()
            signed_in = _sign_in(local, "maya", TEST_PASSWORD)
    assert refused.status_code == 200
    assert "directory server (LDAP) did not answer" in refused.content.decode()
    assert signed_in.status_code == 302 and "_auth_user_id" in local.session


def test_a_plan_role_mapping_that_is_not_group_plan_role_names_the_variable() -> None:
    with pytest.raises(ImproperlyConfigured, match="LDAP_PLAN_ROLES"):
        parse_plan_roles("LDAP_PLAN_ROLES", "cn=x,dc=example,dc=org=>1:owner")
    with pytest.raises(ImproperlyConfigured, match="LDAP_PLAN_ROLES"):
        parse_plan_roles("LDAP_PLAN_ROLES", "cn=x,dc=example,dc=org:manager")


def test_a_server_address_that_is_not_ldap_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="LDAP_SERVER_URI"):
        directory_settings({"LDAP_SERVER_URI": "http://dir", "LDAP_USER_SEARCH_BASE": SUFFIX})


def test_without_a_server_address_no_directory_is_configured() -> None:
    assert directory_settings({}) == {}
