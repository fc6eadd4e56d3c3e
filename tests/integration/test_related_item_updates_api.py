"""PATCH of related items through the real handler: custom items and a contact's summary, with
If-Match on the item's revision, audited and evented as RELATED_ITEM.UPDATED."""

import pytest

from tests.integration.api_client import ApiClient

pytestmark = pytest.mark.usefixtures("aws")

CALL = {"contactId": "ct-9", "channel": "VOICE", "direction": "INBOUND", "initiatedAt": "2026-11-20T09:14:00Z", "summary": "Charged twice"}


@pytest.fixture
def api() -> ApiClient:
    return ApiClient()


@pytest.fixture
def case_id(api) -> str:
    api.create_customer({"customerId": "cust-1", "name": "Maria Garcia"})
    return api.create_case({"title": "Billing dispute", "customerId": "cust-1"}).body["caseId"]


def _patch(api: ApiClient, case_id: str, item_id: str, body: dict, if_match: str | None = None):
    return api.request("edit_comment", path=f"/cases/{case_id}/related-items/{item_id}", body=body, headers={"If-Match": if_match})


def test_a_custom_items_values_change_with_if_match_and_the_change_is_audited(api, case_id):
    item = api.add_related_item(case_id, "custom", {"values": {"rma": "R-1", "carrier": "UPS"}}).body
    read = api.request("get_case", path=f"/cases/{case_id}/related-items/{item['relatedItemId']}")
    assert read.headers["etag"] == '"1"'

    edited = _patch(api, case_id, item["relatedItemId"], {"values": {"rma": "R-2", "carrier": None}}, read.headers["etag"])

    assert edited.status == 200 and edited.headers["etag"] == '"2"'
    assert edited.body["content"]["values"] == {"rma": "R-2"}
    latest = api.audit(case_id).body["items"][-1]
    assert latest["action"] == "RELATED_ITEM.UPDATED" and latest["relatedItemId"] == item["relatedItemId"]
    assert latest["changes"] == [
        {"fieldId": "content.values.rma", "oldValue": "R-1", "newValue": "R-2"},
        {"fieldId": "content.values.carrier", "oldValue": "UPS", "newValue": None},
    ]
    assert api.get_case(case_id).body["version"] == 3


def test_a_stale_if_match_changes_nothing(api, case_id):
    item_id = api.add_related_item(case_id, "custom", {"values": {"rma": "R-1"}}).body["relatedItemId"]
    assert _patch(api, case_id, item_id, {"values": {"rma": "R-2"}}, '"1"').status == 200

    stale = _patch(api, case_id, item_id, {"values": {"rma": "R-3"}}, '"1"')

    assert stale.status == 412 and stale.body["details"]["currentVersion"] == 2
    assert api.timeline(case_id).body["items"][0]["content"]["values"] == {"rma": "R-2"}


def test_any_agent_rewrites_a_contacts_summary(api, case_id):
    call_id = api.add_related_item(case_id, "contact", CALL).body["relatedItemId"]
    colleague = ApiClient(principal_id="p-other-agent", name="Otto Other")

    edited = _patch(colleague, case_id, call_id, {"summary": "Charged twice; refund issued"})

    assert edited.status == 200 and edited.body["content"]["summary"] == "Charged twice; refund issued"
    assert edited.body["content"]["contactId"] == "ct-9"
    assert api.audit(case_id).body["items"][-1]["performedBy"]["principalId"] == "p-other-agent"


def test_a_key_of_another_type_is_a_409(api, case_id):
    call_id = api.add_related_item(case_id, "contact", CALL).body["relatedItemId"]

    assert _patch(api, case_id, call_id, {"values": {"a": 1}}).status == 409
