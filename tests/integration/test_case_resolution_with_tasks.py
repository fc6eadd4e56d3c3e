"""Resolving or closing a case with open tasks: refused unless the request says cancel or keep."""

import pytest

from tests.integration.api_client import ApiClient
from tests.integration.task_store import case_audit_events, timeline

pytestmark = pytest.mark.usefixtures("aws")

OPEN_TASK = {"name": "Call back", "queue": "billing"}


@pytest.fixture
def api() -> ApiClient:
    client = ApiClient()
    client.create_customer({"customerId": "cust-1", "name": "Customer 1"})  # a case names an existing customer
    return client


@pytest.fixture
def case_with_tasks(api) -> tuple[str, list[str]]:
    case_id = api.create_case({"title": "Refund", "customerId": "cust-1"}).body["caseId"]
    task_ids = [api.create_task(OPEN_TASK, case_id=case_id).body["taskId"] for _ in range(2)]
    finished = api.create_task(OPEN_TASK, case_id=case_id).body["taskId"]
    api.patch_task(finished, {"status": "done"}, if_match="1")
    return case_id, task_ids


def _resolve(api, case_id, **query):
    version = api.get_case(case_id).body["version"]
    return api.request(
        "patch_case", path=f"/cases/{case_id}", body={"status": "resolved"}, headers={"If-Match": str(version)}, query=query
    )


def test_resolving_a_case_with_open_tasks_is_refused_listing_them(api, case_with_tasks):
    case_id, task_ids = case_with_tasks
    version = api.get_case(case_id).body["version"]

    response = _resolve(api, case_id)

    assert response.status == 409 and response.body["code"] == "OPEN_TASKS"
    assert sorted(t["taskId"] for t in response.body["details"]["openTasks"]) == sorted(task_ids)
    assert api.get_case(case_id).body["version"] == version


def test_keep_resolves_the_case_and_leaves_its_tasks_open(api, case_with_tasks):
    case_id, task_ids = case_with_tasks

    response = _resolve(api, case_id, openTasks="keep")

    assert response.status == 200 and response.body["status"] == "resolved"
    assert {api.get_task(t).body["status"] for t in task_ids} == {"open"}


def test_cancel_resolves_the_case_and_cancels_its_open_tasks_in_the_same_transaction(api, case_with_tasks):
    case_id, task_ids = case_with_tasks
    version = api.get_case(case_id).body["version"]

    response = _resolve(api, case_id, openTasks="cancel")

    assert response.status == 200 and response.body["status"] == "resolved"
    assert response.body["version"] == version + 3  # two cancellations, then the resolution
    assert {api.get_task(t).body["status"] for t in task_ids} == {"cancelled"}
    events = case_audit_events("demo", case_id)[-3:]
    assert [e["eventType"] for e in events] == ["TASK.CANCELLED", "TASK.CANCELLED", "CASE.UPDATED"]
    assert [e["caseVersion"] for e in events] == [version + 1, version + 2, version + 3]
    assert [e["content"]["action"] for e in timeline("demo", case_id)][-2:] == ["cancelled", "cancelled"]


def test_a_case_without_open_tasks_resolves_as_before(api):
    case_id = api.create_case({"title": "Refund", "customerId": "cust-1"}).body["caseId"]

    assert _resolve(api, case_id).status == 200


def test_an_unknown_choice_is_refused(api, case_with_tasks):
    case_id, _ = case_with_tasks

    response = _resolve(api, case_id, openTasks="ignore")

    assert response.status == 422 and response.body["fields"][0]["field"].endswith("openTasks")
