"""Pay-per-case billing end to end on moto: the Billing consumer meters case events delivered
through SQS (as EventBridge delivers them: at least once, in any order), and the usage API bills,
lists, exports and reconciles them."""

import copy
import json
import uuid
from datetime import UTC, datetime

import pytest

from casetrail.domain.billing import Pricing
from casetrail.store import keys
from casetrail.store.dynamo import Table
from casetrail.store.usage import MonthCounts, UsageRepository
from tests.conftest import TEST_ENVIRONMENT, load_event
from tests.integration.api_client import ApiClient
from tests.lambda_context import FakeLambdaContext

pytestmark = pytest.mark.usefixtures("aws")

SAMPLE_MONTH = "2026-11"  # the month of the case in events/sqs/case_created.json


@pytest.fixture
def supervisor() -> ApiClient:
    return ApiClient(principal_id="p-demo-supervisor", name="Sam Supervisor", role="supervisor")


def sample_detail() -> dict:
    return json.loads(load_event("sqs/case_created.json")["Records"][0]["body"])["detail"]


def case_created(case_id: str, created_at: str) -> dict:
    detail = copy.deepcopy(sample_detail())
    detail["eventId"] = str(uuid.uuid4())
    detail["caseId"] = case_id
    detail["case"].update(caseId=case_id, createdAt=created_at, updatedAt=created_at)
    return detail


def task_created(case_id: str | None, created_at: str) -> dict:
    """A TASK.CREATED detail as the tasks service makes it (linked to case_id, or standalone)."""
    from casetrail.domain.identity import Principal, Role
    from casetrail.domain.tasks import NewTask, new_task

    agent = Principal(tenant_id="demo", principal_id="p-demo-agent", name="Ana Agent", role=Role.AGENT)
    command = NewTask(name="Call back", queue="billing")
    return new_task(command, task_id=str(uuid.uuid4()), case_id=case_id, by=agent, at=datetime.fromisoformat(created_at)).to_wire()


def published_detail(case_id: str, version: int = 1, tenant_id: str = "demo") -> dict:
    """The event detail the publisher relays for a change: the audit record the API wrote."""
    cases = Table(TEST_ENVIRONMENT["CASES_TABLE_NAME"])
    return cases.get(keys.case_audit_item(tenant_id, case_id, version))["change"]


def sqs_batch(*bodies: dict | str) -> dict:
    """An SQS batch for the Billing consumer; each body an EventBridge event's detail (or raw text)."""
    event = load_event("sqs/case_created.json")
    template = event["Records"][0]
    envelope = json.loads(template["body"])
    event["Records"] = []
    for body in bodies:
        record = copy.deepcopy(template)
        record["messageId"] = str(uuid.uuid4())
        record["body"] = body if isinstance(body, str) else json.dumps({**envelope, "id": str(uuid.uuid4()), "detail": body})
        event["Records"].append(record)
    return event


def deliver(*bodies: dict | str) -> dict:
    from casetrail.handlers.billing_consumer import handler

    return handler(sqs_batch(*bodies), FakeLambdaContext())


def usage(api: ApiClient, month: str) -> dict:
    response = api.request("get_usage", query={"month": month})
    assert response.status == 200, response.body
    return response.body


def records(api: ApiClient, month: str, **query: str):
    return api.request("get_usage", path=f"/usage/{month}/records", query=query)


def create_cases(count: int) -> list[str]:
    agent = ApiClient()
    agent.create_customer({"customerId": "cust-1", "name": "Customer 1"})
    return [agent.create_case({"title": f"Case {i}", "customerId": "cust-1"}).body["caseId"] for i in range(count)]


def test_the_sample_event_meters_its_case(supervisor):
    result = deliver(sample_detail())

    assert result == {"batchItemFailures": []}
    assert usage(supervisor, SAMPLE_MONTH)["casesMetered"] == 1


def test_the_same_case_created_event_delivered_three_times_counts_once(supervisor):
    detail = sample_detail()

    results = [deliver(detail) for _ in range(3)]

    assert results == [{"batchItemFailures": []}] * 3  # a duplicate is a success, never retried
    assert usage(supervisor, SAMPLE_MONTH)["casesMetered"] == 1
    assert len(records(supervisor, SAMPLE_MONTH).body["items"]) == 1


def test_duplicates_in_one_batch_and_a_replay_with_a_new_event_id_count_once(supervisor):
    detail = sample_detail()
    replayed = {**detail, "eventId": str(uuid.uuid4())}  # e.g. republished from the audit record

    assert deliver(detail, detail, replayed) == {"batchItemFailures": []}

    assert usage(supervisor, SAMPLE_MONTH)["casesMetered"] == 1


def test_a_late_event_counts_in_the_month_its_case_was_created_not_when_it_arrived(supervisor):
    december = case_created("case-dec", "2026-12-01T00:00:01Z")
    late_november = case_created("case-nov", "2026-11-30T23:59:59Z")
    update_first = {**sample_detail(), "eventType": "CASE.UPDATED", "eventId": str(uuid.uuid4())}

    deliver(update_first, december)
    deliver(late_november, december)

    assert usage(supervisor, "2026-11")["casesMetered"] == 1
    assert usage(supervisor, "2026-12")["casesMetered"] == 1
    assert [r["caseId"] for r in records(supervisor, "2026-11").body["items"]] == ["case-nov"]


def test_a_poison_message_fails_alone_and_the_rest_of_the_batch_is_metered(supervisor):
    from casetrail.handlers.billing_consumer import handler

    good = case_created("case-good", "2026-11-02T10:00:00Z")
    without_case = {k: v for k, v in case_created("case-bad", "2026-11-02T10:00:00Z").items() if k != "case"}
    batch = sqs_batch(good, "not an EventBridge event", without_case)

    result = handler(batch, FakeLambdaContext())

    # Reported back to SQS, which redelivers them and then moves them to the DLQ (redrive policy).
    poison = [record["messageId"] for record in batch["Records"][1:]]
    assert [failure["itemIdentifier"] for failure in result["batchItemFailures"]] == poison
    assert usage(supervisor, "2026-11")["casesMetered"] == 1


def test_a_month_is_billed_beyond_its_free_allowance_at_the_unit_price(supervisor):
    for i in range(4):
        deliver(case_created(f"case-{i}", f"2026-11-0{i + 1}T08:00:00Z"))

    bill = usage(supervisor, "2026-11")

    # The tests' price list: 0.35 EUR per case, the first case of a month free.
    assert bill == {
        "month": "2026-11",
        "casesMetered": 4,
        "tasksMetered": 0,
        "freeCases": 1,
        "billableUnits": 3,
        "unitPrice": "0.35",
        "taskUnitPrice": None,
        "currency": "EUR",
        "amount": "1.05",
    }


def test_a_month_without_usage_costs_nothing(supervisor):
    bill = usage(supervisor, "2027-01")

    assert (bill["casesMetered"], bill["billableUnits"], bill["amount"]) == (0, 0, "0.00")


def test_records_are_listed_in_creation_order_page_by_page(supervisor):
    for case_id, created_at in (("c-3", "2026-11-03T00:00:00Z"), ("c-1", "2026-11-01T00:00:00Z"), ("c-2", "2026-11-02T00:00:00Z")):
        deliver(case_created(case_id, created_at))

    first = records(supervisor, "2026-11", limit="2").body
    second = records(supervisor, "2026-11", limit="2", nextToken=first["nextToken"]).body

    assert [r["caseId"] for r in first["items"] + second["items"]] == ["c-1", "c-2", "c-3"]
    assert second.get("nextToken") is None
    assert first["items"][0] == {
        "kind": "case",
        "caseId": "c-1",
        "taskId": None,
        "referenceNumber": "10009",
        "createdAt": "2026-11-01T00:00:00Z",
        "eventId": first["items"][0]["eventId"],
    }


def test_records_export_as_csv_pages_that_concatenate_into_one_file(supervisor):
    for case_id, created_at in (("c-1", "2026-11-01T00:00:00Z"), ("c-2", "2026-11-02T00:00:00Z")):
        deliver(case_created(case_id, created_at))

    first = supervisor.request("get_usage", path="/usage/2026-11/records.csv", query={"limit": "1"})
    second = supervisor.request(
        "get_usage", path="/usage/2026-11/records.csv", query={"limit": "1", "nextToken": first.headers["x-next-token"]}
    )

    assert first.status == 200 and first.headers["content-type"].startswith("text/csv")
    assert 'filename="usage-2026-11.csv"' in first.headers["content-disposition"]
    lines = (first.body + second.body).splitlines()
    assert lines[0] == "kind,caseId,taskId,referenceNumber,createdAt,eventId"
    assert [line.split(",")[:5] for line in lines[1:]] == [
        ["case", "c-1", "", "10009", "2026-11-01T00:00:00Z"],
        ["case", "c-2", "", "10009", "2026-11-02T00:00:00Z"],
    ]
    assert "x-next-token" not in second.headers


def test_reconciliation_proves_the_month_matches_the_cases_created_through_the_api(supervisor):
    case_ids = create_cases(3)
    month = published_detail(case_ids[0])["case"]["createdAt"][:7]
    path = f"/usage/{month}/reconciliation"
    deliver(*(published_detail(case_id) for case_id in case_ids[:2]))

    before = supervisor.request("get_usage", path=path).body
    deliver(*(published_detail(case_id) for case_id in case_ids))  # the third, and the first two again
    after = supervisor.request("get_usage", path=path).body

    assert (before["reconciled"], before["missingCaseIds"], before["casesMetered"]) == (False, [case_ids[2]], 2)
    assert after == {
        "month": month,
        "casesCreated": 3,
        "casesMetered": 3,
        "casesCounted": 3,
        "missingCaseIds": [],
        "extraCaseIds": [],
        "reconciled": True,
    }
    assert usage(supervisor, month)["casesMetered"] == 3


def test_reconciliation_reports_a_metered_case_that_was_not_created_in_the_month(supervisor):
    deliver(sample_detail())  # its case does not exist in the cases table

    report = supervisor.request("get_usage", path=f"/usage/{SAMPLE_MONTH}/reconciliation").body

    assert report["reconciled"] is False
    assert report["extraCaseIds"] == [sample_detail()["caseId"]] and report["casesCreated"] == 0


@pytest.mark.parametrize("role", ["agent", "integration"])
@pytest.mark.parametrize(
    "path,query",
    [("/usage", {"month": "2026-11"}), ("/usage/2026-11/records", {}), ("/usage/2026-11/records.csv", {}), ("/usage/2026-11/reconciliation", {})],
)
def test_only_supervisors_and_admins_see_billing(role, path, query):
    response = ApiClient(role=role).request("get_usage", path=path, query=query)

    assert response.status == 403 and response.body["code"] == "FORBIDDEN"


def test_an_admin_sees_billing():
    assert ApiClient(role="admin").request("get_usage").status == 200


@pytest.mark.parametrize(
    "path,query",
    [("/usage", {"month": "2026-13"}), ("/usage", {}), ("/usage/2026-1/records", {}), ("/usage/november/reconciliation", {})],
)
def test_a_malformed_month_is_refused(supervisor, path, query):
    response = supervisor.request("get_usage", path=path, query=query)

    assert response.status == 422 and response.body["code"] == "VALIDATION_ERROR"


def test_a_tenant_sees_only_its_own_usage(supervisor):
    deliver(sample_detail())

    other = ApiClient(tenant_id="acme", principal_id="p-acme-sup", name="Acme Sup", role="supervisor")

    assert usage(other, SAMPLE_MONTH)["casesMetered"] == 0
    token = records(supervisor, SAMPLE_MONTH, limit="1").body.get("nextToken")
    assert token is None  # one record, and a forged token is refused:
    forged = records(other, SAMPLE_MONTH, nextToken="eyJwayI6eyJTIjoiVCNkZW1vI1VTQUdFIzIwMjYtMTEifX0=")
    assert forged.status == 400 and forged.body["code"] == "INVALID_REQUEST"


def test_a_tenants_own_pricing_set_by_the_admin_command_applies_and_prices_its_tasks(supervisor):
    from casetrail.admin import _parser, run_billing
    from casetrail.store.outbox import CreatedCases
    from casetrail.store.usage import UsageRepository

    usage_repository = UsageRepository(Table(TEST_ENVIRONMENT["USAGE_TABLE_NAME"]))
    arguments = _parser().parse_args(
        ["--local", "set-pricing", "--tenant", "demo", "--unit-price", "0.125", "--currency", "USD", "--task-unit-price", "0.02"]
    )
    run_billing(arguments, usage_repository, CreatedCases(Table(TEST_ENVIRONMENT["CASES_TABLE_NAME"])))
    task = task_created("case-1", "2026-11-03T09:00:00Z")

    deliver(case_created("case-1", "2026-11-02T09:00:00Z"), task, task)
    bill = usage(supervisor, "2026-11")

    assert (bill["casesMetered"], bill["tasksMetered"], bill["billableUnits"]) == (1, 1, 2)
    assert (bill["unitPrice"], bill["taskUnitPrice"], bill["currency"]) == ("0.125", "0.02", "USD")
    assert bill["amount"] == "0.14"  # 0.125 + 0.02 = 0.145, half-even to the cent


def test_tasks_are_not_metered_when_tasks_have_no_price(supervisor):
    task = task_created("case-1", "2026-11-03T09:00:00Z")

    assert deliver(task) == {"batchItemFailures": []}
    assert usage(supervisor, "2026-11")["tasksMetered"] == 0


def test_a_standalone_task_is_metered_when_tasks_are_priced_and_never_poisons_the_queue(supervisor):
    # Given a tenant whose tasks are priced
    UsageRepository(Table(TEST_ENVIRONMENT["USAGE_TABLE_NAME"])).set_pricing(
        "demo", Pricing(unit_price="0.35", currency="EUR", task_unit_price="0.05")
    )
    # When the TASK.CREATED of a task without a case arrives (POST /tasks {"name", "queue"}), twice
    task = task_created(None, "2026-11-03T09:00:00Z")
    response = deliver(task, task)

    # Then it is metered once, as a task of no case, and nothing is retried or dead-lettered
    assert response == {"batchItemFailures": []}
    assert usage(supervisor, "2026-11")["tasksMetered"] == 1
    line = records(supervisor, "2026-11").body["items"][0]
    assert (line["kind"], line["caseId"], line["taskId"]) == ("task", None, task["taskId"])


def test_no_usage_is_recorded_for_a_tenant_that_does_not_exist(supervisor):
    # Given a well-formed CASE.CREATED naming a tenant nobody created
    ghost = case_created("case-ghost", "2026-11-02T09:00:00Z")
    ghost["tenantId"] = ghost["case"]["tenantId"] = "ghost"

    # When it reaches the Billing consumer
    response = deliver(ghost, case_created("case-1", "2026-11-02T09:00:00Z"))

    # Then it alone is refused (retried, then dead-lettered) and the ghost tenant has no usage
    assert len(response["batchItemFailures"]) == 1
    usage_repository = UsageRepository(Table(TEST_ENVIRONMENT["USAGE_TABLE_NAME"]))
    assert usage_repository.counts("ghost", "2026-11") == MonthCounts(cases=0, tasks=0)
    assert usage_repository.counts("demo", "2026-11").cases == 1


def test_the_admin_reconciliation_reads_the_cases_created_from_their_audit_records(supervisor):
    from casetrail.admin import _parser, run_billing
    from casetrail.store.outbox import CreatedCases

    # Given three cases created this month through the API, of which two were metered
    case_ids = create_cases(3)
    month = datetime.now(UTC).strftime("%Y-%m")
    for case_id in case_ids[:2]:
        deliver(published_detail(case_id))
    arguments = _parser().parse_args(["--local", "reconcile", "--tenant", "demo", "--month", month])

    # When the operator reconciles the month (no search index involved: the audit records are the truth)
    report = run_billing(arguments, UsageRepository(Table(TEST_ENVIRONMENT["USAGE_TABLE_NAME"])), CreatedCases(Table(TEST_ENVIRONMENT["CASES_TABLE_NAME"])))

    # Then the unmetered case is named, and another tenant's month is empty
    assert (report["casesCreated"], report["missingCaseIds"]) == (3, [case_ids[2]])
    assert list(CreatedCases(Table(TEST_ENVIRONMENT["CASES_TABLE_NAME"])).case_ids_created_in("acme", month)) == []
