"""Browser tests: real Chromium (Debian's, at /usr/bin/chromium) driven by Playwright.

Playwright cannot download its own browsers here, so the Debian package installed by
scripts/install-system-packages.sh is launched instead. One browser serves a whole module;
each test makes fresh contexts (one per person: the customer and each official), so cookies
and sessions never leak between people or tests.
"""

import os
from pathlib import Path

import pytest

from tests.factories import seed_categories

# Playwright's sync API runs an asyncio event loop in this thread; Django's ORM calls made from
# the test (creating officials) would otherwise be refused as "called from an async context".
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Generous enough for a loaded CI machine, short enough that a broken page fails quickly.
TIMEOUT_MS = 15_000


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(
            f"{CHROMIUM} is missing: run `bash scripts/install-system-packages.sh` "
            "(installs Debian's chromium) to run the browser tests"
        )
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def new_context(browser, live_server):
    """Factory for a fresh browser context (one person) against the live server.

    The contexts speak Indonesian (Accept-Language: id-ID), as the faculty's users do, and are
    all closed when the test ends.
    """
    contexts = []

    def make(**options):
        options.setdefault("locale", "id-ID")
        options.setdefault("timezone_id", "Asia/Makassar")
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(autouse=True)
def categories(transactional_db):
    """Browser tests run on committed data; an earlier transactional test flushed the tables."""
    seed_categories()
