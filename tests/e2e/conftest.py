"""Playwright on Debian's chromium, against pytest-django's live server."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from conftest import require

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    require(Path(CHROMIUM).exists(), f"chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def context(browser, live_server, transactional_db):
    # bypass_csp lets axe's script in once the portal sends a strict CSP; the page is unchanged.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="fr-FR")
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


def log_in_as(context, live_server, user) -> None:
    """Give the browser a logged-in session cookie (the login form has its own journey test)."""
    client = Client()
    client.force_login(user)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def set_language(context, live_server, language: str) -> None:
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )


def set_accessible_mode(context, live_server, on: bool) -> None:
    """This browser's choice (the login page's); a logged-in user's account has its own."""
    context.add_cookies(
        [{"name": "imuse_accessible", "value": "1" if on else "0", "url": live_server.url}]
    )
