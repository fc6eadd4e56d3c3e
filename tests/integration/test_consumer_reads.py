"""What an event consumer reads per event does not grow with the tenant's configuration or the
case's history (the figures are in bench/consumer_reads.py): through the real handlers on moto,
counting the DynamoDB reads a warm function instance makes."""

import json

import pytest

from casetrail.domain.rules import NewRule
from casetrail.domain.subscriptions import EmailTarget, Subscription, SubscriptionFilter
from casetrail.service.rules import load_rules
from casetrail.store.dynamo import Table
from casetrail.store.rules import RuleRepository
from casetrail.store.subscriptions import StoredSubscription, SubscriptionRepository
from tests.conftest import TEST_ENVIRONMENT
from tests.integration.api_client import ApiClient
from tests.integration.test_billing import published_detail, sqs_batch, task_created
from tests.lambda_context import FakeLambdaContext

pytestmark = pytest.mark.usefixtures("aws")

READS = ("get_item", "query", "batch_get_item")


class CountingDynamoDb:
    """The real (moto) client, counting the reads made through it and the items they returned.
    The shared intake's one lookup per event of a forgotten case (erasure table) is not counted:
    it is the same for every consumer and every event, and not what these tests are about."""

    def __init__(self, client):
        self._client = client
        self.reads = 0
        self.items_read = 0

    def __getattr__(self, name):
        call = getattr(self._client, name)
        if name not in READS:
            return call

        def counted(**request):
            response = call(**request)
            if request.get("TableName") == TEST_ENVIRONMENT["ERASURE_TABLE_NAME"]:
                return response
            self.reads += 1
            self.items_read += len(response.get("Items", [])) + (1 if "Item" in response else 0)
            return response

        return counted


@pytest.fixture
def counted_reads(monkeypatch):
    """The consumers built from here on read through a counting client (the API keeps its own)."""
    from casetrail.store import dynamo

    counter = CountingDynamoDb(dynamo.dynamodb_client())
    monkeypatch.setattr(dynamo, "dynamodb_client", lambda: counter)
    return counter


@pytest.fixture
def agent() -> ApiClient:
    api = ApiClient()
    api.create_customer({"customerId": "cust-1", "name": "Customer 1"})
    return api


def deliver(consumer: str, *details: dict) -> dict:
    from importlib import import_module

    handler = import_module(f"casetrail.handlers.{consumer}_consumer").handler
    return handler(sqs_batch(*details), FakeLambdaContext())


def patched(agent: ApiClient, case_id: str, body: dict) -> dict:
    version = agent.get_case(case_id).body["version"]
    response = agent.patch_case(case_id, body, if_match=f'"{version}"')
    assert response.status == 200, response.body
    return published_detail(case_id, version=response.body["version"])


def test_the_rules_consumer_reads_the_case_once_per_event_however_many_rules_fire(agent, counted_reads):
    # Given twenty rules that fire on every update (none of whose conditions hold), and a case
    rules = [NewRule(name=f"rule {n}", trigger="OnCaseUpdate", condition={"type": "containsAny", "phrases": [f"never {n}"]}, actions=[{"type": "addTags", "tags": ["x"]}]) for n in range(20)]
    load_rules(RuleRepository(Table(TEST_ENVIRONMENT["CASES_TABLE_NAME"])), "demo", rules)
    case_id = agent.create_case({"title": "Card question", "customerId": "cust-1"}).body["caseId"]
    first, second = patched(agent, case_id, {"priority": "high"}), patched(agent, case_id, {"priority": "low"})
    assert deliver("rules", first) == {"batchItemFailures": []}  # a warm instance: the rules are held

    # When the next update reaches the rules consumer
    counted_reads.reads = 0
    assert deliver("rules", second) == {"batchItemFailures": []}

    # Then it read the case once, not twice per rule
    assert counted_reads.reads == 1


def test_the_sla_consumer_reads_none_of_the_history_before_the_event(agent, counted_reads, monkeypatch):
    from casetrail.settings import get_settings

    # Given the policy "urgent → resolved within 4 hours" and a case with thirty earlier changes
    monkeypatch.setenv("SLA_CONFIGURATION", json.dumps({"policies": [{"name": "resolve-urgent", "priority": "urgent", "targetMinutes": 240}]}))
    get_settings.cache_clear()
    case_id = agent.create_case({"title": "Card blocked", "customerId": "cust-1"}).body["caseId"]
    for n in range(30):
        patched(agent, case_id, {"status": ("in_progress", "pending_customer")[n % 2]})
    raised = patched(agent, case_id, {"priority": "urgent"})
    counted_reads.items_read = 0

    # When its priority change reaches the SLA consumer
    assert deliver("sla", raised) == {"batchItemFailures": []}

    # Then the SLA is assigned, and the only items read were the case and the tenant: no audit record
    items_read = counted_reads.items_read
    assert [s["name"] for s in agent.get_case(case_id).body["slas"]] == ["resolve-urgent"]
    assert items_read == 2
    get_settings.cache_clear()


def test_the_notification_consumer_reads_the_tenants_subscriptions_once_for_a_burst_of_events(agent, counted_reads):
    # Given five email subscriptions to case updates of another queue
    repository = SubscriptionRepository(Table(TEST_ENVIRONMENT["NOTIFICATIONS_TABLE_NAME"]))
    for n in range(5):
        target = EmailTarget(type="email", address=f"team{n}@example.com")
        subscription = Subscription(subscription_id=f"sub-{n}", tenant_id="demo", target=target, events=["CASE.UPDATED"], filter=SubscriptionFilter(queues=["elsewhere"]), created_at="2026-11-01T00:00:00Z", created_by="p-demo-admin")
        repository.add(StoredSubscription(subscription, None, None))
    case_id = agent.create_case({"title": "Card question", "customerId": "cust-1"}).body["caseId"]
    updates = [patched(agent, case_id, {"priority": p}) for p in ("high", "low", "high")]
    counted_reads.reads = 0

    # When three updates reach the notification consumer
    for detail in updates:
        assert deliver("notification", detail) == {"batchItemFailures": []}

    # Then the subscriptions were read once (and the tenant checked once): not per event; besides
    # them, each event reads only its case's watchers (one Query, however many watch)
    assert counted_reads.reads == 2 + len(updates)


def test_the_billing_consumer_reads_the_tenants_pricing_once_for_a_burst_of_task_events(counted_reads):
    tasks = [task_created("case-1", f"2026-11-0{n}T09:00:00Z") for n in range(1, 4)]

    for task in tasks:
        assert deliver("billing", task) == {"batchItemFailures": []}

    assert counted_reads.reads == 2  # the tenant's existence and its pricing, each once


def test_the_metrics_consumer_reads_the_cases_state_not_its_history(agent, counted_reads):
    # Given a case whose thirty status changes the metrics consumer has counted
    case_id = agent.create_case({"title": "Card blocked", "customerId": "cust-1"}).body["caseId"]
    history = [published_detail(case_id, version=1)]
    for n in range(30):
        history.append(patched(agent, case_id, {"status": ("in_progress", "pending_customer")[n % 2]}))
    assert deliver("metrics", *history[:10]) == deliver("metrics", *history[10:20]) == deliver("metrics", *history[20:]) == {"batchItemFailures": []}
    resolved = patched(agent, case_id, {"status": "resolved"})
    counted_reads.reads = counted_reads.items_read = 0

    # When its resolution reaches the metrics consumer
    assert deliver("metrics", resolved) == {"batchItemFailures": []}

    # Then it read one item, the case's state: none of its thirty-one facts
    assert (counted_reads.reads, counted_reads.items_read) == (1, 1)
