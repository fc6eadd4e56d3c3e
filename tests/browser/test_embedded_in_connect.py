"""The workspace inside Amazon Connect's agent workspace. The real `@amazon-connect/contact`
ContactClient runs; only Connect's provider is a stand-in, set before the app loads, that lets the
test connect a contact with the attributes a contact flow would have set."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import new_case, open_workspace, screenshot

pytestmark = pytest.mark.browser


def embedded_workspace(browser, api, **options):
    """The app in Connect's agent workspace, once it listens for contacts (as Connect would then deliver them)."""
    agent = open_workspace(browser, api, init_script=CONNECT_STAND_IN, **options)
    agent.wait_for_function("window.connectListening()")
    return agent

CONNECT_STAND_IN = """
(() => {
  const handlers = [];
  const attributes = {};
  const proxy = {
    connectionStatus: "ready",
    proxyType: "stand-in",
    subscribe: (topic, handler) => { if (topic.key === "contact/connected") handlers.push(handler); },
    unsubscribe: (topic, handler) => { const i = handlers.indexOf(handler); if (i >= 0) handlers.splice(i, 1); },
    request: async (namespace, command, data) => {
      if (command === "contact/getAttributes") {
        return Object.fromEntries(data.attributes.map((name) => [name, (attributes[data.contactId] || {})[name]]));
      }
      if (command === "contact/getChannelType") return { type: "voice" };
      throw new Error("the stand-in does not answer " + command);
    },
    onConnectionStatusChange: () => {},
    offConnectionStatusChange: () => {},
  };
  window.casetrailConnectProvider = { id: "connect-stand-in", config: {}, getProxy: () => proxy, onError: () => {}, offError: () => {} };
  window.connectListening = () => handlers.length > 0;
  window.connectContact = (contactId, contactAttributes) => {
    attributes[contactId] = contactAttributes;
    handlers.forEach((handler) => handler({ contactId }));
  };
})();
"""


def test_a_connected_contact_opens_the_case_its_flow_attached(browser, api):
    case = new_case(api, title="Billing question from the IVR")
    agent = embedded_workspace(browser, api, viewport={"width": 480, "height": 800})
    try:
        agent.evaluate("([id, caseId]) => window.connectContact(id, { caseId })", ["contact-ivr-1", case["caseId"]])

        expect(agent.get_by_role("heading", name="Billing question from the IVR", level=1)).to_be_visible()
        expect(agent.get_by_text("Contact contact-ivr-1")).to_be_visible()
        screenshot(agent, "embedded")
    finally:
        agent.context.close()


def test_a_contact_without_the_attribute_opens_the_case_it_is_linked_to(browser, api):
    case = new_case(api, title="Chat about a late parcel")
    api.call("POST", f"/cases/{case['caseId']}/related-items", {"type": "contact", "content": {
        "contactId": "contact-chat-7", "channel": "CHAT", "direction": "INBOUND", "initiatedAt": "2026-11-30T10:00:00Z"}})
    agent = embedded_workspace(browser, api)
    try:
        agent.evaluate("(id) => window.connectContact(id, {})", "contact-chat-7")

        expect(agent.get_by_role("heading", name="Chat about a late parcel", level=1)).to_be_visible()
    finally:
        agent.context.close()


def test_a_contact_with_no_case_is_offered_a_new_case_with_the_contact_attached(browser, api):
    agent = embedded_workspace(browser, api)
    try:
        agent.evaluate("(id) => window.connectContact(id, {})", "contact-new-3")
        expect(agent.get_by_text("Contact contact-new-3 has no case")).to_be_visible()
        agent.get_by_label("Customer id").fill("cust-1")
        agent.get_by_label("Case title").fill("New caller, new issue")
        agent.get_by_role("button", name="Open a case with this contact").click()

        expect(agent.get_by_role("heading", name="New caller, new issue", level=1)).to_be_visible()
        expect(agent.get_by_role("list", name="Timeline")).to_contain_text("VOICE inbound contact")
        linked = api.call("GET", "/contacts/contact-new-3/cases")
        assert len(linked["items"]) == 1
    finally:
        agent.context.close()
