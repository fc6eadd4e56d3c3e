"""The tasks API through the real handler, on moto, with the sample events of events/api."""

import pytest

from tests.integration.api_client import ApiClient
from tests.integration.people import register_users
from tests.integration.task_store import case_audit_events, task_audit_events, timeline

pytestmark = pytest.mark.usefixtures("aws")

NEW_CASE = {"title": "Billing dispute", "customerId": "cust-1"}
CALLBACK = {"name": "Call back about the refund", "assignee": "p-demo-agent", "dueAt": "2026-11-26T10:00:00Z"}
QUEUED = {"name": "Check the invoice", "queue": "billing", "dueAt": "2026-11-26T12:00:00+02:00"}


@pytest.fixture
def api() -> ApiClient:
    client = ApiClient()
    client.create_customer({"customerId": "cust-1", "name": "Customer 1"})  # a case names an existing customer
    return client


@pytest.fixture
def case_id(api) -> str:
    return api.create_case(NEW_CASE).body["caseId"]


def test_a_task_created_on_a_case_is_on_its_timeline_and_in_its_audit_in_one_go(api, case_id):
    response = api.create_task(CALLBACK, case_id=case_id)

    assert response.status == 201 and response.headers["etag"] == '"1"'
    task = response.body
    assert task["caseId"] == case_id and task["status"] == "open" and task["createdBy"]["principalId"] == "p-demo-agent"
    (entry,) = timeline("demo", case_id)
    assert entry["entity"] == "RELATED_ITEM" and entry["type"] == "task" and entry["caseId"] == case_id
    assert entry["content"] == {
        "taskId": task["taskId"], "name": CALLBACK["name"], "action": "created", "status": "open",
        "assignee": "p-demo-agent", "queue": None, "dueAt": "2026-11-26T10:00:00Z",
    }
    assert entry["createdBy"]["principalId"] == "p-demo-agent" and entry["relatedItemId"]
    audit = api.audit(case_id).body["items"]
    assert [e["action"] for e in audit] == ["CASE.CREATED", "TASK.CREATED"]
    assert audit[-1]["taskId"] == task["taskId"] and api.get_case(case_id).body["version"] == 2


def test_a_standalone_task_keeps_its_own_audit_record_as_its_event(api):
    task = api.create_task({"name": "Renew the contract", "queue": "sales"}).body

    assert task["caseId"] is None
    (event,) = task_audit_events("demo", task["taskId"])
    assert event["eventType"] == "TASK.CREATED" and event["task"]["taskId"] == task["taskId"]
    assert event["caseId"] is None and event["eventId"]


def test_completing_a_linked_task_is_a_completed_event_and_timeline_entry(api, case_id):
    task = api.create_task(CALLBACK, case_id=case_id).body

    response = api.patch_task(task["taskId"], {"status": "done"}, if_match='"1"')

    assert response.status == 200 and response.body["status"] == "done" and response.body["completedAt"]
    assert [e["content"]["action"] for e in timeline("demo", case_id)] == ["created", "completed"]
    assert [e["eventType"] for e in case_audit_events("demo", case_id)][-1] == "TASK.COMPLETED"


def test_reassigning_a_task_is_an_assigned_event(api, case_id):
    register_users("p-bob")
    task = api.create_task(CALLBACK, case_id=case_id).body

    api.patch_task(task["taskId"], {"assignee": "p-bob"}, if_match="1")

    assert timeline("demo", case_id)[-1]["content"]["action"] == "assigned"
    assert case_audit_events("demo", case_id)[-1]["eventType"] == "TASK.ASSIGNED"


def test_a_task_update_needs_the_version_read(api):
    task = api.create_task(QUEUED).body
    api.patch_task(task["taskId"], {"priority": "high"}, if_match="1")

    missing = api.patch_task(task["taskId"], {"priority": "low"}, if_match=None)
    stale = api.patch_task(task["taskId"], {"priority": "low"}, if_match="1")

    assert missing.status == 428 and missing.body["code"] == "PRECONDITION_REQUIRED"
    assert stale.status == 412 and stale.body["details"] == {"currentVersion": 2}
    assert api.get_task(task["taskId"]).body["priority"] == "high"


def test_a_cancelled_task_is_reopened_only_when_the_request_says_so(api):
    task_id = api.create_task(QUEUED).body["taskId"]
    api.patch_task(task_id, {"status": "cancelled"}, if_match="1")

    refused = api.patch_task(task_id, {"status": "open"}, if_match="2")
    reopened = api.patch_task(task_id, {"status": "open", "reopen": True}, if_match="2")

    assert refused.status == 409 and refused.body["code"] == "INVALID_TRANSITION"
    assert reopened.status == 200 and reopened.body["status"] == "open" and reopened.body["cancelledAt"] is None


def test_claiming_a_queued_task_assigns_it_to_the_caller_and_a_second_claim_is_a_conflict(api, case_id):
    task_id = api.create_task(QUEUED, case_id=case_id).body["taskId"]

    first = ApiClient(principal_id="p-ana").claim_task(task_id)
    second = ApiClient(principal_id="p-bob").claim_task(task_id)

    assert first.status == 200 and first.body["assignee"] == "p-ana"
    assert second.status == 409 and second.body["code"] == "TASK_ALREADY_CLAIMED"
    assert timeline("demo", case_id)[-1]["content"] | {"action": "claimed", "assignee": "p-ana"} == timeline(
        "demo", case_id
    )[-1]["content"]


def test_a_scheduled_task_cannot_be_claimed_before_its_time(api):
    task_id = api.create_task({**QUEUED, "scheduledFor": "2099-01-01T09:00:00Z"}).body["taskId"]

    response = api.claim_task(task_id)

    assert response.status == 409 and response.body["code"] == "TASK_NOT_YET_WORKABLE"


def test_an_agents_work_list_is_soonest_due_first_and_pages(api):
    register_users("p-bob")
    for due in ("2026-11-28T09:00:00Z", "2026-11-26T09:00:00Z", None, "2026-11-27T09:00:00Z"):
        api.create_task({"name": f"due {due}", "assignee": "p-demo-agent", "dueAt": due})
    api.create_task({"name": "someone else's", "assignee": "p-bob", "dueAt": "2026-11-25T09:00:00Z"})

    first = api.list_tasks(assignee="me", limit="2")
    second = api.list_tasks(assignee="me", limit="2", nextToken=first.body["nextToken"])

    due_times = [t["dueAt"] for t in first.body["items"] + second.body["items"]]
    assert due_times == ["2026-11-26T09:00:00Z", "2026-11-27T09:00:00Z", "2026-11-28T09:00:00Z", None]


def test_a_work_list_can_stop_at_a_due_time(api):
    api.create_task({**CALLBACK, "dueAt": "2026-11-26T09:00:00Z"})
    api.create_task({**CALLBACK, "dueAt": "2026-11-29T09:00:00Z"})

    response = api.list_tasks(assignee="p-demo-agent", dueBefore="2026-11-27T00:00:00Z")

    assert [t["dueAt"] for t in response.body["items"]] == ["2026-11-26T09:00:00Z"]


def test_a_queues_work_list_holds_its_unclaimed_tasks_and_a_claim_moves_it_to_the_agent(api):
    task_id = api.create_task(QUEUED).body["taskId"]
    assert [t["taskId"] for t in api.list_tasks(queue="billing").body["items"]] == [task_id]

    ApiClient(principal_id="p-ana").claim_task(task_id)

    assert api.list_tasks(queue="billing").body["items"] == []
    assert [t["taskId"] for t in api.list_tasks(assignee="p-ana").body["items"]] == [task_id]


def test_a_finished_task_leaves_the_open_work_list_for_the_done_one(api):
    task_id = api.create_task(CALLBACK).body["taskId"]

    api.patch_task(task_id, {"status": "done"}, if_match="1")

    assert api.list_tasks(assignee="me").body["items"] == []
    assert [t["taskId"] for t in api.list_tasks(assignee="me", status="done").body["items"]] == [task_id]


def test_a_cases_tasks_list_active_ones_first(api, case_id):
    done = api.create_task(CALLBACK, case_id=case_id).body["taskId"]
    api.patch_task(done, {"status": "done"}, if_match="1")
    still_open = api.create_task(QUEUED, case_id=case_id).body["taskId"]

    response = api.case_tasks(case_id)

    assert [t["taskId"] for t in response.body["items"]] == [still_open, done]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "nobody owns it"}, "body"),
        ({**QUEUED, "references": {"mail": {"type": "email", "value": "not-an-email"}}}, "references.mail"),
        ({**QUEUED, "references": {"site": {"type": "url", "value": "javascript:alert(1)"}}}, "references.site"),
        ({**QUEUED, "dueAt": "2026-11-26T10:00:00"}, "dueAt"),
        ({**QUEUED, "assignee": "a#b"}, "assignee"),
        ({**QUEUED, "colour": "red"}, "colour"),
    ],
    ids=["no-owner", "bad-email", "bad-url", "due-without-zone", "forged-key", "unknown-field"],
)
def test_an_invalid_task_is_refused_with_the_field_named(api, body, field):
    response = api.create_task(body)

    assert response.status == 422 and response.body["code"] == "VALIDATION_ERROR"
    assert any(issue["field"].startswith(field) for issue in response.body["fields"]), response.body


def test_a_work_list_needs_an_agent_or_a_queue(api):
    response = api.list_tasks()

    assert response.status == 400 and response.body["code"] == "INVALID_REQUEST"


def test_a_task_of_another_tenant_or_on_its_case_is_not_found(api, case_id):
    task_id = api.create_task(CALLBACK, case_id=case_id).body["taskId"]
    intruder = ApiClient(tenant_id="acme", principal_id="p-demo-agent")

    assert intruder.get_task(task_id).status == 404
    assert intruder.claim_task(task_id).status == 404
    assert intruder.create_task(CALLBACK, case_id=case_id).body["code"] == "CASE_NOT_FOUND"
    assert intruder.list_tasks(assignee="me").body["items"] == []
    assert intruder.case_tasks(case_id).status == 404


def test_an_unknown_task_is_a_404_with_its_code(api):
    response = api.get_task("00000000-0000-4000-8000-000000000000")

    assert response.status == 404 and response.body["code"] == "TASK_NOT_FOUND"


def test_a_cases_timeline_shows_its_task_entries_in_order_and_by_type(api, case_id):
    assert api.add_related_item(case_id, "comment", {"body": "Customer asked for a callback"}).status == 201
    api.create_task(CALLBACK, case_id=case_id)

    everything = api.timeline(case_id, order="asc").body["items"]
    tasks_only = api.timeline(case_id, type="task").body["items"]

    assert [item["type"] for item in everything] == ["comment", "task"]
    assert [item["content"]["action"] for item in tasks_only] == ["created"]
    assert tasks_only[0]["content"]["name"] == CALLBACK["name"]
