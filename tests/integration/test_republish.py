"""When the stream publisher's retries are spent, the failed-batches queue names where (not what);
the admin command republishes the audit records of those windows, or of a time range, with their
own event ids: consumers see each change once however often it is republished."""

import json
from datetime import timedelta

import boto3
import pytest

from casetrail.admin import _parser, run_republish
from casetrail.outbound.bus_entries import INLINE_ENTRY_LIMIT, PUT_EVENTS_ENTRY_LIMIT, detail_json
from casetrail.republish import Bus
from casetrail.store.dynamo import Table
from casetrail.store.outbox import OutboxReader
from casetrail.store.tables import ALL_TABLES
from tests.conftest import TEST_ENVIRONMENT
from tests.integration.api_client import ApiClient
from tests.integration.test_billing import deliver as deliver_to_billing
from tests.integration.test_billing import published_detail, usage
from tests.integration.test_event_sizes import text_fields

pytestmark = pytest.mark.usefixtures("aws")

BUS = TEST_ENVIRONMENT["EVENT_BUS_NAME"]
STREAM_LABEL = "2026-11-30T00:00:00.000"


@pytest.fixture
def bus():
    """The bus, with a rule that copies every Casetrail event to a queue the test reads."""
    events, sqs = boto3.client("events"), boto3.client("sqs")
    events.create_event_bus(Name=BUS)
    tap = sqs.create_queue(QueueName="tap")["QueueUrl"]
    tap_arn = sqs.get_queue_attributes(QueueUrl=tap, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(Name="everything", EventBusName=BUS, EventPattern=json.dumps({"source": ["casetrail"]}))
    events.put_targets(Rule="everything", EventBusName=BUS, Targets=[{"Id": "tap", "Arn": tap_arn}])

    def carried() -> list[dict]:
        details = []
        while messages := sqs.receive_message(QueueUrl=tap, MaxNumberOfMessages=10).get("Messages", []):
            for message in messages:
                details.append(json.loads(message["Body"])["detail"])
                sqs.delete_message(QueueUrl=tap, ReceiptHandle=message["ReceiptHandle"])
        return details

    return carried


@pytest.fixture
def failed_batches() -> str:
    return boto3.client("sqs").create_queue(QueueName="failed-batches")["QueueUrl"]


def outboxes() -> list[OutboxReader]:
    return [OutboxReader(Table(TEST_ENVIRONMENT[spec.env_var])) for spec in ALL_TABLES if spec.stream]


def failed_batch(table_name: str, first: str, last: str, size: int) -> dict:
    """What Lambda sends to an event source mapping's on-failure destination for a stream batch."""
    return {
        "requestContext": {"requestId": "c9b8fa9f-5a7f-4b6b-9d1a-0e8f3c1d2b3a", "condition": "RetryAttemptsExhausted", "approximateInvokeCount": 6},
        "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
        "version": "1.0",
        "timestamp": last,
        "DDBStreamBatchInfo": {
            "shardId": "shardId-00000001700000000000-abcdef12",
            "startSequenceNumber": "100000000000000000001",
            "endSequenceNumber": "100000000000000000009",
            "approximateArrivalOfFirstRecord": first,
            "approximateArrivalOfLastRecord": last,
            "batchSize": size,
            "streamArn": f"arn:aws:dynamodb:us-east-1:123456789012:table/{table_name}/stream/{STREAM_LABEL}",
        },
    }


def republish(*argv: str, failed_batches_url: str | None = None) -> dict:
    arguments = _parser().parse_args(["--local", "republish", *argv])
    bus = Bus(boto3.client("events"), BUS, TEST_ENVIRONMENT["EVENT_DETAILS_BUCKET_NAME"])
    return run_republish(arguments, bus, outboxes(), boto3.client("sqs"), failed_batches_url, wait_seconds=0)


def test_the_changes_of_a_failed_batch_are_republished_with_their_own_event_ids(bus, failed_batches):
    # Given three cases created while the bus was down: their audit records hold the events, and
    # the publisher, its retries spent, left only the batch's position in the failed-batches queue
    agent = ApiClient()
    agent.create_customer({"customerId": "cust-1", "name": "Customer 1"})
    cases = [agent.create_case({"title": f"Case {n}", "customerId": "cust-1"}).body for n in range(3)]
    agent.create_task({"name": "Standalone, in the other table", "queue": "billing"})
    position = failed_batch(TEST_ENVIRONMENT["CASES_TABLE_NAME"], cases[0]["createdAt"], cases[-1]["createdAt"], size=3)
    boto3.client("sqs").send_message(QueueUrl=failed_batches, MessageBody=json.dumps(position))

    # When the operator republishes the failed batches
    result = republish("--failed-batches", failed_batches_url=failed_batches)

    # Then the bus carried each case's CASE.CREATED, with the event id of its audit record
    expected = {published_detail(c["caseId"])["eventId"] for c in cases}
    carried = bus()
    assert {d["eventId"] for d in carried} == expected and len(carried) == 3
    assert result == {"failedBatches": 1, "republished": 3}
    # And the failed-batches message is gone: done once
    assert republish("--failed-batches", failed_batches_url=failed_batches) == {"failedBatches": 0, "republished": 0}


def test_republishing_a_time_range_twice_reaches_the_consumers_as_one_change_each(bus):
    # Given cases (and a standalone task) whose events may or may not have been published
    agent = ApiClient()
    agent.create_customer({"customerId": "cust-1", "name": "Customer 1"})
    cases = [agent.create_case({"title": f"Case {n}", "customerId": "cust-1"}).body for n in range(2)]
    task = agent.create_task({"name": "Call back", "queue": "billing"}).body
    start, end = cases[0]["createdAt"], task["createdAt"]  # the task came last

    # When the range is republished twice
    first = republish("--from", start, "--to", end)
    second = republish("--from", start, "--to", end)

    # Then each run published the same events, with the same ids (cases from the cases table, the
    # standalone task from the tasks table)
    carried = bus()
    assert first == second and first["republished"] == 3
    assert sorted(d["eventType"] for d in carried) == ["CASE.CREATED"] * 4 + ["TASK.CREATED"] * 2
    assert len({d["eventId"] for d in carried}) == 3
    # And a consumer given every copy counts each change once
    supervisor = ApiClient(principal_id="p-demo-supervisor", name="Sam Supervisor", role="supervisor")
    assert deliver_to_billing(*carried) == {"batchItemFailures": []}
    assert usage(supervisor, cases[0]["createdAt"][:7])["casesMetered"] == 2


def test_an_event_too_large_for_the_bus_is_republished_by_claim_check_as_the_publisher_sends_it(bus):
    # Given a case change whose event is larger than a bus entry may be (100 fields of 1,000 characters)
    agent = ApiClient()
    field_ids = text_fields()
    agent.create_customer({"customerId": "cust-1", "name": "Customer 1"})
    case = agent.create_case({"title": "Many fields", "customerId": "cust-1", "fields": {f: "a" * 1_000 for f in field_ids}}).body
    patched = agent.patch_case(case["caseId"], {"fields": {f: "b" * 1_000 for f in field_ids}}, if_match='"1"').body
    full = published_detail(case["caseId"], version=2)
    assert len(detail_json(full).encode()) > PUT_EVENTS_ENTRY_LIMIT

    # When its range is republished
    result = republish("--from", case["createdAt"], "--to", patched["updatedAt"])

    # Then the bus carried both events; the large one trimmed, with a reference to its full detail
    assert result["republished"] == 2
    update = next(d for d in bus() if d["eventType"] == "CASE.UPDATED")
    assert update["eventId"] == full["eventId"] and len(detail_json(update).encode()) <= INLINE_ENTRY_LIMIT
    stored = boto3.client("s3").get_object(Bucket=update["claimCheck"]["bucket"], Key=update["claimCheck"]["key"])["Body"].read()
    assert json.loads(stored) == full


def test_a_range_needs_both_ends_in_order():
    with pytest.raises(SystemExit):
        republish("--from", "2026-11-30T10:00:00Z")
    with pytest.raises(SystemExit):
        republish("--from", "2026-11-30T10:00:00Z", "--to", "2026-11-30T09:00:00Z")


def test_a_window_covers_the_minute_before_the_first_arrival():
    from casetrail.republish import WINDOW_MARGIN, FailedBatch

    batch = FailedBatch.of_message(failed_batch("casetrail-cases", "2026-11-30T09:00:00Z", "2026-11-30T09:00:05Z", size=2))
    start, end = batch.window()
    assert batch.table_name == "casetrail-cases"
    assert end - start == timedelta(seconds=5) + 2 * WINDOW_MARGIN
