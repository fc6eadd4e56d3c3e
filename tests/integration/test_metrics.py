"""Key metrics end to end on moto: cases changed through the API, their audit records delivered
to the Metrics consumer as EventBridge delivers them (at least once, in any order), GET /metrics
reading the aggregates, and the rebuild command recomputing them from the cases."""

import json
import random
from collections import Counter
from datetime import UTC, datetime

import pytest

from casetrail.admin import _parser, run_rebuild
from casetrail.store.cases import CaseRepository
from casetrail.store.dynamo import Table
from casetrail.store.metrics import MetricsRepository
from tests.conftest import TEST_ENVIRONMENT, load_event
from casetrail.handlers.metrics_consumer import handler
from tests.integration.api_client import ApiClient
from tests.integration.test_billing import published_detail, sqs_batch
from tests.lambda_context import FakeLambdaContext

pytestmark = pytest.mark.usefixtures("aws")

TODAY = datetime.now(UTC).date().isoformat()  # the API stamps changes with the real clock


@pytest.fixture
def agent() -> ApiClient:
    api = ApiClient()
    api.create_customer({"customerId": "cust-1", "name": "Customer 1"})
    return api


@pytest.fixture
def supervisor() -> ApiClient:
    return ApiClient(principal_id="p-demo-supervisor", name="Sam Supervisor", role="supervisor")


def chat(agent: ApiClient, case_id: str) -> None:
    content = {"contactId": f"ct-{case_id[:8]}", "channel": "CHAT", "direction": "INBOUND", "initiatedAt": "2026-11-20T09:14:00Z"}
    assert agent.add_related_item(case_id, "contact", content).status == 201


def set_status(agent: ApiClient, case_id: str, status: str) -> None:
    version = agent.get_case(case_id).body["version"]
    assert agent.patch_case(case_id, {"status": status}, if_match=f'"{version}"').status == 200


def new_case(agent: ApiClient, queue: str = "billing") -> str:
    return agent.create_case({"title": "Charged twice", "customerId": "cust-1", "queue": queue}).body["caseId"]


def history(case_id: str) -> list[dict]:
    """Every event the publisher would relay for the case: its audit records, in version order."""
    version = ApiClient().get_case(case_id).body["version"]
    return [published_detail(case_id, v) for v in range(1, version + 1)]


def deliver(*details: dict) -> dict:
    return handler(sqs_batch(*details), FakeLambdaContext())


def metrics(api: ApiClient, group_by: str = "day", start: str = TODAY, end: str = TODAY):
    return api.request("get_metrics", query={"from": start, "to": end, "groupBy": group_by})


def a_day_of_cases(agent: ApiClient) -> list[dict]:
    """Three cases: one resolved after one chat, one resolved and reopened, one left open."""
    first_contact = new_case(agent)
    chat(agent, first_contact)
    set_status(agent, first_contact, "resolved")
    reopened = new_case(agent, queue="fraud")
    chat(agent, reopened)
    set_status(agent, reopened, "resolved")
    set_status(agent, reopened, "open")
    left_open = new_case(agent, queue="fraud")
    return [e for case_id in (first_contact, reopened, left_open) for e in history(case_id)]


def test_the_days_figures_come_from_the_consumed_events(agent, supervisor):
    deliver(*a_day_of_cases(agent))

    response = metrics(supervisor)

    assert response.status == 200, response.body
    totals = response.body["totals"]
    assert (totals["casesCreated"], totals["casesResolved"], totals["casesReopened"], totals["openCases"]) == (3, 2, 1, 2)
    assert totals["firstContactResolutionRate"] == 0.5  # the reopened one is not
    assert totals["averageContactsPerCase"] == 1
    assert totals["slaMetRate"] is None
    assert [g["key"] for g in response.body["groups"]] == [TODAY]


def test_a_redelivered_batch_counts_nothing_more(agent, supervisor):
    events = a_day_of_cases(agent)
    deliver(*events)
    expected = metrics(supervisor, "queue").body

    assert deliver(*events) == {"batchItemFailures": []}

    assert metrics(supervisor, "queue").body == expected


def test_shuffled_duplicated_delivery_gives_the_in_order_figures(agent, supervisor):
    events = a_day_of_cases(agent)
    shuffled = events * 2
    random.Random(7).shuffle(shuffled)

    for event in shuffled:
        assert deliver(event) == {"batchItemFailures": []}

    by_queue = {g["key"]: g for g in metrics(supervisor, "queue").body["groups"]}
    assert (by_queue["billing"]["casesResolved"], by_queue["billing"]["openCases"]) == (1, 0)
    assert (by_queue["fraud"]["casesCreated"], by_queue["fraud"]["casesReopened"], by_queue["fraud"]["openCases"]) == (2, 1, 2)
    assert by_queue["billing"]["firstContactResolutionRate"] == 1.0


def rebuild() -> dict:
    arguments = _parser().parse_args(["--local", "rebuild-metrics", "--tenant", "demo", "--from", TODAY, "--to", TODAY])
    metrics_table = Table(TEST_ENVIRONMENT["METRICS_TABLE_NAME"])
    return run_rebuild(arguments, MetricsRepository(metrics_table), CaseRepository(Table(TEST_ENVIRONMENT["CASES_TABLE_NAME"])))


def test_the_figures_equal_a_recomputation_from_the_cases(agent):
    deliver(*a_day_of_cases(agent))

    result = rebuild()

    assert result["differences"] == []
    assert result["cases"] == 3
    assert result["day"]["recomputed"]["totals"]["casesCreated"] == 3


def test_the_rebuild_reports_an_event_that_was_never_consumed(agent):
    events = a_day_of_cases(agent)
    deliver(*events[:-1])  # the last case's creation was lost

    differences = rebuild()["differences"]

    assert "day: .totals.casesCreated: incremental 2 != recomputed 3" in differences


def test_agents_may_not_see_metrics(agent):
    assert metrics(agent).status == 403


def test_a_range_longer_than_366_days_is_refused(supervisor):
    response = metrics(supervisor, start="2025-01-01", end="2026-01-02")

    assert response.status == 400
    assert "366" in response.body["message"]


def test_another_tenants_figures_are_not_seen(agent):
    deliver(*a_day_of_cases(agent))
    other = ApiClient(tenant_id="acme", principal_id="p-acme-sup", role="supervisor")

    assert metrics(other).body["totals"]["casesCreated"] == 0


@pytest.fixture
def dynamodb_calls(monkeypatch) -> Counter:
    """Every DynamoDB call made from here on, by operation."""
    import botocore.client

    calls: Counter = Counter()
    real = botocore.client.BaseClient._make_api_call

    def counting(client, operation, parameters):
        if client.meta.service_model.service_name == "dynamodb":
            calls[operation] += 1
        return real(client, operation, parameters)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", counting)
    return calls


def test_get_metrics_reads_each_shard_once_whatever_the_number_of_cases(agent, supervisor, dynamodb_calls):
    from casetrail.store.keys import METRIC_SHARDS

    # Given one case, then the sample SQS event's and a day of cases more, spread over the shards
    deliver(*history(new_case(agent)))
    dynamodb_calls.clear()
    assert metrics(supervisor, "queue").body["totals"]["casesCreated"] == 1
    with_one_case = dict(dynamodb_calls)
    sample = load_event("sqs/case_created.json")
    deliver(json.loads(sample["Records"][0]["body"])["detail"], *a_day_of_cases(agent))

    # When the supervisor asks again (today: the sample's case was created on its own day)
    dynamodb_calls.clear()
    response = metrics(supervisor, "queue")

    # Then every case is counted, read with the same calls: one Query per shard (and one of the
    # retired partition the migration empties), the days and the open-case gauges in one key range
    assert response.body["totals"]["casesCreated"] == 4 and response.body["totals"]["openCases"] == 4
    assert dict(dynamodb_calls) == with_one_case and with_one_case["Query"] == METRIC_SHARDS + 1

    # And a range that ended before today reads the days and the gauges with a Query each, per partition
    dynamodb_calls.clear()
    response = metrics(supervisor, "queue", start="2026-11-25", end="2026-11-25")
    assert response.body["totals"]["casesCreated"] == 1 and response.body["totals"]["openCases"] == 4
    assert dynamodb_calls["Query"] == 2 * (METRIC_SHARDS + 1)
