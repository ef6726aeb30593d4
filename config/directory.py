"""LDAP / Active Directory sign-in settings, read from environment variables.

Nothing is configured unless ``LDAP_SERVER_URI`` is set. :func:`directory_settings`
returns the ``AUTH_LDAP_*`` settings django-auth-ldap reads, plus
``DIRECTORY_PLAN_ROLES`` (group DN → plan id and role) used by
:mod:`accounts.directory`. Every value is checked here and a bad one stops startup
with the variable's name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from config.env import env_choice, env_int, env_str

ROLES = ("manager", "stakeholder", "auditor")


def parse_plan_roles(name: str, raw: str) -> dict[str, list[tuple[int, str]]]:
    """``GROUP_DN=>PLAN_ID:ROLE`` entries separated by ``;`` → {group DN: [(plan, role)]}."""
    mapping: dict[str, list[tuple[int, str]]] = {}
    for entry in (part.strip() for part in raw.split(";")):
        if not entry:
            continue
        group, arrow, target = entry.partition("=>")
        plan, colon, role = target.strip().partition(":")
        group = group.strip().lower()
        if not arrow or not colon or not group:
            raise ImproperlyConfigured(
                f"Environment variable {name}: {entry!r} is not GROUP_DN=>PLAN_ID:ROLE."
            )
        if not plan.strip().isdigit():
            raise ImproperlyConfigured(f"Environment variable {name}: {plan!r} is not a plan id.")
        if role.strip() not in ROLES:
            raise ImproperlyConfigured(
                f"Environment variable {name}: role {role!r} is not one of {', '.join(ROLES)}."
            )
        mapping.setdefault(group, []).append((int(plan), role.strip()))
    return mapping


def directory_settings(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The settings for LDAP sign-in, or ``{}`` when ``LDAP_SERVER_URI`` is not set."""
    uri = env_str("LDAP_SERVER_URI", "", environ=environ).strip()
    if not uri:
        return {}
    if not uri.startswith(("ldap://", "ldaps://")):
        raise ImproperlyConfigured(
            f"Environment variable LDAP_SERVER_URI={uri!r} must start with ldap:// or ldaps://."
        )
    # python-ldap is loaded only where LDAP sign-in is configured: it needs the system's
    # OpenLDAP libraries, which other installations may lack.
    import ldap
    from django_auth_ldap.config import (  # same: needs python-ldap
        GroupOfNamesType,
        LDAPSearch,
        NestedActiveDirectoryGroupType,
    )

    timeout = env_int("LDAP_TIMEOUT", 5, minimum=1, environ=environ)
    user_base = env_str("LDAP_USER_SEARCH_BASE", environ=environ)
    group_base = env_str("LDAP_GROUP_SEARCH_BASE", user_base, environ=environ)
    group_type = env_choice(
        "LDAP_GROUP_TYPE",
        "groupofnames",
        choices=("groupofnames", "activedirectory"),
        environ=environ,
    )
    flags: dict[str, str] = {}
    for flag, variable in (
        ("is_staff", "LDAP_STAFF_GROUP"),
        ("is_superuser", "LDAP_SUPERUSER_GROUP"),
    ):
        group = env_str(variable, "", environ=environ).strip()
        if group:
            flags[flag] = group
    return {
        "AUTH_LDAP_SERVER_URI": uri,
        "AUTH_LDAP_BIND_DN": env_str("LDAP_BIND_DN", "", environ=environ),
        "AUTH_LDAP_BIND_PASSWORD": env_str("LDAP_BIND_PASSWORD", "", environ=environ),
        "AUTH_LDAP_START_TLS": env_choice(
            "LDAP_START_TLS", "false", choices=("true", "false"), environ=environ
        )
        == "true",
        "AUTH_LDAP_USER_SEARCH": LDAPSearch(
            user_base,
            ldap.SCOPE_SUBTREE,
            env_str("LDAP_USER_FILTER", "(uid=%(user)s)", environ=environ),
        ),
        "AUTH_LDAP_GROUP_SEARCH": LDAPSearch(group_base, ldap.SCOPE_SUBTREE, "(objectClass=*)"),
        "AUTH_LDAP_GROUP_TYPE": (
            NestedActiveDirectoryGroupType()
            if group_type == "activedirectory"
            else GroupOfNamesType()
        ),
        "AUTH_LDAP_USER_ATTR_MAP": {"first_name": "givenName", "last_name": "sn", "email": "mail"},
        "AUTH_LDAP_USER_FLAGS_BY_GROUP": flags,
        "AUTH_LDAP_ALWAYS_UPDATE_USER": True,
        # A directory that does not answer fails the sign-in within this many seconds.
        "AUTH_LDAP_CONNECTION_OPTIONS": {
            ldap.OPT_NETWORK_TIMEOUT: timeout,
            ldap.OPT_TIMEOUT: timeout,
        },
        "DIRECTORY_PLAN_ROLES": parse_plan_roles(
            "LDAP_PLAN_ROLES", env_str("LDAP_PLAN_ROLES", "", environ=environ)
        ),
    }
