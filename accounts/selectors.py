"""Reads about a person's sign-in: whether a second factor applies and what they have set up."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ApiToken


def mfa_required_for(user: User) -> bool:
    """``MFA_REQUIRED``: ``staff`` (staff and superusers), ``all`` or ``off``."""
    policy: str = settings.MFA_REQUIRED
    if policy == "all":
        return True
    if policy == "staff":
        return bool(user.is_staff or user.is_superuser)
    return False


def confirmed_totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def mfa_applies_to(user: User) -> bool:
    """Whether signing in takes a second step: required by policy, or set up by choice."""
    return mfa_required_for(user) or confirmed_totp_device(user) is not None


@dataclass(frozen=True)
class MfaStatus:
    required: bool
    device: TOTPDevice | None
    recovery_codes_left: int


def mfa_status(user: User) -> MfaStatus:
    static = StaticDevice.objects.filter(user=user, confirmed=True).first()
    return MfaStatus(
        required=mfa_required_for(user),
        device=confirmed_totp_device(user),
        recovery_codes_left=static.token_set.count() if static else 0,
    )


def api_tokens_for(user: User) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=user).select_related("plan").order_by("-created_at"))
