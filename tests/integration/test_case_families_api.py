"""Parent and child cases through the real handler on moto: links, cycles, the status roll-up."""

import pytest

from tests.integration.api_client import ApiClient

pytestmark = pytest.mark.usefixtures("aws")


@pytest.fixture
def api() -> ApiClient:
    ApiClient().create_customer({"customerId": "cust-family", "name": "Family Customer"})
    return ApiClient()


def open_case(api: ApiClient, title: str, **extra) -> dict:
    response = api.create_case({"title": title, "customerId": "cust-family", **extra})
    assert response.status == 201, response.body
    return response.body


def children(api: ApiClient, case_id: str, **query: str):
    return api.request("case_children", path=f"/cases/{case_id}/children", query=query)


def test_a_parent_rolls_up_its_childrens_statuses_as_they_change(api):
    parent = open_case(api, "Outage in district 9")
    first = open_case(api, "No internet at 12 Main St", parentCaseId=parent["caseId"])
    second = open_case(api, "No internet at 14 Main St", parentCaseId=parent["caseId"])

    api.patch_case(first["caseId"], {"status": "resolved"}, '"1"')
    found = children(api, parent["caseId"])

    assert found.status == 200
    assert found.body["counts"] == {"open": 1, "in_progress": 0, "pending_customer": 0, "resolved": 1, "closed": 0}
    assert found.body["total"] == 2
    assert {c["caseId"]: c["status"] for c in found.body["items"]} == {first["caseId"]: "resolved", second["caseId"]: "open"}
    assert api.get_case(first["caseId"]).body["parentCaseId"] == parent["caseId"]


def test_moving_a_child_moves_it_between_roll_ups_and_null_detaches_it(api):
    old, new = open_case(api, "Old parent"), open_case(api, "New parent")
    child = open_case(api, "Child", parentCaseId=old["caseId"])

    api.patch_case(child["caseId"], {"parentCaseId": new["caseId"]}, '"1"')
    assert children(api, old["caseId"]).body["total"] == 0
    assert [c["caseId"] for c in children(api, new["caseId"]).body["items"]] == [child["caseId"]]

    api.patch_case(child["caseId"], {"parentCaseId": None}, '"2"')
    detached = children(api, new["caseId"]).body
    assert detached["total"] == 0 and detached["items"] == []
    assert api.get_case(child["caseId"]).body["parentCaseId"] is None


def test_a_case_cannot_become_its_own_ancestor(api):
    grandparent = open_case(api, "Grandparent")
    parent = open_case(api, "Parent", parentCaseId=grandparent["caseId"])
    child = open_case(api, "Child", parentCaseId=parent["caseId"])

    onto_itself = api.patch_case(grandparent["caseId"], {"parentCaseId": grandparent["caseId"]}, '"1"')
    onto_grandchild = api.patch_case(grandparent["caseId"], {"parentCaseId": child["caseId"]}, '"1"')

    assert onto_itself.status == 409 and onto_itself.body["code"] == "PARENT_CYCLE"
    assert onto_grandchild.status == 409 and onto_grandchild.body["code"] == "PARENT_CYCLE"
    assert api.get_case(grandparent["caseId"]).body["version"] == 1


def test_an_unknown_parent_is_refused(api):
    response = api.create_case({"title": "Orphan", "customerId": "cust-family", "parentCaseId": "no-such-case"})

    assert response.status == 422 and response.body["code"] == "UNKNOWN_REFERENCE"


def test_a_merged_duplicate_child_counts_as_closed_in_its_parents_roll_up(api):
    parent, survivor = open_case(api, "Parent"), open_case(api, "Survivor")
    duplicate = open_case(api, "Duplicate child", parentCaseId=parent["caseId"])
    supervisor = ApiClient(principal_id="p-sup", name="Sam", role="supervisor")

    assert supervisor.request("merge_case", path=f"/cases/{duplicate['caseId']}/merge", body={"into": survivor["caseId"]}).status == 200

    assert children(api, parent["caseId"]).body["counts"]["closed"] == 1
    assert children(api, parent["caseId"]).body["counts"]["open"] == 0


def test_the_children_of_an_unknown_case_are_not_found(api):
    assert children(api, "no-such-case").status == 404
