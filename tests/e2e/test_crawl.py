"""Every demo user opens every page their menu reaches, and the first case of their list, in
Chromium: no status of 400 or more, no console error, no serious or critical axe-core finding.
The citizen's pages are also checked 360 px wide."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser

from sundhedskoordinator.organisations.demo import USERS

from .conftest import new_context
from .test_journey import AXE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _visit(browser: Browser, base: str, username: str, width: int) -> list[str]:
    context = new_context(browser, bypass_csp=True, viewport={"width": width, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None
    )
    page.on(
        "response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None
    )
    page.goto(f"{base}/log-ind/")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill("demo")
    page.get_by_role("button", name="Log ind").click()
    menu = [a.get_attribute("href") for a in page.locator("nav[aria-label='Hovedmenu'] a").all()]
    pages = [href for href in menu if href and not href.startswith("/admin/")]
    page.goto(f"{base}/sager/")
    first_case = page.locator("main table a").first
    if first_case.count():
        pages.append(first_case.get_attribute("href"))
    for path in pages:
        page.goto(base + path)
        page.add_script_tag(path=str(AXE))
        found = page.evaluate(
            """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
                 .filter(v => ['serious', 'critical'].includes(v.impact))
                 .map(v => `${v.id}: ${v.nodes.map(n => n.target).join(', ')}`)"""
        )
        problems += [f"{username} {path} ({width}px): {v}" for v in found]
    context.close()
    return problems


def test_every_demo_user_crawls_their_menu_without_errors(browser, live_server):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    problems: list[str] = []
    for spec in USERS:
        problems += _visit(browser, live_server.url, spec.username, 1280)
    problems += _visit(browser, live_server.url, "borger", 360)
    problems += _visit(browser, live_server.url, "sagsbehandler", 360)
    assert problems == []
