"""Browser journeys through the agent workspace: Playwright for Python driving Debian's Chromium
(headless; Playwright cannot download its own browsers here) against the local runner, which serves
the built app (`web/dist`, built by `make test` before the suite)."""

import os
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.runner import API_KEY, REPO_ROOT, Api, running_casetrail
from tests.conftest import CHROMIUM

WEB_DIST = REPO_ROOT / "web" / "dist" / "index.html"
DESKTOP = {"width": 1280, "height": 800}
# Set to a directory (e.g. docs/screenshots) to save the main screens as the journeys pass them.
SCREENSHOTS = os.environ.get("CASETRAIL_SCREENSHOTS")
DEMO_PASSWORD = os.environ.get("CASETRAIL_DEMO_PASSWORD", "Casetrail-demo-1")



def pytest_collection_modifyitems(items):
    missing = [what for what, path in (("Chromium", CHROMIUM), ("the built workspace (make web)", WEB_DIST)) if not path.exists()]
    if missing:
        skip = pytest.mark.skip(reason=f"needs {' and '.join(missing)}: .ci/run installs Chromium, make test builds web/")
        for item in items:
            if "tests/browser" in str(item.fspath):
                item.add_marker(skip)


@pytest.fixture(scope="session")
def api():
    with running_casetrail() as running:
        yield running


@pytest.fixture(autouse=True)
def generous_expectations():
    # Expectations wait for what a person would wait for; a busy 2-core machine may take a while.
    expect.set_options(timeout=15_000)


def open_workspace(browser: Browser, api: Api, viewport: dict | None = None, init_script: str | None = None, route: str = "#/") -> Page:
    """A new browser session already signed in (the sign-in journey has its own test), at `route`."""
    context = browser.new_context(viewport=viewport or DESKTOP)
    context.set_default_timeout(15_000)
    context.add_init_script(SIGNED_IN)
    if init_script:
        context.add_init_script(init_script)
    page = context.new_page()
    page.goto(f"{api.url}/{route}")
    return page


# The session the sign-in form leaves in the tab's storage (web/src/auth/session.ts).
SIGNED_IN = f"sessionStorage.setItem('casetrail.session', JSON.stringify({{kind: 'apiKey', apiKey: '{API_KEY}'}}))"


def sign_in(page: Page, as_user: str) -> None:
    """Signs in through the form as the user with the runner's Cognito, or with the demo key where it has none."""
    email, key = page.get_by_label("Email"), page.get_by_label("API key")
    expect(email.or_(key)).to_be_visible()
    if email.is_visible():
        email.fill(as_user)
        page.get_by_label("Password").fill(DEMO_PASSWORD)
    else:
        key.fill(API_KEY)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My work", level=1)).to_be_visible()


@pytest.fixture
def page(browser, api):
    opened = open_workspace(browser, api)
    yield opened
    opened.context.close()


def screenshot(page: Page, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=False)


def unique_phone() -> str:
    return "+1555" + str(uuid.uuid4().int)[:7]


def new_customer(api: Api, name: str = "Maria Lopez") -> dict:
    return api.call("POST", "/customers", {"name": name, "phone": unique_phone(), "email": f"{uuid.uuid4().hex[:10]}@example.com"})


def new_case(api: Api, customer_id: str = "cust-1", **fields) -> dict:
    body = {"title": "Refund for order A-17", "customerId": customer_id, **fields}
    return api.call("POST", "/cases", body, headers={"Idempotency-Key": str(uuid.uuid4())})


def open_case(page: Page, case: dict) -> None:
    page.goto(f"{page.url.split('#')[0]}#/cases/{case['caseId']}")
    expect(page.get_by_role("heading", name=case["title"], level=1)).to_be_visible()


@pytest.fixture
def signed_out(browser, api):
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(15_000)
    opened = context.new_page()
    opened.goto(api.url + "/")
    yield opened
    context.close()
