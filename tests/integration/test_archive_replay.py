"""Replaying the bus archive is safe for every consumer: an event replayed as late as the archive
allows changes nothing, because every dedupe record outlives the archive (casetrail/retention.py).

DynamoDB deletes an item some time after its TTL passes; moto never does, so the test does it (the
way DynamoDB would at that moment) before replaying."""

import importlib
import json
import time

import pytest

from casetrail.retention import ARCHIVE_RETENTION_DAYS, MAX_QUEUE_RETENTION_DAYS
from casetrail.store.dynamo import dynamodb_client
from casetrail.store.tables import ALL_TABLES
from casetrail.topology import EVENT_CONSUMERS
from tests.conftest import TEST_ENVIRONMENT
from tests.integration import event_catalogue
from tests.integration.api_client import ApiClient
from tests.integration.test_billing import sqs_batch
from tests.integration.test_consumer_contracts import _forget_cached_services
from tests.lambda_context import FakeLambdaContext

pytestmark = pytest.mark.usefixtures("aws", "notifications", "sla_policies")

SUPERVISOR = ApiClient(principal_id="p-demo-supervisor", name="Sam Supervisor", role="supervisor")
# The last moment a replayed copy of today's event can still be handled: replayed on the archive's
# last day, then kept by its queue (and dead-letter queue) as long as SQS keeps anything.
LATEST_REPLAY_SECONDS = (ARCHIVE_RETENTION_DAYS + MAX_QUEUE_RETENTION_DAYS) * 86_400 - 60


@pytest.fixture
def sla_policies(monkeypatch):
    monkeypatch.setenv("SLA_CONFIGURATION", json.dumps(event_catalogue.SLA_POLICIES))
    _forget_cached_services()
    yield
    _forget_cached_services()


def consume(detail: dict) -> None:
    """Delivers an event to every consumer whose rule routes it there, as the bus would."""
    for consumer in EVENT_CONSUMERS:
        if not consumer.event_types or detail["eventType"] in consumer.event_types:
            module, name = consumer.handler.rsplit(".", 1)
            response = getattr(importlib.import_module(module), name)(sqs_batch(detail), FakeLambdaContext())
            assert response == {"batchItemFailures": []}, (consumer.logical_id, detail["eventType"])


def consume_everything_published() -> list[dict]:
    """Delivers every published event, and the events its consumers publish in turn; returns them."""
    delivered: dict[str, dict] = {}
    while new := [d for d in event_catalogue.outbox() if d["eventId"] not in delivered]:
        for detail in sorted(new, key=lambda d: (d["approximateChangeTime"], d.get("caseVersion") or 0)):
            consume(detail)
            delivered[detail["eventId"]] = detail
    return list(delivered.values())


def expire_ttl(at_epoch: int) -> int:
    """Deletes what DynamoDB's TTL would have deleted by `at_epoch`; returns how many items."""
    deleted = 0
    for spec in ALL_TABLES:
        if spec.ttl_attribute is None:
            continue
        table = TEST_ENVIRONMENT[spec.env_var]
        for page in dynamodb_client().get_paginator("scan").paginate(TableName=table):
            for item in page["Items"]:
                expires = item.get(spec.ttl_attribute, {}).get("N")
                if expires is not None and int(expires) < at_epoch:
                    key = {name: item[name] for name in ("pk", "sk", "id") if name in item}
                    dynamodb_client().delete_item(TableName=table, Key=key)
                    deleted += 1
    return deleted


def every_item() -> dict[str, list]:
    snapshot = {}
    for spec in ALL_TABLES:
        pages = dynamodb_client().get_paginator("scan").paginate(TableName=TEST_ENVIRONMENT[spec.env_var])
        snapshot[spec.logical_id] = sorted((json.dumps(i, sort_keys=True) for p in pages for i in p["Items"]))
    return snapshot


def test_replaying_the_oldest_archived_events_changes_nothing_and_notifies_nobody(receiver):
    # Given a webhook subscribed to what is notified, and a day's events all consumed: a case whose
    # SLA breached and was then not met, an overdue task of a case and a standalone one
    subscribed = ["CASE.CREATED", "CASE.UPDATED", "TASK.OVERDUE", "SLA.BREACHED"]
    assert SUPERVISOR.request("create_subscription", body={"target": {"type": "webhook", "url": receiver.url}, "events": subscribed}).status == 201
    agent = ApiClient()
    agent.create_customer({"customerId": "cust-1", "name": "Customer 1"})
    case = agent.create_case({"title": "Card blocked abroad", "customerId": "cust-1", "priority": "urgent"}).body
    other = agent.create_case({"title": "Refund", "customerId": "cust-1"}).body
    for case_id in (other["caseId"], None):
        agent.create_task({"name": "Chase the bank", "queue": "billing", "dueAt": event_catalogue.PAST_DUE}, case_id=case_id)
    consume_everything_published()
    event_catalogue.flag_overdue_tasks_and_sla_breaches()
    patched = agent.patch_case(case["caseId"], {"status": "resolved"}, f'"{agent.get_case(case["caseId"]).body["version"]}"')
    assert patched.status == 200, patched.body
    history = consume_everything_published()
    assert {"TASK.OVERDUE", "SLA.BREACHED", "SLA.NOT_MET"} <= {d["eventType"] for d in history}
    notified = len(receiver.received)
    assert notified >= 4

    # When the archive replays all of them as late as it can (TTLs having run until then)
    expire_ttl(int(time.time()) + LATEST_REPLAY_SECONDS)
    before = every_item()
    for detail in history:
        consume(detail)

    # Then no consumer changed anything (no usage, metric, SLA, rule or delivery) and nobody was
    # notified again
    assert every_item() == before
    assert len(receiver.received) == notified
