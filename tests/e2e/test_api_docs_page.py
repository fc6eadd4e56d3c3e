"""The API documentation renders in a browser: Swagger UI from the local runner, with no network
but the runner itself, shows the operations of the OpenAPI 3.1 document."""

import pytest

pytestmark = pytest.mark.e2e

def test_a_developer_opens_the_docs_and_sees_the_operations(casetrail, browser):
    page = browser.new_page()
    requested_hosts = set()
    page.on("request", lambda request: requested_hosts.add(request.url.split("/")[2]))

    page.goto(f"{casetrail.url}/docs")

    operation = page.locator(".opblock-summary", has_text="Open a case").first
    operation.wait_for(state="visible", timeout=15_000)
    assert "POST" in operation.inner_text() and "/cases" in operation.inner_text()
    assert page.get_by_text("Unable to render this definition").count() == 0
    assert requested_hosts == {casetrail.url.split("/")[2]}, "the page loads nothing from elsewhere"
    page.close()
