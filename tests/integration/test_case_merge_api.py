"""Merging a duplicate case into its survivor, through the real handler on moto."""

import pytest

from tests.integration.api_client import ApiClient
from tests.integration.people import register_users

pytestmark = pytest.mark.usefixtures("aws")

SUPERVISOR = {"principal_id": "p-sup", "name": "Sam Supervisor", "role": "supervisor"}


@pytest.fixture
def agent() -> ApiClient:
    ApiClient().create_customer({"customerId": "cust-merge", "name": "Merge Customer"})
    return ApiClient()


@pytest.fixture
def supervisor() -> ApiClient:
    return ApiClient(**SUPERVISOR)


def open_case(api: ApiClient, title: str, **extra) -> dict:
    response = api.create_case({"title": title, "customerId": "cust-merge", **extra})
    assert response.status == 201, response.body
    return response.body


def merge(api: ApiClient, duplicate_id: str, into: str, **query: str):
    return api.request("merge_case", path=f"/cases/{duplicate_id}/merge", body={"into": into}, query=query)


def test_a_supervisor_merges_a_duplicate_closing_it_with_links_both_ways(agent, supervisor):
    survivor, duplicate = open_case(agent, "Card lost"), open_case(agent, "Card lost (called again)")
    agent.add_related_item(duplicate["caseId"], "comment", {"body": "Second call about the same card"})

    response = merge(supervisor, duplicate["caseId"], survivor["caseId"])

    assert response.status == 200
    assert response.body["caseId"] == survivor["caseId"]
    assert response.body["mergedCases"] == [duplicate["caseId"]]
    assert response.body["version"] == survivor["version"] + 1
    closed = agent.get_case(duplicate["caseId"]).body
    assert closed["status"] == "closed" and closed["mergedInto"] == survivor["caseId"] and closed["closedAt"]
    # The duplicate's timeline stays where it is, reachable from the survivor's mergedCases.
    timeline = agent.request("case_timeline", path=f"/cases/{duplicate['caseId']}/timeline", query={})
    assert [i["type"] for i in timeline.body["items"]] == ["comment"]


def test_the_duplicates_reference_number_leads_to_the_survivor(agent, supervisor):
    survivor, duplicate = open_case(agent, "Router down"), open_case(agent, "Router down again")
    merge(supervisor, duplicate["caseId"], survivor["caseId"])

    found = agent.request("get_case", path=f"/cases/by-reference/{duplicate['referenceNumber']}")

    assert found.status == 200 and found.body["caseId"] == survivor["caseId"]


def test_the_audit_of_both_cases_says_what_happened(agent, supervisor):
    survivor, duplicate = open_case(agent, "Refund"), open_case(agent, "Refund twice")
    merge(supervisor, duplicate["caseId"], survivor["caseId"])

    survivor_entry = agent.audit(survivor["caseId"]).body["items"][-1]
    duplicate_entry = agent.audit(duplicate["caseId"]).body["items"][-1]

    assert survivor_entry["action"] == "CASE.MERGED"
    assert survivor_entry["changes"] == [{"fieldId": "mergedCases", "oldValue": [], "newValue": [duplicate["caseId"]]}]
    assert survivor_entry["performedBy"]["principalId"] == "p-sup"
    assert duplicate_entry["action"] == "CASE.UPDATED"
    changed = {c["fieldId"]: c["newValue"] for c in duplicate_entry["changes"]}
    assert changed["status"] == "closed" and changed["mergedInto"] == survivor["caseId"]


def test_an_agent_merges_a_case_assigned_to_them_but_not_anyone_elses(agent):
    register_users("p-demo-agent", "p-other")
    survivor = open_case(agent, "Address change")
    mine = open_case(agent, "Address change (dup)", assignee="p-demo-agent")
    theirs = open_case(agent, "Address change (dup 2)", assignee="p-other")

    assert merge(agent, mine["caseId"], survivor["caseId"]).status == 200
    refused = merge(agent, theirs["caseId"], survivor["caseId"])
    assert refused.status == 403 and refused.body["code"] == "FORBIDDEN"


def test_merging_again_answers_the_survivor_without_a_second_change(agent, supervisor):
    survivor, duplicate = open_case(agent, "Upgrade"), open_case(agent, "Upgrade dup")
    first = merge(supervisor, duplicate["caseId"], survivor["caseId"])

    again = merge(supervisor, duplicate["caseId"], survivor["caseId"])

    assert again.status == 200 and again.body == first.body


def test_a_merged_case_is_read_only(agent, supervisor):
    survivor, duplicate = open_case(agent, "Porting"), open_case(agent, "Porting dup")
    merged = merge(supervisor, duplicate["caseId"], survivor["caseId"])
    assert merged.status == 200
    version = agent.get_case(duplicate["caseId"]).body["version"]

    patched = agent.patch_case(duplicate["caseId"], {"priority": "high"}, f'"{version}"')
    elsewhere = merge(supervisor, duplicate["caseId"], open_case(agent, "Other")["caseId"])

    noted = agent.add_related_item(duplicate["caseId"], "comment", {"body": "Customer called again"})
    assert noted.status == 409 and noted.body["code"] == "CASE_MERGED"
    assert patched.status == 409 and patched.body["code"] == "CASE_MERGED"
    assert patched.body["details"] == {"mergedInto": survivor["caseId"]}
    assert elsewhere.status == 409 and elsewhere.body["code"] == "CASE_MERGED"


@pytest.mark.parametrize("problem", ["itself", "into a merged case", "into a closed case", "unknown"])
def test_impossible_merges_are_refused_and_change_nothing(agent, supervisor, problem):
    duplicate = open_case(agent, "Invoice")
    if problem == "itself":
        into, status, code = duplicate["caseId"], 400, "INVALID_REQUEST"
    elif problem == "into a merged case":
        target, final = open_case(agent, "Invoice A"), open_case(agent, "Invoice B")
        merge(supervisor, target["caseId"], final["caseId"])
        into, status, code = target["caseId"], 409, "NOT_MERGEABLE"
    elif problem == "into a closed case":
        target = open_case(agent, "Invoice closed")
        agent.patch_case(target["caseId"], {"status": "closed"}, '"1"')
        into, status, code = target["caseId"], 409, "NOT_MERGEABLE"
    else:
        into, status, code = "no-such-case", 422, "UNKNOWN_REFERENCE"

    response = merge(supervisor, duplicate["caseId"], into)

    assert (response.status, response.body["code"]) == (status, code)
    assert agent.get_case(duplicate["caseId"]).body == duplicate


def test_a_duplicate_with_open_tasks_needs_a_choice_for_them(agent, supervisor):
    survivor, duplicate = open_case(agent, "Callback"), open_case(agent, "Callback dup")
    task = agent.request("create_task", path=f"/cases/{duplicate['caseId']}/tasks", body={"name": "Call back", "queue": "callbacks"})
    assert task.status == 201, task.body

    refused = merge(supervisor, duplicate["caseId"], survivor["caseId"])
    done = merge(supervisor, duplicate["caseId"], survivor["caseId"], openTasks="cancel")

    assert refused.status == 409 and refused.body["code"] == "OPEN_TASKS"
    assert done.status == 200
    cancelled = agent.request("get_task", path=f"/tasks/{task.body['taskId']}").body
    assert cancelled["status"] == "cancelled"
