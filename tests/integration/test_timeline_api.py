"""Related items and the timeline through the real handler, on moto."""

import base64
import json
from urllib.parse import parse_qs, urlparse

import pytest

from tests.integration.api_client import ApiClient

pytestmark = pytest.mark.usefixtures("aws")

CALL = {
    "contactId": "ct-7f3a",
    "channel": "VOICE",
    "direction": "INBOUND",
    "initiatedAt": "2026-11-20T09:14:00Z",
    "transcript": "Customer: I was charged twice.",
}
PDF = {"fileName": "bill.pdf", "contentType": "application/pdf", "size": 48_213}


@pytest.fixture
def api() -> ApiClient:
    return ApiClient()


@pytest.fixture
def case_id(api) -> str:
    api.create_customer({"customerId": "cust-1", "name": "Maria Garcia"})
    return api.create_case({"title": "Billing dispute", "customerId": "cust-1"}).body["caseId"]


def test_adding_an_item_versions_the_case_and_is_audited_with_the_item(api, case_id):
    added = api.add_related_item(case_id, "comment", {"body": "Called back, refund pending."})

    assert added.status == 201 and added.body["type"] == "comment"
    assert added.body["createdBy"]["principalId"] == "p-demo-agent"
    case = api.get_case(case_id).body
    assert case["version"] == 2 and case["updatedAt"] == added.body["createdAt"]
    latest = api.audit(case_id).body["items"][-1]
    assert latest["action"] == "RELATED_ITEM.CREATED" and latest["relatedItemId"] == added.body["relatedItemId"]


def test_the_timeline_is_newest_first_by_default_and_oldest_first_on_request(api, case_id):
    ids = [api.add_related_item(case_id, "comment", {"body": f"note {i}"}).body["relatedItemId"] for i in range(3)]

    assert [i["relatedItemId"] for i in api.timeline(case_id).body["items"]] == ids[::-1]
    assert [i["relatedItemId"] for i in api.timeline(case_id, order="asc").body["items"]] == ids


def test_the_timeline_pages_with_a_token(api, case_id):
    ids = [api.add_related_item(case_id, "comment", {"body": f"note {i}"}).body["relatedItemId"] for i in range(5)]

    seen, token = [], None
    while True:
        page = api.timeline(case_id, limit="2", order="asc", **({"nextToken": token} if token else {})).body
        seen += [i["relatedItemId"] for i in page["items"]]
        token = page.get("nextToken")
        if not token:
            break

    assert seen == ids


def test_the_timeline_filters_by_type(api, case_id):
    call = api.add_related_item(case_id, "contact", CALL).body["relatedItemId"]
    api.add_related_item(case_id, "comment", {"body": "note"})

    assert [i["relatedItemId"] for i in api.timeline(case_id, type="contact").body["items"]] == [call]
    assert api.timeline(case_id, type="file").body["items"] == []


def test_a_contact_leads_back_to_every_case_it_is_linked_to(api, case_id):
    other = api.create_case({"title": "Follow-up", "customerId": "cust-1"}).body["caseId"]
    api.add_related_item(case_id, "contact", CALL)
    api.add_related_item(other, "contact", CALL)

    linked = api.contact_cases("ct-7f3a").body["items"]

    assert sorted(link["caseId"] for link in linked) == sorted([case_id, other])
    assert ApiClient(tenant_id="acme").contact_cases("ct-7f3a").body["items"] == []


@pytest.mark.parametrize(
    ("item_type", "content", "field"),
    [
        ("sla", {"name": "first response"}, "sla"),
        ("task", {"title": "call back"}, "task"),
        ("comment", {"body": "x" * 15_001}, "body"),
        ("contact", {**CALL, "channel": "FAX"}, "channel"),
        ("contact", {**CALL, "transcript": "x" * 50_001}, "transcript"),
        ("custom", {"values": {"nested": {"a": 1}}}, "values"),
        ("file", {**PDF, "size": 0}, "size"),
    ],
)
def test_invalid_items_are_a_422_and_add_nothing(api, case_id, item_type, content, field):
    response = api.add_related_item(case_id, item_type, content)

    assert response.status == 422
    assert any(field in issue["field"] + issue["issue"] for issue in response.body["fields"]), response.body
    assert api.get_case(case_id).body["version"] == 1


def test_an_item_on_another_tenants_case_is_a_404(api, case_id):
    intruder = ApiClient(tenant_id="acme")

    assert intruder.add_related_item(case_id, "comment", {"body": "hello"}).status == 404
    assert intruder.timeline(case_id).status == 404
    assert api.get_case(case_id).body["version"] == 1


def test_linking_a_case_needs_another_existing_case(api, case_id):
    other = api.create_case({"title": "Duplicate", "customerId": "cust-1"}).body["caseId"]

    assert api.add_related_item(case_id, "connectCase", {"caseId": other, "kind": "duplicate"}).status == 201
    assert api.add_related_item(case_id, "connectCase", {"caseId": case_id}).status == 422
    missing = api.add_related_item(case_id, "connectCase", {"caseId": "no-such-case"})
    assert missing.status == 422 and missing.body["code"] == "UNKNOWN_REFERENCE"


def test_a_file_item_returns_an_upload_that_s3_limits_to_its_size_and_type(api, case_id):
    added = api.add_related_item(case_id, "file", PDF).body

    policy = json.loads(base64.b64decode(added["upload"]["fields"]["policy"]))
    assert ["content-length-range", 48_213, 48_213] in policy["conditions"]
    assert {"Content-Type": "application/pdf"} in policy["conditions"]
    assert added["upload"]["fields"]["key"].startswith("T#demo/cases/")


def test_a_file_of_an_unaccepted_type_or_size_is_refused(api, case_id):
    assert api.add_related_item(case_id, "file", {**PDF, "contentType": "application/x-msdownload"}).body["code"] == "FILE_NOT_ACCEPTED"
    assert api.add_related_item(case_id, "file", {**PDF, "size": 10**10}).status == 422


def test_a_file_is_downloaded_by_a_presigned_url(api, case_id):
    file_id = api.add_related_item(case_id, "file", PDF).body["relatedItemId"]

    response = api.request("case_timeline", path=f"/cases/{case_id}/related-items/{file_id}/download", query={})

    url = urlparse(response.body["url"])
    assert response.status == 200 and url.path.endswith(file_id)
    assert "bill.pdf" in parse_qs(url.query)["response-content-disposition"][0]


def test_the_author_edits_a_comment_and_the_edit_is_audited(api, case_id):
    comment = api.add_related_item(case_id, "comment", {"body": "Refund pending."}).body

    edited = api.edit_comment(case_id, comment["relatedItemId"], {"body": "Refund approved."})

    assert edited.status == 200 and edited.body["content"]["body"] == "Refund approved."
    assert api.timeline(case_id).body["items"][0]["content"]["body"] == "Refund approved."
    latest = api.audit(case_id).body["items"][-1]
    assert latest["action"] == "RELATED_ITEM.UPDATED"
    assert latest["changes"] == [{"fieldId": "content.body", "oldValue": "Refund pending.", "newValue": "Refund approved."}]


def test_only_the_author_may_edit_or_delete_a_comment(api, case_id):
    comment_id = api.add_related_item(case_id, "comment", {"body": "mine"}).body["relatedItemId"]
    colleague = ApiClient(principal_id="p-other-agent", name="Otto Other")

    assert colleague.edit_comment(case_id, comment_id, {"body": "changed"}).status == 403
    assert colleague.delete_comment(case_id, comment_id).status == 403
    assert api.timeline(case_id).body["items"][0]["content"]["body"] == "mine"


def test_only_comments_can_be_edited(api, case_id):
    call_id = api.add_related_item(case_id, "contact", CALL).body["relatedItemId"]

    response = api.edit_comment(case_id, call_id, {"body": "rewritten"})

    assert response.status == 409


def test_a_deleted_comment_leaves_the_timeline_and_is_audited(api, case_id):
    comment_id = api.add_related_item(case_id, "comment", {"body": "oops"}).body["relatedItemId"]

    assert api.delete_comment(case_id, comment_id).status == 204

    assert api.timeline(case_id).body["items"] == []
    assert api.audit(case_id).body["items"][-1]["action"] == "RELATED_ITEM.DELETED"
    assert api.delete_comment(case_id, comment_id).status == 404
