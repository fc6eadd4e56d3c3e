"""The stream publisher turns committed audit records into events on the bus, on moto: in as few
PutEvents calls as the bus allows, retrying only what the bus refused."""

import copy
import uuid

import pytest

from tests.conftest import load_event
from tests.lambda_context import FakeLambdaContext

pytestmark = pytest.mark.usefixtures("aws")


class CountingBus:
    """The events client the publisher uses, recording each PutEvents call's entries; it refuses the
    entries `refuses` matches (their event types), `times` times each (None: always)."""

    def __init__(self, real_client, refuses: set[str] = frozenset(), times: int | None = None):
        self._real = real_client
        self._refuses = refuses
        self._left = {}  # event type -> refusals left
        self._times = times
        self.calls: list[list[dict]] = []

    def _refused(self, entry: dict) -> bool:
        event_type = next((t for t in self._refuses if f'"eventType":"{t}"' in entry["Detail"]), None)
        if event_type is None:
            return False
        left = self._left.setdefault(event_type, self._times)
        if left is not None:
            if left == 0:
                return False
            self._left[event_type] = left - 1
        return True

    def put_events(self, Entries):
        self.calls.append(Entries)
        accepted = [e for e in Entries if not self._refused(e)]
        results = iter(self._real.put_events(Entries=accepted)["Entries"] if accepted else [])
        answers = [
            next(results) if e in accepted else {"ErrorCode": "InternalFailure", "ErrorMessage": "try again"} for e in Entries
        ]
        return {"FailedEntryCount": sum(1 for a in answers if "ErrorCode" in a), "Entries": answers}

    def sent(self, event_type: str) -> int:
        return sum(f'"eventType":"{event_type}"' in e["Detail"] for call in self.calls for e in call)


@pytest.fixture
def counting_bus(monkeypatch):
    from casetrail.handlers import stream_publisher

    def install(**options) -> CountingBus:
        bus = CountingBus(stream_publisher._events_client(), **options)
        monkeypatch.setattr(stream_publisher, "_events_client", lambda: bus)
        monkeypatch.setattr("casetrail.outbound.event_bus.RETRY_PAUSE_SECONDS", 0)
        return bus

    return install


def stream_batch(count: int, description_bytes: int = 0) -> dict:
    """`count` audit-record inserts as the stream delivers them: the sample's CASE.UPDATED record,
    each a change of its own (sequence number, event id), its case's description that long."""
    event = load_event("stream/case_changes.json")
    template = event["Records"][1]
    records = []
    for i in range(count):
        record = copy.deepcopy(template)
        record["dynamodb"]["SequenceNumber"] = f"2{i:020d}"
        change = record["dynamodb"]["NewImage"]["change"]["M"]
        change["eventId"] = {"S": str(uuid.uuid4())}
        if description_bytes:
            change["case"]["M"]["description"] = {"S": "x" * description_bytes}
        records.append(record)
    event["Records"] = records
    return event


def drained(bus_inbox) -> list[dict]:
    events, batch = [], bus_inbox()
    while batch:
        events += batch
        batch = bus_inbox()
    return events


def test_each_audit_record_becomes_one_event_in_order_in_one_call(bus_inbox, counting_bus):
    from casetrail.handlers.stream_publisher import handler

    bus = counting_bus()

    result = handler(load_event("stream/case_changes.json"), FakeLambdaContext())

    assert result == {"batchItemFailures": []}
    assert [len(call) for call in bus.calls] == [2]
    events = bus_inbox()
    assert [e["detail"]["eventType"] for e in events] == ["CASE.CREATED", "CASE.UPDATED"]
    updated = events[1]
    assert updated["source"] == "casetrail" and updated["detail-type"] == "Casetrail Case Change"
    assert updated["detail"]["eventId"] == "7c2e4b1a-9f3d-4e6a-8b5c-1d2e3f4a5b60"
    assert updated["detail"]["tenantId"] == "demo" and updated["detail"]["caseVersion"] == 2
    assert {"fieldId": "status", "oldValue": "open", "newValue": "in_progress"} in updated["detail"]["changes"]
    assert updated["detail"]["case"]["assignee"] == "agent-ana"


def test_a_batch_of_25_changes_goes_out_in_three_calls_of_at_most_ten(bus_inbox, counting_bus):
    from casetrail.handlers.stream_publisher import handler

    bus = counting_bus()
    event = stream_batch(25)

    result = handler(event, FakeLambdaContext())

    assert result == {"batchItemFailures": []}
    assert [len(call) for call in bus.calls] == [10, 10, 5]
    received = [e["detail"]["eventId"] for e in drained(bus_inbox)]
    sent = [r["dynamodb"]["NewImage"]["change"]["M"]["eventId"]["S"] for r in event["Records"]]
    assert sorted(received) == sorted(sent)


def test_large_events_share_a_call_only_within_256_kb(bus_inbox, counting_bus):
    from casetrail.handlers.stream_publisher import handler
    from casetrail.outbound.bus_entries import PUT_EVENTS_ENTRY_LIMIT, entry_size

    bus = counting_bus()

    # Five events of about 100 KB: two fit in a request, three do not (moto refuses more, as AWS does).
    result = handler(stream_batch(5, description_bytes=100_000), FakeLambdaContext())

    assert result == {"batchItemFailures": []}
    assert [len(call) for call in bus.calls] == [2, 2, 1]
    assert all(sum(entry_size(e) for e in call) <= PUT_EVENTS_ENTRY_LIMIT for call in bus.calls)
    assert len(drained(bus_inbox)) == 5


def test_records_that_are_not_audit_records_are_skipped(bus_inbox):
    from casetrail.handlers.stream_publisher import handler

    event = load_event("stream/case_changes.json")
    event["Records"][0]["dynamodb"]["NewImage"]["entity"] = {"S": "CASE"}

    handler(event, FakeLambdaContext())

    assert [e["detail"]["eventType"] for e in bus_inbox()] == ["CASE.UPDATED"]


def test_a_batch_where_nothing_can_be_published_fails_whole_so_lambda_retries_it(bus_inbox, monkeypatch):
    from casetrail.handlers import stream_publisher

    monkeypatch.setattr("casetrail.outbound.event_bus.RETRY_PAUSE_SECONDS", 0)
    monkeypatch.setenv("EVENT_BUS_NAME", "no-such-bus")
    stream_publisher.get_settings.cache_clear()
    try:
        with pytest.raises(stream_publisher.PublishFailed):
            stream_publisher.handler(load_event("stream/case_changes.json"), FakeLambdaContext())
    finally:
        stream_publisher.get_settings.cache_clear()


def test_an_entry_the_bus_refuses_for_a_moment_is_sent_again_alone(bus_inbox, counting_bus):
    from casetrail.handlers.stream_publisher import handler

    bus = counting_bus(refuses={"CASE.UPDATED"}, times=1)

    result = handler(load_event("stream/case_changes.json"), FakeLambdaContext())

    assert result == {"batchItemFailures": []}
    assert [len(call) for call in bus.calls] == [2, 1]
    assert bus.sent("CASE.CREATED") == 1  # accepted the first time, never sent again
    assert [e["detail"]["eventType"] for e in bus_inbox()] == ["CASE.CREATED", "CASE.UPDATED"]


def test_an_entry_the_bus_keeps_refusing_is_reported_so_only_its_record_is_retried(bus_inbox, counting_bus):
    from casetrail.handlers.stream_publisher import handler
    from casetrail.outbound.event_bus import ATTEMPTS

    bus = counting_bus(refuses={"CASE.UPDATED"})
    event = load_event("stream/case_changes.json")

    result = handler(event, FakeLambdaContext())

    assert result == {"batchItemFailures": [{"itemIdentifier": event["Records"][1]["dynamodb"]["SequenceNumber"]}]}
    assert bus.sent("CASE.UPDATED") == ATTEMPTS and bus.sent("CASE.CREATED") == 1
    assert [e["detail"]["eventType"] for e in bus_inbox()] == ["CASE.CREATED"]
