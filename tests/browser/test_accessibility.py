"""axe-core (the engine of axe DevTools) on each main screen: WCAG 2.1 A and AA rules."""

import json

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import new_case, open_case, sign_in
from tests.browser.runner import REPO_ROOT

pytestmark = pytest.mark.browser

AXE = REPO_ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("(tags) => axe.run(document, { runOnly: { type: 'tag', values: tags } }).then((r) => r.violations)", RULES)
    return [{"rule": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]} for v in found]


@pytest.mark.parametrize("screen", ["my-work", "find", "case", "dashboard"])
def test_each_main_screen_has_no_accessibility_violations(page, api, screen):
    if screen == "case":
        case = new_case(api, title="Accessible case")
        api.call("POST", f"/cases/{case['caseId']}/related-items", {"type": "comment", "content": {"body": "A note"}})
        open_case(page, case)
        expect(page.get_by_role("list", name="Timeline").get_by_role("article").first).to_be_visible()
    elif screen == "find":
        page.get_by_role("link", name="Find").click()
        expect(page.get_by_role("heading", name="Find", level=1)).to_be_visible()
    elif screen == "dashboard":
        page.get_by_role("link", name="Dashboard").click()
        expect(page.get_by_role("table", name="Rules")).to_contain_text("Fraud mentioned")
        expect(page.get_by_role("table", name="SLA policies")).to_contain_text("resolve-urgent")
        expect(page.get_by_role("heading", name="Cases by queue")).to_be_visible()
    else:
        expect(page.get_by_role("table", name="My tasks")).to_be_visible()

    assert violations(page) == [], json.dumps(violations(page), indent=1)


def test_my_work_of_a_signed_in_person_has_no_accessibility_violations(signed_out):
    # A person's My work differs from an API key's: their queues are a choice, not a search box.
    sign_in(signed_out, as_user="agent@example.com")
    expect(signed_out.get_by_role("table", name="Queue tasks")).to_be_visible()

    assert violations(signed_out) == [], json.dumps(violations(signed_out), indent=1)
