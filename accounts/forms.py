from __future__ import annotations

from typing import Any

from django import forms

from accounts.services import MAX_CODE_LENGTH


def _code_field(*, label: str, help_text: str, inputmode: str) -> forms.CharField:
    """A one-time code box: browsers offer the code from an SMS or password manager."""
    return forms.CharField(
        label=label,
        max_length=MAX_CODE_LENGTH,
        help_text=help_text,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": inputmode, "autofocus": True}
        ),
    )


class CodeForm(forms.Form):
    # Text, not numeric: recovery codes have letters.
    code = _code_field(
        label="Code",
        help_text="The 6 digits your authenticator app shows now, or one of your recovery codes.",
        inputmode="text",
    )


class AppCodeForm(forms.Form):
    code = _code_field(
        label="Code from the app",
        help_text="After scanning, type the 6 digits the app shows for Continuity.",
        inputmode="numeric",
    )


EXPIRY_CHOICES = [(7, "7 days"), (30, "30 days"), (90, "90 days"), (366, "1 year")]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="Where it is used, e.g. “CMDB nightly sync”.",
    )
    access = forms.ChoiceField(
        label="Access",
        choices=[("read", "Read only"), ("write", "Read and write")],
        initial="read",
        widget=forms.RadioSelect,
    )
    plan = forms.TypedChoiceField(
        label="Plans",
        coerce=int,
        empty_value=None,
        required=False,
        help_text="Every plan you are a member of, or one of them. Never more than your role.",
    )
    expires_in_days = forms.TypedChoiceField(
        label="Expires after", coerce=int, choices=EXPIRY_CHOICES, initial=90
    )

    def __init__(self, *args: Any, plans: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plan_field = self.fields["plan"]
        assert isinstance(plan_field, forms.TypedChoiceField)
        plan_field.choices = [("", "All my plans"), *((p.pk, p.name) for p in plans)]
