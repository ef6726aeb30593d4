"""Sign-in through an LDAP / Active Directory server (django-auth-ldap), with group-to-role mapping.

After a person signs in through the directory, their membership of each plan named in
``DIRECTORY_PLAN_ROLES`` follows their groups (:func:`accounts.services.plan_roles_apply`);
staff and superuser status follow ``AUTH_LDAP_USER_FLAGS_BY_GROUP``. A directory that
does not answer marks the request, so the sign-in page says so instead of "wrong password".
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django_auth_ldap.backend import LDAPBackend, ldap_error

from accounts import services


class DirectoryBackend(LDAPBackend):
    def authenticate_ldap_user(self, ldap_user: Any, password: str) -> Any:
        user = super().authenticate_ldap_user(ldap_user, password)
        if user is not None:
            services.plan_roles_apply(
                user=user,
                group_dns=set(ldap_user.group_dns),
                mapping=getattr(settings, "DIRECTORY_PLAN_ROLES", {}),
            )
        return user


def _mark_directory_unavailable(
    sender: Any, context: str, user: Any, request: Any = None, exception: Any = None, **kwargs: Any
) -> None:
    if request is not None and context in ("authenticate", "search_for_user_dn"):
        request.directory_error = type(exception).__name__


ldap_error.connect(_mark_directory_unavailable, dispatch_uid="accounts.directory.unavailable")
