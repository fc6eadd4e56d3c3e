"""Races DynamoDB loses for us (TransactionConflict) never reach the caller as a 500: a write whose
intent still holds is retried on the fresh case, and one that cannot get through is a 409."""

import pytest

from tests.integration.api_client import ApiClient
from tests.integration.conflicting_dynamodb import CompetingWriter, ConflictingDynamoDb

pytestmark = pytest.mark.usefixtures("aws")


@pytest.fixture
def api() -> ApiClient:
    return ApiClient()


@pytest.fixture
def case_id(api) -> str:
    api.create_customer({"customerId": "cust-1", "name": "Maria Garcia"})
    return api.create_case({"title": "Billing dispute", "customerId": "cust-1"}).body["caseId"]


@pytest.fixture
def racing_writers(monkeypatch):
    """Given other requests writing the same items: the API's next transactions are cancelled."""
    from casetrail.handlers.dependencies import cases_table
    from casetrail.service import write_conflicts

    monkeypatch.setattr(write_conflicts, "_sleep", lambda _: None)  # the pauses only spread real contenders

    def lose(conflicts: int) -> ConflictingDynamoDb:
        table = cases_table()
        fake = ConflictingDynamoDb(table.client, conflicts)
        monkeypatch.setattr(table, "_client", fake)
        return fake

    return lose


def test_a_note_that_keeps_losing_the_race_for_the_case_is_saved_on_the_fresh_version(api, case_id, monkeypatch):
    from casetrail.handlers.dependencies import cases_table
    from casetrail.service import write_conflicts

    # Given another agent who adds a note to the case between each read and write of ours, 10 times
    monkeypatch.setattr(write_conflicts, "_sleep", lambda _: None)
    colleague = ApiClient(principal_id="p-demo-colleague", name="Ben Agent")
    table = cases_table()
    monkeypatch.setattr(
        table, "_client", CompetingWriter(table.client, lambda: colleague.add_related_item(case_id, "comment", {"body": "me first"}), rounds=10)
    )

    # When we add our note, without an If-Match
    added = api.add_related_item(case_id, "comment", {"body": "Refund approved"})

    # Then it is accepted after the colleague's ten, and every version is there once
    assert added.status == 201, added.body
    assert [entry["version"] for entry in api.audit(case_id).body["items"]] == list(range(1, 13))
    timeline = api.timeline(case_id, order="asc", limit="50").body["items"]
    assert [item["content"]["body"] for item in timeline] == ["me first"] * 10 + ["Refund approved"]


def test_a_note_whose_transaction_is_cancelled_by_a_conflict_is_retried_and_saved(api, case_id, racing_writers):
    dynamodb = racing_writers(3)

    added = api.add_related_item(case_id, "comment", {"body": "Refund approved"})

    assert added.status == 201
    assert dynamodb.cancelled == 3
    assert api.get_case(case_id).body["version"] == 2
    assert [i["relatedItemId"] for i in api.timeline(case_id).body["items"]] == [added.body["relatedItemId"]]


def test_a_patch_whose_transaction_is_cancelled_by_a_conflict_still_applies_to_the_version_it_named(api, case_id, racing_writers):
    racing_writers(2)

    patched = api.patch_case(case_id, {"status": "in_progress"}, if_match='"1"')

    assert patched.status == 200 and patched.body["version"] == 2
    assert [entry["version"] for entry in api.audit(case_id).body["items"]] == [1, 2]


def test_a_write_that_keeps_losing_the_race_is_a_409_and_writes_nothing(api, case_id, racing_writers):
    racing_writers(1_000)

    note = api.add_related_item(case_id, "comment", {"body": "Refund approved"})
    patch = api.patch_case(case_id, {"status": "in_progress"}, if_match='"1"')
    customer = api.create_customer({"customerId": "cust-9", "name": "Sam", "phone": "+15550009999"})

    for reply in (note, patch, customer):
        assert reply.status == 409, reply.body
        assert reply.body["code"] == "CONCURRENT_CHANGE"
    assert api.get_case(case_id).body["version"] == 1
