"""Walk every page reachable from the demo plan as each role: no server errors anywhere.

A link a role can see must work for that role (no 403/404/500 behind a visible link),
and no page may answer 5xx. This catches template errors and broken links that
per-view tests miss.
"""

from __future__ import annotations

import re
from collections import deque
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import pytest

from tests.conftest import client_for
from tests.helpers import local_links

if TYPE_CHECKING:
    from bcp.demo import DemoData

pytestmark = pytest.mark.django_db

HREF = re.compile(r'href="([^"]+)"')
# Downloads and exports are checked elsewhere; logout would end the walk.
SKIP = re.compile(r"/(logout|download|export|admin)/|\.(pdf|csv|xlsx|json|yaml|svg)$|/api/")
MAX_PAGES = 400


def _links(html: str) -> list[str]:
    return [url for url in local_links(html, HREF) if not SKIP.search(urlparse(url).path)]


@pytest.fixture
def demo_plan() -> DemoData:
    from bcp.demo import demo_load

    return demo_load()


@pytest.mark.parametrize("username", ["manager", "stakeholder", "auditor"])
def test_every_linked_page_of_the_demo_plan_works_for_the_role(
    demo_plan: dict[str, Any], username: str
) -> None:
    client = client_for(demo_plan["users"][username])
    start = f"/plans/{demo_plan['plan'].pk}/"
    queue: deque[tuple[str, str]] = deque([(start, "(start)")])
    seen = {start}
    problems = []
    while queue and len(seen) <= MAX_PAGES:
        url, referrer = queue.popleft()
        response = client.get(url)
        if response.status_code >= 400:
            problems.append(f"{url} → {response.status_code} (linked from {referrer})")
            continue
        if response.status_code in (301, 302):
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        for link in _links(response.content.decode()):
            if link not in seen and link.startswith("/plans/"):
                seen.add(link)
                queue.append((link, url))
    assert not problems, "\n".join(problems)
    assert len(seen) > 10
