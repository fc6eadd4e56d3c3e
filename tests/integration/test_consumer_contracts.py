"""Every consumer against every event the bus can carry (the events × consumers matrix), and the one
shared rule for what a malformed event is (functions/casetrail/domain/event_contract.py).

The events are made by the real code (tests/integration/event_catalogue.py), so a new kind of event
is in the matrix as soon as something publishes it."""

import importlib
import json

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from casetrail.domain.billing import Pricing
from casetrail.settings import get_settings
from casetrail.store.dynamo import Table
from casetrail.store.usage import UsageRepository
from casetrail.topology import EVENT_CONSUMERS
from tests.conftest import TEST_ENVIRONMENT
from tests.integration import event_catalogue
from tests.integration.test_billing import sqs_batch
from tests.lambda_context import FakeLambdaContext

pytestmark = pytest.mark.usefixtures("aws", "notifications", "consumer_configuration")

# Every shape of event something in Casetrail publishes: if one is added, the catalogue must make it.
EXPECTED_SHAPES = {
    "CASE.CREATED",
    "CASE.UPDATED status",
    "CASE.UPDATED fields",
    *(f"RELATED_ITEM.CREATED {t}" for t in ("contact", "comment", "file", "connectCase", "custom")),
    "RELATED_ITEM.UPDATED comment",
    "RELATED_ITEM.DELETED comment",
    *(f"TASK.{a} {k}" for a in ("CREATED", "ASSIGNED", "UPDATED", "COMPLETED", "CANCELLED", "OVERDUE") for k in ("linked", "standalone")),
    *(f"SLA.{a}" for a in ("ASSIGNED", "UPDATED", "BREACHED", "MET", "NOT_MET")),
    "RULE.NOTIFY",
    "RULE.CaseOpened",
    "BULK_JOB.PROGRESSED",
}


@pytest.fixture
def consumer_configuration(monkeypatch):
    """SLA policies for urgent cases; tasks priced for the demo tenant, so Billing meters them."""
    monkeypatch.setenv("SLA_CONFIGURATION", json.dumps(event_catalogue.SLA_POLICIES))
    UsageRepository(Table(TEST_ENVIRONMENT["USAGE_TABLE_NAME"])).set_pricing(
        "demo", Pricing(unit_price="0.35", currency="EUR", task_unit_price="0.05")
    )
    _forget_cached_services()
    yield
    _forget_cached_services()


def _forget_cached_services() -> None:
    from casetrail.handlers import bulk_job_worker, billing_consumer, metrics_consumer, notification_wiring, rules_consumer, sla_consumer

    get_settings.cache_clear()
    for factory in (
        billing_consumer.metering_service, metrics_consumer.recorder, rules_consumer.rule_engine, sla_consumer.sla_service, bulk_job_worker.bulk_change_service
    ):
        factory.cache_clear()
    notification_wiring.reset()


def handler_of(consumer):
    module, name = consumer.handler.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)


def dead_lettered(consumer, body: dict | str) -> bool:
    """Whether the consumer fails the message (SQS retries it, then moves it to the DLQ)."""
    try:
        response = handler_of(consumer)(sqs_batch(body), FakeLambdaContext())
    except BatchProcessingError:
        return True  # the whole batch failed: a function error, which SQS retries the same way
    return bool(response["batchItemFailures"])


def test_every_consumer_takes_every_event_the_bus_carries():
    # Given one event of every type and shape Casetrail publishes, made by the real code
    catalogue = event_catalogue.make_every_event()
    assert set(catalogue) == EXPECTED_SHAPES

    # When each consumer is given each of them (also those its rule would not route to it)
    refused = [(c.logical_id, shape) for c in EVENT_CONSUMERS for shape, detail in sorted(catalogue.items()) if dead_lettered(c, detail)]

    # Then none is dead-lettered: a legitimate event is a success, even when it means nothing to it
    assert len(EVENT_CONSUMERS) * len(catalogue) == 7 * 30
    assert refused == [], refused


def test_every_consumer_refuses_the_same_malformed_messages():
    # Given messages no Casetrail publisher makes
    malformed = event_catalogue.malformed_messages()

    # When each consumer is given each of them
    accepted = [(c.logical_id, name) for c in EVENT_CONSUMERS for name, body in malformed.items() if not dead_lettered(c, body)]

    # Then every consumer refuses every one (one rule, everywhere): to the DLQ, where ops see it
    assert accepted == [], accepted
