"""Every link shown to a role is one that role may open: in the demo world, each demo user
follows every link on every page they reach from the start page (breadth first, the same page
with other query strings a few times at most), and no link answers 403, 404 or an error."""

from __future__ import annotations

from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

from sundhedskoordinator.organisations.demo import USERS
from sundhedskoordinator.organisations.models import User

pytestmark = pytest.mark.django_db

#: Links that change the session rather than show a page, or belong to Django's admin site.
SKIP = ("/log-ud/", "/i18n/", "/admin/", "/oidc/", "/static/", "/api/v1/docs")
#: How many different query strings of one path are followed (filters and sort orders).
PER_PATH = 4
#: The most pages one user's walk opens.
LIMIT = 400


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _links(base: str, html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    found = []
    for href in parser.hrefs:
        url, _fragment = urldefrag(urljoin(base, href))
        parts = urlsplit(url)
        if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
            continue  # another site, mailto:, tel:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path and not path.startswith(SKIP):
            found.append(path)
    return found


def _walk(username: str, start: str = "/") -> tuple[list[str], int]:
    client = Client()
    client.force_login(User.objects.get(username=username))
    seen: set[str] = set()
    per_path: dict[str, int] = {}
    queue = deque([start])
    problems, opened = [], 0
    while queue and opened < LIMIT:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        path = urlsplit(url).path
        per_path[path] = per_path.get(path, 0) + 1
        if per_path[path] > PER_PATH:
            continue
        response = client.get(url)
        opened += 1
        if response.status_code in (301, 302):
            target = response["Location"]
            if not target.startswith(SKIP) and target not in seen:
                queue.append(target)
            continue
        if response.status_code != 200:
            problems.append(f"{username}: {response.status_code} {url}")
            continue
        if "text/html" in response.get("Content-Type", ""):
            for link in _links(url, response.content.decode()):
                if link not in seen:
                    queue.append(link)
    return problems, opened


@pytest.mark.parametrize("username", [spec.username for spec in USERS])
def test_every_link_each_demo_user_is_shown_opens(before_christmas, username: str) -> None:
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    problems, opened = _walk(username)
    assert problems == []
    # The walk went somewhere (the administrator's start page leads to the admin site only).
    assert opened >= (2 if username == "admin" else 10)


def test_the_walk_reports_a_link_that_answers_404(before_christmas) -> None:
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    problems, _opened = _walk("sagsbehandler", start="/sager/999999/")
    assert problems == ["sagsbehandler: 404 /sager/999999/"]
