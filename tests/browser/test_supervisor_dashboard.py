"""What a supervisor watches: the key metrics and their charts, following the event stream."""

import pytest
import re

from playwright.sync_api import expect

from tests.browser.conftest import new_case, screenshot

pytestmark = pytest.mark.browser


def key_metric(page, name: str):
    """The value shown for a key metric: the definition that follows its term."""
    return page.locator(f"xpath=//dt[normalize-space()='{name}']/following-sibling::dd[1]")


def cases_created(page) -> int:
    value = key_metric(page, "Cases created")
    expect(value).to_have_text(re.compile(r"^\d+$"))
    return int(value.inner_text())


def test_the_supervisor_sees_the_dashboard_move_after_new_cases(page, api):
    # Given the dashboard open with today's figures and its charts
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    before = cases_created(page)
    # When two cases are opened in another queue
    for _ in range(2):
        new_case(api, title="Dashboard watch", queue="dashboard-watch")
    # Then, without reloading, the figures and the by-queue chart follow
    expect(key_metric(page, "Cases created")).to_have_text(str(before + 2), timeout=30_000)
    expect(page.get_by_role("heading", name="Cases by queue")).to_be_visible()
    expect(page.get_by_text("dashboard-watch", exact=True).first).to_be_visible(timeout=30_000)
    expect(page.get_by_role("table", name="Rules")).to_contain_text("Fraud mentioned")
    screenshot(page, "dashboard")


def test_the_supervisor_reads_the_rules_and_the_sla_policies(page):
    # When the supervisor opens the dashboard
    page.get_by_role("link", name="Dashboard").click()
    # Then the tenant's rules and the deployment's SLA policies (cdk.json) are listed, read-only
    expect(page.get_by_role("table", name="Rules")).to_contain_text("Fraud mentioned")
    policies = page.get_by_role("table", name="SLA policies")
    urgent = policies.get_by_role("row").filter(has_text="resolve-urgent")
    expect(urgent).to_contain_text("Cases of priority urgent")
    expect(urgent).to_contain_text("4 h 0 min business time")
    expect(page.get_by_text("America/New_York")).to_be_visible()
    expect(page.get_by_text("Mon 08:00–20:00", exact=False)).to_be_visible()
    expect(policies.get_by_role("button")).to_have_count(0)
    page.get_by_text("Business calendar").scroll_into_view_if_needed()
    screenshot(page, "dashboard-policies")
