from __future__ import annotations

from django import forms

from accounts.services import MAX_CODE_LENGTH


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=MAX_CODE_LENGTH,
        help_text="The 6 digits your authenticator app shows now, or one of your recovery codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )


class AppCodeForm(forms.Form):
    code = forms.CharField(
        label="Code from the app",
        max_length=MAX_CODE_LENGTH,
        help_text="After scanning, type the 6 digits the app shows for Continuity.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )
