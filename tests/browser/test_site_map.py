"""The accessibility pass reaches every page: each URL pattern is covered or excluded."""

from __future__ import annotations

from tests.browser import site_map


def test_every_url_pattern_is_covered_or_excluded_with_a_reason() -> None:
    covered = (
        set(site_map.plan_pages()) | set(site_map.SIGNED_IN_PAGES) | set(site_map.SIGNED_OUT_PAGES)
    )
    missing = [
        f"{name} ({route})"
        for route, name, view in (
            (route, pattern.name, pattern.callback) for route, pattern in site_map.url_patterns()
        )
        if name not in covered and name not in site_map.EXCLUDED and not site_map.post_only(view)
    ]
    assert not missing, (
        "Pages the accessibility pass does not open; add each to tests/browser/site_map.py "
        "(a page dict, or EXCLUDED with the reason): " + ", ".join(missing)
    )


def test_no_pattern_is_both_covered_and_excluded() -> None:
    covered = (
        set(site_map.plan_pages()) | set(site_map.SIGNED_IN_PAGES) | set(site_map.SIGNED_OUT_PAGES)
    )
    assert not covered & set(site_map.EXCLUDED)


def test_every_listed_name_is_still_a_url_pattern() -> None:
    names = {pattern.name for _route, pattern in site_map.url_patterns()}
    listed = (
        set(site_map.plan_pages())
        | set(site_map.SIGNED_IN_PAGES)
        | set(site_map.SIGNED_OUT_PAGES)
        | set(site_map.EXCLUDED)
    )
    assert listed <= names, sorted(listed - names)


def test_a_post_only_view_is_recognised_and_a_page_is_not() -> None:
    from bcp import views

    assert site_map.post_only(views.member_add)
    assert not site_map.post_only(views.member_list)
