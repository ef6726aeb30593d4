"""Checking JSON data against the declared result types of :mod:`analysis.results`.

Stored results are JSON; before a page, the API or the plan document reads a part, the
part is checked against its ``TypedDict`` here, so a missing or mistyped value fails
loudly with its path (``functions[0].gaps[2].options[1].after``) instead of showing up
as a blank cell. The checker knows the few types the declared results use: TypedDicts,
lists, dicts with text keys, literals, optional values, bool, int, float and str.
"""

from __future__ import annotations

import json
import math
import types
import typing
from typing import Any, Literal, NotRequired, TypeGuard, TypeVar, Union

T = TypeVar("T")


class ResultsInvalid(ValueError):
    """Stored or computed results that do not match the declared types.

    ``path`` points at the offending part, e.g. ``functions[0].gaps[2].options[1].after``.
    """

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path or 'results'}: {message}")
        self.path = path
        self.message = message


def _is_typed_dict(tp: object) -> TypeGuard[type[Any]]:
    return isinstance(tp, type) and issubclass(tp, dict) and hasattr(tp, "__required_keys__")


_HINTS: dict[type[Any], dict[str, Any]] = {}


def _hints(tp: type[Any]) -> dict[str, Any]:
    hints = _HINTS.get(tp)
    if hints is None:
        hints = typing.get_type_hints(tp)
        _HINTS[tp] = hints
    return hints


_REQUIRED: dict[type, frozenset[str]] = {}


def _required_keys(tp: type[Any]) -> frozenset[str]:
    """The keys ``tp`` requires. With postponed annotations (the result modules' ``from __future__
    import annotations``) Python 3.11 cannot see ``NotRequired`` when it builds the class,
    so ``__required_keys__`` lists every key; the resolved hints say which are optional."""
    required = _REQUIRED.get(tp)
    if required is None:
        extras = typing.get_type_hints(tp, include_extras=True)
        optional = {key for key, hint in extras.items() if typing.get_origin(hint) is NotRequired}
        required = frozenset(tp.__required_keys__) - optional
        _REQUIRED[tp] = required
    return required


def _check(value: object, tp: Any, path: str) -> None:
    """Raise ``ResultsInvalid`` unless ``value`` (JSON data) is of type ``tp``.

    One visit per JSON node, so checking is linear in the size of the results.
    """
    origin = typing.get_origin(tp)
    if tp is Any:
        return
    if origin is Literal:
        if value not in typing.get_args(tp) or isinstance(value, bool):
            allowed = ", ".join(repr(a) for a in typing.get_args(tp))
            raise ResultsInvalid(path, f"expected one of {allowed}, got {value!r}")
        return
    if origin is Union or origin is types.UnionType:
        args = typing.get_args(tp)
        if value is None and type(None) in args:
            return
        errors = []
        for arg in args:
            if arg is type(None):
                continue
            try:
                _check(value, arg, path)
            except ResultsInvalid as error:
                errors.append(error)
            else:
                return
        raise errors[0]
    if origin is list:
        if not isinstance(value, list):
            raise ResultsInvalid(path, f"expected a list, got {type(value).__name__}")
        (item,) = typing.get_args(tp)
        for index, element in enumerate(value):
            _check(element, item, f"{path}[{index}]")
        return
    if origin is dict:
        if not isinstance(value, dict):
            raise ResultsInvalid(path, f"expected an object, got {type(value).__name__}")
        _key, item = typing.get_args(tp)
        for key, element in value.items():
            if not isinstance(key, str):
                raise ResultsInvalid(path, f"keys must be text, got {key!r}")
            _check(element, item, f"{path}.{key}")
        return
    if _is_typed_dict(tp):
        if not isinstance(value, dict):
            raise ResultsInvalid(path, f"expected {tp.__name__}, got {type(value).__name__}")
        hints = _hints(tp)
        missing = [key for key in hints if key not in value and key in _required_keys(tp)]
        if missing:
            raise ResultsInvalid(path, f"{tp.__name__} lacks {', '.join(sorted(missing))}")
        extra = [key for key in value if key not in hints]
        if extra:
            raise ResultsInvalid(path, f"{tp.__name__} has unknown {', '.join(sorted(extra))}")
        for key, hint in hints.items():
            if key in value:
                _check(value[key], hint, f"{path}.{key}" if path else key)
        return
    if tp is bool:
        if not isinstance(value, bool):
            raise ResultsInvalid(path, f"expected true or false, got {value!r}")
        return
    if tp is int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise ResultsInvalid(path, f"expected a whole number, got {value!r}")
        return
    if tp is float:
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise ResultsInvalid(path, f"expected a number, got {value!r}")
        if not math.isfinite(value):
            raise ResultsInvalid(path, f"expected a finite number, got {value!r}")
        return
    if tp is str:
        if not isinstance(value, str):
            raise ResultsInvalid(path, f"expected text, got {value!r}")
        return
    raise TypeError(f"results_check.py cannot check values of type {tp!r}")  # a bug in this module


# --- the fast pass ----------------------------------------------------------------------
#
# ``_check`` builds each node's path as it goes, so that a problem is named exactly; on a
# plan's results (tens of megabytes of JSON) that text costs more than the checks. The
# fast pass answers only "valid or not", with one function compiled per declared type
# (about 3.5 times faster on a plan's results); when it says "not", ``_check`` runs and
# names the first problem. So the messages are those of ``_check``, and a property test
# (tests/analysis/test_results_check.py) holds the two passes to the same answers.

Accepts = typing.Callable[[object], bool]
_COMPILED: dict[object, Accepts] = {}


def _accepts(tp: Any) -> Accepts:
    """The compiled check of ``tp``, compiled once with its parts (the declared result
    types contain no type within itself)."""
    compiled = _COMPILED.get(tp)
    if compiled is None:
        compiled = _compile(tp)
        _COMPILED[tp] = compiled
    return compiled


def _compile(tp: Any) -> Accepts:
    origin = typing.get_origin(tp)
    if tp is Any:
        return lambda value: True
    if origin is Literal:
        allowed = typing.get_args(tp)
        return lambda value: not isinstance(value, bool) and value in allowed
    if origin is Union or origin is types.UnionType:
        args = typing.get_args(tp)
        none_allowed = type(None) in args
        arms = [_accepts(arm) for arm in args if arm is not type(None)]

        def union(value: object) -> bool:
            if value is None and none_allowed:
                return True
            return any(arm(value) for arm in arms)

        return union
    if origin is list:
        (item_type,) = typing.get_args(tp)
        item = _accepts(item_type)

        def list_of(value: object) -> bool:
            return isinstance(value, list) and all(map(item, value))

        return list_of
    if origin is dict:
        _key, item_type = typing.get_args(tp)
        item = _accepts(item_type)

        def dict_of(value: object) -> bool:
            if not isinstance(value, dict):
                return False
            for key, element in value.items():
                if not isinstance(key, str) or not item(element):
                    return False
            return True

        return dict_of
    if _is_typed_dict(tp):
        hints = _hints(tp)
        known = frozenset(hints)
        required = _required_keys(tp) & known
        fields = [(key, _accepts(hint)) for key, hint in hints.items()]

        def typed_dict(value: object) -> bool:
            if not isinstance(value, dict):
                return False
            keys = value.keys()
            if not (required <= keys and keys <= known):
                return False
            return all(field(value[key]) for key, field in fields if key in value)

        return typed_dict
    if tp is bool:
        return lambda value: isinstance(value, bool)
    if tp is int:
        return lambda value: isinstance(value, int) and not isinstance(value, bool)
    if tp is float:
        return lambda value: (
            isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        )
    if tp is str:
        return lambda value: isinstance(value, str)

    def unknown(value: object) -> bool:
        raise TypeError(f"results_check.py cannot check values of type {tp!r}")

    return unknown


def check(value: object, tp: Any, *, path: str = "") -> None:
    """Raise ``ResultsInvalid`` unless ``value`` matches the declared type ``tp``.

    The compiled pass decides; only when it refuses does ``_check`` walk ``value`` again
    to name the first problem and its path.
    """
    if not _accepts(tp)(value):
        _check(value, tp, path)
        # The two passes disagree: a bug in this module, never a silent pass.
        raise AssertionError(f"results_check.py: the fast pass refused {path or 'results'}")


def stored_part(value: object, tp: type[T], *, path: str) -> T:
    """One part of stored results, read by its key in the database: ``value`` as the
    database gave it (JSON text where it returns text for a key), checked against ``tp``;
    :class:`ResultsInvalid` naming the first problem otherwise."""
    if isinstance(value, str):
        value = json.loads(value)
    check(value, tp, path=path)
    return typing.cast(T, value)
