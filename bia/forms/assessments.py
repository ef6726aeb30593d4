"""The form a reviewer returns an assessment with."""

from __future__ import annotations

from django import forms


class ReturnForm(forms.Form):
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), label="What needs to change"
    )
