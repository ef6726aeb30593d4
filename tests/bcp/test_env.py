from __future__ import annotations

import os

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_choice, env_int, env_list, env_str, env_url
from tests.helpers import manage


def test_boolean_accepts_common_spellings() -> None:
    assert env_bool("DEBUG", False, environ={"DEBUG": "yes"}) is True
    assert env_bool("DEBUG", True, environ={"DEBUG": "0"}) is False


def test_bad_boolean_names_the_variable() -> None:
    with pytest.raises(ImproperlyConfigured, match="DEBUG='maybe'"):
        env_bool("DEBUG", False, environ={"DEBUG": "maybe"})


def test_bad_integer_names_the_variable() -> None:
    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT"):
        env_int("EMAIL_PORT", 25, environ={"EMAIL_PORT": "twenty-five"})


def test_integer_below_minimum_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match=">= 1"):
        env_int("EMAIL_PORT", 25, minimum=1, environ={"EMAIL_PORT": "0"})


def test_list_splits_on_commas_and_drops_blanks() -> None:
    assert env_list("ALLOWED_HOSTS", [], environ={"ALLOWED_HOSTS": "a.org, b.org,,"}) == [
        "a.org",
        "b.org",
    ]


def test_url_with_unsupported_scheme_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL='mysql://x'"):
        env_url(
            "DATABASE_URL",
            "sqlite:///x",
            schemes=("sqlite", "postgres"),
            environ={"DATABASE_URL": "mysql://x"},
        )


def test_required_string_without_default_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY is required"):
        env_str("SECRET_KEY", environ={})


def test_bad_environment_value_stops_startup_with_the_variable_named() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.local", "DEBUG": "perhaps"}
    result = manage(env, "check")
    assert result.returncode != 0
    assert "DEBUG='perhaps'" in result.stderr


def test_production_settings_pass_the_deployment_checklist() -> None:
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "k" * 20 + "-Zq8%v2Lr!x9Tq4@pW7s#Yh3nB6mC1dF5gJ0",
        "ALLOWED_HOSTS": "continuity.example.org",
    }
    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_choice_accepts_a_listed_value_in_any_case() -> None:
    choices = ("staff", "all", "off")
    assert (
        env_choice("MFA_REQUIRED", "staff", choices=choices, environ={"MFA_REQUIRED": "ALL"})
        == "all"
    )


def test_choice_outside_the_list_names_the_variable() -> None:
    with pytest.raises(ImproperlyConfigured, match="MFA_REQUIRED"):
        env_choice(
            "MFA_REQUIRED",
            "staff",
            choices=("staff", "all", "off"),
            environ={"MFA_REQUIRED": "some"},
        )
