"""Check plain data against a declared type, naming the first place where it does not fit.

Apps meet through dataclasses. When one app hands another a value — or when a value
comes back from JSON — :func:`conform` walks it once against the declared type and
returns an instance of that type, or raises :class:`ContractError` with the path of
the first part that is missing or malformed (``bia.functions[2].owner: expected
text, found nothing``). Nothing is guessed or converted: an int is not accepted where
text is declared, a missing field is not filled in, an unknown field is refused.

Supported declarations: ``str``, ``int``, ``float`` (an int is a valid float),
``bool``, ``None``, ``X | None``, ``tuple[X, ...]``, ``list[X]``, ``dict[str, X]``,
``Literal[...]`` and (nested) dataclasses. The walk is linear in the size of the value.
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from functools import cache
from typing import Any, Literal, TypeVar, Union, get_args, get_origin, get_type_hints

T = TypeVar("T")


class ContractError(ValueError):
    """A value does not match its declared type; ``path`` says where."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}" if path else problem)


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"a yes/no value ({value})"
    if isinstance(value, int | float):
        return f"a number ({value!r})"
    if isinstance(value, str):
        return f"text ({value[:40]!r})"
    if isinstance(value, list | tuple):
        return f"a list of {len(value)}"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__}"


def _expected(tp: Any) -> str:
    if tp is str:
        return "text"
    if tp is int:
        return "a whole number"
    if tp is float:
        return "a number"
    if tp is bool:
        return "yes or no"
    if tp is type(None):
        return "nothing"
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return f"a {tp.__name__}"
    origin = get_origin(tp)
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in get_args(tp))
    if origin in (list, tuple):
        return "a list"
    if origin is dict:
        return "a mapping"
    if origin in (Union, types.UnionType):
        return " or ".join(_expected(a) for a in get_args(tp))
    return str(tp)


@cache
def _hints(cls: type) -> dict[str, Any]:
    return get_type_hints(cls)


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def _defaults(cls: type) -> dict[str, Any]:
    return {
        f.name: f.default for f in dataclasses.fields(cls) if f.default is not dataclasses.MISSING
    }


def conform(tp: type[T], value: Any, path: str = "") -> T:
    """``value`` as an instance of ``tp``; raises :class:`ContractError` where it differs."""
    return typing.cast(T, _conform(tp, value, path))


def _conform(tp: Any, value: Any, path: str) -> Any:
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return _conform_dataclass(tp, value, path)
    if tp is Any:
        return value
    if tp is str:
        if isinstance(value, str):
            return value
    elif tp is bool:
        if isinstance(value, bool):
            return value
    elif tp is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif tp is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            if not math.isfinite(value):
                raise ContractError(path, f"expected a finite number, found {value!r}")
            return value
    elif tp is type(None):
        if value is None:
            return None
    else:
        origin = get_origin(tp)
        args = get_args(tp)
        if origin in (Union, types.UnionType):
            return _conform_union(tp, args, value, path)
        if origin is Literal:
            if value in args and not isinstance(value, bool):
                return value
        elif origin is tuple:
            if isinstance(value, list | tuple):
                if len(args) == 2 and args[1] is Ellipsis:
                    return tuple(
                        _conform(args[0], item, f"{path}[{index}]")
                        for index, item in enumerate(value)
                    )
                if len(args) != len(value):
                    raise ContractError(path, f"expected {len(args)} items, found {len(value)}")
                return tuple(
                    _conform(arg, item, f"{path}[{index}]")
                    for index, (arg, item) in enumerate(zip(args, value, strict=True))
                )
        elif origin is list:
            if isinstance(value, list | tuple):
                return [_conform(args[0], item, f"{path}[{i}]") for i, item in enumerate(value)]
        elif origin is dict:
            if isinstance(value, dict):
                result = {}
                for key, item in value.items():
                    if not isinstance(key, str):
                        raise ContractError(path, f"expected text keys, found {_describe(key)}")
                    result[key] = _conform(args[1], item, f"{path}[{key!r}]")
                return result
        else:
            raise ContractError(path, f"cannot check values of type {tp!r}")
    raise ContractError(path, f"expected {_expected(tp)}, found {_describe(value)}")


def _conform_union(tp: Any, args: tuple[Any, ...], value: Any, path: str) -> Any:
    if value is None:
        if type(None) in args:
            return None
        raise ContractError(path, f"expected {_expected(tp)}, found nothing")
    candidates = [a for a in args if a is not type(None)]
    if len(candidates) == 1:
        return _conform(candidates[0], value, path)
    for candidate in candidates:
        try:
            return _conform(candidate, value, path)
        except ContractError:
            continue
    raise ContractError(path, f"expected {_expected(tp)}, found {_describe(value)}")


def _conform_dataclass(cls: type, value: Any, path: str) -> Any:
    hints = _hints(cls)
    names = _field_names(cls)
    if isinstance(value, cls):
        values = {name: getattr(value, name) for name in names}
    elif isinstance(value, dict):
        unknown = sorted(set(value) - set(names))
        if unknown:
            raise ContractError(path, f"unexpected field {unknown[0]!r} in {cls.__name__}")
        # A field added later with a default (``people: tuple[...] = ()``) may be absent
        # from data stored before it existed; it then takes its default.
        defaults = _defaults(cls)
        missing = [name for name in names if name not in value and name not in defaults]
        if missing:
            where = f"{path}.{missing[0]}" if path else missing[0]
            raise ContractError(where, "missing")
        values = {**defaults, **value}
    else:
        raise ContractError(path, f"expected {_expected(cls)}, found {_describe(value)}")
    return cls(
        **{
            name: _conform(hints[name], values[name], f"{path}.{name}" if path else name)
            for name in names
        }
    )


def to_plain(value: Any) -> Any:
    """A dataclass tree as plain JSON-ready data (tuples become lists)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [to_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): to_plain(item) for key, item in value.items()}
    return value
