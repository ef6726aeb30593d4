"""Typed readers for environment variables.

Each helper either returns a value of the declared type or raises
:class:`ImproperlyConfigured` naming the variable, so a typo in a deployment
stops startup instead of surfacing later as odd behaviour.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from urllib.parse import urlparse

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str, environ: Mapping[str, str] | None) -> str | None:
    source = os.environ if environ is None else environ
    return source.get(name)


def env_str(
    name: str, default: str | None = None, *, environ: Mapping[str, str] | None = None
) -> str:
    value = _raw(name, environ)
    if value is None:
        if default is None:
            raise ImproperlyConfigured(f"Environment variable {name} is required but not set.")
        return default
    return value


def env_bool(name: str, default: bool, *, environ: Mapping[str, str] | None = None) -> bool:
    value = _raw(name, environ)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"Environment variable {name}={value!r} is not a boolean; use one of true/false/1/0/yes/no."
    )


def env_int(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    value = _raw(name, environ)
    if value is None:
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise ImproperlyConfigured(
            f"Environment variable {name}={value!r} is not an integer."
        ) from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"Environment variable {name}={number} must be >= {minimum}.")
    return number


def env_list(
    name: str, default: list[str], *, environ: Mapping[str, str] | None = None
) -> list[str]:
    value = _raw(name, environ)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(
    name: str,
    default: str,
    *,
    choices: tuple[str, ...],
    environ: Mapping[str, str] | None = None,
) -> str:
    """Return one of ``choices`` (compared in lower case); anything else is refused."""
    value = _raw(name, environ)
    chosen = default if value is None else value.strip().lower()
    if chosen not in choices:
        raise ImproperlyConfigured(
            f"Environment variable {name}={value!r} is not one of: {', '.join(choices)}."
        )
    return chosen


def env_url(
    name: str,
    default: str,
    *,
    schemes: tuple[str, ...],
    environ: Mapping[str, str] | None = None,
) -> str:
    """Return a URL whose scheme is one of ``schemes``; anything else is refused."""
    value = _raw(name, environ)
    url = default if value is None else value.strip()
    scheme = urlparse(url).scheme
    if scheme not in schemes:
        raise ImproperlyConfigured(
            f"Environment variable {name}={url!r} has scheme {scheme!r}; "
            f"expected one of: {', '.join(schemes)}."
        )
    return url
