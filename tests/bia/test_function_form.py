"""The function form edits exactly the fields the function service accepts."""

from __future__ import annotations

from bia.forms.functions import FunctionForm
from bia.services.functions import FUNCTION_EDITABLE_FIELDS


def test_function_form_edits_the_fields_the_service_accepts() -> None:
    assert list(FunctionForm.Meta.fields) == list(FUNCTION_EDITABLE_FIELDS)
