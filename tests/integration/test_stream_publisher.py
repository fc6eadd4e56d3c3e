"""The stream publisher turns committed audit records into events on the bus, on moto."""

import pytest

from tests.conftest import load_event
from tests.lambda_context import FakeLambdaContext

pytestmark = pytest.mark.usefixtures("aws")


def test_each_audit_record_becomes_one_event_in_order(bus_inbox):
    from casetrail.handlers.stream_publisher import handler

    result = handler(load_event("stream/case_changes.json"), FakeLambdaContext())

    assert result == {"batchItemFailures": []}
    events = bus_inbox()
    assert [e["detail"]["eventType"] for e in events] == ["CASE.CREATED", "CASE.UPDATED"]
    updated = events[1]
    assert updated["source"] == "casetrail" and updated["detail-type"] == "Casetrail Case Change"
    assert updated["detail"]["eventId"] == "7c2e4b1a-9f3d-4e6a-8b5c-1d2e3f4a5b60"
    assert updated["detail"]["tenantId"] == "demo" and updated["detail"]["caseVersion"] == 2
    assert {"fieldId": "status", "oldValue": "open", "newValue": "in_progress"} in updated["detail"]["changes"]
    assert updated["detail"]["case"]["assignee"] == "agent-ana"


def test_records_that_are_not_audit_records_are_skipped(bus_inbox):
    from casetrail.handlers.stream_publisher import handler

    event = load_event("stream/case_changes.json")
    event["Records"][0]["dynamodb"]["NewImage"]["entity"] = {"S": "CASE"}

    handler(event, FakeLambdaContext())

    assert [e["detail"]["eventType"] for e in bus_inbox()] == ["CASE.UPDATED"]


def test_a_batch_where_nothing_can_be_published_fails_whole_so_lambda_retries_it(bus_inbox, monkeypatch):
    from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

    from casetrail.handlers import stream_publisher

    monkeypatch.setenv("EVENT_BUS_NAME", "no-such-bus")
    stream_publisher.get_settings.cache_clear()
    try:
        with pytest.raises(BatchProcessingError):
            stream_publisher.handler(load_event("stream/case_changes.json"), FakeLambdaContext())
    finally:
        stream_publisher.get_settings.cache_clear()


def test_a_rejected_entry_is_reported_so_only_it_is_retried(bus_inbox, monkeypatch):
    from casetrail.handlers import stream_publisher

    real_client = stream_publisher._events_client()

    class RejectsUpdates:
        def put_events(self, Entries):
            if '"CASE.UPDATED"' in Entries[0]["Detail"]:
                return {"FailedEntryCount": 1, "Entries": [{"ErrorCode": "InternalFailure", "ErrorMessage": "try again"}]}
            return real_client.put_events(Entries=Entries)

    monkeypatch.setattr(stream_publisher, "_events_client", lambda: RejectsUpdates())
    event = load_event("stream/case_changes.json")

    result = stream_publisher.handler(event, FakeLambdaContext())

    assert result == {"batchItemFailures": [{"itemIdentifier": event["Records"][1]["dynamodb"]["SequenceNumber"]}]}
    assert [e["detail"]["eventType"] for e in bus_inbox()] == ["CASE.CREATED"]
