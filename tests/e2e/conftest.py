"""Browser tests: the real application served by pytest-django's live server, driven in Debian's
Chromium through Playwright. Screenshots of each step go to test-artifacts/.

Every browser test lives on one frozen day, ``BEFORE_CHRISTMAS``: the test thread and the live
server both. ``clock.frozen`` sets a context variable, which a new thread does not inherit, and
the live server answers each request in a thread of its own; so the server's application is
wrapped to answer every request inside the same frozen moment. The browser's own clock (the
agenda's meeting-day clock reads it) shows the same moment."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from conftest import BEFORE_CHRISTMAS
from sundhedskoordinator.citizens import services as citizen_services
from sundhedskoordinator.core import clock
from sundhedskoordinator.organisations.models import RehabTeam

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    # Playwright's sync API keeps an event loop on the test thread while the browser lives; the
    # ORM calls the tests make are still synchronous, so Django's async guard does not apply.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is required for browser tests: run 'make test'.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture(autouse=True)
def _one_frozen_day(live_server: Any) -> Iterator[Any]:
    """The test and every request the live server answers see ``BEFORE_CHRISTMAS``."""
    server = live_server.thread.httpd
    application: Callable[..., Any] = server.get_app()

    def frozen_application(environ: dict[str, Any], start_response: Any) -> Any:
        with clock.frozen(BEFORE_CHRISTMAS):
            return application(environ, start_response)

    server.set_app(frozen_application)
    try:
        with clock.frozen(BEFORE_CHRISTMAS) as moment:
            yield moment
    finally:
        server.set_app(application)


def new_context(browser: Browser, **options: Any) -> BrowserContext:
    """A Danish browser context whose JavaScript clock stands at ``BEFORE_CHRISTMAS``, like the
    server's (timers still run)."""
    context = browser.new_context(locale="da-DK", **options)
    context.clock.set_fixed_time(BEFORE_CHRISTMAS)
    return context


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh browser context per test (no shared cookies), failing on console errors."""
    context = new_context(browser, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"Browser console errors: {errors}"


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot as a test artefact and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def guided_citizen(demo_users: dict[str, Any], *, of_borger: bool = True) -> Any:
    """Bente Nielsen of Odense, in a ressourceforløb since 1 June 2026 with written guidance,
    logged in as the demo citizen ``borger`` unless ``of_borger`` is False."""
    caseworker = demo_users["sagsbehandler"]
    citizen = citizen_services.create_citizen(
        actor=caseworker,
        cpr="1203851234",
        name="Bente Nielsen",
        municipality=RehabTeam.objects.get(municipality__code="461").municipality,
        course_start=dt.date(2026, 6, 1),
    )
    if of_borger:
        citizen.user = demo_users["borger"]
        citizen.save()
    citizen_services.record_guidance(
        actor=caseworker, citizen=citizen, given_on=dt.date(2026, 6, 1), channel="letter"
    )
    return citizen
