"""The search consumer on its own path: SQS batches of bus events through the real handler (the
intake rule, partial batch failures), and `casetrail-admin reindex` rebuilding an empty index from
the audit records through the consumer's queue."""

import argparse
import json

import boto3
import pytest

from casetrail.search.engines import search_index
from casetrail.search.port import CaseQuery
from casetrail.store.dynamo import Table
from tests.conftest import TEST_ENVIRONMENT
from tests.integration.api_client import ApiClient
from tests.integration.test_billing import published_detail, sqs_batch
from tests.lambda_context import FakeLambdaContext
from tests import search_feed

pytestmark = pytest.mark.usefixtures("aws")


@pytest.fixture
def unfed():
    """The API writes as usual, but nothing feeds the search index: only what a test delivers."""
    search_feed.uninstall()
    yield
    search_feed.install()


def deliver(*bodies) -> dict:
    from casetrail.handlers.search_consumer import handler

    return handler(sqs_batch(*bodies), FakeLambdaContext())


def found(**query) -> list[str]:
    return search_index().search(CaseQuery(tenant_id="demo", **query)).case_ids


def _new_case(api: ApiClient, title: str) -> str:
    api.create_customer({"customerId": "cust-1", "name": "Customer 1"})
    return api.create_case({"title": title, "customerId": "cust-1"}).body["caseId"]


def test_a_case_event_from_the_queue_makes_the_case_findable_and_a_redelivery_changes_nothing(unfed):
    api = ApiClient()
    case_id = _new_case(api, "Parcel lost")
    assert found(words=("parcel",)) == []  # not fed yet: the index is behind the table

    first = deliver(published_detail(case_id))
    again = deliver(published_detail(case_id))

    assert first == again == {"batchItemFailures": []}
    assert found(words=("parcel",)) == [case_id]


def test_a_malformed_or_foreign_event_fails_alone_and_the_rest_of_the_batch_is_indexed(unfed):
    api = ApiClient()
    case_id = _new_case(api, "Parcel lost")
    foreign = published_detail(case_id) | {"tenantId": "nobody"}

    result = deliver("not an event", foreign, published_detail(case_id))

    assert len(result["batchItemFailures"]) == 2
    assert found() == [case_id]


def test_reindex_rebuilds_an_empty_index_from_the_audit_records_through_the_consumers_queue(unfed):
    from casetrail.reindex import reindex

    # Given cases, a comment, and an index that never received their events
    api = ApiClient()
    first = _new_case(api, "Parcel lost")
    second = _new_case(api, "Invoice question")
    api.add_related_item(second, "comment", {"body": "the parcel was returned"})
    sqs = boto3.client("sqs")
    queue_url = sqs.create_queue(QueueName="casetrail-test-search")["QueueUrl"]
    cases = Table(TEST_ENVIRONMENT["CASES_TABLE_NAME"])

    # When reindex sends the events to the consumer's queue, and the consumer takes them
    result = reindex(cases, sqs, queue_url, claim_check=lambda detail: pytest.fail("nothing is too large"))
    messages = []
    while batch := sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", []):
        messages += batch
        sqs.delete_message_batch(QueueUrl=queue_url, Entries=[{"Id": m["MessageId"], "ReceiptHandle": m["ReceiptHandle"]} for m in batch])
    outcome = deliver(*(json.loads(m["Body"])["detail"] for m in messages))

    # Then every case is findable again, by its fields and its comments' words
    assert (result.scanned, result.sent) == (3, 3) and outcome == {"batchItemFailures": []}
    assert found() == [second, first]
    assert found(words=("parcel",)) == [second, first]

    # And a second run changes nothing (idempotent, resumable)
    assert reindex(cases, sqs, queue_url, claim_check=None, tenant_id="acme").sent == 0


def test_the_admin_command_finds_the_search_queue_of_make_run(monkeypatch):
    from casetrail import admin

    calls = {}
    monkeypatch.setattr(admin, "local_queue_urls", lambda sqs, consumer: calls.setdefault("consumer", consumer) and ("dlq", "queue"))
    monkeypatch.setattr(admin, "_local_client", lambda service: boto3.client(service))
    monkeypatch.setattr(admin, "reindex", lambda table, sqs, url, claim_check, tenant_id: calls.update(url=url, tenant=tenant_id) or _Result())

    answer = admin.run_reindex(argparse.Namespace(local=True, stack=None, tenant="demo"), Table(TEST_ENVIRONMENT["CASES_TABLE_NAME"]))

    assert calls == {"consumer": "Search", "url": "queue", "tenant": "demo"}
    assert answer == {"tenantId": "demo", "scanned": 0, "sent": 0, "claimChecked": 0}


class _Result:
    scanned = sent = claim_checked = 0
