"""Sign-in with a second factor, and the page where a person sets theirs up.

Signing in takes two steps for anyone the second factor applies to
(:func:`accounts.selectors.mfa_applies_to`): the password step only remembers who
passed it (for :data:`PENDING_SECONDS`), and the session is signed in after the code
step. Wrong codes are counted by the same sign-in throttle as wrong passwords (same
username and client address), so the lock covers both steps.
"""

from __future__ import annotations

import time
from base64 import b32encode
from typing import Any

import segno
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login, user_login_failed
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import selectors, services
from accounts.forms import ApiTokenForm, AppCodeForm, CodeForm
from accounts.models import ApiToken
from bcp.auth import lockout_response
from bcp.http import SignedInRequest
from bcp.models import Plan

PENDING_KEY = "mfa_pending"
# How long the password step stays good for the code step.
PENDING_SECONDS = 300


class SignInView(LoginView):
    """The password step; hands over to the code step when a second factor applies."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["oidc_enabled"] = getattr(settings, "OIDC_ENABLED", False)
        context["oidc_provider_name"] = getattr(settings, "OIDC_PROVIDER_NAME", "")
        context["sso_failed"] = self.request.GET.get("sso") == "failed"
        return context

    def form_invalid(self, form: Any) -> HttpResponse:
        if getattr(self.request, "directory_error", None):
            form.add_error(
                None,
                "The directory server (LDAP) did not answer, so directory accounts cannot "
                "sign in just now. Try again in a few minutes; local accounts still work.",
            )
        return super().form_invalid(form)

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if not selectors.mfa_applies_to(user):
            return super().form_valid(form)
        self.request.session.cycle_key()
        self.request.session[PENDING_KEY] = {
            "user": user.pk,
            "backend": user.backend,
            "next": self.get_success_url(),
            "at": time.time(),
        }
        if selectors.confirmed_totp_device(user) is None:
            return redirect("mfa_setup")
        return redirect("mfa_verify")


def _pending_user(request: HttpRequest) -> tuple[Any, dict[str, Any]] | None:
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict) or time.time() - float(pending.get("at", 0)) > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None
    user_pk = pending.get("user")
    if not isinstance(user_pk, int):
        return None
    user = get_user_model().objects.filter(pk=user_pk, is_active=True).first()
    if user is None:
        return None
    return user, pending


def _finish_sign_in(request: HttpRequest, user: Any, pending: dict[str, Any], device: Any) -> str:
    request.session.pop(PENDING_KEY, None)
    login(request, user, backend=pending["backend"])
    otp_login(request, device)
    target = str(pending.get("next") or "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse(settings.LOGIN_REDIRECT_URL)
    return target


def _count_failure(request: HttpRequest, user: Any) -> HttpResponse | None:
    """Record a wrong code with the sign-in throttle; the lockout page once it is reached."""
    credentials = {"username": user.get_username()}
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    if getattr(request, "axes_locked_out", False):
        request.session.pop(PENDING_KEY, None)
        return lockout_response(request, credentials=credentials)
    return None


def _locked(request: HttpRequest, user: Any) -> HttpResponse | None:
    credentials = {"username": user.get_username()}
    if AxesProxyHandler.is_locked(request, credentials):
        request.session.pop(PENDING_KEY, None)
        return lockout_response(request, credentials=credentials)
    return None


def mfa_verify(request: HttpRequest) -> HttpResponse:
    """The code step of signing in."""
    found = _pending_user(request)
    if found is None:
        messages.info(request, "Sign in with your password first.")
        return redirect("login")
    user, pending = found
    if (locked := _locked(request, user)) is not None:
        return locked
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.second_factor_verify(user=user, code=form.cleaned_data["code"])
        except services.CodeRefused as refused:
            if (lockout := _count_failure(request, user)) is not None:
                return lockout
            form.add_error("code", refused.message)
        else:
            if device.persistent_id.startswith("otp_static"):
                messages.warning(
                    request,
                    "You signed in with a recovery code; it cannot be used again. "
                    "Make new ones on the second factor page if few are left.",
                )
            return redirect(_finish_sign_in(request, user, pending, device))
    return render(request, "accounts/mfa_verify.html", {"form": form, "person": user})


def _qr_svg(device: TOTPDevice) -> str:
    return str(segno.make(device.config_url, error="m").svg_inline(scale=5, border=2))


def mfa_setup(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator app: while signed in, or as the code step of a first sign-in."""
    pending: dict[str, Any] | None = None
    if request.user.is_authenticated:
        user: Any = request.user
    else:
        found = _pending_user(request)
        if found is None:
            return redirect(f"{reverse('login')}?next={reverse('mfa_setup')}")
        user, pending = found
        if selectors.confirmed_totp_device(user) is not None:
            return redirect("mfa_verify")
        if (locked := _locked(request, user)) is not None:
            return locked
    if request.method == "POST":
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
        form = AppCodeForm(request.POST)
        if device is None:
            messages.error(request, "That set-up expired; scan the new code below.")
            return redirect("mfa_setup")
        if form.is_valid():
            try:
                codes = services.totp_device_confirm(device=device, code=form.cleaned_data["code"])
            except ValidationError as error:
                if pending is not None and (lockout := _count_failure(request, user)) is not None:
                    return lockout
                form.add_error("code", error)
            else:
                next_url = reverse("mfa_setup")
                if pending is not None:
                    next_url = _finish_sign_in(request, user, pending, device)
                return render(
                    request,
                    "accounts/recovery_codes.html",
                    {"codes": codes, "next_url": next_url, "first": True},
                )
    else:
        status = selectors.mfa_status(user)
        if status.device is not None:
            return render(request, "accounts/mfa_status.html", {"status": status})
        device = services.totp_device_start(user=user)
        form = AppCodeForm()
    return render(
        request,
        "accounts/mfa_setup.html",
        {
            "form": form,
            "qr_svg": _qr_svg(device),
            "secret": _grouped(device),
            "required": selectors.mfa_required_for(user),
            "signing_in": pending is not None,
        },
    )


def _grouped(device: TOTPDevice) -> str:
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@login_required
@require_POST
def recovery_codes_new(request: SignedInRequest) -> HttpResponse:
    if selectors.confirmed_totp_device(request.user) is None:
        return redirect("mfa_setup")
    codes = services.recovery_codes_replace(user=request.user)
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "next_url": reverse("mfa_setup"), "first": False},
    )


@login_required
@require_POST
def mfa_turn_off(request: SignedInRequest) -> HttpResponse:
    """Remove the second factor, when policy allows, with a current code."""
    user = request.user
    status = selectors.mfa_status(user)
    if status.required:
        messages.error(request, "Your account must have a second factor; it cannot be removed.")
        return redirect("mfa_setup")
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            services.second_factor_verify(user=user, code=form.cleaned_data["code"])
        except services.CodeRefused as refused:
            messages.error(request, f"Second factor kept: {refused.message}")
            return redirect("mfa_setup")
        services.mfa_remove(user=user)
        messages.success(request, "Second factor removed: signing in takes your password only.")
    else:
        messages.error(request, "Type a current code to remove the second factor.")
    return redirect("mfa_setup")


@login_required
def api_tokens(request: SignedInRequest) -> HttpResponse:
    """The person's API tokens: make one (its secret shown once), see use, revoke."""
    user = request.user
    plans = list(Plan.objects.filter(memberships__user=user).order_by("name"))
    form = ApiTokenForm(request.POST or None, plans=plans)
    secret = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        plan = next((p for p in plans if p.pk == data["plan"]), None)
        try:
            token, secret = services.api_token_create(
                user=user,
                name=data["name"],
                access=data["access"],
                plan=plan,
                expires_in_days=data["expires_in_days"],
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(
                request, f"Token “{token.name}” made. Copy it now: it is not shown again."
            )
            form = ApiTokenForm(plans=plans)
    return render(
        request,
        "accounts/api_tokens.html",
        {
            "form": form,
            "secret": secret,
            "tokens": selectors.api_tokens_for(user),
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def api_token_revoke(request: SignedInRequest, token_pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_pk, user=request.user)
    services.api_token_revoke(token=token)
    messages.success(request, f"Token “{token.name}” revoked: it no longer works.")
    return redirect("api_tokens")
