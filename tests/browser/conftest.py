"""Playwright on a Chromium, against pytest-django's live server.

`tests/browser/chromium.py` picks the browser (`make test` runs it first, and may set one
up): $HARBOR_CHROMIUM, else the system Chromium, else Playwright's own. A closed
hospital-like network cannot download one, so the system package comes first. axe-core
comes inside the axe-playwright-python wheel, so the accessibility check needs no download.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, sync_playwright

from tests.browser.chromium import find as find_chromium
from tests.conftest import PASSWORD

CHROMIUM, _ = find_chromium()
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BLOCKING_IMPACTS = {"serious", "critical"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.path):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if CHROMIUM is None:
        pytest.fail("No Chromium for the browser journeys: run `make test`, which sets one up.")
    # Playwright's sync API keeps an event loop running in this thread while it is open; the
    # tests' own ORM calls (and the database flush after each) are still plain synchronous
    # code, so Django's async-safety guard is lifted for exactly that long.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    # Every Content-Security-Policy violation is reported as an error, whether or not the
    # browser also logs it (a blocked inline style set by a script, e.g., is not always logged).
    context.add_init_script(CSP_REPORTER)
    page = context.new_page()
    errors: list[str] = []
    # A CSP violation or script error shows up here; a journey with one fails. A form refused
    # with its input kept answers 400 (invalid) or 409 (someone saved first) on purpose, which
    # Chromium also logs as an error: those two are expected, not failures.
    refused = ("status of 400 (Bad Request)", "status of 409 (Conflict)")

    def on_console(msg: Any) -> None:
        if msg.type == "error" and not msg.text.endswith(refused):
            errors.append(msg.text)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.harbor_errors = errors  # type: ignore[attr-defined]
    yield page
    context.close()
    assert not errors, f"Browser console errors: {errors}"


CSP_REPORTER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || ""}:${event.lineNumber || ""} (${event.sample || ""})`);
});
"""


@pytest.fixture
def sign_in(page: Page) -> Callable[[str], Page]:
    def _sign_in(username: str) -> Page:
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        return page

    return _sign_in


_axe = Axe()


def assert_accessible(page: Page) -> None:
    """axe-core finds no serious or critical violation on the page as it is now, and nothing
    so far broke the Content-Security-Policy (journeys call this in every state they reach)."""
    csp = [
        e
        for e in getattr(page, "harbor_errors", [])
        if "Content Security Policy" in e or "CSP violation" in e
    ]
    assert not csp, f"CSP violations before {page.url}: {csp}"
    results = _axe.run(page)
    blocking = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v.get("impact") in BLOCKING_IMPACTS
    ]
    assert not blocking, f"Accessibility violations on {page.url}:\n" + "\n".join(blocking)
