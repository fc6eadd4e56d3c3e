"""The cases API through the real handler, on moto, with the sample events of events/api."""

import pytest

from tests.integration.api_client import ApiClient

pytestmark = pytest.mark.usefixtures("aws")

NEW_CASE = {"title": "Billing dispute", "customerId": "cust-1", "priority": "high", "queue": "billing"}


@pytest.fixture
def api() -> ApiClient:
    client = ApiClient()
    # Every case names an existing customer: these tests' customers, in both tenants they use.
    for tenant in ("demo", "acme"):
        for customer_id in ("cust-0001", "cust-1", "cust-a", "cust-b"):
            ApiClient(tenant_id=tenant).create_customer({"customerId": customer_id, "name": f"Customer {customer_id}"})
    return client


def test_creating_a_case_returns_it_open_at_version_one_with_an_etag(api):
    response = api.create_case()

    assert response.status == 201
    case = response.body
    assert case["status"] == "open" and case["version"] == 1
    assert case["title"] == "Billing dispute: charged twice for November"
    assert case["referenceNumber"].isdigit() and len(case["referenceNumber"]) == 5
    assert response.headers["etag"] == '"1"'
    assert api.get_case(case["caseId"]).body == case


def test_reference_numbers_are_unique_and_lead_back_to_their_case(api):
    first, second = api.create_case(NEW_CASE).body, api.create_case(NEW_CASE).body

    assert first["referenceNumber"] != second["referenceNumber"]
    found = api.request("get_case", path=f"/cases/by-reference/{second['referenceNumber']}")
    assert found.status == 200 and found.body["caseId"] == second["caseId"]


def test_a_mistyped_reference_number_is_not_found(api):
    reference = api.create_case(NEW_CASE).body["referenceNumber"]
    mistyped = reference[:-1] + str((int(reference[-1]) + 1) % 10)

    response = api.request("get_case", path=f"/cases/by-reference/{mistyped}")

    assert response.status == 404 and response.body["code"] == "CASE_NOT_FOUND"


def test_the_same_idempotency_key_and_body_return_the_same_case_once(api):
    first = api.create_case(NEW_CASE, headers={"Idempotency-Key": "retry-1"})
    retried = api.create_case(NEW_CASE, headers={"Idempotency-Key": "retry-1"})

    assert retried.status == 201 and retried.body == first.body
    assert len(api.list_cases().body["items"]) == 1


class FunctionDied(BaseException):
    """The Lambda runtime ending an invocation (timeout, out of memory): no handler code runs after it."""


def test_a_create_retried_after_dying_past_its_commit_converges_on_the_first_case(api, monkeypatch):
    from casetrail.store.cases import CaseRepository
    from tests.lambda_context import FakeLambdaContext

    # Given a create whose function dies right after its transaction committed the case, so its
    # Idempotency-Key record is never completed (and its in-progress lease ends with the invocation)
    committed = []
    create = CaseRepository.create

    def commit_then_die(self, change):
        create(self, change)
        committed.append(change.case.case_id)
        raise FunctionDied()

    monkeypatch.setattr(CaseRepository, "create", commit_then_die)
    monkeypatch.setattr(FakeLambdaContext, "get_remaining_time_in_millis", staticmethod(lambda: -1_000))
    with pytest.raises(FunctionDied):
        api.create_case(NEW_CASE, headers={"Idempotency-Key": "crash-1"})
    monkeypatch.setattr(CaseRepository, "create", create)

    # When the client retries with the same key and body
    retried = api.create_case(NEW_CASE, headers={"Idempotency-Key": "crash-1"})

    # Then it gets the case the first attempt committed, and no second case (nor bill) exists
    assert retried.status == 201, retried.body
    assert retried.body["caseId"] == committed[0]
    assert [case["caseId"] for case in api.list_cases().body["items"]] == committed
    assert [entry["action"] for entry in api.audit(committed[0]).body["items"]] == ["CASE.CREATED"]


def test_an_idempotency_key_reused_with_another_body_is_refused(api):
    api.create_case(NEW_CASE, headers={"Idempotency-Key": "retry-2"})

    response = api.create_case({**NEW_CASE, "title": "Something else"}, headers={"Idempotency-Key": "retry-2"})

    assert response.status == 422 and response.body["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert len(api.list_cases().body["items"]) == 1


def test_an_idempotency_key_of_another_tenant_does_not_replay_its_case(api):
    api.create_case(NEW_CASE, headers={"Idempotency-Key": "shared-key"})

    other = ApiClient(tenant_id="acme").create_case(NEW_CASE, headers={"Idempotency-Key": "shared-key"})

    assert other.status == 201 and other.body["tenantId"] == "acme"


def test_an_unknown_case_is_a_404_with_an_error_code(api):
    response = api.get_case("00000000-0000-4000-8000-000000000000")

    assert response.status == 404
    assert response.body == {"status": 404, "code": "CASE_NOT_FOUND", "message": response.body["message"]}


def test_a_case_of_another_tenant_is_indistinguishable_from_a_missing_one(api):
    case_id = api.create_case(NEW_CASE).body["caseId"]
    intruder = ApiClient(tenant_id="acme")

    assert intruder.get_case(case_id).status == 404
    assert intruder.patch_case(case_id, {"priority": "low"}, if_match="1").status == 404
    assert intruder.audit(case_id).status == 404
    assert intruder.list_cases().body["items"] == []


def test_updating_with_the_current_version_bumps_it_and_records_old_and_new_values(api):
    case_id = api.create_case(NEW_CASE).body["caseId"]

    response = api.patch_case(case_id, {"status": "in_progress", "assignee": "agent-ana"}, if_match='"1"')

    assert response.status == 200
    assert response.body["version"] == 2 and response.headers["etag"] == '"2"'
    latest = api.audit(case_id).body["items"][-1]
    assert latest["action"] == "CASE.UPDATED" and latest["version"] == 2
    assert latest["performedBy"] == {"principalId": "p-demo-agent", "name": "Ana Agent", "role": "agent"}
    assert {"fieldId": "status", "oldValue": "open", "newValue": "in_progress"} in latest["changes"]
    assert {"fieldId": "assignee", "oldValue": None, "newValue": "agent-ana"} in latest["changes"]


@pytest.mark.parametrize("if_match", ["2", '"2"', 'W/"2"'])
def test_if_match_accepts_bare_quoted_and_weak_versions(api, if_match):
    case_id = api.create_case(NEW_CASE).body["caseId"]
    api.patch_case(case_id, {"priority": "urgent"}, if_match="1")

    assert api.patch_case(case_id, {"priority": "low"}, if_match=if_match).status == 200


def test_a_stale_version_is_refused_and_changes_nothing(api):
    case_id = api.create_case(NEW_CASE).body["caseId"]
    api.patch_case(case_id, {"priority": "urgent"}, if_match="1")

    response = api.patch_case(case_id, {"priority": "low"}, if_match="1")

    assert response.status == 412 and response.body["code"] == "VERSION_CONFLICT"
    assert response.body["details"] == {"currentVersion": 2}
    assert api.get_case(case_id).body["priority"] == "urgent"
    assert len(api.audit(case_id).body["items"]) == 2


def test_an_update_without_if_match_is_refused_with_428(api):
    case_id = api.create_case(NEW_CASE).body["caseId"]

    response = api.patch_case(case_id, {"priority": "low"}, if_match=None)

    assert response.status == 428 and response.body["code"] == "PRECONDITION_REQUIRED"
    assert api.get_case(case_id).body["version"] == 1


def test_an_invalid_transition_is_a_409_and_nothing_is_written(api):
    case_id = api.create_case(NEW_CASE).body["caseId"]
    api.patch_case(case_id, {"status": "closed"}, if_match="1")

    response = api.patch_case(case_id, {"status": "open"}, if_match="2")

    assert response.status == 409 and response.body["code"] == "INVALID_TRANSITION"
    assert response.body["details"] == {"from": "closed", "to": "open"}
    assert len(api.audit(case_id).body["items"]) == 2


def test_a_patch_that_changes_nothing_writes_no_version(api):
    case_id = api.create_case(NEW_CASE).body["caseId"]

    response = api.patch_case(case_id, {"priority": "high"}, if_match="1")

    assert response.status == 200 and response.body["version"] == 1
    assert len(api.audit(case_id).body["items"]) == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"customerId": "cust-1"}, "title"),
        ({"title": "x"}, "customerId"),
        ({**NEW_CASE, "priority": "whenever"}, "priority"),
        ({**NEW_CASE, "title": "x" * 201}, "title"),
        ({**NEW_CASE, "tags": "billing"}, "tags"),
        ({**NEW_CASE, "customerId": "cust#STATUS#open"}, "customerId"),
        ({**NEW_CASE, "tenantId": "acme"}, "tenantId"),
    ],
)
def test_invalid_input_is_a_422_naming_the_field(api, body, field):
    response = api.create_case(body)

    assert response.status == 422 and response.body["code"] == "VALIDATION_ERROR"
    assert field in [issue["field"] for issue in response.body["fields"]]
    assert api.list_cases().body["items"] == []


def test_malformed_json_is_a_400(api):
    response = api.request("create_case", raw_body='{"title": "unterminated', headers={"Idempotency-Key": None})

    assert response.status == 400 and response.body["code"] == "MALFORMED_JSON"
    assert [issue["field"] for issue in response.body["fields"]] == ["body"]


def test_an_unknown_status_is_a_422(api):
    case_id = api.create_case(NEW_CASE).body["caseId"]

    response = api.patch_case(case_id, {"status": "on_hold"}, if_match="1")

    assert response.status == 422 and response.body["fields"][0]["field"] == "status"


def test_listing_filters_by_each_index_newest_first(api):
    older = api.create_case({**NEW_CASE, "customerId": "cust-a", "assignee": "ana"}).body
    newer = api.create_case({**NEW_CASE, "customerId": "cust-a", "queue": "fraud"}).body
    api.create_case({**NEW_CASE, "customerId": "cust-b"})

    def ids(**query):
        return [c["caseId"] for c in api.list_cases(**query).body["items"]]

    assert ids(customerId="cust-a") == [newer["caseId"], older["caseId"]]
    assert ids(assignee="ana") == [older["caseId"]]
    assert ids(queue="fraud") == [newer["caseId"]]
    assert ids(customerId="cust-a", queue="fraud") == [newer["caseId"]]
    assert len(ids(status="open")) == 3


def test_a_status_change_moves_the_case_between_status_lists(api):
    case_id = api.create_case(NEW_CASE).body["caseId"]

    api.patch_case(case_id, {"status": "resolved"}, if_match="1")

    assert api.list_cases(status="open").body["items"] == []
    assert [c["caseId"] for c in api.list_cases(status="resolved").body["items"]] == [case_id]


def test_listing_pages_with_an_opaque_token(api):
    created = [api.create_case(NEW_CASE).body["caseId"] for _ in range(5)]

    seen, token = [], None
    while True:
        page = api.list_cases(limit="2", **({"nextToken": token} if token else {})).body
        seen += [c["caseId"] for c in page["items"]]
        token = page.get("nextToken")
        if not token:
            break

    assert seen == list(reversed(created))


def test_a_page_token_from_another_tenant_is_refused(api):
    for _ in range(3):
        api.create_case(NEW_CASE)
    token = api.list_cases(limit="1").body["nextToken"]

    response = ApiClient(tenant_id="acme").list_cases(limit="1", nextToken=token)

    assert response.status == 400 and response.body["code"] == "INVALID_REQUEST"


def test_reopening_a_resolved_case_is_counted(api):
    case_id = api.create_case(NEW_CASE).body["caseId"]
    api.patch_case(case_id, {"status": "resolved"}, if_match="1")

    reopened = api.patch_case(case_id, {"status": "in_progress"}, if_match="2").body

    assert reopened["reopenCount"] == 1 and reopened["resolvedAt"] is None


def test_the_audit_trail_pages_oldest_first(api):
    case_id = api.create_case(NEW_CASE).body["caseId"]
    for version, priority in enumerate(["low", "urgent", "normal"], start=1):
        api.patch_case(case_id, {"priority": priority}, if_match=str(version))

    first = api.audit(case_id, limit="3").body
    second = api.audit(case_id, limit="3", nextToken=first["nextToken"]).body

    assert [e["version"] for e in first["items"] + second["items"]] == [1, 2, 3, 4]
    assert first["items"][0]["action"] == "CASE.CREATED"


def test_an_unknown_route_is_a_404_in_the_error_shape(api):
    response = api.request("get_case", path="/nowhere")

    assert response.status == 404 and response.body["code"] == "ROUTE_NOT_FOUND"
