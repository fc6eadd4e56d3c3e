"""Event consumers under a busy tenant, through the real handlers with the sample event of
events/sqs: a transaction DynamoDB cancels for a concurrent writer is tried again in process
(never a 3-minute trip through SQS), one that keeps losing is a batch item failure, and the shared
counters (the month's usage, the day's metrics) are shards summed on read (the usage items
written before its shards existed included; the metrics ones are moved by the migration)."""

import json

import pytest

from casetrail.service.write_conflicts import CONSUMER_ATTEMPTS
from casetrail.store import keys
from casetrail.store.dynamo import Table, serialize
from tests.conftest import TEST_ENVIRONMENT, load_event
from tests.integration.api_client import ApiClient
from tests.integration.conflicting_dynamodb import ConflictingDynamoDb
from tests.lambda_context import FakeLambdaContext

pytestmark = pytest.mark.usefixtures("aws")

SAMPLE = load_event("sqs/case_created.json")  # CASE.CREATED of tenant demo, 2026-11-25
SAMPLE_DETAIL = json.loads(SAMPLE["Records"][0]["body"])["detail"]
SAMPLE_DAY = "2026-11-25"


@pytest.fixture
def supervisor() -> ApiClient:
    return ApiClient(principal_id="p-demo-supervisor", name="Sam Supervisor", role="supervisor")


@pytest.fixture
def racing_writers(monkeypatch):
    """Given other consumers writing the same items: the next transactions are cancelled
    (TransactionConflict), as DynamoDB does and moto never does."""
    from casetrail.service import write_conflicts
    from casetrail.store import dynamo

    monkeypatch.setattr(write_conflicts, "_sleep", lambda _: None)  # the pauses only spread real contenders
    real = dynamo.dynamodb_client()

    def lose(conflicts: int) -> ConflictingDynamoDb:
        fake = ConflictingDynamoDb(real, conflicts)
        monkeypatch.setattr(dynamo, "dynamodb_client", lambda: fake)  # the consumers' tables, built next
        return fake

    return lose


def billing(event: dict) -> dict:
    from casetrail.handlers.billing_consumer import handler

    return handler(event, FakeLambdaContext())


def metrics_consumer(event: dict) -> dict:
    from casetrail.handlers.metrics_consumer import handler

    return handler(event, FakeLambdaContext())


def usage(api: ApiClient) -> dict:
    response = api.request("get_usage", query={"month": "2026-11"})
    assert response.status == 200, response.body
    return response.body


def day_figures(api: ApiClient) -> dict:
    response = api.request("get_metrics", query={"from": SAMPLE_DAY, "to": SAMPLE_DAY, "groupBy": "day"})
    assert response.status == 200, response.body
    return response.body["totals"]


def test_a_metered_event_cancelled_by_concurrent_writers_is_counted_once_in_the_same_delivery(racing_writers, supervisor):
    # Given two concurrent writers that make DynamoDB cancel the usage transaction twice
    dynamodb = racing_writers(2)

    # When the case-created event reaches the billing consumer, then again (a redelivery)
    results = [billing(SAMPLE), billing(SAMPLE)]

    # Then it is counted once, in that first delivery: no item went back to SQS
    assert results == [{"batchItemFailures": []}] * 2
    assert dynamodb.cancelled == 2
    assert usage(supervisor)["casesMetered"] == 1


def test_a_metered_event_that_keeps_losing_is_a_batch_item_failure_and_its_redelivery_counts_it_once(racing_writers, supervisor):
    # Given writers that win every race for as long as the consumer tries
    racing_writers(CONSUMER_ATTEMPTS)

    # When the event arrives, then is redelivered by SQS once the contention is over
    failed = billing(SAMPLE)
    redelivered = billing(SAMPLE)

    # Then only that message was reported back to SQS (no error, no 500), and it counted once
    assert failed == {"batchItemFailures": [{"itemIdentifier": SAMPLE["Records"][0]["messageId"]}]}
    assert redelivered == {"batchItemFailures": []}
    assert usage(supervisor)["casesMetered"] == 1


def test_the_months_count_adds_its_shards_to_the_counter_item_written_before_shards(supervisor):
    # Given a month already counted on the single counter item of before (3 cases)
    table = Table(TEST_ENVIRONMENT["USAGE_TABLE_NAME"])
    legacy = {"pk": keys.usage_month_partition("demo", "2026-11"), "sk": keys.USAGE_COUNTER_PREFIX, "cases": 3, "tasks": 0}
    table.client.put_item(TableName=table.name, Item=serialize(legacy))

    # When a new case of that month is metered
    assert billing(SAMPLE) == {"batchItemFailures": []}

    # Then the month counts four
    assert usage(supervisor)["casesMetered"] == 4


def test_a_metrics_event_cancelled_by_concurrent_writers_is_applied_once_in_the_same_delivery(racing_writers, supervisor):
    dynamodb = racing_writers(3)

    results = [metrics_consumer(SAMPLE), metrics_consumer(SAMPLE)]

    assert results == [{"batchItemFailures": []}] * 2
    assert dynamodb.cancelled == 3
    figures = day_figures(supervisor)
    assert (figures["casesCreated"], figures["openCases"]) == (1, 1)


def test_a_metrics_event_that_keeps_losing_is_a_batch_item_failure_and_nothing_is_half_counted(racing_writers, supervisor):
    racing_writers(CONSUMER_ATTEMPTS)

    failed = metrics_consumer(SAMPLE)

    assert failed == {"batchItemFailures": [{"itemIdentifier": SAMPLE["Records"][0]["messageId"]}]}
    assert day_figures(supervisor)["casesCreated"] == 0
    assert metrics_consumer(SAMPLE) == {"batchItemFailures": []}
    assert day_figures(supervisor)["casesCreated"] == 1


def test_events_of_many_cases_spread_over_the_days_aggregate_shards(supervisor):
    # When forty cases of one day are created (forty events, forty event ids)
    details = [{**SAMPLE_DETAIL, "eventId": f"evt-{n}", "caseId": f"case-{n}", "case": {**SAMPLE_DETAIL["case"], "caseId": f"case-{n}"}} for n in range(40)]
    from tests.integration.test_billing import sqs_batch

    for n in range(0, 40, 10):
        assert metrics_consumer(sqs_batch(*details[n : n + 10])) == {"batchItemFailures": []}

    # Then no single partition took every event (the shard is in the partition key), and the report sums the shards
    table = Table(TEST_ENVIRONMENT["METRICS_TABLE_NAME"])
    days = [table.get(keys.metrics_bucket_item("demo", "day", SAMPLE_DAY, "all", shard)) for shard in range(keys.METRIC_SHARDS)]
    counts = [day["casesCreated"] for day in days if day]
    assert 1 < len(counts) and max(counts) < 40 and sum(counts) == 40
    assert len({keys.metrics_partition("demo", "day", shard) for shard in range(keys.METRIC_SHARDS)}) == keys.METRIC_SHARDS
    assert (day_figures(supervisor)["casesCreated"], day_figures(supervisor)["openCases"]) == (40, 40)


def test_a_case_whose_facts_were_one_item_keeps_its_figures_when_its_next_event_arrives(supervisor):
    # Given a case counted before facts had items of their own: its single facts item and its
    # aggregates (in one shard's partition, where `casetrail-admin migrate` moves the ones of before)
    from casetrail.domain.metrics import by_bucket, case_contribution, case_fact

    table = Table(TEST_ENVIRONMENT["METRICS_TABLE_NAME"])
    fact = case_fact(SAMPLE_DETAIL)
    applied = case_contribution([fact], reopen_days=7)
    single = {**keys.metrics_case_item("demo", SAMPLE_DETAIL["caseId"]), "facts": [fact], "applied": [[*k, v] for k, v in sorted(applied.items())], "revision": 1}
    table.client.put_item(TableName=table.name, Item=serialize(single))
    for (dimension, period, value), counters in by_bucket(applied).items():
        table.client.put_item(TableName=table.name, Item=serialize({**keys.metrics_bucket_item("demo", dimension, period, value, 0), **counters}))

    # When the case is resolved the same day and its event reaches the consumer
    resolved = {
        **SAMPLE_DETAIL,
        "eventId": "evt-resolved",
        "eventType": "CASE.UPDATED",
        "caseVersion": 2,
        "approximateChangeTime": "2026-11-25T10:30:00Z",
        "changes": [{"fieldId": "status", "oldValue": "open", "newValue": "resolved"}],
        "case": {**SAMPLE_DETAIL["case"], "status": "resolved", "version": 2},
    }
    from tests.integration.test_billing import sqs_batch

    assert metrics_consumer(sqs_batch(resolved)) == {"batchItemFailures": []}

    # Then the day shows one case created and resolved, none open
    figures = day_figures(supervisor)
    assert (figures["casesCreated"], figures["casesResolved"], figures["openCases"]) == (1, 1, 0)

    # And when it is reopened, then the figures still follow, from the state the consumer now keeps
    reopened = {
        **resolved,
        "eventId": "evt-reopened",
        "caseVersion": 3,
        "approximateChangeTime": "2026-11-25T11:00:00Z",
        "changes": [{"fieldId": "status", "oldValue": "resolved", "newValue": "open"}],
        "case": {**resolved["case"], "status": "open", "version": 3},
    }
    assert metrics_consumer(sqs_batch(reopened)) == {"batchItemFailures": []}
    figures = day_figures(supervisor)
    assert (figures["casesCreated"], figures["casesResolved"], figures["casesReopened"], figures["openCases"]) == (1, 1, 1, 1)


def test_a_rule_whose_commit_keeps_losing_is_a_batch_item_failure_and_its_redelivery_applies_it_once(racing_writers):
    from casetrail.admin import run_load_rules
    from casetrail.handlers.rules_consumer import handler
    from casetrail.store.rules import RuleRepository
    from tests.integration.test_billing import sqs_batch
    from tests.integration.test_rules import DEFAULT_RULES, add_chat, new_case

    # Given the default fraud rule, and a chat mentioning an unauthorised charge on a new case
    agent = ApiClient()
    run_load_rules(str(DEFAULT_RULES), RuleRepository(Table(TEST_ENVIRONMENT["CASES_TABLE_NAME"])))
    case_id = new_case(agent)
    event = sqs_batch(add_chat(agent, case_id))
    # And writers that win every race for as long as the rules consumer tries
    racing_writers(CONSUMER_ATTEMPTS)

    # When the event arrives, then is redelivered by SQS once the contention is over
    failed = handler(event, FakeLambdaContext())
    redelivered = handler(event, FakeLambdaContext())

    # Then that message alone went back to SQS, and the rule acted once, on the redelivery
    assert failed == {"batchItemFailures": [{"itemIdentifier": event["Records"][0]["messageId"]}]}
    assert redelivered == {"batchItemFailures": []}
    case = agent.get_case(case_id).body
    assert (case["priority"], case["category"]) == ("urgent", "fraud")
    assert [e["action"] for e in agent.audit(case_id).body["items"]].count("CASE.UPDATED") == 1


def test_an_sla_assignment_cancelled_by_concurrent_writers_is_saved_in_the_same_delivery(racing_writers, monkeypatch):
    from casetrail.handlers.sla_consumer import handler
    from casetrail.settings import get_settings
    from tests.integration.test_billing import published_detail, sqs_batch

    # Given the policy "urgent → resolved within 4 hours" and a new urgent case
    monkeypatch.setenv("SLA_CONFIGURATION", json.dumps({"policies": [{"name": "resolve-urgent", "priority": "urgent", "targetMinutes": 240}]}))
    get_settings.cache_clear()
    agent = ApiClient()
    agent.create_customer({"customerId": "cust-1", "name": "Customer 1"})
    case_id = agent.create_case({"title": "Card blocked abroad", "customerId": "cust-1", "priority": "urgent"}).body["caseId"]
    # And concurrent writers that make DynamoDB cancel the SLA's transaction three times
    dynamodb = racing_writers(3)

    # When its creation reaches the SLA consumer
    result = handler(sqs_batch(published_detail(case_id, version=1)), FakeLambdaContext())

    # Then the SLA is assigned in that delivery
    assert result == {"batchItemFailures": []} and dynamodb.cancelled == 3
    assert [s["name"] for s in agent.get_case(case_id).body["slas"]] == ["resolve-urgent"]
    get_settings.cache_clear()
