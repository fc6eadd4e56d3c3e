"""Amazon Connect contact flows, through the real handlers on moto, with the samples in events/connect."""

import json

import pytest

from tests.integration.api_client import ApiClient
from tests.integration.people import register_users
from tests.integration.templates_support import load_demo_templates
from tests.integration.connect_flow import DEMO_INSTANCE_ARN, DEMO_PHONE, invoke


@pytest.fixture
def connect(aws, monkeypatch):
    """The demo instance mapped to tenant demo, and the demo customer (Dana, +15551234567)."""
    from casetrail.settings import get_settings

    monkeypatch.setenv("CONNECT_INSTANCES", json.dumps({DEMO_INSTANCE_ARN: "demo"}))
    get_settings.cache_clear()
    api = ApiClient(role="supervisor")
    assert api.request("create_customer", body={"customerId": "cust-1", "name": "Dana Demo", "phone": DEMO_PHONE}).status == 201
    load_demo_templates()
    yield api
    get_settings.cache_clear()


def open_case(api: ApiClient, title: str = "Billing dispute", **fields) -> dict:
    response = api.create_case({"title": title, "customerId": "cust-1", **fields})
    assert response.status == 201
    return response.body


def timeline(api: ApiClient, case_id: str, item_type: str) -> list[dict]:
    return api.request("case_timeline", path=f"/cases/{case_id}/timeline", query={"type": item_type}).body["items"]


def test_a_caller_with_one_open_case_hears_its_status(connect):
    case = open_case(connect, category="billing dispute")
    connect.patch_case(case["caseId"], {"status": "in_progress"}, if_match='"1"')

    answer = invoke("find_case")

    spoken = " ".join(case["referenceNumber"])
    assert answer["success"] == "true"
    assert answer["customerFound"] == "true" and answer["customerId"] == "cust-1"
    assert answer["openCaseCount"] == "1"
    assert answer["caseId"] == case["caseId"] and answer["status"] == "in_progress"
    assert answer["statusMessage"] == f"Your case {spoken} about a billing dispute is in progress."
    assert all(isinstance(value, str) for value in answer.values())


def test_the_most_recent_open_case_is_the_one_described_with_its_open_tasks(connect):
    open_case(connect, "Older question")
    newest = open_case(connect, "Broken router")
    due = "2099-01-05T10:00:00+00:00"
    task = {"name": "Call back the customer", "queue": "billing", "dueAt": due}
    assert connect.request("create_task", path=f"/cases/{newest['caseId']}/tasks", body=task).status == 201

    answer = invoke("find_case")

    assert answer["openCaseCount"] == "2"
    assert answer["caseId"] == newest["caseId"]
    assert answer["openTaskCount"] == "1"
    assert answer["nextTaskDueAt"].startswith("2099-01-05T10:00:00")
    assert answer["statusMessage"].endswith("A callback is scheduled for January 5.")


def test_an_unknown_caller_is_not_found(connect):
    answer = invoke("find_case", phone="+15550000000")

    assert answer == {"success": "true", "customerFound": "false", "openCaseCount": "0", "caseFound": "false"}


def test_a_reference_number_of_another_customer_reveals_nothing(connect):
    connect.request("create_customer", body={"customerId": "cust-2", "name": "Other", "phone": "+15559998888"})
    others = connect.create_case({"title": "Private matter", "customerId": "cust-2"}).body

    someone_elses = invoke("find_case", parameters={"referenceNumber": others["referenceNumber"]})
    unknown = invoke("find_case", parameters={"referenceNumber": "99999"})

    assert someone_elses == unknown
    assert someone_elses["caseFound"] == "false" and "caseId" not in someone_elses


def test_a_caller_with_no_case_opens_one_and_gets_a_reference_number(connect):
    answer = invoke("create_case")

    assert answer["success"] == "true"
    assert answer["referenceNumberSpoken"] == " ".join(answer["referenceNumber"])
    case = connect.get_case(answer["caseId"]).body
    assert case["customerId"] == "cust-1" and case["title"] == "Refund for a double charge"
    # The flow's field_<id> texts became the template's typed fields, with its defaults.
    assert case["templateId"] == "refund"
    assert case["fields"] == {"orderNumber": "A-2041", "refundAmount": 42.5, "goodwill": True, "reason": "other"}
    (contact,) = timeline(connect, answer["caseId"], "contact")
    assert contact["content"]["contactId"] == "5fa1c0de-0000-4000-8000-00000000c0de"
    assert contact["content"]["direction"] == "INBOUND" and contact["content"]["channel"] == "VOICE"


def test_a_field_value_the_template_refuses_is_an_error_the_flow_can_branch_on(connect):
    answer = invoke("create_case", parameters={"title": "Refund", "templateId": "refund", "field_refundAmount": "lots"}, contact_id="c-bad-field")

    assert answer["success"] == "false" and answer["error"] == "INVALID_FIELD_VALUES"
    assert connect.list_cases(customerId="cust-1").body["items"] == []


def test_a_retry_of_the_same_contact_returns_the_same_case(connect):
    first = invoke("create_case")
    retried = invoke("create_case")

    assert retried == first
    assert len(connect.list_cases(customerId="cust-1").body["items"]) == 1


def test_a_retry_after_a_failure_part_way_completes_the_same_case(connect, monkeypatch):
    from casetrail.service.contact_flows import ContactFlowService

    attach = ContactFlowService._attach

    def fails_after_the_case_is_saved(*args, **kwargs):
        raise RuntimeError("the function timed out here")

    monkeypatch.setattr(ContactFlowService, "_attach", fails_after_the_case_is_saved)
    assert invoke("create_case")["success"] == "false"
    monkeypatch.setattr(ContactFlowService, "_attach", attach)

    answer = invoke("create_case")

    assert answer["success"] == "true"
    assert [c["caseId"] for c in connect.list_cases(customerId="cust-1").body["items"]] == [answer["caseId"]]
    assert len(timeline(connect, answer["caseId"], "contact")) == 1


def test_an_unknown_caller_becomes_a_customer_with_their_number(connect):
    answer = invoke("create_case", phone="+15553334444", contact_id="c-new-caller")

    assert answer["success"] == "true"
    found = connect.request("find_customer", query={"phone": "+15553334444"}).body["items"]
    assert [c["customerId"] for c in found] == [answer["customerId"]]


def test_a_case_without_a_title_is_refused_with_an_error_the_flow_can_branch_on(connect):
    answer = invoke("create_case", parameters={"category": "billing"}, contact_id="c-no-title")

    assert answer["success"] == "false" and answer["error"] == "INVALID_REQUEST"


def test_the_caller_confirms_resolution_with_a_note(connect):
    case = open_case(connect)

    answer = invoke("update_case")

    assert answer == {"success": "true", "caseId": case["caseId"], "referenceNumber": case["referenceNumber"], "status": "resolved"}
    (note,) = timeline(connect, case["caseId"], "comment")
    assert note["content"] == {"body": "Caller confirms the refund arrived", "internal": False}


def test_the_caller_reopens_a_resolved_case_but_may_not_close_one(connect):
    case = open_case(connect)
    connect.patch_case(case["caseId"], {"status": "resolved"}, if_match='"1"')

    reopened = invoke("update_case", parameters={"referenceNumber": case["referenceNumber"], "status": "open"})
    closed = invoke("update_case", parameters={"caseId": case["caseId"], "status": "closed"})

    assert reopened["status"] == "open"
    assert closed["success"] == "false" and closed["error"] == "FORBIDDEN"
    assert connect.get_case(case["caseId"]).body["status"] == "open"


def test_another_customers_case_cannot_be_updated(connect):
    connect.request("create_customer", body={"customerId": "cust-2", "name": "Other", "phone": "+15559998888"})
    others = connect.create_case({"title": "Private matter", "customerId": "cust-2"}).body

    answer = invoke("update_case", parameters={"caseId": others["caseId"], "note": "hello"})

    assert answer["success"] == "false" and answer["error"] == "CASE_NOT_FOUND"
    assert timeline(connect, others["caseId"], "comment") == []


def test_routing_attaches_the_contact_once_and_returns_the_case_attributes(connect):
    register_users("agent-7")
    case = open_case(connect, priority="high", queue="billing", assignee="agent-7")

    answer = invoke("attach_contact")
    retried = invoke("attach_contact")

    assert answer == retried == {
        "success": "true",
        "caseFound": "true",
        "caseId": case["caseId"],
        "referenceNumber": case["referenceNumber"],
        "casePriority": "high",
        "caseQueue": "billing",
        "caseAssignee": "agent-7",
    }
    assert len(timeline(connect, case["caseId"], "contact")) == 1


def test_routing_a_caller_without_an_open_case_says_so(connect):
    assert invoke("attach_contact") == {"success": "true", "caseFound": "false"}


def test_an_unknown_connect_instance_gets_an_error_and_no_data(connect):
    open_case(connect)

    answer = invoke("find_case", instance_arn="arn:aws:connect:us-east-1:999999999999:instance/other")

    assert answer == {"success": "false", "error": "UNKNOWN_INSTANCE", "errorMessage": "this Connect instance is not configured for Casetrail"}


def test_a_case_a_flow_opened_and_a_supervisor_deleted_is_not_opened_again_by_connect_s_retry(connect):
    import boto3

    from tests.conftest import TEST_ENVIRONMENT

    answer = invoke("create_case")
    assert connect.request("delete_comment", path=f"/cases/{answer['caseId']}", query={"reason": "test call"}).status == 200
    assert boto3.client("dynamodb").scan(TableName=TEST_ENVIRONMENT["IDEMPOTENCY_TABLE_NAME"])["Items"] == []

    retry = invoke("create_case")

    assert retry["success"] == "false" and connect.get_case(answer["caseId"]).status == 404
