"""Login with throttling: repeated failures for one username from one address are refused."""

from __future__ import annotations

import hashlib
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.cache import cache


def _key(request: Any, username: str) -> str:
    address = request.META.get("REMOTE_ADDR", "") if request else ""
    digest = hashlib.sha256(f"{username.lower()}|{address}".encode()).hexdigest()
    return f"login-failures:{digest}"


class ThrottledAuthenticationForm(AuthenticationForm):
    def clean(self) -> dict[str, Any]:
        username = self.data.get("username", "")
        key = _key(self.request, username)
        if cache.get(key, 0) >= settings.LOGIN_THROTTLE_ATTEMPTS:
            minutes = max(1, settings.LOGIN_THROTTLE_WINDOW // 60)
            raise forms.ValidationError(
                f"Too many failed sign-in attempts. Try again in {minutes} minutes.",
                code="throttled",
            )
        try:
            return super().clean()
        except forms.ValidationError:
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, settings.LOGIN_THROTTLE_WINDOW)
            raise


class ThrottledLoginView(LoginView):
    form_class = ThrottledAuthenticationForm
    redirect_authenticated_user = True
