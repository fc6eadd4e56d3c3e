"""What a first load of the case page downloads (how long it takes is bench/workspace.py's job): the
scripts index.html names, all requested at once, and not the dashboard's charts or the Connect SDK."""

import pytest
import re
import urllib.request

from playwright.sync_api import expect

from tests.browser.conftest import new_case, open_workspace

pytestmark = pytest.mark.browser

SCRIPTS_LOADED = """performance.getEntriesByType('resource')
  .map((entry) => new URL(entry.name).pathname)
  .filter((path) => path.startsWith('/assets/') && path.endsWith('.js'))
  .map((path) => path.slice('/assets/'.length))"""


def scripts_named_by_index_html(url: str) -> set[str]:
    with urllib.request.urlopen(url + "/", timeout=10) as response:
        html = response.read().decode()
    return set(re.findall(r'<(?:script[^>]*src|link[^>]*rel="modulepreload"[^>]*href)="\./assets/([^"]+\.js)"', html))


def test_the_case_page_runs_only_scripts_that_index_html_names_never_the_dashboard_or_the_connect_sdk(browser, api):
    # Given a case with an entry on its timeline
    case = new_case(api, title="First load")
    api.call("POST", f"/cases/{case['caseId']}/related-items", {"type": "comment", "content": {"body": "Called back"}})

    # When an agent opens it in a fresh browser (nothing cached)
    agent = open_workspace(browser, api, route=f"#/cases/{case['caseId']}")
    expect(agent.get_by_role("list", name="Timeline").get_by_text("Called back")).to_be_visible()
    loaded = set(agent.evaluate(SCRIPTS_LOADED))
    agent.context.close()

    # Then every script it ran was named by index.html, so all were requested at once (no chunk
    # found only after another one ran), and neither the dashboard's nor the Connect SDK's was among them
    named = scripts_named_by_index_html(api.url)
    assert loaded and loaded <= named, f"loaded after the boot: {sorted(loaded - named)}"
    assert not [name for name in loaded if name.startswith(("dashboard-", "connect-sdk-"))], sorted(loaded)
    assert len(loaded) <= 3, f"{sorted(loaded)}: a few chunks, not dozens (each module request costs more than its bytes)"
