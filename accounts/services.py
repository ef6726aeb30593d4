"""Writes for a person's second factor: enrol an authenticator app, recovery codes, check a code.

TOTP devices and recovery codes are django-otp's (``otp_totp``, ``otp_static``): one
authenticator app per person, and one set of single-use recovery codes made when the
app is confirmed. A code typed at sign-in is tried against both.

Recovery codes are shown once and stored only as a keyed hash (:func:`recovery_code_hash`),
as API tokens are: a copy of the database does not give anyone a way past the second factor.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ApiToken, TokenAccess
from accounts.tokens import hash_secret, new_secret
from audit.services import system_user
from bcp import services as plan_services
from bcp.models import Membership, Plan

RECOVERY_CODE_COUNT = 10
# Longest code anyone types: an 8-character recovery code with spaces or dashes.
MAX_CODE_LENGTH = 16
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def normalise_code(raw: str) -> str:
    """What a person typed, as compared: no spaces or dashes, lower case."""
    return raw.replace(" ", "").replace("-", "").strip().lower()[:MAX_CODE_LENGTH]


RECOVERY_HASH_SALT = "accounts.recovery-code"


def recovery_code_hash(code: str) -> str:
    """What the database keeps of a recovery code: 16 hex digits of an HMAC-SHA256.

    Keyed with ``SECRET_KEY`` (a recovery code has only 40 random bits, so a plain hash
    could be reversed by trying them all); 16 characters is the width of django-otp's
    column. Rotating ``SECRET_KEY`` without keeping the old one in
    ``SECRET_KEY_FALLBACKS`` makes existing recovery codes stop working.
    """
    return salted_hmac(RECOVERY_HASH_SALT, normalise_code(code), algorithm="sha256").hexdigest()[
        :16
    ]


@transaction.atomic
def totp_device_start(*, user: User) -> TOTPDevice:
    """A new, unconfirmed authenticator-app secret; an earlier unconfirmed one is dropped."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


@transaction.atomic
def totp_device_confirm(*, device: TOTPDevice, code: str) -> list[str]:
    """Confirm the app with a code it shows; returns a fresh set of recovery codes.

    A wrong code raises :class:`ValidationError` and leaves the device unconfirmed.
    """
    if device.confirmed:
        raise ValidationError("This authenticator app is already set up.")
    if not device.verify_token(normalise_code(code)):
        raise ValidationError(
            "That code does not match. Check the time on your phone and type the "
            "6 digits the app shows now."
        )
    TOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return recovery_codes_replace(user=device.user)


@transaction.atomic
def recovery_codes_replace(*, user: User) -> list[str]:
    """Ten new single-use recovery codes (returned to be shown once; only hashes are kept).

    Every earlier code stops working.
    """
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(
        [StaticToken(device=static, token=recovery_code_hash(code)) for code in codes]
    )
    return codes


@transaction.atomic
def mfa_remove(*, user: User) -> None:
    """Remove the authenticator app and the recovery codes (the view checks policy and a code)."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


class CodeRefused(Exception):
    """The code is wrong, or the device asks to wait after earlier wrong codes."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@transaction.atomic
def second_factor_verify(*, user: User, code: str) -> Device:
    """The device whose code this is (a recovery code is used up); :class:`CodeRefused` if none.

    Each device also slows down repeated wrong codes on its own (django-otp's throttling,
    across every address), on top of the sign-in throttle that counts this step.
    """
    token = normalise_code(code)
    devices: list[Device] = [
        *TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True),
        *StaticDevice.objects.select_for_update().filter(user=user, confirmed=True),
    ]
    if not devices:
        raise CodeRefused("No second factor is set up for this account.")
    waiting = False
    for device in devices:
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            waiting = True
            continue
        typed = recovery_code_hash(token) if isinstance(device, StaticDevice) else token
        if token and device.verify_token(typed):
            return device
    if waiting:
        raise CodeRefused(
            "Too many wrong codes in a row: wait a few seconds, then type the code the app "
            "shows now."
        )
    raise CodeRefused(
        "That code is not right. Type the 6 digits your app shows now, or a recovery code."
    )


# --- API tokens ---------------------------------------------------------------

MAX_TOKEN_DAYS = 366


@transaction.atomic
def api_token_create(
    *, user: User, name: str, access: str, plan: Plan | None, expires_in_days: int
) -> tuple[ApiToken, str]:
    """A new token and its secret (shown once; only its hash is kept)."""
    name = name.strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Give the token a name that says where it is used."
    elif ApiToken.objects.filter(user=user, name=name).exists():
        errors["name"] = "You already have a token with this name."
    if access not in TokenAccess.values:
        errors["access"] = "Choose read only or read and write."
    if not 1 <= expires_in_days <= MAX_TOKEN_DAYS:
        errors["expires_in_days"] = f"Between 1 and {MAX_TOKEN_DAYS} days."
    if plan is not None and not Membership.objects.filter(user=user, plan=plan).exists():
        errors["plan"] = "You are not a member of that plan."
    if errors:
        raise ValidationError(errors)
    secret = new_secret()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        access=access,
        plan=plan,
        key_hash=hash_secret(secret),
        key_prefix=secret[:8],
        expires_at=timezone.now() + timedelta(days=expires_in_days),
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> None:
    """The token stops working at once; it stays listed as revoked."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


# --- directory roles ----------------------------------------------------------

_RANK = {"auditor": 0, "stakeholder": 1, "manager": 2}


@transaction.atomic
def plan_roles_apply(
    *,
    user: User,
    group_dns: set[str],
    mapping: dict[str, list[tuple[int, str]]],
    source: str = "LDAP",
) -> None:
    """Make the person's role on each mapped plan the highest one their groups give.

    ``mapping`` is a group (DN or name, lower case) → plans and roles, from
    ``DIRECTORY_PLAN_ROLES`` or ``OIDC_PLAN_ROLES``. Only plans named in it are touched:
    a person no mapped group gives a role on such a plan is removed from it, unless they
    are its last manager.
    Changes are recorded in the history as the system account's, with the reason.
    """
    if not mapping:
        return
    groups = {dn.lower() for dn in group_dns}
    wanted: dict[int, str] = {}
    for group, targets in mapping.items():
        if group not in groups:
            continue
        for plan_id, given in targets:
            if plan_id not in wanted or _RANK[given] > _RANK[wanted[plan_id]]:
                wanted[plan_id] = given
    mapped_plans = {plan_id for targets in mapping.values() for plan_id, _ in targets}
    actor = system_user()
    plans = {p.pk: p for p in Plan.objects.filter(pk__in=mapped_plans)}
    current = {m.plan_id: m for m in Membership.objects.filter(user=user, plan_id__in=plans)}
    reason = f"Directory groups ({source})"
    for plan_id, plan in plans.items():
        role: str | None = wanted.get(plan_id)
        membership = current.get(plan_id)
        try:
            if role and membership is None:
                plan_services.membership_add(
                    plan=plan, user=actor, member=user, role=role, reason=reason
                )
            elif role and membership is not None and membership.role != role:
                plan_services.membership_change_role(
                    membership=membership,
                    user=actor,
                    role=role,
                    expected_version=None,
                    reason=reason,
                )
            elif role is None and membership is not None:
                plan_services.membership_remove(membership=membership, user=actor, reason=reason)
        except ValidationError:
            # The last manager of a plan stays; the plan is never left without one.
            continue
